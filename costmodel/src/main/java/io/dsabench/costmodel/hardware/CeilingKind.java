package io.dsabench.costmodel.hardware;

/**
 * Which of a profile's ceilings to use: the vendor's, or those measured on such a device. Moving a
 * time between GPUs uses vendor peaks on both sides (like with like, {@link Translator}); holding a
 * measured throughput against what the chip sustains uses the measured ones ({@link CeilingCheck}).
 */
public enum CeilingKind {
  /** Vendor datasheet peaks. */
  PEAK,
  /** Ceilings measured on the device (falls back to peak where none were measured). */
  MEASURED
}
