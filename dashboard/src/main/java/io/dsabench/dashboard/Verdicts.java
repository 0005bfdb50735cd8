package io.dsabench.dashboard;

import io.dsabench.dashboard.runs.Run;

/** Regression verdicts of a run against the published run of its device. */
interface Verdicts {
  /**
   * A verdict for the page.
   *
   * @param status {@code pass}, {@code regression} or {@code none}
   * @param text what the page shows
   */
  record Verdict(String status, String text) {}

  /**
   * Compares {@code candidate} with {@code published}; a {@code running} candidate's points still
   * to come are not lost.
   */
  Verdict verdict(Run published, Run candidate, boolean running);
}
