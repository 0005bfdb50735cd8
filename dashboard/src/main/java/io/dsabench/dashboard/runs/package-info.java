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
 * {@code reports/published/h200/results.json}); its id is then {@code published-<device>}. Other
 * runs keep the id their harness gave them (characters outside {@code [A-Za-z0-9._-]} replaced),
 * made unique with a numeric suffix. A reference run published beside it as {@code
 * published/<device>/reference.json} is read too, with id {@code published-<device>-reference}. A
 * run whose file was flushed within the live window is <em>live</em>: a sweep still writing its
 * points.
 *
 * <p>{@link io.dsabench.dashboard.runs.LiveSweeps} combines those file-seen sweeps with sweeps of
 * the same JVM that report through the harness's {@code SweepListener} (exact total and ETA).
 */
package io.dsabench.dashboard.runs;
