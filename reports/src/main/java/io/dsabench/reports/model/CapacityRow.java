package io.dsabench.reports.model;

import io.dsabench.model.workload.Variant;
import io.dsabench.reports.model.Summary.Hint;
import java.util.List;

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

  /** GPUs, busy GPUs per phase, USD per day and per million tokens, each for {@code workload}. */
  public List<Summary> summaries(String workload) {
    return List.of(
        new Summary("gpus", "gpus", gpus, "GPU", Hint.COUNT, workload),
        new Summary("busy_prefill_gpus", "prefill-gpus", prefillGpus, "GPU", Hint.GPUS, workload),
        new Summary("busy_decode_gpus", "decode-gpus", decodeGpus, "GPU", Hint.GPUS, workload),
        new Summary("usd_per_day", "usd-per-day", usdPerDay, "USD/day", Hint.USD_LARGE, workload),
        new Summary(
            "usd_per_million_input_tokens",
            "usd-per-million-input",
            usdPerMillionInputTokens,
            "USD/Mtok",
            Hint.USD,
            workload),
        new Summary(
            "usd_per_million_output_tokens",
            "usd-per-million-output",
            usdPerMillionOutputTokens,
            "USD/Mtok",
            Hint.USD,
            workload));
  }
}
