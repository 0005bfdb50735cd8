package io.dsabench.costmodel.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.dsabench.costmodel.hardware.HardwareProfiles;
import org.junit.jupiter.api.Test;

class RestOfModelTest {
  private static double flops(RestEstimate e, String name) {
    return e.components().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .get()
        .flopsPerToken();
  }

  @Test
  void flopsFollowTheConfigByHand() {
    RestEstimate pre =
        RestOfModel.estimate(
            ModelConfig.DEEPSEEK_V3_2,
            Deployment.PREFILL,
            Curve.PREFILL_V32,
            HardwareProfiles.H800);
    // MLA per layer: 7168·1536 + 1536·128·192 + 7168·576 + 128·128·7168 + 512·128·256
    // = 11010048 + 37748736 + 4128768 + 117440512 + 16777216 = 187105280 MACs.
    assertThat(flops(pre, "mla_projections")).isEqualTo(2.0 * 187105280 * 61);
    // Indexer: 1536·64·128 + 7168·128 + 7168·64 = 12582912 + 917504 + 458752 = 13959168 MACs.
    assertThat(flops(pre, "indexer_projections")).isEqualTo(2.0 * 13959168 * 61);
    // MoE: 9 experts · 3·7168·2048 + 7168·256 = 396361728 + 1835008 = 398196736 MACs, 58 layers.
    assertThat(flops(pre, "moe_experts")).isEqualTo(2.0 * 398196736 * 58);
    // Dense FFN: 3·7168·18432 = 396361728 MACs, 3 layers.
    assertThat(flops(pre, "dense_ffn")).isEqualTo(2.0 * 396361728 * 3);
    // Prefill computes no logits per prompt token; decode does: 2·7168·129280.
    assertThat(flops(pre, "lm_head")).isZero();
    RestEstimate dec =
        RestOfModel.estimate(
            ModelConfig.DEEPSEEK_V3_2, Deployment.DECODE, Curve.DECODE_V31, HardwareProfiles.H800);
    assertThat(flops(dec, "lm_head")).isEqualTo(2.0 * 7168 * 129280);
    assertThat(dec.components()).noneMatch(c -> c.name().equals("indexer_projections"));
  }

  @Test
  void everyComponentIsARooflineOnTheTarget() {
    RestEstimate pre =
        RestOfModel.estimate(
            ModelConfig.DEEPSEEK_V3_2,
            Deployment.PREFILL,
            Curve.PREFILL_V31,
            HardwareProfiles.H800);
    Component moe = pre.component("moe_experts");
    assertThat(moe.computeSeconds())
        .isCloseTo(moe.flopsPerToken() / (0.40 * 1979e12), within(1e-18));
    // Weights streamed once per step, shared by the 16384 tokens of the step.
    assertThat(moe.weightSeconds())
        .isCloseTo(moe.weightBytesPerGpu() / 16384 / (0.80 * 3.35e12), within(1e-18));
    assertThat(moe.seconds()).isEqualTo(Math.max(moe.computeSeconds(), moe.weightSeconds()));
    double sum =
        pre.components().stream()
            .filter(c -> !c.name().equals("all_to_all"))
            .mapToDouble(Component::seconds)
            .sum();
    assertThat(pre.onChipSeconds()).isCloseTo(sum, within(1e-18));
    // All-to-all: 58 layers · 2.70 copies (node-limited to the other 3 of 4 nodes: 3·(1 −
    // 0.75^8)) · 7168 values · (1 + 2) bytes at 50 GB/s.
    double copies = 3 * (1 - Math.pow(0.75, 8));
    assertThat(pre.remoteCopiesPerToken()).isCloseTo(copies, within(1e-12));
    assertThat(pre.commBytesPerToken()).isCloseTo(58.0 * copies * 7168 * 3, within(1e-6));
    assertThat(pre.commSeconds()).isCloseTo(pre.commBytesPerToken() / 50e9, within(1e-15));
    assertThat(pre.secondsPerToken()).isEqualTo(Math.max(pre.onChipSeconds(), pre.commSeconds()));
    RestEstimate serial =
        RestOfModel.estimate(
            ModelConfig.DEEPSEEK_V3_2,
            Deployment.PREFILL.toBuilder().overlapCommunication(false).build(),
            Curve.PREFILL_V31,
            HardwareProfiles.H800);
    assertThat(serial.secondsPerToken())
        .isCloseTo(pre.onChipSeconds() + pre.commSeconds(), within(1e-15));
  }

