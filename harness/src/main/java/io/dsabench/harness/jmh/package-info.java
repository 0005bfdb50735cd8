/**
 * JMH as the sweep's engine: {@link io.dsabench.harness.jmh.StageBenchmarks} holds a benchmark per
 * op and per end-to-end variant, {@link io.dsabench.harness.jmh.JmhEngine} runs a point's
 * benchmarks through JMH's {@code Runner} (forked by default) and gathers the device-time samples
 * the forks leave in side files. See {@code StageBenchmarks} for how the adaptive stopping rule
 * sits inside JMH's fixed iterations.
 */
package io.dsabench.harness.jmh;
