package io.dsabench.kernels.cuda;

/**
 * Which sparse MLA kernels run on sm_90a. {@code v4} (the default): a producer warpgroup feeding
 * two consumer warpgroups through mbarriers, sm90/prefill/sparse.cu (bf16 cache; 482-599 TFLOP/s
 * against v3's 310 on the H200) and sm90/decode/sparse_fp8.cu (fp8 cache, CTA pairs); their launch
 * constants come from the cubins. {@code v3}: dsa_sparse_mla.cu's dsa_sparse_mla_bf16_v3 and, for
 * the fp8 cache, its CTA pair dsa_sparse_mla_fp8_v3_pair. System property {@code
 * dsabench.cuda.sparse} picks one for A/B runs. Other GPUs always run the portable mma.sync
 * kernels.
 */
final class SparseShape {
  static final String PROPERTY = "dsabench.cuda.sparse";

  static final String DEFAULT_VERSION = "v4";

  static String version() {
    String v = System.getProperty(PROPERTY, DEFAULT_VERSION);
    if (!v.equals("v3") && !v.equals("v4")) {
      throw new IllegalArgumentException(PROPERTY + ": '" + v + "' is not one of v3, v4");
    }
    return v;
  }

  /** The module of a v4 kernel: the cubin's folder and name under kernels/src/main/cuda. */
  static String v4Module(boolean fp8Cache) {
    return fp8Cache ? "sm90/decode/sparse_fp8" : "sm90/prefill/sparse";
  }

  /**
   * The v4 kernel; it exports {@code <kernel>_smem_bytes}, {@code <kernel>_threads} and {@code
   * <kernel>_heads_per_cta}.
   */
  static String v4Kernel(boolean fp8Cache) {
    return fp8Cache ? "sparse_mla_fp8_v4" : "sparse_mla_bf16_v4";
  }

  private SparseShape() {}
}
