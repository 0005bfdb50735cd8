package io.dsabench.costmodel.cost;

/**
 * One part of the model outside the measured attention kernels. Its estimate is a roofline on the
 * target GPU: the longer of its FLOPs at the deployment's GEMM efficiency and its weights streamed
 * once per step (shared by the step's tokens); the network component is its bytes at the achieved
 * network rate. Where a results file holds a rest-of-model point at the deployment's batch that
 * measured it, the measured time (moved to the target by the same roofline rule as attention)
 * replaces the estimate in {@code seconds}, and both stay visible side by side.
 *
 * @param name e.g. {@code mla_projections}, {@code all_to_all}
 * @param flopsPerToken FLOPs per token over all layers that have it (2 per multiply-add)
 * @param weightBytesPerGpu weight bytes one GPU holds for it (replicated, or routed / EP)
 * @param bytesPerToken bytes per token it moves besides weights (the network component's traffic)
 * @param computeSeconds flopsPerToken / (gemmEfficiency · fp8 peak)
 * @param weightSeconds weightBytesPerGpu / tokens per step / (memoryEfficiency · bandwidth)
 * @param seconds the component's time per token as priced: the measurement where there is one, else
 *     the estimate
 * @param bound {@code compute}, {@code weights} or {@code network}: what sets the estimate
 * @param note how the estimate follows from the config and where it comes from
 * @param estimateSeconds the estimate's time per token: max(compute, weights), or the network time
 * @param measuredSeconds the measured time per token on the target, or null when not measured
 * @param source {@code estimate}, or where the measurement comes from, e.g. {@code measured (H200,
 *     tokens 256, uniform)}
 * @param measurement how the measured time follows from the stage (per-layer time, layers, tokens,
 *     translation), or why it was not used; null for a plain estimate
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
    String note,
    double estimateSeconds,
    Double measuredSeconds,
    String source,
    String measurement) {
  /** What {@link #source} says of a component priced from its estimate. */
  public static final String ESTIMATE = "estimate";

  /** An estimate: {@code seconds} is the roofline. */
  public Component(
      String name,
      double flopsPerToken,
      double weightBytesPerGpu,
      double bytesPerToken,
      double computeSeconds,
      double weightSeconds,
      double seconds,
      String bound,
      String note) {
    this(
        name,
        flopsPerToken,
        weightBytesPerGpu,
        bytesPerToken,
        computeSeconds,
        weightSeconds,
        seconds,
        bound,
        note,
        seconds,
        null,
        ESTIMATE,
        null);
  }

  /** True when {@link #seconds} is a measurement. */
  public boolean measured() {
    return measuredSeconds != null;
  }

  /** The same estimate, priced from a measurement of {@code perToken} seconds on the target. */
  Component measuredAs(double perToken, String from, String how) {
    return new Component(
        name,
        flopsPerToken,
        weightBytesPerGpu,
        bytesPerToken,
        computeSeconds,
        weightSeconds,
        perToken,
        bound,
        note,
        estimateSeconds,
        perToken,
        from,
        how);
  }

  /** The same estimate, saying why a measurement was not used for it. */
  Component estimateBecause(String why) {
    return new Component(
        name,
        flopsPerToken,
        weightBytesPerGpu,
        bytesPerToken,
        computeSeconds,
        weightSeconds,
        seconds,
        bound,
        note,
        estimateSeconds,
        null,
        ESTIMATE,
        why);
  }
}
