package io.dsabench.costmodel.capacity;

import io.dsabench.costmodel.cost.CostCurve;
import io.dsabench.costmodel.cost.CostModel;
import io.dsabench.costmodel.cost.CostParameters;
import io.dsabench.costmodel.cost.CostReport;
import io.dsabench.costmodel.cost.Curve;
import io.dsabench.costmodel.cost.Deployment;
import io.dsabench.costmodel.cost.ModelVersion;
import io.dsabench.costmodel.cost.RestEstimate;
import io.dsabench.costmodel.cost.RestOfModel;
import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Phase;
import java.util.List;
import java.util.Locale;

/**
 * Turns a traffic mix into GPUs and USD using the per-position curves of a {@link CostReport}.
 *
 * <p>A request with prompt length L and output length M costs
 *
 * <pre>
 * prefill: ∫ from h·L to L of prefill(p) dp                     (h = cache-hit ratio)
 * decode:  t/τ · ∫ from L to L+M of decode(p) dp                (t = query tokens per step and
 *                                                                sequence, τ = tokens it yields)
 * </pre>
 *
 * GPU-seconds, with the curves linear between samples (integrated exactly). The decode curve is per
 * query token; a step of t query tokens (the token and its MTP drafts) yields τ output tokens on
 * average. Prompt and output lengths are independent; expectations are exact sums over the
 * distributions' supports.
 *
 * <p>Memory: a decoding sequence holds its KV cache ({@link
 * io.dsabench.costmodel.cost.ModelConfig#kvBytesPerToken}) for its whole context, on average E[L] +
 * E[M²]/(2·E[M]) tokens (a sequence stays in proportion to its output). A decode GPU holds what its
 * memory, less a reserve and its weights, leaves room for; when that is fewer sequences than the
 * deployment's batch, the batch shrinks to fit and the weights are shared by fewer tokens (the rest
 * of the model is re-estimated at that batch).
 *
 * <p>Busy GPUs = requests/s · expected GPU-seconds per request / target utilization, per phase;
 * provisioned GPUs round each phase up to whole deployment units (its EP degree: 32 for prefill,
 * 144 for decode by default).
 */
public final class CapacityPlanner {
  private CapacityPlanner() {}

  /**
   * Plans {@code traffic} on the report's hardware and price.
   *
   * @throws IllegalArgumentException when prompt max + output max exceeds the curves' range, a mean
   *     sequence's KV cache does not fit in a decode GPU, or the mix's tokens per decode step
   *     exceed what the deployment's drafts allow
   */
  public static CapacityPlan plan(TrafficMix traffic, CostReport report) {
    int top = report.curve(Curve.DECODE_V31).maxPosition();
    if ((long) traffic.prompt().max() + traffic.output().max() > top) {
      throw new BadInputException(
          "output: max "
              + traffic.output().max()
              + " plus prompt max "
              + traffic.prompt().max()
              + " exceeds the curves' "
              + top
              + " tokens");
    }
    CostParameters params = report.parameters();
    Deployment dec = params.decode();
    int t = dec.queryTokensPerStep();
    double tau =
        traffic.tokensPerDecodeStep() != null
            ? traffic.tokensPerDecodeStep()
            : 1 + TrafficMix.DEFAULT_DRAFT_ACCEPTANCE * dec.mtpDraftTokens();
    if (tau > t + 1e-12) {
      throw new BadInputException(
          "tokensPerDecodeStep: "
              + tau
              + " exceeds the "
              + t
              + " query tokens a decode step carries (1 + deployment.decode.mtpDraftTokens "
              + dec.mtpDraftTokens()
              + ")");
    }
    List<WeightedLength> prompts = traffic.prompt().support();
    List<WeightedLength> outputs = traffic.output().support();
    double meanPrompt = traffic.prompt().mean();
    double meanOutput = traffic.output().mean();
    double meanOutputSq =
        outputs.stream().mapToDouble(w -> (double) w.length() * w.length() * w.weight()).sum();
    double resident = meanPrompt + meanOutputSq / (2 * meanOutput);
    double price = params.usdPerGpuHour();
    VariantPlan dense =
        plan(traffic, report, ModelVersion.V3_1, prompts, outputs, resident, t, tau, price);
    VariantPlan dsa =
        plan(traffic, report, ModelVersion.V3_2, prompts, outputs, resident, t, tau, price);
    return new CapacityPlan(
        traffic,
        params.target().id(),
        price,
        meanPrompt,
        meanOutput,
        tau,
        t,
        params.prefill().expertParallel(),
        dec.expertParallel(),
        dense,
        dsa);
  }

