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
  void indexerV4FillsWholeWaves() {
    int slots = 3 * 132;
    // 64 decode sequences: 6 splits, 384 CTAs in one wave of 396 (v2: 7 splits, 448 CTAs).
    assertThat(CudaDsaOps.indexerFillSplits(64, 131072, slots)).isEqualTo(6);
    assertThat(CudaDsaOps.indexerFillSplits(128, 131072, slots)).isEqualTo(3);
    // 200 sequences: one split fills half a wave; 7 splits fill 1400 of 1584 slots (88%).
    assertThat(CudaDsaOps.indexerFillSplits(200, 131072, slots)).isEqualTo(7);
    // Prefill (1024 query CTAs) and tiny rows are not split.
    assertThat(CudaDsaOps.indexerFillSplits(1024, 131072, slots)).isEqualTo(1);
    assertThat(CudaDsaOps.indexerFillSplits(64, 100, slots)).isEqualTo(1);
    int len = CudaDsaOps.indexerSplitLengthFor(6, 131072);
    assertThat(len).isEqualTo(21888);
    assertThat((131072 + len - 1) / len).isEqualTo(6);
  }

  @Test
  void topkClusterOnlyWhereRowsAreFew() {
    int slots = 3 * 132;
    assertThat(CudaDsaOps.topkClusterSize(64, slots)).isEqualTo(6);
    assertThat(CudaDsaOps.topkClusterSize(80, slots)).isEqualTo(4);
    assertThat(CudaDsaOps.topkClusterSize(128, slots)).isEqualTo(3);
    assertThat(CudaDsaOps.topkClusterSize(150, slots)).isEqualTo(2);
    assertThat(CudaDsaOps.topkClusterSize(256, slots)).isEqualTo(1);
    assertThat(CudaDsaOps.topkClusterSize(4096, slots)).isEqualTo(1);
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
