package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Launch-shape arithmetic of the DSA kernels; runs without a GPU. */
class CudaDsaOpsTest {
  @Test
  void indexerQueriesPerCtaFollowTokensAndFormat() {
    assertThat(CudaDsaOps.indexerQueriesPerCta(1, true)).isEqualTo(1);
    assertThat(CudaDsaOps.indexerQueriesPerCta(2, true)).isEqualTo(2);
    assertThat(CudaDsaOps.indexerQueriesPerCta(3, true)).isEqualTo(2);
    assertThat(CudaDsaOps.indexerQueriesPerCta(4096, true)).isEqualTo(8);
    // bf16 holds 32 heads per warp: two warps per query, so at most 4 queries per CTA.
    assertThat(CudaDsaOps.indexerQueriesPerCta(4096, false)).isEqualTo(4);
    assertThat(CudaDsaOps.wgmmaQueriesPerCta(1)).isEqualTo(1);
    assertThat(CudaDsaOps.wgmmaQueriesPerCta(2)).isEqualTo(2);
    assertThat(CudaDsaOps.wgmmaQueriesPerCta(4096)).isEqualTo(4);
  }

  @Test
  void indexerSplitsOnlyWhenTheGridIsSmall() {
    // Prefill: 512 query CTAs already fill 132 SMs: one split covers all keys.
    assertThat(CudaDsaOps.indexerSplitLength(512, 131072, 132)).isEqualTo(131072);
    // Decode, 128 sequences: 3 splits, each a whole number of 128-key blocks.
    int len = CudaDsaOps.indexerSplitLength(128, 131072, 132);
    assertThat(len).isEqualTo(43776);
    assertThat(len % 128).isZero();
    assertThat((131072 + len - 1) / len).isEqualTo(3);
    // Never shorter than one block.
    assertThat(CudaDsaOps.indexerSplitLength(1, 100, 132)).isEqualTo(128);
  }

  @Test
  void waveSplitsFillOneWaveAndNoMore() {
    // 64 sequences x 2 tokens (one query CTA each) on 132 SMs x 2: 4 splits = 256 CTAs <= 264.
    int len = CudaDsaOps.indexerWaveSplitLength(64, 131072, 132, 2);
    assertThat(len).isEqualTo(32768);
    // 128 sequences: 2 splits; 264 and more query CTAs: no split.
    assertThat(CudaDsaOps.indexerWaveSplitLength(128, 131072, 132, 2)).isEqualTo(65536);
    assertThat(CudaDsaOps.indexerWaveSplitLength(300, 131072, 132, 2)).isEqualTo(131072);
    // Short rows: never shorter than one 128-key block.
    assertThat(CudaDsaOps.indexerWaveSplitLength(1, 100, 132, 2)).isEqualTo(128);
  }

  @Test
  void fp8NeedsComputeCapability89() {
    assertThat(CudaDsaOps.fp8Capable("9.0")).isTrue();
    assertThat(CudaDsaOps.fp8Capable("8.9")).isTrue();
    assertThat(CudaDsaOps.fp8Capable("10.0")).isTrue();
    assertThat(CudaDsaOps.fp8Capable("8.6")).isFalse();
    assertThat(CudaDsaOps.fp8Capable("8.0")).isFalse();
  }

  @Test
  void sharedMemoryMatchesTheKernelLayouts() {
    // The sizes the CUDA structs have (sizeof / ::TOTAL, as kernels/src/test/cuda/dsa_bench.cu
    // prints them): TopkSmem 73884, SparseSmem 230400 / 198656, V3Smem 231952 / 200208 bytes.
    assertThat(CudaDsaOps.TOPK_SMEM).isEqualTo(73884);
    assertThat(CudaDsaOps.SPARSE_SMEM_BF16).isEqualTo(230400);
    assertThat(CudaDsaOps.SPARSE_SMEM_FP8).isEqualTo(198656);
    assertThat(CudaDsaOps.SPARSE_V3_SMEM_BF16).isEqualTo(231952);
    assertThat(CudaDsaOps.SPARSE_V3_SMEM_FP8).isEqualTo(200208);
    // Opt-in limit of one H100/H200 block: 227 KB.
    assertThat(CudaDsaOps.SPARSE_V3_SMEM_BF16).isLessThanOrEqualTo(227 * 1024);
    assertThat(CudaDsaOps.wgmmaIndexerSmem(4)).isEqualTo(1024 + 4 * 8192 + 3 * 8192 + 1024);
  }
}
