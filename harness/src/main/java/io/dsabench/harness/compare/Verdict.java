package io.dsabench.harness.compare;

import java.util.Locale;

/** What {@link CompareRule} says about one stage of one point. */
public enum Verdict {
  /** Slower by more than the minimum effect, and the p10–p90 intervals do not overlap. */
  REGRESSION,
  /** Faster by more than the minimum effect, and the intervals do not overlap. */
  FASTER,
  /**
   * Changed by more than the minimum effect, but the intervals overlap: noise cannot be ruled out.
   */
  AMBIGUOUS,
  /** Changed by less than the minimum effect. */
  SAME,
  /** Measured (ok) in the base run, skipped or failed in the new one: counts as a regression. */
  LOST,
  /** Failed or skipped in the base run, measured in the new one. */
  GAINED,
  /** Present in only one of the two runs, or not ok in either: nothing to compare. */
  UNMATCHED;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this verdict makes {@code compare} exit 1. */
  public boolean fails() {
    return this == REGRESSION || this == LOST;
  }
}
