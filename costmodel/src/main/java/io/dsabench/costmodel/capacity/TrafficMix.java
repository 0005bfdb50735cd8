package io.dsabench.costmodel.capacity;

/**
 * The traffic a deployment must serve.
 *
 * @param name a label
 * @param requestsPerSecond average arrival rate
 * @param prompt prompt length distribution (tokens)
 * @param output output length distribution (tokens)
 * @param cacheHitRatio share of prompt tokens served from the prefix cache (the prompt's first
 *     cacheHitRatio·L tokens are not prefilled again)
 * @param targetUtilization the busy share of provisioned GPU time to plan for (headroom for bursts)
 */
public record TrafficMix(
    String name,
    double requestsPerSecond,
    LengthDistribution prompt,
    LengthDistribution output,
    double cacheHitRatio,
    double targetUtilization) {

  /** Default target utilization (assumption: 30% headroom for bursts and imbalance). */
  public static final double DEFAULT_TARGET_UTILIZATION = 0.7;

  public TrafficMix {
    if (name == null || name.isBlank()) {
      name = "traffic";
    }
    if (!(requestsPerSecond > 0) || !Double.isFinite(requestsPerSecond)) {
      throw new IllegalArgumentException(
          "requestsPerSecond: " + requestsPerSecond + " is not a positive rate");
    }
    if (prompt == null) {
      throw new IllegalArgumentException("prompt: missing length distribution");
    }
    if (output == null) {
      throw new IllegalArgumentException("output: missing length distribution");
    }
    if (!(cacheHitRatio >= 0 && cacheHitRatio < 1)) {
      throw new IllegalArgumentException("cacheHitRatio: " + cacheHitRatio + " is not in [0, 1)");
    }
    if (!(targetUtilization > 0 && targetUtilization <= 1)) {
      throw new IllegalArgumentException(
          "targetUtilization: " + targetUtilization + " is not in (0, 1]");
    }
  }
}
