package io.dsabench.costmodel.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.dsabench.costmodel.hardware.HardwareProfiles;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.SyntheticResults;
import io.dsabench.model.workload.Op;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostModelTest {
  private static final Results CPU = SyntheticResults.of("cpu", "cpu", SyntheticResults::linear);

  @Test
  void usdFormulaByHand() {
    // 1e6 · 2 / 3600 · 1.8e-4 = 0.1 USD per million tokens.
    assertThat(CostModel.usdPerMillionTokens(2.0, 1.8e-4)).isCloseTo(0.1, within(1e-15));
    assertThat(CostModel.gpuSecondsPerToken(2.0, 0.1)).isCloseTo(1.8e-4, within(1e-18));
  }

  @Test
  void firstCrossingOfALineIsItsRoot() {
    // f(p) = 1000 - 0.15 p crosses 0 at p = 6666.67.
    double x = CostModel.firstCrossing(p -> 1000 - 0.15 * p, 0, 131072, 64);
    assertThat(x).isCloseTo(6666.667, within(0.01));
    assertThat(CostModel.firstCrossing(p -> 1.0, 0, 100, 10)).isNaN();
    assertThat(CostModel.firstCrossing(p -> -1.0, 0, 100, 10)).isNaN();
  }

  @Test
  void syntheticCpuRunGivesHandComputedCurves() {
    CostReport r = CostModel.compute(CPU, CostParameters.defaults());
    assertThat(r.translated()).isFalse();
    assertThat(r.attentionLabel()).contains("NOT translated");
    // Dense prefill at 65536 (a measured point): 62 · (1e-6 + 65536e-10) s + rest: 61 layers and
    // the MTP module's, which runs over every prompt token. Decode has 61.5: the module runs for
    // one draft per two query tokens.
    CostCurve pv31 = r.curve(Curve.PREFILL_V31);
    double rest = r.restOf(Curve.PREFILL_V31).secondsPerToken();
    CurvePoint at64k = pv31.points().stream().filter(p -> p.position() == 65536).findFirst().get();
    assertThat(at64k.attentionSeconds()).isCloseTo(62 * (1e-6 + 65536e-10), within(1e-15));
    assertThat(at64k.gpuSecondsPerToken())
        .isCloseTo(at64k.attentionSeconds() + rest, within(1e-15));
    assertThat(at64k.usdPerMillionTokens())
        .isCloseTo(1e6 * 2.0 / 3600 * at64k.gpuSecondsPerToken(), within(1e-12));
    assertThat(at64k.extrapolated()).isFalse();
    // Between 1024 and 32768 the per-token time is linear in p (both ends on the same line here).
    CurvePoint at16k = pv31.points().stream().filter(p -> p.position() == 16384).findFirst().get();
    assertThat(at16k.attentionSeconds()).isCloseTo(62 * (1e-6 + 16384e-10), within(1e-15));
    // Position 0 is inside the first chunk (positions 0..1023, its mean position 512.5): the
    // first segment extended there is not an extrapolation.
    CurvePoint at0 = pv31.points().get(0);
    assertThat(at0.position()).isZero();
    assertThat(at0.extrapolated()).isFalse();
    assertThat(at0.attentionSeconds()).isCloseTo(62 * 1e-6, within(1e-15));
    // Decode at 0 lies below every measured context (1023 is the first one token sees): flagged.
    CurvePoint dec0 = r.curve(Curve.DECODE_V31).points().get(0);
    assertThat(dec0.extrapolated()).isTrue();
    assertThat(dec0.attentionSeconds()).isCloseTo(61.5 * 2e-6, within(1e-15));
    // Decode v3.2 at 131072: indexer + topk + sparse = (0.1e-6 + 131072·2e-11) + 0.05e-6 +
    // (0.5e-6 + 2048e-10).
    CurvePoint d =
        r.curve(Curve.DECODE_V32).points().get(r.curve(Curve.DECODE_V32).points().size() - 1);
    assertThat(d.position()).isEqualTo(131072);
    assertThat(d.attentionSeconds())
        .isCloseTo(61.5 * (0.1e-6 + 131072 * 2e-11 + 0.05e-6 + 0.5e-6 + 2048e-10), within(1e-15));
  }

  @Test
  void prefillCrossoverWhereSparseBeatsMaskedMha() {
    // Masked MHA = dense + indexer + top-k, sparse = indexer + top-k + sparse_prefill: they cross
    // where dense_prefill = sparse_prefill. Here dense grows from 0 and sparse is flat at 1 µs.
    Results r =
        SyntheticResults.of(
            "cpu",
            null,
            (op, p) -> {
              switch (op) {
                case DENSE_PREFILL:
                  return p * 1e-10; // 0 at p = 0, grows
                case SPARSE_PREFILL:
                  return 1e-6; // flat
                default:
                  return SyntheticResults.linear(op, p);
              }
            });
    CostReport rep = CostModel.compute(r, CostParameters.defaults());
    // dense(p) = p·1e-10 = 1e-6 at p = 10000: crossover at 10000 tokens.
    assertThat(rep.prefillCrossoverPosition()).isCloseTo(10000.0, within(1.0));
    CostCurve pv32 = rep.curve(Curve.PREFILL_V32);
    assertThat(pv32.points().get(1).mode()).isEqualTo("masked_mha"); // 1024
    assertThat(pv32.points().get(20).mode()).isEqualTo("sparse"); // 20480
  }

  @Test
  void costIsExactlyLinearInPrice() {
    CostReport a = CostModel.compute(CPU, CostParameters.builder().usdPerGpuHour(2.0).build());
    CostReport b = CostModel.compute(CPU, CostParameters.builder().usdPerGpuHour(6.0).build());
    for (Curve c : Curve.values()) {
      List<CurvePoint> pa = a.curve(c).points();
      List<CurvePoint> pb = b.curve(c).points();
      for (int i = 0; i < pa.size(); i++) {
        assertThat(pb.get(i).usdPerMillionTokens())
            .isCloseTo(3 * pa.get(i).usdPerMillionTokens(), within(1e-12));
      }
    }
  }

  @Test
  void denseCurvesAreMonotoneAndDsaIsCheaperBeyondTheCrossover() {
    CostReport r = CostModel.compute(CPU, CostParameters.defaults());
    for (Curve c : List.of(Curve.PREFILL_V31, Curve.DECODE_V31)) {
      List<CurvePoint> ps = r.curve(c).points();
      for (int i = 1; i < ps.size(); i++) {
        assertThat(ps.get(i).usdPerMillionTokens())
            .isGreaterThanOrEqualTo(ps.get(i - 1).usdPerMillionTokens());
      }
    }
    double from = r.prefillCrossoverPosition() == null ? 0 : r.prefillCrossoverPosition();
    for (CurvePoint p : r.curve(Curve.PREFILL_V32).points()) {
      if (p.position() > from) {
        assertThat(p.attentionSeconds())
            .isLessThanOrEqualTo(r.curve(Curve.PREFILL_V31).gpuSecondsAt(p.position()));
      }
    }
  }

  @Test
  void gpuRunIsTranslatedByBoundResource() {
    Results h200 = SyntheticResults.of("cuda", "NVIDIA H200", SyntheticResults::linear);
    CostReport r = CostModel.compute(h200, CostParameters.defaults());
    assertThat(r.translated()).isTrue();
    assertThat(r.source()).isEqualTo(HardwareProfiles.H200);
    // Top-k does no FLOPs: memory-bound, so it slows down by 4.8/3.35 on the H800.
    MeasuredPoint m =
        r.measured().stream()
            .filter(x -> x.stages().stream().anyMatch(s -> s.op() == Op.TOPK))
            .findFirst()
            .get();
    var topk = m.stages().stream().filter(s -> s.op() == Op.TOPK).findFirst().get();
    assertThat(topk.factor()).isCloseTo(4.8 / 3.35, within(1e-12));
  }

  @Test
  void extrapolationErrorPricesTheMeasuredRangeAndSaysWhereItStops() throws Exception {
    CostReport r =
        CostModel.compute(CPU, CostParameters.builder().extrapolation(Extrapolation.ERROR).build());
    // Prefill chunks cover 0..131072; decode contexts start at 1023 (a token at 1024 sees 1024).
    assertThat(r.curve(Curve.PREFILL_V31).minPosition()).isZero();
    assertThat(r.curve(Curve.DECODE_V31).minPosition()).isEqualTo(1023);
    assertThat(r.curve(Curve.DECODE_V31).points().get(1).position()).isEqualTo(1024);
    for (CostCurve c : r.curves()) {
      assertThat(c.anyExtrapolated()).as(c.curve().id()).isFalse();
      assertThat(c.maxPosition()).isEqualTo(131072);
    }
    // The published 2-token decode run starts at 32K: decode_v3.2 stops there, and the
    // comparison with Figure 3 says so instead of guessing at 8K and 16K.
    Path pub = Path.of("..", "testdata", "h200-9e2310f");
    CostReport two =
        CostModel.compute(
            io.dsabench.model.results.MeasurementSet.of(
                List.of(
                    new io.dsabench.model.results.MeasurementSet.Source(
                        "results.json", ResultsIO.read(pub.resolve("results.json"))),
                    new io.dsabench.model.results.MeasurementSet.Source(
                        "b128", ResultsIO.read(pub.resolve("decode-2tok-b128.json"))))),
            CostParameters.builder().extrapolation(Extrapolation.ERROR).build());
    assertThat(two.curve(Curve.DECODE_V32).minPosition()).isEqualTo(32766);
    var cmp =
        io.dsabench.costmodel.reference.Figure3Comparison.compare(
            two, io.dsabench.costmodel.reference.Figure3Reference.load());
    assertThat(cmp.notCompared())
        .containsExactly(
            "decode_v3.2 at 8192: not priced (measured 32766..131072, --extrapolation error)",
            "decode_v3.2 at 16384: not priced (measured 32766..131072, --extrapolation error)");
    assertThat(cmp.rows()).hasSize(22);
  }

  @Test
  void calibrationIsANamedStepThatHitsItsTarget() {
    RestCalibration cal = RestCalibration.fromUsd(0.0529, 0.0705, 2.0, "paper Figure 3");
    CostReport r = CostModel.compute(CPU, CostParameters.builder().calibration(cal).build());
    assertThat(r.calibration()).hasSize(2);
    CalibrationStep pre = r.calibration().get(0);
    assertThat(pre.name()).isEqualTo("calibrate_rest_to_intercepts");
    // The rest plus a context-free token's attention roofline (one query over one key on the
    // H800: 62 layers, the MTP module's included, of its query, key, value and output bytes) is
    // the target.
    double roof =
        62
            * 2.0
            * (128 * 192 + 128 * 320 + 128 * 128)
            / HardwareProfiles.H800.peak().bytesPerSecond();
    assertThat(pre.attentionSeconds()).isCloseTo(roof, within(1e-15));
    assertThat(r.restOf(Curve.PREFILL_V31).secondsPerToken() + pre.attentionSeconds())
        .isCloseTo(CostModel.gpuSecondsPerToken(2.0, 0.0529), within(1e-15));
    // Our own attention at position 0 comes on top: the curve starts above the target by it.
    assertThat(r.curve(Curve.PREFILL_V31).points().get(0).gpuSecondsPerToken())
        .isCloseTo(
            CostModel.gpuSecondsPerToken(2.0, 0.0529) - roof + pre.measuredAttentionSeconds(),
            within(1e-15));
    CalibrationStep dec = r.calibration().get(1);
    assertThat(r.restOf(Curve.DECODE_V31).secondsPerToken() + dec.attentionSeconds())
        .isCloseTo(CostModel.gpuSecondsPerToken(2.0, 0.0705), within(1e-15));
  }

  @Test
  void calibrationGivesTheSameFactorOnTwoRunsOfTheSameKernels() throws Exception {
    // Two real H200 runs of commit 7c44565 (reports/scaleout/h200x2: one GPU, then two), the same
    // kernels a few minutes apart. Their dense decode at 4K differs by 1.9%; extrapolated from 4K
    // to position 0 that moved the decode factor from 0.401 to 0.428 (bound switch) or from 0.243
    // to 0.278 (roofline). The factor no longer rests on that extrapolation.
    RestCalibration cal = RestCalibration.fromUsd(0.0529, 0.0705, 2.0, "paper Figure 3");
    Path dir = Path.of("..", "reports", "scaleout", "h200x2");
    CostReport a =
        CostModel.compute(
            ResultsIO.read(dir.resolve("one-gpu.json")),
            CostParameters.builder().calibration(cal).build());
    CostReport b =
        CostModel.compute(
            ResultsIO.read(dir.resolve("two-gpus.json")),
            CostParameters.builder().calibration(cal).build());
    for (int i = 0; i < 2; i++) {
      double fa = a.calibration().get(i).scale();
      double fb = b.calibration().get(i).scale();
      assertThat(fb / fa).as(a.calibration().get(i).phase()).isCloseTo(1.0, within(0.02));
      // Their own attention at 0 still differs, and is shown.
      assertThat(a.calibration().get(i).measuredAttentionSeconds()).isPositive();
    }
  }

  @Test
  void missingStagesAreNamed() {
    Results empty = new Results(CPU.run(), List.of());
    assertThatThrownBy(() -> CostModel.compute(empty, CostParameters.defaults()))
        .hasMessage(
            "results: no ok prefill/dense point with stages [dense_prefill] (run"
                + " 'synthetic-test-run')");
  }

  @Test
  void negativePriceIsRejected() {
    // The builder checks each value as it is set, before build().
    assertThatThrownBy(() -> CostParameters.builder().usdPerGpuHour(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "price: '-1' is not a price: a plain decimal of USD per GPU-hour above 0 and at most"
                + " 1000");
  }

  @Test
  void theBuilderNamesFieldValueAndRuleAsEachValueIsSet() {
    assertThatThrownBy(() -> CostParameters.builder().positions(List.of(0, 4096, 2048)))
        .hasMessage("positions: 2048 does not increase after 4096");
    assertThatThrownBy(() -> CostParameters.builder().positions(List.of(0, 262144)))
        .hasMessage("positions: 262144 is not between 0 and 131072");
    assertThatThrownBy(() -> CostParameters.builder().prefill(Deployment.DECODE))
        .hasMessage("prefill: decode is not a prefill deployment");
    assertThatThrownBy(() -> CostParameters.builder().target(null))
        .hasMessageStartingWith("hardware: null is not one of ");
    // toBuilder keeps everything it is not told to change.
    CostParameters d = CostParameters.defaults();
    assertThat(d.toBuilder().build()).isEqualTo(d);
    assertThat(d.toBuilder().usdPerGpuHour(3).build())
        .isEqualTo(
            new CostParameters(
                d.target(),
                3,
                d.source(),
                d.model(),
                d.prefill(),
                d.decode(),
                d.maskedMhaIncludesIndexer(),
                d.extrapolation(),
                d.positions(),
                d.calibration()));
  }

  @Test
  void onePhaseAloneHasTwoCurvesAndRefusesTheOthersByName() {
    CostReport r =
        CostModel.compute(
            CPU,
            CostParameters.defaults(),
            java.util.EnumSet.of(io.dsabench.model.workload.Phase.DECODE));
    assertThat(r.curves())
        .extracting(CostCurve::curve)
        .containsExactly(Curve.DECODE_V31, Curve.DECODE_V32);
    assertThat(r.prefillCrossoverPosition()).isNull();
    assertThat(r.has(Curve.PREFILL_V31)).isFalse();
    assertThatThrownBy(() -> r.curve(Curve.PREFILL_V31))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("curve: prefill_v3.1 was not computed (its phase was left out)");
    // The decode curves are the same as in the full report.
    CostReport full = CostModel.compute(CPU, CostParameters.defaults());
    assertThat(r.curve(Curve.DECODE_V32)).isEqualTo(full.curve(Curve.DECODE_V32));
  }
}
