package io.dsabench.reports.model;

import java.util.List;

/**
 * The regression verdict against the published run for the device, computed by the caller (the CLI
 * asks the harness) and shown as given: reports do not depend on the harness.
 *
 * @param outcome {@code pass}, {@code regression} or {@code none} (nothing to compare with)
 * @param summary one line, e.g. "no regression against reports/published/h200/results.json"
 * @param details further lines (one per regressed point, say); may be empty
 */
public record Verdict(String outcome, String summary, List<String> details) {
  public static final String PASS = "pass";
  public static final String REGRESSION = "regression";
  public static final String NONE = "none";

  public Verdict {
    if (!PASS.equals(outcome) && !REGRESSION.equals(outcome) && !NONE.equals(outcome)) {
      throw new IllegalArgumentException(
          "verdict.outcome: '" + outcome + "' is not one of pass, regression, none");
    }
    Checks.notBlank("verdict.summary", summary);
    details = List.copyOf(details == null ? List.of() : details);
  }

  /** No published run to compare with, for the reason given. */
  public static Verdict none(String why) {
    return new Verdict(NONE, why, List.of());
  }
}
