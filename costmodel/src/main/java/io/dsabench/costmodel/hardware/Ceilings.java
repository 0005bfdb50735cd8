package io.dsabench.costmodel.hardware;

import io.dsabench.model.BadInputException;

/**
 * What a GPU can do at most: dense matrix-product throughput in bf16 and fp8, and memory bandwidth
 * (bytes read + written per second), with where the numbers come from.
 *
 * @param bf16FlopsPerSecond dense bf16 FLOP/s (no structured sparsity)
 * @param fp8FlopsPerSecond dense fp8 FLOP/s (no structured sparsity)
 * @param bytesPerSecond HBM bandwidth, bytes per second
 * @param source where the three numbers come from
 */
public record Ceilings(
    double bf16FlopsPerSecond, double fp8FlopsPerSecond, double bytesPerSecond, String source) {
  public Ceilings {
    positive("bf16FlopsPerSecond", bf16FlopsPerSecond);
    positive("fp8FlopsPerSecond", fp8FlopsPerSecond);
    positive("bytesPerSecond", bytesPerSecond);
    if (source == null || source.isBlank()) {
      throw new BadInputException("source: a ceiling must say where it comes from");
    }
  }

  /** The compute ceiling for {@code precision}. */
  public double flopsPerSecond(Precision precision) {
    return precision == Precision.FP8 ? fp8FlopsPerSecond : bf16FlopsPerSecond;
  }

  /** A copy with one number replaced (the source then says it was overridden). */
  public Ceilings withBf16(double v) {
    return new Ceilings(v, fp8FlopsPerSecond, bytesPerSecond, source + "; bf16 overridden");
  }

  /** A copy with the fp8 ceiling replaced. */
  public Ceilings withFp8(double v) {
    return new Ceilings(bf16FlopsPerSecond, v, bytesPerSecond, source + "; fp8 overridden");
  }

  /** A copy with the bandwidth replaced. */
  public Ceilings withBytesPerSecond(double v) {
    return new Ceilings(
        bf16FlopsPerSecond, fp8FlopsPerSecond, v, source + "; bandwidth overridden");
  }

  /** Throws unless {@code v} is positive and finite; the message names the field and value. */
  public static void positive(String field, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new BadInputException(field + ": " + v + " is not a positive finite number");
    }
  }
}
