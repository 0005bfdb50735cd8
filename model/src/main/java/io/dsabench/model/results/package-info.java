/**
 * The results file, schema {@code dsabench.results/v1}: the contract between the harness that
 * measures and everything that reads measurements (cost model, reports, dashboard, other tools).
 *
 * <p>{@link io.dsabench.model.results.Results} holds a run's provenance ({@link
 * io.dsabench.model.results.RunInfo}: id, time, commit, backend, command, JVM, host, device) and
 * its points ({@link io.dsabench.model.results.PointResult}: ok, skipped or failed with the
 * reason), each with per-stage timings ({@link io.dsabench.model.results.StageResult}: median, p10,
 * p90, samples, FLOPs, bytes and the throughputs derived from them). All in SI base units.
 *
 * <p>{@link io.dsabench.model.results.ResultsIO} writes atomically (a temp file in the target's
 * directory, forced, then renamed), so a reader never sees half a file and an interrupted sweep
 * keeps what it flushed; it reads strictly, naming the file and the problem for a wrong schema id,
 * a truncated file or a field that breaks its rule.
 */
package io.dsabench.model.results;
