package io.dsabench.reports.model;

/**
 * The hardware ceilings that kernel throughput is measured against.
 *
 * @param hardware the profile, e.g. {@code h200}
 * @param peakFlopsPerSecond dense bf16 tensor-core peak
 * @param peakBytesPerSecond memory bandwidth
 * @param source where the two numbers come from
 */
public record Ceilings(
    String hardware, double peakFlopsPerSecond, double peakBytesPerSecond, String source) {
  public Ceilings {
    Checks.notBlank("ceilings.hardware", hardware);
    if (!(peakFlopsPerSecond > 0) || !(peakBytesPerSecond > 0)) {
      throw new IllegalArgumentException(
          "ceilings of "
              + hardware
              + ": peaks "
              + peakFlopsPerSecond
              + " FLOP/s and "
              + peakBytesPerSecond
              + " B/s must be positive");
    }
  }
}
