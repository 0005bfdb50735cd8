package io.dsabench.costmodel.capacity;

import io.dsabench.costmodel.cost.ModelVersion;

/**
 * What serving a traffic mix costs with one model version.
 *
 * @param version v3.1 (dense) or v3.2 (DSA)
 * @param prefillGpuSecondsPerRequest expected GPU-seconds to prefill one prompt's uncached tokens
 * @param decodeGpuSecondsPerRequest expected GPU-seconds to decode one output
 * @param prefillGpus busy prefill GPUs: rate · prefill seconds / target utilization
 * @param decodeGpus busy decode GPUs, likewise
 * @param gpusNeeded ceil(prefillGpus) + ceil(decodeGpus): prefill and decode on separate GPUs, as
 *     DeepSeek serves
 * @param usdPerDay gpusNeeded · 24 · price
 * @param usdPerMillionInput 1e6 · price/3600 · prefill seconds per request / mean prompt tokens /
 *     utilization (cache hits count as input tokens)
 * @param usdPerMillionOutput likewise for decode and output tokens
 * @param extrapolated true when any stretch of the curves the mix integrates over rests on
 *     extrapolated attention
 */
public record VariantPlan(
    ModelVersion version,
    double prefillGpuSecondsPerRequest,
    double decodeGpuSecondsPerRequest,
    double prefillGpus,
    double decodeGpus,
    int gpusNeeded,
    double usdPerDay,
    double usdPerMillionInput,
    double usdPerMillionOutput,
    boolean extrapolated) {}
