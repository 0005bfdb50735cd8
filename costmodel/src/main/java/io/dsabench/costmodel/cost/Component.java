package io.dsabench.costmodel.cost;

/**
 * One part of the model outside the measured attention kernels, as a roofline on the target GPU:
 * the longer of its FLOPs at the deployment's GEMM efficiency and its weights streamed once per
 * step (shared by the step's tokens); the network component is its bytes at the achieved network
 * rate.
 *
 * @param name e.g. {@code mla_projections}, {@code all_to_all}
 * @param flopsPerToken FLOPs per token over all layers that have it (2 per multiply-add)
 * @param weightBytesPerGpu weight bytes one GPU holds for it (replicated, or routed / EP)
 * @param bytesPerToken bytes per token it moves besides weights (the network component's traffic)
 * @param computeSeconds flopsPerToken / (gemmEfficiency · fp8 peak)
 * @param weightSeconds weightBytesPerGpu / tokens per step / (memoryEfficiency · bandwidth)
 * @param seconds the component's time per token: max(compute, weights), or the network time
 * @param bound {@code compute}, {@code weights} or {@code network}: what sets {@code seconds}
 * @param note how the numbers follow from the config and where they come from
 */
public record Component(
    String name,
    double flopsPerToken,
    double weightBytesPerGpu,
    double bytesPerToken,
    double computeSeconds,
    double weightSeconds,
    double seconds,
    String bound,
    String note) {}
