/**
 * {@code --profile}: async-profiler inside every measuring process ({@link
 * io.dsabench.harness.profile.HostProfiler}) and one merged HTML flame graph of the sweep's host
 * side ({@link io.dsabench.harness.profile.FlameGraph}).
 */
package io.dsabench.harness.profile;
