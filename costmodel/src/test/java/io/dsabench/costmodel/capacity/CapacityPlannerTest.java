package io.dsabench.costmodel.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.dsabench.costmodel.cost.CostCurve;
import io.dsabench.costmodel.cost.CostParameters;
import io.dsabench.costmodel.cost.CostReport;
import io.dsabench.costmodel.cost.Curve;
import io.dsabench.costmodel.cost.CurvePoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityPlannerTest {
  /** A report whose curves are flat lines at the given GPU-seconds per token (hand-made). */
  static CostReport flat(double preV31, double preV32, double decV31, double decV32) {
    List<CostCurve> curves = new ArrayList<>();
    double[] s = {preV31, preV32, decV31, decV32};
    for (Curve c : Curve.values()) {
      double g = s[c.ordinal()];
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
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  @Test
  void capacityMathByHand() {
    TrafficMix mix =
        new TrafficMix(
            "hand",
            10,
            new LengthDistribution.Empirical(List.of(new WeightedLength(1000, 1))),
            new LengthDistribution.Empirical(List.of(new WeightedLength(100, 1))),
            0.5,
            0.5);
    CapacityPlan plan = CapacityPlanner.plan(mix, flat(1e-4, 0.5e-4, 2e-4, 1e-4));
    VariantPlan d = plan.dense();
    // Prefill: 500 uncached tokens · 1e-4 s = 0.05 s; decode: 100 · 2e-4 = 0.02 s per request.
    assertThat(d.prefillGpuSecondsPerRequest()).isCloseTo(0.05, within(1e-12));
    assertThat(d.decodeGpuSecondsPerRequest()).isCloseTo(0.02, within(1e-12));
    // Busy GPUs at 50% utilization: 10 · 0.05 / 0.5 = 1.0 and 10 · 0.02 / 0.5 = 0.4 -> 1 + 1.
    assertThat(d.prefillGpus()).isCloseTo(1.0, within(1e-12));
    assertThat(d.decodeGpus()).isCloseTo(0.4, within(1e-12));
    assertThat(d.gpusNeeded()).isEqualTo(2);
    assertThat(d.usdPerDay()).isCloseTo(2 * 24 * 2.0, within(1e-9));
    // 1e6 · 2/3600 · 0.05 s / 1000 tokens / 0.5 = 0.0555...; output: · 0.02 / 100 / 0.5 = 0.222...
    assertThat(d.usdPerMillionInput()).isCloseTo(1e6 * 2 / 3600 * 1e-4, within(1e-12));
    assertThat(d.usdPerMillionOutput()).isCloseTo(1e6 * 2 / 3600 * 4e-4, within(1e-12));
    assertThat(plan.dsa().prefillGpus()).isCloseTo(0.5, within(1e-12));
    assertThat(plan.savingsFactor()).isCloseTo(1.4 / 0.7, within(1e-12));
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
