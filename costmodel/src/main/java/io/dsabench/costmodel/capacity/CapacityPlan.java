package io.dsabench.costmodel.capacity;

/**
 * Dense (V3.1) against DSA (V3.2) for one traffic mix on one GPU type at one price.
 *
 * @param traffic the mix
 * @param hardware target GPU id
 * @param usdPerGpuHour price
 * @param meanPromptTokens mean prompt length
 * @param meanOutputTokens mean output length
 * @param dense V3.1-Terminus
 * @param dsa V3.2
 */
public record CapacityPlan(
    TrafficMix traffic,
    String hardware,
    double usdPerGpuHour,
    double meanPromptTokens,
    double meanOutputTokens,
    VariantPlan dense,
    VariantPlan dsa) {

  /**
   * How many times fewer busy GPUs DSA needs than dense for the mix (before rounding up to whole
   * GPUs, so small mixes still show the difference).
   */
  public double savingsFactor() {
    return (dense.prefillGpus() + dense.decodeGpus()) / (dsa.prefillGpus() + dsa.decodeGpus());
  }
}
