package io.dsabench.costmodel.cost;

import io.dsabench.model.BadInputException;
import java.util.List;

/**
 * GPU time per token of everything but the attention kernels, for one phase and model version on
 * one GPU type: the sum of the on-chip components (each its measurement where the results hold one
 * at the deployment's batch, else its roofline, the longer of its FLOPs and its weights), and the
 * all-to-all over the network, overlapped with them (the longer of the two) or added.
 *
 * @param curve the curve it belongs to
 * @param components the parts, each a roofline, the network last
 * @param flopsPerToken sum of the on-chip components' FLOPs
 * @param weightBytesPerGpu sum of the components' weight bytes on one GPU
 * @param computeSeconds sum of the components' compute times
 * @param weightSeconds sum of the components' weight-streaming times
 * @param onChipSeconds sum of the on-chip components' seconds as priced (measured or estimated)
 * @param remoteCopiesPerToken copies of a token's hidden state that cross the network per MoE
 *     layer, from EP and the routing rule
 * @param commBytesPerToken bytes per token over the network, all MoE layers
 * @param commSeconds commBytesPerToken / achieved network rate
 * @param modelSeconds the estimate before calibration: max(onChip, comm) when overlapped, else
 *     their sum
 * @param calibrationScale 1, or the factor a named calibration step set
 * @param secondsPerToken modelSeconds · calibrationScale
 * @param estimateModelSeconds modelSeconds with every component at its estimate (equal to
 *     modelSeconds when nothing was measured): the estimate beside the measurement
 * @param measurement which rest-of-model point priced the measured components, or why none did
 */
public record RestEstimate(
    Curve curve,
    List<Component> components,
    double flopsPerToken,
    double weightBytesPerGpu,
    double computeSeconds,
    double weightSeconds,
    double onChipSeconds,
    double remoteCopiesPerToken,
    double commBytesPerToken,
    double commSeconds,
    double modelSeconds,
    double calibrationScale,
    double secondsPerToken,
    double estimateModelSeconds,
    String measurement) {
  /** What {@link #measurement} says when the results hold no rest-of-model point at all. */
  public static final String NO_REST_POINTS =
      "estimate: the results hold no rest-of-model point (bench --phases rest measures one)";

  public RestEstimate {
    components = List.copyOf(components);
  }

  /** True when at least one component is priced from a measurement. */
  public boolean anyMeasured() {
    return components.stream().anyMatch(Component::measured);
  }

  /** A copy scaled by a calibration factor. */
  public RestEstimate calibrated(double scale) {
    if (!(scale > 0) || !Double.isFinite(scale)) {
      throw new BadInputException("calibrationScale: " + scale + " is not a positive factor");
    }
    return new RestEstimate(
        curve,
        components,
        flopsPerToken,
        weightBytesPerGpu,
        computeSeconds,
        weightSeconds,
        onChipSeconds,
        remoteCopiesPerToken,
        commBytesPerToken,
        commSeconds,
        modelSeconds,
        scale,
        modelSeconds * scale,
        estimateModelSeconds,
        measurement);
  }

  /** The component with this name. */
  public Component component(String name) {
    return components.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new BadInputException("component: '" + name + "' is not one"));
  }
}
