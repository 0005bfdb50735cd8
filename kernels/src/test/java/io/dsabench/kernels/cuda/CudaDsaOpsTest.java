package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  void fp8NeedsComputeCapability89() {
    assertThat(CudaDsaOps.fp8Capable("9.0")).isTrue();
    assertThat(CudaDsaOps.fp8Capable("8.9")).isTrue();
    assertThat(CudaDsaOps.fp8Capable("10.0")).isTrue();
    assertThat(CudaDsaOps.fp8Capable("8.6")).isFalse();
    assertThat(CudaDsaOps.fp8Capable("8.0")).isFalse();
  }

  /**
   * The shared memory the launchers ask for is what the kernels this build compiled declare: the
   * sizes each module exports ({@code sizeof(TopkSmem)}, {@code SparseSmem<FP8>::TOTAL}, {@code
   * V3Smem<FP8>::TOTAL}, the wgmma indexer's per-NQ size) as their compute_80 PTX states them.
   * Skipped when the build had no nvcc. A struct that grows in CUDA fails here, not as a launch
   * error on a GPU.
   */
  @Test
  void sharedMemoryIsWhatTheCompiledKernelsExport() throws IOException {
    String topk = ptx("dsa_topk");
    assertThat(CudaDsaOps.TOPK_SMEM).isEqualTo(constInt(topk, "dsa_topk_smem"));
    String sparse = ptx("dsa_sparse_mla");
    int[] v2 = constInts(sparse, "dsa_sparse_mla_smem", 2);
    assertThat(List.of(CudaDsaOps.SPARSE_SMEM_BF16, CudaDsaOps.SPARSE_SMEM_FP8))
        .containsExactly(v2[0], v2[1]);
    int[] v3 = constInts(sparse, "dsa_sparse_mla_v3_smem", 2);
    assertThat(List.of(CudaDsaOps.SPARSE_V3_SMEM_BF16, CudaDsaOps.SPARSE_V3_SMEM_FP8))
        .containsExactly(v3[0], v3[1]);
    // Opt-in limit of one H100/H200 block: 227 KB.
    assertThat(CudaDsaOps.SPARSE_V3_SMEM_BF16).isLessThanOrEqualTo(227 * 1024);
    String indexer = ptx("dsa_indexer");
    for (int nq : new int[] {1, 2, 4}) {
      assertThat(CudaDsaOps.wgmmaIndexerSmem(nq))
          .as("q%d", nq)
          .isEqualTo(globalInt(indexer, "dsa_indexer_fp8_wgmma_smem_q" + nq));
    }
  }

  private static String ptx(String module) throws IOException {
    try (InputStream in =
        CudaDsaOpsTest.class
            .getClassLoader()
            .getResourceAsStream(CudaBackend.RESOURCES + module + ".compute_80.ptx")) {
      assumeTrue(in != null, module + " was not built (no nvcc when the kernels were compiled)");
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  /** {@code __constant__ int NAME = V;} as PTX writes it. */
  private static int constInt(String ptx, String name) {
    Matcher m =
        Pattern.compile("\\.const \\.align 4 \\.u32 " + Pattern.quote(name) + " = (\\d+);")
            .matcher(ptx);
    assertThat(m.find()).as("%s is exported by the PTX", name).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** {@code extern "C" __device__ const int NAME = V;} as PTX writes it. */
  private static int globalInt(String ptx, String name) {
    Matcher m =
        Pattern.compile("\\.global \\.align 4 \\.u32 " + Pattern.quote(name) + " = (\\d+);")
            .matcher(ptx);
    assertThat(m.find()).as("%s is exported by the PTX", name).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /**
   * {@code __constant__ int NAME[n] = {...};}, which PTX writes as little-endian bytes with the
   * trailing zeros left out.
   */
  private static int[] constInts(String ptx, String name, int n) {
    Matcher m =
        Pattern.compile(
                "\\.const \\.align 4 \\.b8 "
                    + Pattern.quote(name)
                    + "\\["
                    + 4 * n
                    + "\\] = \\{([0-9, ]*)\\};")
            .matcher(ptx);
    assertThat(m.find()).as("%s is exported by the PTX", name).isTrue();
    int[] bytes = new int[4 * n];
    String[] given = m.group(1).split(",\\s*");
    for (int i = 0; i < given.length; i++) {
      bytes[i] = Integer.parseInt(given[i].trim());
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 3; j >= 0; j--) {
        out[i] = out[i] << 8 | bytes[4 * i + j];
      }
    }
    return out;
  }
}
