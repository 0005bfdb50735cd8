package io.dsabench.costmodel.hardware;

import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.OpWork;

/**
 * Moves a kernel time measured on one GPU to another by a continuous roofline:
 *
 * <pre>
 * time on target = measured time × roofline(target) / roofline(source)
 * roofline(gpu)  = max(FLOPs / peak FLOP/s of the op's precision, bytes / peak bandwidth)
 * </pre>
 *
 * with the op's FLOPs and bytes from the workload model and each GPU's vendor peaks (like with
 * like). There is no switch: an op far from the ridge scales by the ratio of the one resource that
 * bounds it on both GPUs (a compute-bound bf16 op costs the same on an H200 and an H800, same
 * tensor cores; a memory-bound one 4.8/3.35 times more), and an op near the ridge, compute-bound on
 * one GPU and memory-bound on the other, moves smoothly between the two. A small change in the
 * measured time therefore never flips the factor.
 *
 * <p>This keeps the kernel's achieved fraction of its roofline: a kernel at 60% of the H200's
 * roofline is assumed to reach 60% of the H800's. It ignores what changes between parts beyond the
 * two ceilings (cache sizes, SM count at equal peak, clocks under power limits).
 */
public final class Translator {
  private final HardwareProfile source;
  private final HardwareProfile target;

  /**
   * @param source the GPU the time was measured on
   * @param target the GPU to cost on
   */
  public Translator(HardwareProfile source, HardwareProfile target) {
    if (source == null || target == null) {
      throw new BadInputException("translator: source and target must be given");
    }
    this.source = source;
    this.target = target;
  }

  public HardwareProfile source() {
    return source;
  }

  public HardwareProfile target() {
    return target;
  }

  /** roofline(target) / roofline(source) for {@code work}: the factor its time is scaled by. */
  public double factor(OpWork work, Precision precision) {
    double src = Roofline.seconds(work, precision, source.peak());
    double dst = Roofline.seconds(work, precision, target.peak());
    if (!(src > 0)) {
      return 1.0; // no work declared: nothing to scale by
    }
    return dst / src;
  }

  /** Moves {@code seconds} measured for {@code work} from the source to the target. */
  public Translation translate(OpWork work, Precision precision, double seconds) {
    if (!(seconds > 0) || !Double.isFinite(seconds)) {
      throw new BadInputException(
          "seconds of " + work.op().id() + ": " + seconds + " is not a positive time");
    }
    double factor = factor(work, precision);
    return new Translation(
        work.op(),
        precision,
        Roofline.bound(work, precision, target.peak()),
        seconds,
        factor,
        seconds * factor);
  }
}
