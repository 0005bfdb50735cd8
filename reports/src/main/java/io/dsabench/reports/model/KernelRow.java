package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One stage at one sweep point, as measured. A skipped or failed point has one row with its {@code
 * status} and {@code reason} and no numbers.
 *
 * @param position token position p
 * @param tokens tokens n at the point
 * @param stage op id ({@code indexer}, {@code total}, ...); null for a point that did not run
 * @param status ok, skipped or failed
 * @param reason why a point did not run, else null
 * @param medianSeconds median device time
 * @param p10Seconds 10th percentile
 * @param p90Seconds 90th percentile
 * @param samples timed repetitions
 * @param flopsPerSecond declared FLOPs over the median time
 * @param bytesPerSecond declared bytes over the median time
 * @param computeFraction flopsPerSecond over the hardware's peak; null when the ceilings are
 *     unknown
 * @param bandwidthFraction bytesPerSecond over the hardware's bandwidth; null when unknown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KernelRow(
    int position,
    int tokens,
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
    Double bandwidthFraction) {
  public KernelRow {
    Checks.positive("kernels.position", position);
    Checks.positive("kernels.tokens", tokens);
    Checks.notBlank("kernels.status", status);
  }
}
