package io.dsabench.costmodel.hardware;

import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.OpWork;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.WorkloadModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An invariant: no stage runs above its device's ceilings. Throughput is the workload model's
 * declared FLOPs and bytes of the stage over its median time; the ceilings are those measured on
 * such a device where the profile has them (what the chip sustains), else the datasheet's. A stage
 * above 100% of a ceiling means the work was counted wrong (or the time was), never that the kernel
 * beat the hardware; everything that shows throughput flags it.
 */
public final class CeilingCheck {
  private CeilingCheck() {}

  /**
   * One stage's use of its device's ceilings.
   *
   * @param flopsPerSecond declared FLOPs / median seconds
   * @param bytesPerSecond declared bytes / median seconds
   * @param computeFraction flopsPerSecond / the compute ceiling of the op's precision
   * @param bandwidthFraction bytesPerSecond / the bandwidth ceiling
   */
  public record Use(
      double flopsPerSecond,
      double bytesPerSecond,
      double computeFraction,
      double bandwidthFraction) {
    /** True when either fraction exceeds 1. */
    public boolean aboveCeiling() {
      return computeFraction > 1 || bandwidthFraction > 1;
    }
  }

  /**
   * A stage above a ceiling.
   *
   * @param point the point's key
   * @param op the stage
   * @param resource {@code compute} or {@code bandwidth}
   * @param achieved throughput in FLOP/s or bytes/s
   * @param ceiling the ceiling it exceeds
   * @param device the device profile's id
   * @param ceilingSource where the ceiling comes from
   */
  public record Violation(
      String point,
      Op op,
      String resource,
      double achieved,
      double ceiling,
      String device,
      String ceilingSource) {
    /** achieved / ceiling. */
    public double fraction() {
      return achieved / ceiling;
    }

    /** One line naming the stage, the value, the ceiling and what it means. */
    public String message() {
      boolean compute = resource.equals("compute");
      return String.format(
          Locale.ROOT,
          "%s %s: %.2f %s is %.0f%% of the %s's %s ceiling %.2f %s: above 100%% means the work or"
              + " the time was counted wrong",
          point,
          op.id(),
          achieved / 1e12,
          compute ? "TFLOP/s" : "TB/s",
          100 * fraction(),
          device,
          resource,
          ceiling / 1e12,
          compute ? "TFLOP/s" : "TB/s");
    }
  }

  /**
   * The ceilings a device is held against: measured where known, else the datasheet's. This is the
   * one definition of efficiency everywhere (cost, report, dashboard): achieved throughput over
   * these, named by {@link #basisOf}.
   */
  public static Ceilings ceilingsOf(HardwareProfile device) {
    return device.ceilings(CeilingKind.MEASURED);
  }

  /** What an efficiency is a fraction of, in words: {@code measured ceiling} of the H200. */
  public static final String MEASURED_BASIS = "measured ceiling";

  /** The same for a profile without measured ceilings. */
  public static final String DATASHEET_BASIS = "datasheet peak";

  /** Which ceilings {@link #ceilingsOf} gives for {@code device}: the words every table shows. */
  public static String basisOf(HardwareProfile device) {
    return device.measuredCeilings().isPresent() ? MEASURED_BASIS : DATASHEET_BASIS;
  }

  /** How much of {@code ceilings} a stage of {@code work} taking {@code seconds} uses. */
  public static Use use(OpWork work, Precision precision, double seconds, Ceilings ceilings) {
    double f = work.flops() / seconds;
    double b = work.bytes() / seconds;
    return new Use(f, b, f / ceilings.flopsPerSecond(precision), b / ceilings.bytesPerSecond());
  }

  /** The use of one stage of a point on {@code device}. */
  public static Use use(
      PointResult point, StageResult stage, WorkloadModel model, HardwareProfile device) {
    return use(
        model.work(stage.op(), point.point()),
        Precision.of(stage.op()),
        stage.medianSeconds(),
        ceilingsOf(device));
  }

  /**
   * Every ok stage of {@code results} above its device's ceilings. {@link Op#TOTAL} is left out: it
   * adds fp8 indexer FLOPs to bf16 attention FLOPs, which no single ceiling bounds. Empty when the
   * run's device has no profile (a cpu run, an unknown GPU).
   */
  public static List<Violation> violations(Results results, WorkloadModel model) {
    List<Violation> out = new ArrayList<>();
    for (PointResult p : results.points()) {
      if (p.status() != PointStatus.OK) {
        continue;
      }
      Optional<HardwareProfile> device =
          "cpu".equalsIgnoreCase(results.run().backend())
              ? Optional.empty()
              : HardwareProfiles.forDevice(
                  p.device() != null ? p.device() : results.run().device());
      if (device.isEmpty()) {
        continue;
      }
      out.addAll(violations(p, model, device.get()));
    }
    return List.copyOf(out);
  }

  /** The stages of one point above the ceilings of {@code device}. */
  public static List<Violation> violations(
      PointResult p, WorkloadModel model, HardwareProfile device) {
    List<Violation> out = new ArrayList<>();
    Ceilings c = ceilingsOf(device);
    SweepPoint sp = p.point();
    for (StageResult s : p.stages()) {
      if (s.op() == Op.TOTAL) {
        continue;
      }
      Precision precision = Precision.of(s.op());
      Use u = use(model.work(s.op(), sp), precision, s.medianSeconds(), c);
      if (u.computeFraction() > 1) {
        out.add(
            new Violation(
                sp.key(),
                s.op(),
                "compute",
                u.flopsPerSecond(),
                c.flopsPerSecond(precision),
                device.id(),
                c.source()));
      }
      if (u.bandwidthFraction() > 1) {
        out.add(
            new Violation(
                sp.key(),
                s.op(),
                "bandwidth",
                u.bytesPerSecond(),
                c.bytesPerSecond(),
                device.id(),
                c.source()));
      }
    }
    return out;
  }
}
