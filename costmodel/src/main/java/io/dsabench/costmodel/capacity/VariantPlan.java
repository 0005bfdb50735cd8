package io.dsabench.costmodel.capacity;

import io.dsabench.costmodel.cost.ModelVersion;

/**
 * What serving a traffic mix costs with one model version.
 *
 * @param version v3.1 (dense) or v3.2 (DSA)
 * @param prefillGpuSecondsPerRequest expected GPU-seconds to prefill one prompt's uncached tokens
 * @param decodeGpuSecondsPerRequest expected GPU-seconds to decode one output: its query tokens
 *     (output tokens · query tokens per step / tokens per step) at the decode curve, with the rest
 *     of the model at the batch that fits in memory
 * @param prefillGpus busy prefill GPUs: rate · prefill seconds / target utilization
 * @param decodeGpus busy decode GPUs, likewise
 * @param prefillGpusProvisioned prefill GPUs in whole deployment units (prefill EP)
 * @param decodeGpusProvisioned decode GPUs in whole deployment units (decode EP)
 * @param gpusNeeded prefillGpusProvisioned + decodeGpusProvisioned: prefill and decode on separate
 *     GPUs, as DeepSeek serves
 * @param usdPerDay gpusNeeded · 24 · price
 * @param usdPerMillionInput 1e6 · price/3600 · prefill seconds per request / mean prompt tokens /
 *     utilization (busy time; cache hits count as input tokens)
 * @param usdPerMillionOutput likewise for decode and output tokens
 * @param kvBytesPerToken KV cache bytes per token of context, all layers
 * @param meanResidentContext mean context of a decoding sequence, weighted by how long it stays:
 *     E[L] + E[M²] / (2 E[M])
 * @param freeMemoryBytesPerGpu a decode GPU's memory less its reserve and its weights
 * @param sequencesThatFit floor(free memory / (KV bytes per token · mean resident context))
 * @param decodeBatch sequences per decode GPU used: the deployment's, or fewer when they do not fit
 * @param extrapolated true when any stretch of the curves the mix integrates over rests on
 *     extrapolated attention
 */
public record VariantPlan(
    ModelVersion version,
    double prefillGpuSecondsPerRequest,
    double decodeGpuSecondsPerRequest,
    double prefillGpus,
    double decodeGpus,
    int prefillGpusProvisioned,
    int decodeGpusProvisioned,
    int gpusNeeded,
    double usdPerDay,
    double usdPerMillionInput,
    double usdPerMillionOutput,
    double kvBytesPerToken,
    double meanResidentContext,
    double freeMemoryBytesPerGpu,
    int sequencesThatFit,
    double decodeBatch,
    boolean extrapolated) {

  /** True when memory, not the deployment's batch, set the decode batch. */
  public boolean memoryBound() {
    return decodeBatch == sequencesThatFit;
  }
}
