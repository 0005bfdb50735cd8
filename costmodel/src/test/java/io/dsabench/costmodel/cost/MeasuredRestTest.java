package io.dsabench.costmodel.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dsabench.costmodel.hardware.HardwareProfiles;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.results.SyntheticResults;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.RestBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rest of the model priced from a results file's rest points. Every stage time below is a
 * FIXTURE: plausible magnitudes for one H200 layer at the decode batch, written by hand, not
 * measured.
 */
class MeasuredRestTest {
  private static final Results H200 =
      SyntheticResults.of("cuda", "NVIDIA H200", SyntheticResults::linear);

  /** Serial all-to-all, so that a change of the on-chip parts shows in the price one for one. */
  private static CostParameters params(
      io.dsabench.costmodel.hardware.HardwareProfile target, double price) {
    CostParameters d = CostParameters.defaults();
    return d.toBuilder()
        .target(target)
        .usdPerGpuHour(price)
        .prefill(d.prefill().toBuilder().overlapCommunication(false).build())
        .decode(d.decode().toBuilder().overlapCommunication(false).build())
        .build();
  }

  /** A FIXTURE stage: memory-bound by construction (1 GFLOP over 100 MB). */
  private static StageResult stage(Op op, double seconds) {
    return StageResult.of(op, seconds, seconds * 0.99, seconds * 1.01, 50, 1e9, 1e8);
  }

  private static RestResult decodePoint(int tokens, String routing, StageResult... stages) {
    return new RestResult(
        Phase.DECODE,
        tokens,
        144,
        2,
        tokens * 8 / 2,
        routing,
        PointStatus.OK,
        null,
        List.of(stages));
  }

  @Test
  void withoutRestPointsEveryComponentIsTheEstimate() {
    CostReport r = CostModel.compute(H200, params(HardwareProfiles.H200, 2.0));
    RestEstimate e = r.restOf(Curve.DECODE_V32);
    assertThat(e.anyMeasured()).isFalse();
    assertThat(e.measurement())
        .isEqualTo(
            "estimate: the results hold no decode rest-of-model point (bench --phases rest"
                + " measures one)");
    assertThat(e.components()).allMatch(c -> c.source().equals("estimate"));
    assertThat(e.estimateModelSeconds()).isEqualTo(e.modelSeconds());
    for (Component c : e.components()) {
      assertThat(c.seconds()).isEqualTo(c.estimateSeconds());
    }
  }

  @Test
  void measuredStagesChangeThePriceByTheExpectedAmount() {
    // FIXTURE times: one layer's MLA projections 100 µs, one MoE layer 300 µs, for 256 tokens.
    Results with =
        H200.with(
            decodePoint(
                256,
                RestBatch.UNIFORM,
                stage(Op.MLA_PROJECTIONS, 100e-6),
                stage(Op.MOE_EXPERTS, 300e-6)));
    CostParameters p = params(HardwareProfiles.H200, 2.0);
    CostReport base = CostModel.compute(H200, p);
    CostReport r = CostModel.compute(with, p);
    RestEstimate est = base.restOf(Curve.DECODE_V32);
    RestEstimate got = r.restOf(Curve.DECODE_V32);

    // Measured on the target itself: no translation. 61 layers x 100 µs / 256 tokens = 23.828 µs;
    // 58 MoE layers x 300 µs / 256 = 67.969 µs.
    Component mla = got.component("mla_projections");
    Component moe = got.component("moe_experts");
    assertThat(mla.measuredSeconds()).isCloseTo(61 * 100e-6 / 256, within(1e-15));
    assertThat(moe.measuredSeconds()).isCloseTo(58 * 300e-6 / 256, within(1e-15));
    assertThat(mla.source()).isEqualTo("measured (H200, tokens 256, uniform)");
    assertThat(mla.estimateSeconds()).isEqualTo(est.component("mla_projections").estimateSeconds());
    // What the point did not measure stays the estimate, and the MTP module, which needs the
    // indexer and head stages too, says so.
    assertThat(got.component("dense_ffn").source()).isEqualTo("estimate");
    assertThat(got.component("mtp_module").measured()).isFalse();
    assertThat(got.component("mtp_module").measurement()).contains("indexer_projections, lm_head");
    assertThat(got.component("all_to_all").seconds())
        .isEqualTo(est.component("all_to_all").seconds());
    assertThat(got.measurement())
        .isEqualTo("measured (H200, tokens 256, uniform): mla_projections, moe_experts");

    double delta =
        (61 * 100e-6 / 256 - est.component("mla_projections").seconds())
            + (58 * 300e-6 / 256 - est.component("moe_experts").seconds());
    assertThat(got.secondsPerToken()).isCloseTo(est.secondsPerToken() + delta, within(1e-15));
    assertThat(got.estimateModelSeconds()).isEqualTo(est.modelSeconds());
    CurvePoint b = base.curve(Curve.DECODE_V32).points().get(5);
    CurvePoint m = r.curve(Curve.DECODE_V32).points().get(5);
    // USD per million tokens moves by 1e6 · 2 / 3600 · delta.
    assertThat(m.usdPerMillionTokens() - b.usdPerMillionTokens())
        .isCloseTo(1e6 * 2.0 / 3600 * delta, within(1e-9));
    // V3.1 decode takes the same point: its curve has no indexer projections, the rest the same.
    assertThat(r.restOf(Curve.DECODE_V31).component("moe_experts").measured()).isTrue();
    // Prefill has no point: its estimate stands.
    assertThat(r.restOf(Curve.PREFILL_V32).anyMeasured()).isFalse();
  }

