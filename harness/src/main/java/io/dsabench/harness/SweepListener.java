package io.dsabench.harness;

import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.workload.SweepPoint;

/**
 * Follows a sweep as it runs: the progress bar, the live Prometheus metrics and the dashboard's
 * live view all listen here. Calls come from the sweep's threads (several at once in a multi-GPU
 * sweep, one per device worker), so implementations must be thread-safe and quick; an exception
 * thrown by a listener is reported on stderr and never stops the sweep.
 */
public interface SweepListener {
  /**
   * The sweep is about to measure its first point.
   *
   * @param results the run so far (no points yet; {@code run} says backend, device, id)
   * @param total points this process will measure (its shard)
   */
  default void sweepStarted(Results results, int total) {}

  /** A device starts measuring a point; {@code gpu} is the device index, or -1 with one device. */
  default void pointStarted(SweepPoint point, int gpu) {}

  /**
   * A point is done (ok, skipped or failed) and already flushed to the results file.
   *
   * @param result what was measured, with its reason when not ok
   * @param done points finished so far, this one included
   * @param total points in the sweep
   * @param seconds wall time the point took
   */
  default void pointFinished(PointResult result, int done, int total, double seconds) {}

  /**
   * A rest-of-model point is done and already flushed to the results file.
   *
   * @param done points finished so far (attention and rest), this one included
   * @param total points in the run (attention and rest)
   */
  default void restFinished(RestResult result, int done, int total, double seconds) {}

  /** The sweep ended (normally or not); {@code results} is what the results file holds. */
  default void sweepFinished(Results results) {}
}
