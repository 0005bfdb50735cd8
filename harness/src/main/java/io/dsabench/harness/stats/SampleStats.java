package io.dsabench.harness.stats;

import io.dsabench.model.BadInputException;
import java.util.Arrays;
import java.util.List;

/**
 * Order statistics of a set of timing samples: median, p10, p90 and a distribution-free confidence
 * interval of the median. Immutable; the samples are copied and sorted once.
 */
public final class SampleStats {
  /** z for a two-sided 95% interval. */
  private static final double Z95 = 1.959963984540054;

  private final double[] sorted;

  private SampleStats(double[] sorted) {
    this.sorted = sorted;
  }

  /**
   * The statistics of {@code samples}.
   *
   * @throws IllegalArgumentException when there are no samples, or one is not a finite number
   */
  public static SampleStats of(double[] samples) {
    if (samples == null || samples.length == 0) {
      throw new BadInputException("samples: none; at least one is needed for statistics");
    }
    double[] copy = samples.clone();
    for (double s : copy) {
      if (!Double.isFinite(s)) {
        throw new BadInputException("samples: " + s + " is not a finite time");
      }
    }
    Arrays.sort(copy);
    return new SampleStats(copy);
  }

  public static SampleStats of(List<Double> samples) {
    return of(samples.stream().mapToDouble(Double::doubleValue).toArray());
  }

  public int count() {
    return sorted.length;
  }

  public double min() {
    return sorted[0];
  }

  public double max() {
    return sorted[sorted.length - 1];
  }

  public double median() {
    return quantile(0.5);
  }

  public double p10() {
    return quantile(0.1);
  }

  public double p90() {
    return quantile(0.9);
  }

  /** Quantile by linear interpolation between order statistics (Hyndman-Fan type 7, as R). */
  public double quantile(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new BadInputException("quantile: " + q + " is not between 0 and 1");
    }
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /**
   * Half the width of a 95% confidence interval of the median, relative to the median. The interval
   * runs between the order statistics of ranks n/2 ∓ 1.96·√n/2 (the binomial approximation that
   * needs no assumption about the distribution of kernel times, which is skewed and often bimodal);
   * below about 6 samples it is the whole range. This is the "noise" the stopping rule drives down.
   */
  public double relativeMedianHalfWidth() {
    int n = sorted.length;
    if (n == 1) {
      return Double.POSITIVE_INFINITY;
    }
    double half = Z95 * Math.sqrt(n) / 2;
    int lo = Math.max(0, (int) Math.floor(n / 2.0 - half) - 1);
    int hi = Math.min(n - 1, (int) Math.ceil(n / 2.0 + half));
    double median = median();
    return median <= 0 ? Double.POSITIVE_INFINITY : (sorted[hi] - sorted[lo]) / (2 * median);
  }

  /** A copy of the samples in ascending order. */
  public double[] sorted() {
    return sorted.clone();
  }
}
