package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The v1 decode's split rule; no GPU needed. */
class DenseDecodeV1Test {
  @Test
  void decodeSplitsFillTheGpu() {
    // 64 sequences x 2 row blocks = 128 blocks on 132 SMs: already 97% of a wave.
    assertThat(DenseDecodeV1.splits(128, 2048, 132)).isEqualTo(1);
    // One sequence: 2 blocks, so split the KV range 66 ways... capped at 64, still > 90%.
    int s = DenseDecodeV1.splits(2, 2048, 132);
    assertThat(2 * s).isGreaterThanOrEqualTo(119);
    // Short contexts keep at least 4 tiles per split.
    assertThat(DenseDecodeV1.splits(2, 8, 132)).isEqualTo(2);
  }
}
