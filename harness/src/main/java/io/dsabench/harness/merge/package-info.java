/**
 * Joining shard results ({@code dsabench bench --shard I/N} on many hosts) into one run: the rules
 * that refuse a mix of sweeps and report the points of a lost shard, in {@link
 * io.dsabench.harness.merge.ShardMerge}.
 */
package io.dsabench.harness.merge;
