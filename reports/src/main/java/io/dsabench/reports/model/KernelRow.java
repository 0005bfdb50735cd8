package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dsabench.reports.model.Summary.Hint;
import java.util.ArrayList;
import java.util.List;

/**
 * One stage at one sweep point, as measured. A skipped or failed point has one row with its {@code
 * status} and {@code reason} and no numbers.
 *
 * @param position token position p
 * @param tokens tokens n at the point
 * @param tokensPerSeq query tokens per sequence t (prefill: the chunk; decode: 2 with an MTP draft
 *     token); null for rows written without it
 * @param stage op id ({@code indexer}, {@code total}, ...); null for a point that did not run
 * @param status ok, skipped or failed
 * @param reason why a point did not run, else null
 * @param medianSeconds median device time
 * @param p10Seconds 10th percentile
 * @param p90Seconds 90th percentile
 * @param samples timed repetitions
 * @param flopsPerSecond the workload model's FLOPs of the stage over the median time
 * @param bytesPerSecond the workload model's bytes of the stage over the median time
 * @param computeFraction flopsPerSecond over the device's compute ceiling; null when the ceilings
 *     are unknown
 * @param bandwidthFraction bytesPerSecond over the device's bandwidth ceiling; null when unknown
 * @param aboveCeiling true when a fraction exceeds 1 (the work or time was counted wrong); null
 *     otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KernelRow(
    int position,
    int tokens,
    Integer tokensPerSeq,
    String stage,
    String status,
    String reason,
    Double medianSeconds,
    Double p10Seconds,
    Double p90Seconds,
    Integer samples,
    Double flopsPerSecond,
    Double bytesPerSecond,
    Double computeFraction,
    Double bandwidthFraction,
    Boolean aboveCeiling) {
  public KernelRow {
    Checks.positive("kernels.position", position);
    Checks.positive("kernels.tokens", tokens);
    Checks.notBlank("kernels.status", status);
  }

  /**
   * An ok row's numbers: tokens per sequence where known, the times, the throughputs, and the
   * fractions of the ceilings, which {@code ceilingNote} qualifies (whose ceilings, or none).
   */
  public List<Summary> summaries(String ceilingNote) {
    List<Summary> s = new ArrayList<>();
    if (tokensPerSeq != null) {
      s.add(
          new Summary(
              "tokens_per_seq",
              "tokens-per-seq",
              tokensPerSeq.doubleValue(),
              "tokens",
              Hint.COUNT,
              null));
    }
    s.add(new Summary("median_seconds", "median", medianSeconds, "s", Hint.DURATION, null));
    s.add(new Summary("p10_seconds", "p10", p10Seconds, "s", Hint.DURATION, null));
    s.add(new Summary("p90_seconds", "p90", p90Seconds, "s", Hint.DURATION, null));
    s.add(
        new Summary(
            "samples",
            "samples",
            samples == null ? null : samples.doubleValue(),
            "",
            Hint.COUNT,
            null));
    s.add(new Summary("flops_per_second", "flops", flopsPerSecond, "FLOP/s", Hint.FLOPS, null));
    s.add(new Summary("bytes_per_second", "bytes", bytesPerSecond, "B/s", Hint.BANDWIDTH, null));
    s.add(
        new Summary(
            "compute_fraction",
            "compute-fraction",
            computeFraction,
            "",
            Hint.PERCENT,
            ceilingNote));
    s.add(
        new Summary(
            "bandwidth_fraction",
            "bandwidth-fraction",
            bandwidthFraction,
            "",
            Hint.PERCENT,
            ceilingNote));
    return s;
  }
}
