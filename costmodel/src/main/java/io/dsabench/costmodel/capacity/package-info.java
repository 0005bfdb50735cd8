/**
 * Capacity planning: from a traffic mix to GPUs and USD, dense (V3.1) against DSA (V3.2).
 *
 * <p>A {@link io.dsabench.costmodel.capacity.TrafficMix} is a request rate, prompt and output
 * {@link io.dsabench.costmodel.capacity.LengthDistribution}s (weighted lists or log-normal), a
 * prefix-cache hit ratio and a target utilization. {@link
 * io.dsabench.costmodel.capacity.CapacityPlanner#plan} integrates the per-position curves of a
 * {@link io.dsabench.costmodel.cost.CostReport} over every prompt and output: a prompt of L tokens
 * with hit ratio h prefills positions h·L..L, its output decodes positions L..L+M. The result,
 * {@link io.dsabench.costmodel.capacity.CapacityPlan}, gives GPUs (prefill and decode served
 * apart), USD per day, and average USD per million input and output tokens. {@link
 * io.dsabench.costmodel.capacity.WorkloadFile} reads a mix from YAML or JSON (see
 * examples/workloads/).
 */
package io.dsabench.costmodel.capacity;
