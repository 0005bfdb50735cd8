package io.dsabench.costmodel.cost;

/** What to do at a position outside the measured range. */
public enum Extrapolation {
  /** Throw an IllegalArgumentException naming the position and the measured range. */
  ERROR,
  /**
   * Extend the nearest measured segment linearly (clamped at 0 s) and flag every point computed
   * that way ({@link CurvePoint#extrapolated()}).
   */
  FLAG
}