  @Test
  void aMeasurementMovesToTheTargetByTheRooflineRule() {
    // The fixture stage is memory-bound on both GPUs (1e9 FLOP at ~2 PFLOP/s: 0.5 µs; 1e8 B at
    // 3.35-4.8 TB/s: 20-30 µs), so H200 -> H800 scales it by 4.8 / 3.35.
    Results with =
        H200.with(decodePoint(256, RestBatch.UNIFORM, stage(Op.MLA_PROJECTIONS, 100e-6)));
    CostReport r = CostModel.compute(with, params(HardwareProfiles.H800, 2.0));
    Component mla = r.restOf(Curve.DECODE_V32).component("mla_projections");
    assertThat(mla.measuredSeconds()).isCloseTo(61 * 100e-6 / 256 * 4.8 / 3.35, within(1e-12));
    assertThat(mla.measurement()).contains("roofline h200 -> h800");
  }

  @Test
  void everyStageMeasuredComposesTheMtpModuleFromThem() {
    StageResult[] all = {
      stage(Op.MLA_PROJECTIONS, 100e-6),
      stage(Op.INDEXER_PROJECTIONS, 20e-6),
      stage(Op.MOE_EXPERTS, 300e-6),
      stage(Op.DENSE_FFN, 150e-6),
      stage(Op.LM_HEAD, 400e-6)
    };
    CostParameters p = params(HardwareProfiles.H200, 2.0);
    CostReport r = CostModel.compute(H200.with(decodePoint(256, RestBatch.UNIFORM, all)), p);
    RestEstimate e = r.restOf(Curve.DECODE_V32);
    assertThat(e.component("dense_ffn").measuredSeconds())
        .isCloseTo(3 * 150e-6 / 256, within(1e-15));
    assertThat(e.component("lm_head").measuredSeconds())
        .isCloseTo(1.0 * 400e-6 / 256, within(1e-15));
    // One draft per two query tokens: 0.5 x (MLA + MoE + indexer layer + the head for the draft)
    // per token, plus the module's 2h·h projection at its estimate: max(FLOPs at 25% of the fp8
    // peak, weights at 80% of bandwidth over 256 tokens).
    double h = 7168;
    double eh =
        Math.max(2 * 2 * h * h * 0.5 / (0.25 * 1979e12), 2 * h * h * 1.0 / 256 / (0.80 * 4.8e12));
    double layer = (100e-6 + 20e-6 + 300e-6) / 256;
    assertThat(e.component("mtp_module").measuredSeconds())
        .isCloseTo(0.5 * (layer + 400e-6 / 256) + eh, within(1e-15));
    // On-chip = every component as priced; serial all-to-all added.
    double onChip =
        e.components().stream()
            .filter(c -> !c.name().equals("all_to_all"))
            .mapToDouble(Component::seconds)
            .sum();
    assertThat(e.secondsPerToken()).isCloseTo(onChip + e.commSeconds(), within(1e-15));
  }

  @Test
  void aPointAtOtherTokensFallsBackWithItsReason() {
    Results with =
        H200.with(decodePoint(128, RestBatch.UNIFORM, stage(Op.MLA_PROJECTIONS, 100e-6)));
    CostParameters p = params(HardwareProfiles.H200, 2.0);
    RestEstimate e = CostModel.compute(with, p).restOf(Curve.DECODE_V32);
    RestEstimate est = CostModel.compute(H200, p).restOf(Curve.DECODE_V32);
    assertThat(e.anyMeasured()).isFalse();
    assertThat(e.secondsPerToken()).isEqualTo(est.secondsPerToken());
    assertThat(e.measurement())
        .isEqualTo(
            "estimate: decode rest point(s) not used (tokens 128 uniform): the decode deployment"
                + " serves 256 tokens per GPU per step, and a measured time per token holds at its"
                + " own batch only");
  }

  @Test
  void uniformRoutingIsPreferredAndFailedPointsAreNotUsed() {
    Results with =
        H200.with(decodePoint(256, RestBatch.SKEWED, stage(Op.MLA_PROJECTIONS, 200e-6)))
            .with(
                new RestResult(
                    Phase.DECODE,
                    256,
                    144,
                    2,
                    1024,
                    RestBatch.UNIFORM,
                    PointStatus.FAILED,
                    "fixture: kernel error",
                    List.of()))
            .with(decodePoint(256, RestBatch.UNIFORM, stage(Op.MLA_PROJECTIONS, 100e-6)));
    Component mla =
        CostModel.compute(with, params(HardwareProfiles.H200, 2.0))
            .restOf(Curve.DECODE_V32)
            .component("mla_projections");
    assertThat(mla.source()).isEqualTo("measured (H200, tokens 256, uniform)");
    assertThat(mla.measuredSeconds()).isCloseTo(61 * 100e-6 / 256, within(1e-15));
    // Only a skewed point: it is used, and says so.
    Component skewed =
        CostModel.compute(
                H200.with(decodePoint(256, RestBatch.SKEWED, stage(Op.MLA_PROJECTIONS, 200e-6))),
                params(HardwareProfiles.H200, 2.0))
            .restOf(Curve.DECODE_V32)
            .component("mla_projections");
    assertThat(skewed.source()).isEqualTo("measured (H200, tokens 256, skewed)");
  }

  @Test
  void aReferenceRunsRestPointNamesItsLibrary() {
    StageResult ref =
        stage(Op.MLA_PROJECTIONS, 100e-6)
            .withImplementation(java.util.Map.of("library", "torch", "function", "_scaled_mm"));
    Component mla =
        CostModel.compute(
                H200.with(decodePoint(256, RestBatch.UNIFORM, ref)),
                params(HardwareProfiles.H200, 2.0))
            .restOf(Curve.DECODE_V32)
            .component("mla_projections");
    assertThat(mla.source()).isEqualTo("measured (H200, tokens 256, uniform, reference torch)");
  }
}
