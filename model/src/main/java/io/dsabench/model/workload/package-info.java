/**
 * What is being measured: DeepSeek-V3.2's attention shapes ({@link
 * io.dsabench.model.workload.ModelShape}), a sweep point ({@link
 * io.dsabench.model.workload.SweepPoint}: phase, variant, position p, tokens n) and the work of
 * every op at every point ({@link io.dsabench.model.workload.WorkloadModel}: FLOPs and bytes).
 *
 * <p>Throughputs everywhere in dsabench are derived from these declared counts, never from
 * arithmetic at a call site. FLOPs follow the README's table of the work per attended (query, key)
 * pair — 2·128·320 for dense prefill in MHA mode, 2·128·1088 for MQA-mode attention, 2·64·128 for
 * the indexer — summed exactly over a causal chunk: a prefill query at position t sees t + 1 keys
 * (at most top-k under DSA), a decode token at context p sees p. Bytes are the unique traffic an
 * ideal kernel moves, with sparse gathers counted per query.
 *
 * <p>The rest of a layer (projections, experts, dense FFN, head) has its own shapes ({@link
 * io.dsabench.model.workload.RestShape}), batch ({@link io.dsabench.model.workload.RestBatch}:
 * tokens per GPU and rows per local expert) and calls ({@link io.dsabench.model.workload.RestWork}
 * → {@link io.dsabench.model.workload.RestCall}: every FP8 GEMM, activation and router call one
 * layer makes, with their FLOPs and bytes).
 */
package io.dsabench.model.workload;
