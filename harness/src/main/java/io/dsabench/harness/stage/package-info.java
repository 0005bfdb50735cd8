/**
 * The measuring side of a sweep, as it runs inside one process (a JMH fork by default): the inputs
 * of a point laid out as V3.2 serves them ({@link io.dsabench.harness.stage.StageInputs}), and the
 * warm-up, sampling and validation of one stage on the backend's own clock ({@link
 * io.dsabench.harness.stage.StageMeasurement}). What it reports ({@link
 * io.dsabench.harness.stage.StageSamples}) is raw samples; statistics happen in the sweep.
 */
package io.dsabench.harness.stage;
