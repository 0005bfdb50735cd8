package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dsabench.reports.model.Summary.Hint;

/**
 * A curve's value at one position.
 *
 * @param position token position (0 is allowed: Figure 3 starts there)
 * @param usdPerMillionTokens cost
 * @param flag null for a measured or interpolated value; otherwise the cost model's reason (e.g.
 *     {@code extrapolated})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CurvePoint(int position, double usdPerMillionTokens, String flag) {
  public CurvePoint {
    if (position < 0) {
      throw new IllegalArgumentException("position: " + position + " is negative");
    }
    Checks.finiteNonNegative("usdPerMillionTokens at " + position, usdPerMillionTokens);
  }

  /** The point's cost, qualified by its flag. */
  public Summary summary() {
    return new Summary(
        "usd_per_million_tokens", "usd", usdPerMillionTokens, "USD/Mtok", Hint.USD, flag);
  }
}
