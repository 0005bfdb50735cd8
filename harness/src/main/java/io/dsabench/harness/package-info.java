/**
 * The harness: sweeps of DeepSeek-V3.2's attention kernels, measured like nvbench, run by JMH.
 *
 * <p>A {@link io.dsabench.harness.SweepSpec} declares phases × variants × positions × tokens; a
 * {@link io.dsabench.harness.Sweep} measures its points (or one {@link io.dsabench.harness.Shard}
 * of them) on one backend, or on every GPU of a host with one worker process each ({@code fleet}).
 * Each point's stages run as JMH benchmarks in forks ({@code jmh}); inside a fork the {@code stage}
 * package lays out V3.2's inputs and takes device-time samples under the {@code stats} stopping
 * rule. The {@link io.dsabench.harness.jmh.PointMeasurer} turns samples into results with work from
 * the model module's workload model, and the sweep flushes the results file after every point.
 * {@link io.dsabench.harness.DeviceLock} keeps two sweeps off one device; {@link
 * io.dsabench.harness.SweepListener}s ({@link io.dsabench.harness.ProgressBar}, {@code metrics})
 * follow it live. After a run, {@code compare} gives the regression verdict and {@code merge} joins
 * shards.
 */
package io.dsabench.harness;