  @Test
  void remoteCopiesFollowTheRoutingRuleAndTheNetworkRateIsStated() {
    // Decode at EP144, per-expert dispatch: 8 · (1 − 8/144) copies.
    RestEstimate dec =
        RestOfModel.estimate(
            ModelConfig.DEEPSEEK_V3_2, Deployment.DECODE, Curve.DECODE_V32, HardwareProfiles.H800);
    assertThat(dec.remoteCopiesPerToken()).isCloseTo(8 * (1 - 8.0 / 144), within(1e-12));
    // 9.42 MB per token at the 50 GB/s line rate: 188 µs, the decode floor this deployment implies.
    assertThat(dec.commSeconds() * 1e6).isCloseTo(188.5, within(0.1));
    assertThat(dec.component("all_to_all").note())
        .contains("per-expert routing, EP144")
        .contains("DeepEP measured on H800: 39 GB/s low-latency at EP128");
    // At DeepEP's measured 39 GB/s the floor is 242 µs.
    RestEstimate deepEp =
        RestOfModel.estimate(
            ModelConfig.DEEPSEEK_V3_2,
            Deployment.DECODE.toBuilder().networkEfficiency(0.78).build(),
            Curve.DECODE_V32,
            HardwareProfiles.H800);
    assertThat(deepEp.commSeconds() * 1e6).isCloseTo(241.7, within(0.1));
    // One node: nothing crosses the network.
    assertThat(Deployment.DECODE.toBuilder().expertParallel(8).build().remoteCopiesPerToken(8))
        .isZero();
    assertThat(Deployment.PREFILL.toBuilder().expertParallel(8).build().remoteCopiesPerToken(8))
        .isZero();
    // Node-limited over 18 nodes is capped at the 4 nodes a token may reach.
    assertThat(Deployment.PREFILL.toBuilder().expertParallel(144).build().remoteCopiesPerToken(8))
        .isEqualTo(4);
  }

  @Test
  void theMtpModuleIsAComponentAndAddsItsAttentionLayer() {
    RestEstimate dec =
        RestOfModel.estimate(
            ModelConfig.DEEPSEEK_V3_2, Deployment.DECODE, Curve.DECODE_V32, HardwareProfiles.H800);
    // One draft per step: the module runs for half of the decode query tokens, with the head.
    Component mtp = dec.component("mtp_module");
    double mla = 187105280 - 128 * 512 * 256 + 128 * 128 * 512 + 128 * 512 * 128; // MQA kv_b
    double moe = 398196736;
    double eh = 2.0 * 7168 * 7168;
    double idx = 13959168;
    assertThat(mtp.flopsPerToken())
        .isCloseTo(2 * 0.5 * (mla + moe + eh + idx + 7168.0 * 129280), within(1.0));
    assertThat(RestOfModel.attentionLayers(ModelConfig.DEEPSEEK_V3_2, Deployment.DECODE))
        .isEqualTo(61.5);
    assertThat(RestOfModel.attentionLayers(ModelConfig.DEEPSEEK_V3_2, Deployment.PREFILL))
        .isEqualTo(62);
    // Without a draft there is no MTP work and decode weights are shared by one token per
    // sequence, not two.
    Deployment none = Deployment.DECODE.toBuilder().mtpDraftTokens(0).build();
    RestEstimate plain =
        RestOfModel.estimate(
            ModelConfig.DEEPSEEK_V3_2, none, Curve.DECODE_V32, HardwareProfiles.H800);
    assertThat(plain.component("mtp_module").flopsPerToken()).isZero();
    assertThat(plain.component("moe_experts").weightSeconds())
        .isCloseTo(2 * dec.component("moe_experts").weightSeconds(), within(1e-18));
    assertThat(RestOfModel.attentionLayers(ModelConfig.DEEPSEEK_V3_2, none)).isEqualTo(61);
  }

  @Test
  void badDeploymentNamesFieldValueAndRule() {
    // Each setter checks its value as it is set, before build().
    assertThatThrownBy(() -> Deployment.PREFILL.toBuilder().gemmEfficiency(1.5))
        .hasMessage("gemmEfficiency: 1.5 is not a fraction in (0, 1]");
    assertThatThrownBy(() -> Deployment.PREFILL.toBuilder().routing("random"))
        .hasMessage("routing: 'random' is not one of node-limited, per-expert");
    assertThatThrownBy(() -> Deployment.DECODE.toBuilder().expertParallel(0))
        .hasMessage("expertParallel: 0 is not a positive GPU count");
  }
}
