package io.dsabench.reports.model;

import io.dsabench.costmodel.workload.Variant;

/**
 * One variant's capacity plan for the workload.
 *
 * @param variant dense (V3.1) or DSA (V3.2)
 * @param gpus GPUs needed (whole GPUs)
 * @param usdPerDay those GPUs for 24 hours at the report's price
 * @param usdPerMillionInputTokens prefill cost per million input tokens of this workload
 * @param usdPerMillionOutputTokens decode cost per million output tokens of this workload
 */
public record CapacityRow(
    Variant variant,
    double gpus,
    double usdPerDay,
    double usdPerMillionInputTokens,
    double usdPerMillionOutputTokens) {
  public CapacityRow {
    Checks.notNull("capacity.variant", variant);
    Checks.finiteNonNegative("capacity.gpus", gpus);
    Checks.finiteNonNegative("capacity.usdPerDay", usdPerDay);
    Checks.finiteNonNegative("capacity.usdPerMillionInputTokens", usdPerMillionInputTokens);
    Checks.finiteNonNegative("capacity.usdPerMillionOutputTokens", usdPerMillionOutputTokens);
  }
}
