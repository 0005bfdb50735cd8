package io.dsabench.reports.model;

/**
 * The hardware ceilings that kernel throughput is measured against: those measured on such a GPU
 * where its profile has them (what the chip sustains), else its datasheet peaks.
 *
 * @param hardware the profile, e.g. {@code h200}
 * @param bf16FlopsPerSecond dense bf16 tensor-core ceiling (MLA, dense and sparse)
 * @param fp8FlopsPerSecond dense fp8 tensor-core ceiling (the lightning indexer)
 * @param bytesPerSecond memory bandwidth
 * @param source where the numbers come from
 * @param basis what a fraction of them is called: {@code measured ceiling} or {@code datasheet
 *     peak}; every table and chart that shows a fraction names it
 */
public record Ceilings(
    String hardware,
    double bf16FlopsPerSecond,
    double fp8FlopsPerSecond,
    double bytesPerSecond,
    String source,
    String basis) {
  public Ceilings {
    Checks.notBlank("ceilings.hardware", hardware);
    Checks.notBlank("ceilings.basis", basis);
    if (!(bf16FlopsPerSecond > 0) || !(fp8FlopsPerSecond > 0) || !(bytesPerSecond > 0)) {
      throw new IllegalArgumentException(
          "ceilings of "
              + hardware
              + ": peaks "
              + bf16FlopsPerSecond
              + " and "
              + fp8FlopsPerSecond
              + " FLOP/s and "
              + bytesPerSecond
              + " B/s must be positive");
    }
  }
}
