package io.dsabench.harness.stats;

import java.util.Locale;

/** How a duration reads on a terminal, the same in the progress bar and in every verdict table. */
public final class Durations {
  private Durations() {}

  /** Seconds for display: µs below 1 ms, ms below 1 s; "-" for NaN (nothing measured). */
  public static String seconds(double s) {
    if (Double.isNaN(s)) {
      return "-";
    }
    if (s < 1e-3) {
      return String.format(Locale.ROOT, "%.2f us", s * 1e6);
    }
    if (s < 1) {
      return String.format(Locale.ROOT, "%.3f ms", s * 1e3);
    }
    return String.format(Locale.ROOT, "%.3f s", s);
  }
}
