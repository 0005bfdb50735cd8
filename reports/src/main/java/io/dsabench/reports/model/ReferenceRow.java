package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dsabench.reports.model.Summary.Hint;
import java.util.List;

/**
 * The reference's figure for one of our stages at one point. Throughput is the same declared work
 * as our row's over the reference's median, so the two compare stage by stage. A stage the
 * reference skipped or a point it failed has a row with its status and reason and no numbers.
 *
 * @param position token position p
 * @param tokens tokens n at the point
 * @param stage our stage (op id)
 * @param referenceStage the reference stage it is set against (our {@code dense_prefill} has two:
 *     {@code dense_prefill}, cuDNN's marginal cost, and {@code dense_prefill_masked}, its one-call
 *     masked chunk)
 * @param status ok, skipped or failed
 * @param reason why the reference has no figure, else null
 * @param medianSeconds the reference's median
 * @param flopsPerSecond our stage's FLOPs over the reference's median
 * @param bytesPerSecond our stage's bytes over the reference's median
 * @param oursOverReference our median over the reference's: above 1, ours is slower
 * @param implementation what the reference ran (library and function)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReferenceRow(
    int position,
    int tokens,
    String stage,
    String referenceStage,
    String status,
    String reason,
    Double medianSeconds,
    Double flopsPerSecond,
    Double bytesPerSecond,
    Double oursOverReference,
    String implementation) {
  public ReferenceRow {
    Checks.positive("kernels.reference.position", position);
    Checks.positive("kernels.reference.tokens", tokens);
    Checks.notBlank("kernels.reference.stage", stage);
    Checks.notBlank("kernels.reference.referenceStage", referenceStage);
    Checks.notBlank("kernels.reference.status", status);
    if ("ok".equals(status) && (medianSeconds == null || oursOverReference == null)) {
      throw new IllegalArgumentException(
          "kernels.reference " + stage + " at " + position + ": an ok row needs its numbers");
    }
  }

  /**
   * An ok row's numbers as they stand beside our own stage's: the reference's median and
   * throughputs (noted with its implementation) and ours over it. A row set against another
   * reference stage than its own names it in the tag ({@code reference_dense_prefill_masked_...}).
   */
  public List<Summary> summaries() {
    String prefix = tagPrefix();
    return List.of(
        new Summary(
            prefix + "_median_seconds",
            "reference",
            medianSeconds,
            "s",
            Hint.DURATION,
            implementation),
        new Summary(
            prefix + "_flops_per_second",
            "reference-flops",
            flopsPerSecond,
            "FLOP/s",
            Hint.FLOPS,
            implementation),
        new Summary(
            prefix + "_bytes_per_second",
            "reference-bytes",
            bytesPerSecond,
            "B/s",
            Hint.BANDWIDTH,
            implementation),
        new Summary(
            "ours_over_" + prefix,
            "ours-over-reference",
            oursOverReference,
            "",
            Hint.RATIO,
            "our median / the reference's; above 1 ours is slower"));
  }

  /** {@code reference}, or {@code reference_<stage>} when set against another reference stage. */
  public String tagPrefix() {
    return referenceStage.equals(stage) ? "reference" : "reference_" + referenceStage;
  }
}
