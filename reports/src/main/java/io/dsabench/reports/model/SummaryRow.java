package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dsabench.model.workload.Phase;

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
}
