package io.dsabench.costmodel.capacity;

import io.dsabench.costmodel.cost.CostCurve;
import io.dsabench.costmodel.cost.CostModel;
import io.dsabench.costmodel.cost.CostReport;
import io.dsabench.costmodel.cost.Curve;
import io.dsabench.costmodel.cost.ModelVersion;
import io.dsabench.costmodel.workload.Phase;
import java.util.List;

/**
 * Turns a traffic mix into GPUs and USD using the per-position curves of a {@link CostReport}.
 *
 * <p>A request with prompt length L and output length M costs
 *
 * <pre>
 * prefill: ∫ from h·L to L of prefill(p) dp   (h = cache-hit ratio: the prefix is cached)
 * decode:  ∫ from L to L+M of decode(p) dp
 * </pre>
 *
 * GPU-seconds, with the curves linear between samples (integrated exactly). Prompt and output
 * lengths are independent; expectations are exact sums over the distributions' supports. Busy GPUs
 * = requests/s · expected GPU-seconds per request / target utilization, per phase.
 */
public final class CapacityPlanner {
  private CapacityPlanner() {}

  /**
   * Plans {@code traffic} on the report's hardware and price.
   *
   * @throws IllegalArgumentException when prompt max + output max exceeds the curves' range
   */
  public static CapacityPlan plan(TrafficMix traffic, CostReport report) {
    int top = report.curve(Curve.DECODE_V31).maxPosition();
    if ((long) traffic.prompt().max() + traffic.output().max() > top) {
      throw new IllegalArgumentException(
          "output: max "
              + traffic.output().max()
              + " plus prompt max "
              + traffic.prompt().max()
              + " exceeds the curves' "
              + top
              + " tokens");
    }
    List<WeightedLength> prompts = traffic.prompt().support();
    List<WeightedLength> outputs = traffic.output().support();
    double meanPrompt = traffic.prompt().mean();
    double meanOutput = traffic.output().mean();
    double price = report.parameters().usdPerGpuHour();
    VariantPlan dense =
        plan(traffic, report, ModelVersion.V3_1, prompts, outputs, meanPrompt, meanOutput, price);
    VariantPlan dsa =
        plan(traffic, report, ModelVersion.V3_2, prompts, outputs, meanPrompt, meanOutput, price);
    return new CapacityPlan(
        traffic, report.parameters().target().id(), price, meanPrompt, meanOutput, dense, dsa);
  }

  private static VariantPlan plan(
      TrafficMix t,
      CostReport report,
      ModelVersion v,
      List<WeightedLength> prompts,
      List<WeightedLength> outputs,
      double meanPrompt,
      double meanOutput,
      double price) {
    CostCurve pre = report.curve(Curve.of(Phase.PREFILL, v));
    CostCurve dec = report.curve(Curve.of(Phase.DECODE, v));
    double h = t.cacheHitRatio();
    double prefill = 0;
    double decode = 0;
    boolean extrapolated = false;
    int longestOutput = outputs.stream().mapToInt(WeightedLength::length).max().orElse(0);
    for (WeightedLength l : prompts) {
      prefill += l.weight() * pre.gpuSecondsBetween(h * l.length(), l.length());
      extrapolated |= pre.extrapolatedBetween(h * l.length(), l.length());
      extrapolated |= dec.extrapolatedBetween(l.length(), l.length() + longestOutput);
      for (WeightedLength m : outputs) {
        decode +=
            l.weight() * m.weight() * dec.gpuSecondsBetween(l.length(), l.length() + m.length());
      }
    }
    double u = t.targetUtilization();
    double prefillGpus = t.requestsPerSecond() * prefill / u;
    double decodeGpus = t.requestsPerSecond() * decode / u;
    int gpus = (int) Math.ceil(prefillGpus - 1e-9) + (int) Math.ceil(decodeGpus - 1e-9);
    return new VariantPlan(
        v,
        prefill,
        decode,
        prefillGpus,
        decodeGpus,
        gpus,
        gpus * 24.0 * price,
        CostModel.usdPerMillionTokens(price, prefill / meanPrompt / u),
        CostModel.usdPerMillionTokens(price, decode / meanOutput / u),
        extrapolated);
  }
}
