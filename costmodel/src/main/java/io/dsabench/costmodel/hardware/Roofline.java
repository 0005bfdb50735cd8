package io.dsabench.costmodel.hardware;

import io.dsabench.model.workload.OpWork;

/**
 * The roofline of an op on a set of ceilings: the time it takes at least, max(FLOPs / FLOP/s of its
 * precision, bytes / bandwidth), and which of the two sets it.
 */
public final class Roofline {
  private Roofline() {}

  /** max(FLOPs / FLOP/s, bytes / bytes per second): the least time {@code work} can take. */
  public static double seconds(OpWork work, Precision precision, Ceilings c) {
    return Math.max(work.flops() / c.flopsPerSecond(precision), work.bytes() / c.bytesPerSecond());
  }

  /** The term that sets {@link #seconds}: compute when FLOPs take at least as long as bytes. */
  public static Bound bound(OpWork work, Precision precision, Ceilings c) {
    double compute = work.flops() / c.flopsPerSecond(precision);
    double memory = work.bytes() / c.bytesPerSecond();
    return compute >= memory && work.flops() > 0 ? Bound.COMPUTE : Bound.MEMORY;
  }
}
