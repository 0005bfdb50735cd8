/**
 * The runs the dashboard knows: every {@code results.json} under the directories it was given, read
 * with the costmodel's {@code ResultsIO} and cached until the file changes.
 *
 * <p>{@link io.dsabench.dashboard.runs.RunStore} is the only code of the dashboard that reads files
 * named by the file system rather than by the program. It never takes a path from a request:
 * requests name runs by id, and ids are looked up in the store's own map. It walks its roots
 * without following links and drops any file whose real path leaves its root, so a symbolic link
 * planted in {@code out/} cannot lead it elsewhere.
 *
 * <p>A run is <em>published</em> when it lives at {@code published/<device>/results.json} (as in
 * {@code reports/published/h200/results.json}), beside it perhaps a reference run as {@code
 * published/<device>/reference.json}. Every run keeps the id its harness gave it (characters
 * outside {@code [A-Za-z0-9._-]} replaced), made unique with a numeric suffix, published runs
 * first; {@code published-<device>} and {@code published-<device>-reference} still find the
 * device's published run and reference. Runs are ordered by when they started, so a copied file is
 * not mistaken for a new run.
 *
 * <p>A run is <em>running</em> only while a sweep writes it: a sweep of this JVM that reports
 * through the harness's {@code SweepListener} (exact total and ETA), or a sweep in another process
 * whose device lock names the run's file. {@link io.dsabench.dashboard.runs.LiveSweeps} knows both.
 */
package io.dsabench.dashboard.runs;
