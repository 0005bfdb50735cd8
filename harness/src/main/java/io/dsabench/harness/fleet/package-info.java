/**
 * Scale-out on one host: {@link io.dsabench.harness.fleet.FleetRunner} starts a {@link
 * io.dsabench.harness.fleet.FleetWorker} per GPU (pinned with {@code CUDA_VISIBLE_DEVICES}) and
 * hands out points from one queue; {@link io.dsabench.harness.fleet.Gpus} knows the GPUs' indexes,
 * UUIDs and names as nvidia-smi (and the DCGM exporter) report them. Many hosts use shards ({@code
 * --shard I/N}) and {@code dsabench merge} instead.
 */
package io.dsabench.harness.fleet;
