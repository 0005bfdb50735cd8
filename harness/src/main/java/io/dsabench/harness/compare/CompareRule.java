package io.dsabench.harness.compare;

import io.dsabench.model.BadInputException;
import io.dsabench.model.results.StageResult;

/**
 * The regression rule, decided from the two results files alone (as nvbench-compare does it, with
 * intervals instead of its standard deviations because our stored spread is p10–p90):
 *
 * <ol>
 *   <li>change = new median / base median − 1;
 *   <li>|change| &lt; {@code minEffect} (default 5%) → {@link Verdict#SAME};
 *   <li>else, if the base and new [p10, p90] intervals do not overlap → {@link Verdict#REGRESSION}
 *       (slower) or {@link Verdict#FASTER};
 *   <li>else → {@link Verdict#AMBIGUOUS}: a large change that the runs' own spread cannot separate
 *       from noise (listed, does not fail the run).
 * </ol>
 *
 * A 20% slowdown of a stage with a few percent of spread fails; 1% of noise on every stage does
 * not, whatever its spread.
 *
 * @param minEffect smallest relative change of the median that counts, e.g. 0.05
 */
public record CompareRule(double minEffect) {
  public static final CompareRule DEFAULT = new CompareRule(0.05);

  public CompareRule {
    if (!(minEffect > 0 && minEffect < 1)) {
      throw new BadInputException(
          "min-effect: " + minEffect + " is not a fraction between 0 and 1 (e.g. 0.05)");
    }
  }

  /** Relative change of the median, new over base, minus one. */
  public static double change(StageResult base, StageResult now) {
    return now.medianSeconds() / base.medianSeconds() - 1;
  }

  public Verdict judge(StageResult base, StageResult now) {
    double change = change(base, now);
    if (Math.abs(change) < minEffect) {
      return Verdict.SAME;
    }
    boolean overlap =
        now.p10Seconds() <= base.p90Seconds() && base.p10Seconds() <= now.p90Seconds();
    if (overlap) {
      return Verdict.AMBIGUOUS;
    }
    return change > 0 ? Verdict.REGRESSION : Verdict.FASTER;
  }
}
