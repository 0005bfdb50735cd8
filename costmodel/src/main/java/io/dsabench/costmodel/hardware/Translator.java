package io.dsabench.costmodel.hardware;

import io.dsabench.costmodel.workload.OpWork;

/**
 * Moves a kernel time measured on one GPU to another by its bound resource. The op's FLOPs and
 * bytes (from the workload model) are held against the source's ceilings; whichever takes longer
 * (FLOPs / FLOP/s of the op's precision, or bytes / bandwidth) is the bound. The time then scales
 * by the ratio of that resource's vendor peaks, source over target: a compute-bound bf16 op on an
 * H200 costs the same on an H800 (same tensor cores), a memory-bound one 4.8/3.35 times more.
 *
 * <p>This keeps the achieved fraction of the bound ceiling: a kernel at 60% of H200 bandwidth is
 * assumed to reach 60% of H800 bandwidth. It ignores what changes between parts beyond the two
 * ceilings (cache sizes, SM count at equal peak, clocks under power limits).
 */
public final class Translator {
  private final HardwareProfile source;
  private final HardwareProfile target;
  private final CeilingKind classifyBy;

  /**
   * @param source the GPU the time was measured on
   * @param target the GPU to cost on
   * @param classifyBy the source ceilings that decide the bound
   */
  public Translator(HardwareProfile source, HardwareProfile target, CeilingKind classifyBy) {
    if (source == null || target == null || classifyBy == null) {
      throw new IllegalArgumentException("translator: source, target and ceilings must be given");
    }
    this.source = source;
    this.target = target;
    this.classifyBy = classifyBy;
  }

  public HardwareProfile source() {
    return source;
  }

  public HardwareProfile target() {
    return target;
  }

  public CeilingKind classifyBy() {
    return classifyBy;
  }

  /** The resource bounding {@code work} on the source GPU. */
  public Bound bound(OpWork work, Precision precision) {
    Ceilings c = source.ceilings(classifyBy);
    double computeSeconds = work.flops() / c.flopsPerSecond(precision);
    double memorySeconds = work.bytes() / c.bytesPerSecond();
    return computeSeconds >= memorySeconds && work.flops() > 0 ? Bound.COMPUTE : Bound.MEMORY;
  }

  /** Moves {@code seconds} measured for {@code work} from the source to the target. */
  public Translation translate(OpWork work, Precision precision, double seconds) {
    if (!(seconds > 0) || !Double.isFinite(seconds)) {
      throw new IllegalArgumentException(
          "seconds of " + work.op().id() + ": " + seconds + " is not a positive time");
    }
    Bound b = bound(work, precision);
    double factor =
        b == Bound.COMPUTE
            ? source.peak().flopsPerSecond(precision) / target.peak().flopsPerSecond(precision)
            : source.peak().bytesPerSecond() / target.peak().bytesPerSecond();
    return new Translation(work.op(), precision, b, seconds, factor, seconds * factor);
  }
}
