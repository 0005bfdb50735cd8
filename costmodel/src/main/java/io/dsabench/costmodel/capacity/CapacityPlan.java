package io.dsabench.costmodel.capacity;

import java.util.Locale;

/**
 * Dense (V3.1) against DSA (V3.2) for one traffic mix on one GPU type at one price.
 *
 * @param traffic the mix
 * @param hardware target GPU id
 * @param usdPerGpuHour price
 * @param meanPromptTokens mean prompt length
 * @param meanOutputTokens mean output length
 * @param tokensPerDecodeStep output tokens per decode step and sequence used (1 + accepted drafts)
 * @param queryTokensPerStep query tokens per decode step and sequence (1 + drafts)
 * @param prefillUnit GPUs in one prefill deployment unit (its EP degree)
 * @param decodeUnit GPUs in one decode deployment unit
 * @param dense V3.1-Terminus
 * @param dsa V3.2
 */
public record CapacityPlan(
    TrafficMix traffic,
    String hardware,
    double usdPerGpuHour,
    double meanPromptTokens,
    double meanOutputTokens,
    double tokensPerDecodeStep,
    int queryTokensPerStep,
    int prefillUnit,
    int decodeUnit,
    VariantPlan dense,
    VariantPlan dsa) {

  /**
   * The comparison in words: "DSA saves 154 GPUs, 7,392 USD per day, 70%", "DSA costs 144 more
   * GPUs, 6,912 USD per day more (+50%)", or "DSA and dense need the same 176 GPUs (8,448 USD per
   * day)". GPUs are the provisioned ones, in whole deployment units.
   */
  public String verdict() {
    int diff = dense.gpusNeeded() - dsa.gpusNeeded();
    double usd = dense.usdPerDay() - dsa.usdPerDay();
    if (diff == 0) {
      return String.format(
          Locale.ROOT,
          "DSA and dense need the same %d GPUs (%,.0f USD per day) for this mix: whole deployment"
              + " units of %d prefill and %d decode GPUs hide the difference in busy GPUs (dense"
              + " %.1f, DSA %.1f)",
          dsa.gpusNeeded(),
          dsa.usdPerDay(),
          prefillUnit,
          decodeUnit,
          dense.prefillGpus() + dense.decodeGpus(),
          dsa.prefillGpus() + dsa.decodeGpus());
    }
    if (diff > 0) {
      return String.format(
          Locale.ROOT,
          "DSA saves %d GPUs, %,.0f USD per day, %.0f%%",
          diff,
          usd,
          100.0 * diff / dense.gpusNeeded());
    }
    return String.format(
        Locale.ROOT,
        "DSA costs %d more GPUs, %,.0f USD per day more (+%.0f%%)",
        -diff,
        -usd,
        100.0 * -diff / dense.gpusNeeded());
  }
}
