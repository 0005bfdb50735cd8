package io.dsabench.costmodel.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.dsabench.costmodel.cost.CostCurve;
import io.dsabench.costmodel.cost.CostParameters;
import io.dsabench.costmodel.cost.CostReport;
import io.dsabench.costmodel.cost.Curve;
import io.dsabench.costmodel.cost.CurvePoint;
import io.dsabench.costmodel.cost.Deployment;
import io.dsabench.costmodel.cost.ModelConfig;
import io.dsabench.costmodel.cost.ModelVersion;
import io.dsabench.costmodel.cost.RestOfModel;
import io.dsabench.costmodel.hardware.HardwareProfiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityPlannerTest {
  /** A report whose curves are flat lines at the given GPU-seconds per token (hand-made). */
  static CostReport flat(double preV31, double preV32, double decV31, double decV32) {
    List<CostCurve> curves = new ArrayList<>();
    for (Curve c : Curve.values()) {
      double g =
          switch (c) {
            case PREFILL_V31 -> preV31;
            case PREFILL_V32 -> preV32;
            case DECODE_V31 -> decV31;
            case DECODE_V32 -> decV32;
          };
      curves.add(
          new CostCurve(
              c,
              2.0,
              List.of(
                  new CurvePoint(0, 0, g, 0, g, false, "x"),
                  new CurvePoint(131072, 0, g, 0, g, false, "x"))));
    }
    return new CostReport(
        CostParameters.defaults(),
        "hand",
        "hand",
        null,
        false,
        "hand-made curves",
        curves,
        null,
        java.util.Arrays.stream(Curve.values())
            .map(
                c ->
                    RestOfModel.estimate(
                        ModelConfig.DEEPSEEK_V3_2,
                        Deployment.defaults(c.phase()),
                        c,
                        HardwareProfiles.H800))
            .toList(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  @Test
  void capacityMathByHand() {
    // Two tokens per decode step, both accepted: one output token per query token.
    TrafficMix mix =
        new TrafficMix(
            "hand",
            10,
            new LengthDistribution.Empirical(List.of(new WeightedLength(1000, 1))),
            new LengthDistribution.Empirical(List.of(new WeightedLength(100, 1))),
            0.5,
            0.5,
            2.0);
    CapacityPlan plan = CapacityPlanner.plan(mix, flat(1e-4, 0.5e-4, 2e-4, 1e-4));
    VariantPlan d = plan.dense();
    // Prefill: 500 uncached tokens · 1e-4 s = 0.05 s; decode: 100 · 2e-4 = 0.02 s per request.
    assertThat(d.prefillGpuSecondsPerRequest()).isCloseTo(0.05, within(1e-12));
    assertThat(d.decodeGpuSecondsPerRequest()).isCloseTo(0.02, within(1e-12));
    // Busy GPUs at 50% utilization: 10 · 0.05 / 0.5 = 1.0 and 10 · 0.02 / 0.5 = 0.4; provisioned
    // in whole units: one prefill EP32 unit and one decode EP144 unit.
    assertThat(d.prefillGpus()).isCloseTo(1.0, within(1e-12));
    assertThat(d.decodeGpus()).isCloseTo(0.4, within(1e-12));
    assertThat(d.prefillGpusProvisioned()).isEqualTo(32);
    assertThat(d.decodeGpusProvisioned()).isEqualTo(144);
    assertThat(d.gpusNeeded()).isEqualTo(176);
    assertThat(d.usdPerDay()).isCloseTo(176 * 24 * 2.0, within(1e-9));
    // 1e6 · 2/3600 · 0.05 s / 1000 tokens / 0.5 = 0.0555...; output: · 0.02 / 100 / 0.5 = 0.222...
    assertThat(d.usdPerMillionInput()).isCloseTo(1e6 * 2 / 3600 * 1e-4, within(1e-12));
    assertThat(d.usdPerMillionOutput()).isCloseTo(1e6 * 2 / 3600 * 4e-4, within(1e-12));
    assertThat(plan.dsa().prefillGpus()).isCloseTo(0.5, within(1e-12));
    // Both fit in one unit of each: the same GPUs, and the verdict says why.
    assertThat(plan.verdict())
        .isEqualTo(
            "DSA and dense need the same 176 GPUs (8,448 USD per day) for this mix: whole"
                + " deployment units of 32 prefill and 144 decode GPUs hide the difference in busy"
                + " GPUs (dense 1.4, DSA 0.7)");
    // The default acceptance: 1 + 0.85 of one draft per step, so 2/1.85 query tokens per output.
    CapacityPlan dflt =
        CapacityPlanner.plan(
            new TrafficMix("hand", 10, mix.prompt(), mix.output(), 0.5, 0.5),
            flat(1e-4, 0.5e-4, 2e-4, 1e-4));
    assertThat(dflt.tokensPerDecodeStep()).isEqualTo(1.85);
    assertThat(dflt.dense().decodeGpuSecondsPerRequest()).isCloseTo(0.02 * 2 / 1.85, within(1e-12));
  }

  @Test
  void theVerdictSaysWhichSavesAndByHowMuchInWords() {
    TrafficMix big =
        new TrafficMix(
            "big",
            2000,
            new LengthDistribution.Empirical(List.of(new WeightedLength(30000, 1))),
            new LengthDistribution.Empirical(List.of(new WeightedLength(500, 1))),
            0,
            0.7,
            2.0);
    CapacityPlan saves = CapacityPlanner.plan(big, flat(4e-4, 1e-4, 8e-4, 2e-4));
    int diff = saves.dense().gpusNeeded() - saves.dsa().gpusNeeded();
    assertThat(diff).isPositive();
    assertThat(saves.verdict())
        .isEqualTo(
            String.format(
                java.util.Locale.ROOT,
                "DSA saves %d GPUs, %,.0f USD per day, %.0f%%",
                diff,
                diff * 24 * 2.0,
                100.0 * diff / saves.dense().gpusNeeded()));
    CapacityPlan costs = CapacityPlanner.plan(big, flat(1e-4, 4e-4, 2e-4, 8e-4));
    assertThat(costs.verdict()).startsWith("DSA costs ").contains(" more GPUs, ").endsWith("%)");
  }

  @Test
  void kvCacheCapacityLimitsTheDecodeBatch() {
    // 44K-token contexts on an H800: V3.2 keeps 788 B per token and layer (fp8 latent + indexer
    // key), V3.1 1152 (bf16 latent), over 62 layers with the MTP module's.
    TrafficMix longCtx =
        new TrafficMix(
            "long",
            1,
            new LengthDistribution.Empirical(List.of(new WeightedLength(44000, 1))),
            new LengthDistribution.Empirical(List.of(new WeightedLength(1000, 1))),
            0,
            0.7);
    CapacityPlan plan = CapacityPlanner.plan(longCtx, flat(1e-4, 1e-4, 2e-4, 1e-4));
    double resident = 44000 + 1000 * 1000 / 2000.0;
    for (VariantPlan v : List.of(plan.dense(), plan.dsa())) {
      double kv = (v.version() == ModelVersion.V3_2 ? 788 : 1152) * 62.0;
      assertThat(v.kvBytesPerToken()).isEqualTo(kv);
      assertThat(v.meanResidentContext()).isEqualTo(resident);
      double free =
          81559.0 * 1024 * 1024 * 0.9
              - RestOfModel.estimate(
                      ModelConfig.DEEPSEEK_V3_2,
                      Deployment.DECODE,
                      Curve.of(io.dsabench.model.workload.Phase.DECODE, v.version()),
                      HardwareProfiles.H800)
                  .weightBytesPerGpu();
      assertThat(v.sequencesThatFit()).isEqualTo((int) Math.floor(free / (kv * resident)));
      assertThat(v.memoryBound()).isTrue();
      assertThat(v.decodeBatch()).isEqualTo(v.sequencesThatFit());
    }
    // Far below the 128-sequence batch the rest-of-model estimate assumes.
    assertThat(plan.dsa().sequencesThatFit()).isBetween(20, 30);
    assertThat(plan.dense().sequencesThatFit()).isBetween(13, 20);
    // Fewer sequences share the streamed weights: decode costs more than the curve alone says.
    assertThat(plan.dense().decodeGpuSecondsPerRequest()).isGreaterThan(1000 * 2e-4 * 2 / 1.85);
  }

  @Test
  void moreTokensPerStepThanTheDraftsAllowIsRefused() {
    var one = new LengthDistribution.Empirical(List.of(new WeightedLength(100, 1)));
    TrafficMix mix = new TrafficMix("x", 1, one, one, 0, 0.7, 2.5);
    assertThatThrownBy(() -> CapacityPlanner.plan(mix, flat(1, 1, 1, 1)))
        .hasMessage(
            "tokensPerDecodeStep: 2.5 exceeds the 2 query tokens a decode step carries (1 +"
                + " deployment.decode.mtpDraftTokens 1)");
  }

  @Test
  void decodeIntegratesTheCurveFromPromptToEnd() {
    // Decode cost rising linearly 0 -> 131072e-9 s: tokens at 1000..1100 cost ∫ p·1e-9 dp
    // = (1100² - 1000²)/2 · 1e-9 = 1.05e-4 s.
    CostCurve lin =
        new CostCurve(
            Curve.DECODE_V31,
            2.0,
            List.of(
                new CurvePoint(0, 0, 0, 0, 0, false, "x"),
                new CurvePoint(131072, 0, 131072e-9, 0, 0, false, "x")));
    assertThat(lin.gpuSecondsBetween(1000, 1100)).isCloseTo(1.05e-4, within(1e-15));
  }

  @Test
  void extrapolationFlagFollowsTheIntegratedRange() {
    CostCurve c =
        new CostCurve(
            Curve.PREFILL_V31,
            2.0,
            List.of(
                new CurvePoint(0, 0, 1, 0, 1, true, "x"),
                new CurvePoint(1024, 0, 1, 0, 1, false, "x"),
                new CurvePoint(2048, 0, 1, 0, 1, false, "x")));
    assertThat(c.extrapolatedBetween(0, 500)).isTrue();
    assertThat(c.extrapolatedBetween(1000, 1500)).isTrue();
    assertThat(c.extrapolatedBetween(1024, 2048)).isFalse();
  }

  @Test
  void lengthsBeyondTheCurvesAreRejected() {
    TrafficMix mix =
        new TrafficMix(
            "long",
            1,
            new LengthDistribution.LogNormal(100000, 0.5, 130000),
            new LengthDistribution.Empirical(List.of(new WeightedLength(2000, 1))),
            0,
            0.7);
    assertThatThrownBy(() -> CapacityPlanner.plan(mix, flat(1, 1, 1, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("output: max 2000 plus prompt max 130000 exceeds the curves' 131072 tokens");
  }

  @Test
  void logNormalSupportHasItsMedianAndStaysInRange() {
    var d = new LengthDistribution.LogNormal(2000, 1.0, 32768);
    var s = d.support();
    assertThat(s.stream().mapToDouble(WeightedLength::weight).sum()).isCloseTo(1, within(1e-12));
    assertThat(s).allMatch(w -> w.length() >= 1 && w.length() <= 32768);
    double below =
        s.stream().filter(w -> w.length() < 2000).mapToDouble(WeightedLength::weight).sum();
    assertThat(below).isCloseTo(0.5, within(0.01));
    // Untruncated mean would be 2000·e^{0.5} = 3297; the cap at 32768 barely matters here.
    assertThat(d.mean()).isCloseTo(3297, within(40.0));
    assertThat(new LengthDistribution.LogNormal(500, 0, 1000).mean()).isEqualTo(500);
  }

  @Test
  void badTrafficNamesFieldValueAndRule() {
    var one = new LengthDistribution.Empirical(List.of(new WeightedLength(1, 1)));
    assertThatThrownBy(() -> new TrafficMix("x", -1, one, one, 0, 0.7))
        .hasMessage("requestsPerSecond: -1.0 is not a positive rate");
    assertThatThrownBy(() -> new TrafficMix("x", 1, one, one, 1.0, 0.7))
        .hasMessage("cacheHitRatio: 1.0 is not in [0, 1)");
    assertThatThrownBy(() -> new WeightedLength(0, 1))
        .hasMessage("length: 0 is not a positive token count");
  }
}
