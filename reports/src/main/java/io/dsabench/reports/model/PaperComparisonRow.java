package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dsabench.costmodel.reference.ComparisonRow;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import io.dsabench.reports.model.Summary.Hint;
import java.util.List;

/**
 * This run against Figure 3 at one position of one curve, exactly as the cost model's {@code
 * Figure3Comparison} gives it (the same numbers {@code dsabench cost} prints).
 *
 * @param curve the curve's id, e.g. {@code prefill_v3.2}
 * @param phase prefill or decode
 * @param variant dense (V3.1) or DSA (V3.2)
 * @param position token position
 * @param oursUsdPerMillionTokens this run's value through the cost model
 * @param paperUsdPerMillionTokens Figure 3's value (linear between its vertices)
 * @param relativeError (ours − paper) / paper
 * @param flag {@code extrapolated} when our value rests on extrapolated attention, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaperComparisonRow(
    String curve,
    Phase phase,
    Variant variant,
    int position,
    double oursUsdPerMillionTokens,
    double paperUsdPerMillionTokens,
    double relativeError,
    String flag) {
  public PaperComparisonRow {
    Checks.notBlank("figure3.curve", curve);
    Checks.notNull("figure3.phase", phase);
    Checks.notNull("figure3.variant", variant);
    Checks.positive("figure3.position", position);
  }

  /** The cost model's row as a report carries it, flagged where its attention is extrapolated. */
  public static PaperComparisonRow of(ComparisonRow r) {
    return new PaperComparisonRow(
        r.curve().id(),
        r.curve().phase(),
        r.curve().version().variant(),
        r.position(),
        r.oursUsdPerMillion(),
        r.paperUsdPerMillion(),
        r.relativeError(),
        r.extrapolated() ? "extrapolated" : null);
  }

  /** This run, the paper and the relative error, each qualified by {@code note}. */
  public List<Summary> summaries(String note) {
    return List.of(
        new Summary(
            "ours_usd_per_million_tokens",
            "ours",
            oursUsdPerMillionTokens,
            "USD/Mtok",
            Hint.USD,
            note),
        new Summary(
            "paper_usd_per_million_tokens",
            "paper",
            paperUsdPerMillionTokens,
            "USD/Mtok",
            Hint.USD,
            note),
        new Summary(
            "relative_error", "relative-error", relativeError, "", Hint.SIGNED_PERCENT, note));
  }
}
