package io.dsabench.reports.model;

import io.dsabench.model.workload.Variant;

/**
 * One variant's capacity plan for the workload.
 *
 * @param variant dense (V3.1) or DSA (V3.2)
 * @param gpus GPUs to provision: whole prefill GPUs plus whole decode GPUs
 * @param prefillGpus busy prefill GPUs before rounding up
 * @param decodeGpus busy decode GPUs before rounding up
 * @param usdPerDay the provisioned GPUs for 24 hours at the report's price
 * @param usdPerMillionInputTokens prefill cost per million input tokens of this workload
 * @param usdPerMillionOutputTokens decode cost per million output tokens of this workload
 * @param extrapolated true when the plan rests on extrapolated attention times
 */
public record CapacityRow(
    Variant variant,
    double gpus,
    double prefillGpus,
    double decodeGpus,
    double usdPerDay,
    double usdPerMillionInputTokens,
    double usdPerMillionOutputTokens,
    boolean extrapolated) {
  public CapacityRow {
    Checks.notNull("capacity.variant", variant);
    Checks.finiteNonNegative("capacity.gpus", gpus);
    Checks.finiteNonNegative("capacity.prefillGpus", prefillGpus);
    Checks.finiteNonNegative("capacity.decodeGpus", decodeGpus);
    Checks.finiteNonNegative("capacity.usdPerDay", usdPerDay);
    Checks.finiteNonNegative("capacity.usdPerMillionInputTokens", usdPerMillionInputTokens);
    Checks.finiteNonNegative("capacity.usdPerMillionOutputTokens", usdPerMillionOutputTokens);
  }
}
