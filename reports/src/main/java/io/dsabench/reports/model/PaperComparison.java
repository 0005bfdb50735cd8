package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dsabench.reports.model.Summary.Hint;
import java.util.List;

/**
 * The run against the paper's Figure 3: relative errors of each curve at 32K, 64K, 96K and 128K and
 * the prefill crossover against the paper's ~6,590, copied from the cost model's {@code
 * Figure3Comparison} (never recomputed here). The paper's numbers are for one setting only (H800 at
 * 2 USD/GPU-hour); the comparison is shown at any setting, with {@link #samePricing()} false and
 * the {@link #note()} saying that the errors then include the change of hardware or price.
 *
 * @param paperHardware the hardware Figure 3 is for ({@code h800})
 * @param paperUsdPerGpuHour the price Figure 3 is for (2)
 * @param samePricing true when this report is priced as the paper is
 * @param note what the errors mean at this report's setting, or why there are none
 * @param rows one per curve and position; empty when the run could not be costed
 * @param prefillCrossoverPosition this run's prefill crossover, or null when there is none
 * @param paperCrossoverPosition the paper's prefill crossover
 * @param crossoverRelativeError (ours − paper) / paper, or null when we have no crossover
 * @param absentReason why there is no comparison, or null when there is one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaperComparison(
    String paperHardware,
    double paperUsdPerGpuHour,
    boolean samePricing,
    String note,
    List<PaperComparisonRow> rows,
    Double prefillCrossoverPosition,
    int paperCrossoverPosition,
    Double crossoverRelativeError,
    String absentReason) {
  public PaperComparison {
    Checks.notBlank("figure3.paperHardware", paperHardware);
    Checks.notBlank("figure3.note", note);
    Checks.positive("figure3.paperCrossoverPosition", paperCrossoverPosition);
    rows = List.copyOf(rows == null ? List.of() : rows);
    if (absentReason != null && !rows.isEmpty()) {
      throw new IllegalArgumentException(
          "figure3.absentReason: '" + absentReason + "' given with " + rows.size() + " rows");
    }
  }

  /** The prefill crossover, ours against the paper's, in tokens, each qualified by {@code note}. */
  public List<Summary> crossoverSummaries(String note) {
    return List.of(
        new Summary(
            "ours_position_tokens", "ours", prefillCrossoverPosition, "tokens", Hint.TOKENS, note),
        new Summary(
            "paper_position_tokens",
            "paper",
            (double) paperCrossoverPosition,
            "tokens",
            Hint.TOKENS,
            note),
        new Summary(
            "relative_error",
            "relative-error",
            crossoverRelativeError,
            "",
            Hint.SIGNED_PERCENT,
            note));
  }
}
