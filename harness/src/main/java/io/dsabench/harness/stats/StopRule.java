package io.dsabench.harness.stats;

import io.dsabench.model.BadInputException;

/**
 * When a sampling session stops, as nvbench decides it: after a warm-up (at least {@code
 * warmupRuns} runs and {@code warmupSeconds}), take samples until the median is known well enough
 * ({@link SampleStats#relativeMedianHalfWidth()} ≤ {@code maxNoise}, with at least {@code
 * minSamples}), or until {@code maxSeconds} of sampling have passed, or {@code maxSamples} were
 * taken. A run that is slower than the time cap still yields {@code minSamples}, so every reported
 * median rests on that many samples.
 *
 * @param warmupRuns runs before sampling, never timed (the first also validates the outputs)
 * @param warmupSeconds minimum warm-up time (GPU clocks ramp, caches and TLBs fill)
 * @param minSamples samples taken whatever the noise or time
 * @param maxSamples samples after which sampling stops whatever the noise
 * @param maxNoise relative half-width of the median's 95% confidence interval to reach, e.g. 0.01
 * @param maxSeconds time cap of one session (wall time, warm-up excluded)
 */
public record StopRule(
    int warmupRuns,
    double warmupSeconds,
    int minSamples,
    int maxSamples,
    double maxNoise,
    double maxSeconds) {

  /** GPU defaults: 3 warm-up runs over at least 0.1 s, 10 to 1000 samples, 1% noise, 1 s cap. */
  public static final StopRule GPU = new StopRule(3, 0.1, 10, 1000, 0.01, 1.0);

  /**
   * CPU defaults: the reference backend is slow, so fewer samples and a shorter cap; two warm-up
   * runs over 0.2 s let the JIT compile the kernels before anything is timed.
   */
  public static final StopRule CPU = new StopRule(2, 0.2, 3, 100, 0.02, 0.5);

  public StopRule {
    if (warmupRuns < 0) {
      throw new BadInputException("warmupRuns: " + warmupRuns + " is negative");
    }
    if (!(warmupSeconds >= 0) || !Double.isFinite(warmupSeconds)) {
      throw new BadInputException(
          "warmupSeconds: " + warmupSeconds + " is not a non-negative time");
    }
    if (minSamples < 1) {
      throw new BadInputException("minSamples: " + minSamples + " is not a positive count");
    }
    if (maxSamples < minSamples) {
      throw new BadInputException(
          "maxSamples: " + maxSamples + " is fewer than minSamples " + minSamples);
    }
    if (!(maxNoise > 0)) {
      throw new BadInputException("maxNoise: " + maxNoise + " is not a positive relative spread");
    }
    if (!(maxSeconds > 0)) {
      throw new BadInputException("maxSeconds: " + maxSeconds + " is not a positive time");
    }
  }

  /** Whether warm-up is over after {@code runs} runs and {@code seconds}. */
  public boolean warmedUp(int runs, double seconds) {
    return runs >= warmupRuns && seconds >= warmupSeconds;
  }

  /**
   * Why sampling should stop now, or null to go on.
   *
   * @param samples the samples so far
   * @param seconds wall time spent sampling so far
   */
  public String stopReason(double[] samples, double seconds) {
    int n = samples.length;
    if (n < minSamples) {
      return null;
    }
    if (n >= maxSamples) {
      return "max samples";
    }
    if (seconds >= maxSeconds) {
      return "time cap";
    }
    if (SampleStats.of(samples).relativeMedianHalfWidth() <= maxNoise) {
      return "noise";
    }
    return null;
  }

  public StopRule withMaxNoise(double noise) {
    return new StopRule(warmupRuns, warmupSeconds, minSamples, maxSamples, noise, maxSeconds);
  }

  public StopRule withMaxSeconds(double seconds) {
    return new StopRule(warmupRuns, warmupSeconds, minSamples, maxSamples, maxNoise, seconds);
  }

  public StopRule withMinSamples(int min) {
    return new StopRule(
        warmupRuns, warmupSeconds, min, Math.max(min, maxSamples), maxNoise, maxSeconds);
  }
}
