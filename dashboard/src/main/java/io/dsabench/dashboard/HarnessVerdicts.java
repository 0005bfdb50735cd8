package io.dsabench.dashboard;

import io.dsabench.dashboard.runs.Run;
import io.dsabench.harness.compare.CompareRule;
import io.dsabench.harness.compare.Comparison;

/**
 * Verdicts from the harness's compare rule ({@code dsabench compare}'s), so that the page and the
 * command line never disagree about a run.
 */
final class HarnessVerdicts implements Verdicts {
  static Verdicts create() {
    return new HarnessVerdicts();
  }

  @Override
  public Verdict verdict(Run published, Run candidate, boolean running) {
    Comparison c;
    try {
      c =
          Comparison.of(
              published.results(),
              candidate.results(),
              CompareRule.DEFAULT,
              Comparison.Options.DEFAULT.withAbsentIsLost(!running));
    } catch (IllegalArgumentException e) {
      return new Verdict("none", "no verdict: " + e.getMessage());
    }
    long regressions = c.count(io.dsabench.harness.compare.Verdict.REGRESSION);
    long lost = c.count(io.dsabench.harness.compare.Verdict.LOST);
    long same = c.count(io.dsabench.harness.compare.Verdict.SAME);
    long faster = c.count(io.dsabench.harness.compare.Verdict.FASTER);
    long ambiguous = c.count(io.dsabench.harness.compare.Verdict.AMBIGUOUS);
    String against = " vs published " + published.id();
    if (c.regressed()) {
      return new Verdict(
          "regression",
          "REGRESSION"
              + against
              + ": "
              + regressions
              + " stage(s) slower, "
              + lost
              + " point(s) lost");
    }
    if (same + faster + ambiguous == 0) {
      return new Verdict("none", "no verdict" + against + ": no shared measured points");
    }
    return new Verdict(
        "pass",
        "pass"
            + against
            + ": "
            + same
            + " same, "
            + faster
            + " faster, "
            + ambiguous
            + " ambiguous");
  }
}
