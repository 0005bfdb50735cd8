package io.dsabench.costmodel.hardware;

import io.dsabench.model.BadInputException;
import java.util.Optional;

/**
 * A GPU as the cost model sees it: vendor peak ceilings, optionally ceilings measured on a real
 * device, and a default rental price. Every field is overridable through the {@code with} copies.
 *
 * @param id short name used on the command line ({@code h800}, {@code h100}, {@code h200}, {@code
 *     b200})
 * @param name display name
 * @param peak vendor datasheet ceilings (dense, no sparsity)
 * @param measured ceilings measured on such a device, or null when none were measured
 * @param usdPerGpuHour default price
 * @param priceSource where the default price comes from
 * @param memoryBytes device memory, bytes (what holds weights and KV caches)
 * @param memorySource where the memory figure comes from
 */
public record HardwareProfile(
    String id,
    String name,
    Ceilings peak,
    Ceilings measured,
    double usdPerGpuHour,
    String priceSource,
    double memoryBytes,
    String memorySource) {
  public HardwareProfile {
    if (id == null || id.isBlank()) {
      throw new BadInputException("hardware.id: must not be blank");
    }
    if (name == null || name.isBlank()) {
      throw new BadInputException("hardware.name: must not be blank");
    }
    if (peak == null) {
      throw new BadInputException("hardware.peak: " + id + " needs vendor ceilings");
    }
    checkPrice(usdPerGpuHour);
    if (priceSource == null || priceSource.isBlank()) {
      throw new BadInputException("hardware.priceSource: must say where the price is from");
    }
    Ceilings.positive("hardware.memoryBytes", memoryBytes);
    if (memorySource == null || memorySource.isBlank()) {
      throw new BadInputException("hardware.memorySource: must say where it is from");
    }
  }

  /** Throws unless {@code usd} is a price by {@link Price}'s rule; the message names the rule. */
  public static double checkPrice(double usd) {
    return Price.check(usd);
  }

  /** Measured ceilings when there are some. */
  public Optional<Ceilings> measuredCeilings() {
    return Optional.ofNullable(measured);
  }

  /** The ceilings to classify an op's bound with: measured if asked and known, else peak. */
  public Ceilings ceilings(CeilingKind kind) {
    return kind == CeilingKind.MEASURED && measured != null ? measured : peak;
  }

  /** A copy at another default price. */
  public HardwareProfile withPrice(double usd, String source) {
    return new HardwareProfile(id, name, peak, measured, usd, source, memoryBytes, memorySource);
  }

  /** A copy with other vendor ceilings (e.g. a clock-limited part). */
  public HardwareProfile withPeak(Ceilings newPeak) {
    return new HardwareProfile(
        id, name, newPeak, measured, usdPerGpuHour, priceSource, memoryBytes, memorySource);
  }

  /** A copy with another memory size. */
  public HardwareProfile withMemoryBytes(double bytes) {
    return new HardwareProfile(
        id,
        name,
        peak,
        measured,
        usdPerGpuHour,
        priceSource,
        bytes,
        "--set (" + memorySource + ")");
  }

  /** A copy with measured ceilings. */
  public HardwareProfile withMeasured(Ceilings newMeasured) {
    return new HardwareProfile(
        id, name, peak, newMeasured, usdPerGpuHour, priceSource, memoryBytes, memorySource);
  }
}
