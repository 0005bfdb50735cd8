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
  void rooflineTermsByHand() {
    RestEstimate pre =
        RestOfModel.estimate(
            ModelConfig.DEEPSEEK_V3_2,
            Deployment.PREFILL,
            Curve.PREFILL_V31,
            HardwareProfiles.H800);
    assertThat(pre.computeSeconds())
        .isCloseTo(pre.flopsPerToken() / (0.40 * 1979e12), within(1e-15));
    // All-to-all: 58 layers · 3 copies · 7168 values · (1 + 2) bytes = 3741696 B at 50 GB/s.
    assertThat(pre.commBytesPerToken()).isEqualTo(58.0 * 3 * 7168 * 3);
    assertThat(pre.commSeconds()).isCloseTo(3741696 / 50e9, within(1e-15));
    assertThat(pre.secondsPerToken())
        .isEqualTo(
            Math.max(Math.max(pre.computeSeconds(), pre.weightSeconds()), pre.commSeconds()));
    RestEstimate serial =
        RestOfModel.estimate(
            ModelConfig.DEEPSEEK_V3_2,
            Deployment.PREFILL.withOverlap(false),
            Curve.PREFILL_V31,
            HardwareProfiles.H800);
    assertThat(serial.secondsPerToken())
        .isCloseTo(
            Math.max(pre.computeSeconds(), pre.weightSeconds()) + pre.commSeconds(), within(1e-15));
  }

  @Test
  void badDeploymentNamesFieldValueAndRule() {
    assertThatThrownBy(() -> Deployment.PREFILL.withGemmEfficiency(1.5))
        .hasMessage("gemmEfficiency: 1.5 is not a fraction in (0, 1]");
    assertThatThrownBy(() -> Deployment.DECODE.withExpertParallel(0))
        .hasMessage("expertParallel: 0 is not a positive GPU count");
  }
}
