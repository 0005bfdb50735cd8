package io.dsabench.costmodel.cost;

/**
 * One part of the model outside the measured attention kernels.
 *
 * @param name e.g. {@code mla_projections}
 * @param flopsPerToken FLOPs per token over all layers that have it (2 per multiply-add)
 * @param weightBytesPerGpu weight bytes one GPU holds for it (replicated, or routed / EP)
 * @param note how the numbers follow from the config
 */
public record Component(String name, double flopsPerToken, double weightBytesPerGpu, String note) {}
