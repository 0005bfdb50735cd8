package io.dsabench.costmodel.cost;

import java.util.List;

/**
 * GPU time per token of everything but the attention kernels, for one phase and model version on
 * one GPU type. Three roofline terms: compute (FLOPs against the achieved fp8 GEMM rate), weights
 * (bytes one GPU streams per step, shared by the batch) and expert-parallel communication. Compute
 * and weight streaming happen in the same kernels, so their maximum counts; communication adds to
 * that, or overlaps it (then the maximum of all three).
 *
 * @param curve the curve it belongs to
 * @param components the parts, with their FLOPs and weights
 * @param flopsPerToken sum of the components' FLOPs
 * @param weightBytesPerGpu sum of the components' weight bytes on one GPU
 * @param computeSeconds flopsPerToken / (gemmEfficiency · fp8 peak)
 * @param weightSeconds weightBytesPerGpu / batch / (memoryEfficiency · bandwidth)
 * @param commBytesPerToken bytes per token over the network, all MoE layers
 * @param commSeconds commBytesPerToken / network bandwidth
 * @param modelSeconds the roofline of the three terms, before calibration
 * @param calibrationScale 1, or the factor a named calibration step set
 * @param secondsPerToken modelSeconds · calibrationScale
 */
public record RestEstimate(
    Curve curve,
    List<Component> components,
    double flopsPerToken,
    double weightBytesPerGpu,
    double computeSeconds,
    double weightSeconds,
    double commBytesPerToken,
    double commSeconds,
    double modelSeconds,
    double calibrationScale,
    double secondsPerToken) {
  public RestEstimate {
    components = List.copyOf(components);
  }

  /** A copy scaled by a calibration factor. */
  public RestEstimate calibrated(double scale) {
    if (!(scale > 0) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException(
          "calibrationScale: " + scale + " is not a positive factor");
    }
    return new RestEstimate(
        curve,
        components,
        flopsPerToken,
        weightBytesPerGpu,
        computeSeconds,
        weightSeconds,
        commBytesPerToken,
        commSeconds,
        modelSeconds,
        scale,
        modelSeconds * scale);
  }
}
