package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dsabench.model.workload.Phase;
import io.dsabench.reports.model.Summary.Hint;
import java.util.List;

/**
 * Dense MLA (V3.1) against DSA (V3.2) at one position: USD per million tokens and their ratio.
 *
 * @param phase prefill or decode
 * @param position token position
 * @param denseUsdPerMillionTokens dense cost; null where the cost model has no value
 * @param dsaUsdPerMillionTokens DSA cost; null where the cost model has no value
 * @param denseOverDsa dense cost divided by DSA cost (how many times cheaper DSA is)
 * @param paperDense Figure 3's V3.1 value at this position (H800, 2 USD/GPU-hour)
 * @param paperDsa Figure 3's V3.2 value at this position
 * @param flag why a value is not a plain interpolation of measurements, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SummaryRow(
    Phase phase,
    int position,
    Double denseUsdPerMillionTokens,
    Double dsaUsdPerMillionTokens,
    Double denseOverDsa,
    Double paperDense,
    Double paperDsa,
    String flag) {
  public SummaryRow {
    Checks.notNull("summary.phase", phase);
    Checks.positive("summary.position", position);
  }

  /**
   * Dense, DSA and their ratio (qualified by the row's flag), then Figure 3's two values, which
   * hold for {@code paperSetting} alone ("Figure 3, H800 at 2 USD/GPU-hour").
   */
  public List<Summary> summaries(String paperSetting) {
    return List.of(
        new Summary(
            "dense_usd_per_million_tokens",
            "dense",
            denseUsdPerMillionTokens,
            "USD/Mtok",
            Hint.USD,
            flag),
        new Summary(
            "dsa_usd_per_million_tokens",
            "dsa",
            dsaUsdPerMillionTokens,
            "USD/Mtok",
            Hint.USD,
            flag),
        new Summary("dense_over_dsa", "ratio", denseOverDsa, "", Hint.RATIO, flag),
        new Summary(
            "paper_dense_usd_per_million_tokens",
            "paper-dense",
            paperDense,
            "USD/Mtok",
            Hint.USD,
            paperSetting),
        new Summary(
            "paper_dsa_usd_per_million_tokens",
            "paper-dsa",
            paperDsa,
            "USD/Mtok",
            Hint.USD,
            paperSetting));
  }
}
