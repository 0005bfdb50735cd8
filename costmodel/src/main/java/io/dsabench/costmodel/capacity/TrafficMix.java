package io.dsabench.costmodel.capacity;

import io.dsabench.model.BadInputException;

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
 * @param tokensPerDecodeStep output tokens a decode step yields per sequence on average: 1 plus the
 *     accepted MTP drafts (DeepSeek-V3 report §5.4.3: 85-90% of one draft accepted, so 1.85-1.9);
 *     null for {@link #DEFAULT_DRAFT_ACCEPTANCE} of the deployment's drafts
 */
public record TrafficMix(
    String name,
    double requestsPerSecond,
    LengthDistribution prompt,
    LengthDistribution output,
    double cacheHitRatio,
    double targetUtilization,
    Double tokensPerDecodeStep) {

  /** Default target utilization (assumption: 30% headroom for bursts and imbalance). */
  public static final double DEFAULT_TARGET_UTILIZATION = 0.7;

  /** Share of MTP drafts accepted when a workload does not say: the low end of V3's 85-90%. */
  public static final double DEFAULT_DRAFT_ACCEPTANCE = 0.85;

  public TrafficMix {
    if (name == null || name.isBlank()) {
      name = "traffic";
    }
    if (!(requestsPerSecond > 0) || !Double.isFinite(requestsPerSecond)) {
      throw new BadInputException(
          "requestsPerSecond: " + requestsPerSecond + " is not a positive rate");
    }
    if (prompt == null) {
      throw new BadInputException("prompt: missing length distribution");
    }
    if (output == null) {
      throw new BadInputException("output: missing length distribution");
    }
    if (!(cacheHitRatio >= 0 && cacheHitRatio < 1)) {
      throw new BadInputException("cacheHitRatio: " + cacheHitRatio + " is not in [0, 1)");
    }
    if (!(targetUtilization > 0 && targetUtilization <= 1)) {
      throw new BadInputException("targetUtilization: " + targetUtilization + " is not in (0, 1]");
    }
    if (tokensPerDecodeStep != null
        && !(tokensPerDecodeStep >= 1 && Double.isFinite(tokensPerDecodeStep))) {
      throw new BadInputException(
          "tokensPerDecodeStep: "
              + tokensPerDecodeStep
              + " is not at least 1 (a decode step yields its token, plus accepted drafts)");
    }
  }

  /** A mix with the default MTP acceptance. */
  public TrafficMix(
      String name,
      double requestsPerSecond,
      LengthDistribution prompt,
      LengthDistribution output,
      double cacheHitRatio,
      double targetUtilization) {
    this(name, requestsPerSecond, prompt, output, cacheHitRatio, targetUtilization, null);
  }
}