  private static VariantPlan plan(
      TrafficMix traffic,
      CostReport report,
      ModelVersion v,
      List<WeightedLength> prompts,
      List<WeightedLength> outputs,
      double resident,
      int t,
      double tau,
      double price) {
    CostParameters params = report.parameters();
    CostCurve pre = report.curve(Curve.of(Phase.PREFILL, v));
    Curve decCurve = Curve.of(Phase.DECODE, v);
    CostCurve dec = report.curve(decCurve);
    Deployment d = params.decode();

    // Memory: how many sequences of the mean resident context fit on a decode GPU.
    RestEstimate rest = report.restOf(decCurve);
    double kv = params.model().kvBytesPerToken(v);
    double free =
        params.target().memoryBytes() * (1 - d.memoryReserveFraction()) - rest.weightBytesPerGpu();
    int fit = (int) Math.floor(free / (kv * resident));
    if (fit < 1) {
      throw new BadInputException(
          String.format(
              Locale.ROOT,
              "memory: a %s sequence of mean context %.0f tokens needs %.2f GB of KV cache, more"
                  + " than the %.2f GB a %s decode GPU has left after its reserve and %.2f GB of"
                  + " weights",
              v.id(),
              resident,
              kv * resident / 1e9,
              Math.max(0, free) / 1e9,
              params.target().id(),
              rest.weightBytesPerGpu() / 1e9));
    }
    double batch = Math.min(d.batchTokensPerGpu(), fit);
    // A smaller batch shares the streamed weights among fewer tokens: the rest of the model per
    // token rises by that much at every position.
    double restDelta = 0;
    if (batch < d.batchTokensPerGpu()) {
      RestEstimate at =
          RestOfModel.estimate(
              params.model(),
              d.toBuilder().batchTokensPerGpu(batch).build(),
              decCurve,
              params.target());
      // The change of the estimate with the batch: a measured rest holds at the full batch only,
      // and moves by what the estimate says a smaller batch costs more.
      restDelta = (at.modelSeconds() - rest.estimateModelSeconds()) * rest.calibrationScale();
    }
    double queryPerOutput = t / tau;

    double h = traffic.cacheHitRatio();
    double prefill = 0;
    double decode = 0;
    boolean extrapolated = false;
    int longestOutput = outputs.stream().mapToInt(WeightedLength::length).max().orElse(0);
    for (WeightedLength l : prompts) {
      prefill += l.weight() * pre.gpuSecondsBetween(h * l.length(), l.length());
      extrapolated |= pre.extrapolatedBetween(h * l.length(), l.length());
      extrapolated |= dec.extrapolatedBetween(l.length(), l.length() + longestOutput);
      for (WeightedLength m : outputs) {
        double queryTokens =
            dec.gpuSecondsBetween(l.length(), l.length() + m.length()) + restDelta * m.length();
        decode += l.weight() * m.weight() * queryPerOutput * queryTokens;
      }
    }
    double u = traffic.targetUtilization();
    double prefillGpus = traffic.requestsPerSecond() * prefill / u;
    double decodeGpus = traffic.requestsPerSecond() * decode / u;
    int preUnit = params.prefill().expertParallel();
    int decUnit = d.expertParallel();
    int preProv = units(prefillGpus, preUnit);
    int decProv = units(decodeGpus, decUnit);
    int gpus = preProv + decProv;
    return new VariantPlan(
        v,
        prefill,
        decode,
        prefillGpus,
        decodeGpus,
        preProv,
        decProv,
        gpus,
        gpus * 24.0 * price,
        CostModel.usdPerMillionTokens(price, prefill / traffic.prompt().mean() / u),
        CostModel.usdPerMillionTokens(price, decode / traffic.output().mean() / u),
        kv,
        resident,
        free,
        fit,
        batch,
        extrapolated);
  }

  /** GPUs in whole units of {@code unit}, at least one unit. */
  private static int units(double busy, int unit) {
    return ((int) Math.max(1, Math.ceil(busy / unit - 1e-9))) * unit;
  }
}
