package io.dsabench.kernels.cuda;

import java.util.List;

/**
 * Which sparse MLA kernels run on sm_90a. {@code v4} (the default): a producer warpgroup feeding
 * two consumer warpgroups through mbarriers, sm90/prefill/sparse.cu (bf16 cache; 482-599 TFLOP/s
 * against v3's 310 on the H200) and sm90/decode/sparse_fp8.cu's {@code sparse_mla_fp8_v4} (fp8
 * cache, each CTA dequantising every entry itself); their launch constants come from the cubins.
 * {@code v13} (candidate of rounds sdec15 / sdec16, same module): {@code sparse_mla_fp8_v13},
 * FlashMLA's consumer roles (one warpgroup runs S and the softmax of every block, the other only
 * its half of P V, so each 64-entry buffer is released per block) with the second warpgroup also
 * converting half of every block; same grid and arguments, its shared-memory size from its export;
 * bf16 stays version 4. {@code v3}: dsa_sparse_mla.cu's dsa_sparse_mla_bf16_v3 and, for the fp8
 * cache, its CTA pair dsa_sparse_mla_fp8_v3_pair. System property {@code dsabench.cuda.sparse}
 * picks one for A/B runs. Other GPUs always run the portable mma.sync kernels. (The version-4 CTA
 * pair {@code v4pair} and the candidates {@code v5}, {@code v5pair}, {@code v6} .. {@code v12f}
 * lost on the H200 and left the sources: kernels/NOTES.md says where they are.)
 */
final class SparseShape {
  static final String PROPERTY = "dsabench.cuda.sparse";

  static final String DEFAULT_VERSION = "v4";

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
   * sm90/decode/sparse_fp8.cu (version 4 and the version 13 candidate: their modules, launch
   * constants): every version but v3.
   */
  static boolean isV4(String version) {
    return VERSIONS.contains(version) && !version.equals("v3");
  }

  /** The module of a v4 kernel: the cubin's folder and name under kernels/src/main/cuda. */
  static String v4Module(boolean fp8Cache) {
    return fp8Cache ? "sm90/decode/sparse_fp8" : "sm90/prefill/sparse";
  }

  /**
   * The sm90 kernel of a version other than v3 (the candidates change only the fp8 one: {@code
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
