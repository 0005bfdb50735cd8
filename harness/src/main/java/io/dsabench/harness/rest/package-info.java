/**
 * The rest of the model measured: a DeepSeek-V3.2 layer's projections, experts, dense FFN and head
 * timed on the backend at a deployment's batch ({@link io.dsabench.harness.rest.RestBench}), the
 * work behind {@code bench --phases rest}. Which calls each op makes and their FLOPs and bytes come
 * from {@link io.dsabench.model.workload.RestWork}; the timing is the attention stages' {@link
 * io.dsabench.harness.stage.StageMeasurement}.
 */
package io.dsabench.harness.rest;
