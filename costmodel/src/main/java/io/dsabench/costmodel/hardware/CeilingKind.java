package io.dsabench.costmodel.hardware;

/**
 * Which ceilings decide whether an op is compute- or memory-bound on its source GPU. Scaling to the
 * target always uses the ratio of vendor peaks (like for like); measured ceilings only sharpen the
 * classification, because a kernel is bound by what the chip actually sustains.
 */
public enum CeilingKind {
  /** Vendor datasheet peaks. */
  PEAK,
  /** Ceilings measured on the device (falls back to peak where none were measured). */
  MEASURED
}
