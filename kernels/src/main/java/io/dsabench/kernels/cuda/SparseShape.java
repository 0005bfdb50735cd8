package io.dsabench.kernels.cuda;

import java.util.List;

/**
 * Which sparse MLA kernels run on sm_90a. {@code v13} (the default since round sdec20, in
 * sm90/decode/sparse_fp8.cu): {@code sparse_mla_fp8_v13} for the fp8 cache, FlashMLA's consumer
 * roles (one warpgroup runs S and the softmax of every block, the other only its half of P V, so
 * each 64-entry buffer is released per block) with the second warpgroup also converting half of
 * every block, the producer two blocks ahead; 0.85-0.86x version 4's time on the H200. The bf16
 * cache (prefill) runs version 4's sm90/prefill/sparse.cu ({@code sparse_mla_bf16_v4}) whatever the
 * version. {@code v4}: a producer warpgroup feeding two consumer warpgroups through mbarriers, its
 * fp8 kernel {@code sparse_mla_fp8_v4}, each CTA dequantising every entry itself. Their launch
 * constants (shared memory, threads, heads per CTA) come from the cubins. {@code v3}:
 * dsa_sparse_mla.cu's dsa_sparse_mla_bf16_v3 and, for the fp8 cache, its CTA pair
 * dsa_sparse_mla_fp8_v3_pair. System property {@code dsabench.cuda.sparse} picks one for A/B runs.
 * Other GPUs always run the portable mma.sync kernels. (The version-4 CTA pair {@code v4pair} and
 * the candidates {@code v5}, {@code v5pair}, {@code v6} .. {@code v12f} lost on the H200 and left
 * the sources, v14 is driver-only: kernels/NOTES.md says where they are.)
 */
final class SparseShape {
  static final String PROPERTY = "dsabench.cuda.sparse";

  static final String DEFAULT_VERSION = "v13";

  /** The versions, in the order of the selector's message. */
  static final List<String> VERSIONS = List.of("v3", "v4", "v13");

  static String version() {
    String v = System.getProperty(PROPERTY, DEFAULT_VERSION);
    if (!VERSIONS.contains(v)) {
      throw new IllegalArgumentException(
          PROPERTY + ": '" + v + "' is not one of " + String.join(", ", VERSIONS));
    }
    return v;
  }

  /**
   * Whether the version runs the sm90 kernels of sm90/prefill/sparse.cu and
   * sm90/decode/sparse_fp8.cu (versions 4 and 13: their modules, launch constants): every version
   * but v3.
   */
  static boolean isV4(String version) {
    return VERSIONS.contains(version) && !version.equals("v3");
  }

  /** The module of a v4 kernel: the cubin's folder and name under kernels/src/main/cuda. */
  static String v4Module(boolean fp8Cache) {
    return fp8Cache ? "sm90/decode/sparse_fp8" : "sm90/prefill/sparse";
  }

  /**
   * The sm90 kernel of a version other than v3 (the versions differ only in the fp8 one: {@code
   * sparse_mla_fp8_<version>}); it exports {@code <kernel>_smem_bytes}, {@code <kernel>_threads}
   * and {@code <kernel>_heads_per_cta}.
   */
  static String v4Kernel(boolean fp8Cache, String version) {
    if (!fp8Cache) {
      return "sparse_mla_bf16_v4";
    }
    return "sparse_mla_fp8_" + (isV4(version) ? version : "v4");
  }

  private SparseShape() {}
}
