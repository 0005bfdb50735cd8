package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The v3 prefill's tensor-map geometry; no GPU needed. */
class DensePrefillV3Test {
  @Test
  void mapsWalkFeatureThenHeadThenRowOfTheRowMajorLayout() {
    // q and k: [rows, 128, 192] bf16; v: [rows, 128, 128].
    assertThat(DensePrefillV3.dims(192, 4096)).containsExactly(192, 128, 4096);
    assertThat(DensePrefillV3.strides(192)).containsExactly(384, 384 * 128);
    assertThat(DensePrefillV3.strides(128)).containsExactly(256, 256 * 128);
    // TMA wants byte strides in multiples of 16, and a box row of at most the 128-byte swizzle
    // span.
    assertThat(DensePrefillV3.strides(192)[0] % 16).isZero();
    assertThat(DensePrefillV3.BOX_COLUMNS * 2).isEqualTo(128);
  }
}
