package io.dsabench.kernels.cuda;

/**
 * Which sparse MLA kernels run on sm_90a. {@code v4} (the default): a producer warpgroup feeding
 * two consumer warpgroups through mbarriers, sm90/prefill/sparse.cu (bf16 cache; 482-599 TFLOP/s
 * against v3's 310 on the H200) and sm90/decode/sparse_fp8.cu's {@code sparse_mla_fp8_v4} (fp8
 * cache, each CTA dequantising every entry itself); their launch constants come from the cubins.
 * {@code v5} / {@code v5pair} (candidates of round 4, same module): the fp8 cache goes to {@code
 * sparse_mla_fp8_v5} (the solo kernel, cheaper conversion) or {@code sparse_mla_fp8_v5_pair} (the
 * CTA pair whose peer half comes by st.async); bf16 stays version 4. {@code v6} (candidate of the
 * sdec6 round, same module): {@code sparse_mla_fp8_v6}, the solo kernel whose producer gathers the
 * raw fp8 rows by cp.async into the half-tiles and dequantises them in place (more bytes in flight,
 * no registers held); same grid and arguments, its shared-memory size from its export. {@code v7}
 * (candidate of the sdec7 round, same module): {@code sparse_mla_fp8_v7}, the CTA pair whose rope
 * travels with the dequantised values (registers, then st.async to the peer) instead of a cp.async
 * after each half's free barrier; same grid, arguments and shared memory as v5pair. {@code v8}
 * (candidate of the sdec8 round, same module): {@code sparse_mla_fp8_v8}, the solo kernel whose raw
 * entries wait in a shared-memory ring filled by cp.async.bulk, with one bf16 tile; same grid and
 * arguments, its shared-memory size from its export. {@code v9} / {@code v9b} (candidates of the
 * sdec10 round, same module): {@code sparse_mla_fp8_v9} / {@code sparse_mla_fp8_v9b}, v4 whose
 * producer keeps a ring of three row-half register slots per thread (two in flight while one is
 * converted) to overlap its gather with its conversion; v9 converts with v5's instructions, v9b
 * with v4's; same grid, arguments and shared memory as v4. {@code v10} / {@code v10f} (candidates
 * of the sdec11 round, same module): {@code sparse_mla_fp8_v10} / {@code sparse_mla_fp8_v10f}, v4
 * whose consumer warpgroups each convert a quarter of every block pair's rows (the half-tile only
 * they read) while they would wait for the producer, which does the rest; v10 converts with v4's
 * instructions, v10f with v5's; same grid, arguments and shared memory as v4. {@code v11} / {@code
 * v11f} (candidates of the sdec12 round, same module): {@code sparse_mla_fp8_v11} / {@code
 * sparse_mla_fp8_v11f}, v4's roles on four 32-entry stages instead of two 64-entry tiles (the
 * producer fills one stage pair while the consumers compute the other); v11 converts with v4's
 * instructions, v11f with v5's; same grid and arguments, its shared-memory size from its export.
 * {@code v12} / {@code v12f} (candidates of the sdec13 round, same module): {@code
 * sparse_mla_fp8_v12} / {@code sparse_mla_fp8_v12f}, v11's four stages with v10's consumer share
 * (each consumer warpgroup converts 16 rows of the stage-half only it reads, the producer the
 * rest); v12 converts with v4's instructions, v12f with v5's; launch as v11. {@code v3}:
 * dsa_sparse_mla.cu's dsa_sparse_mla_bf16_v3 and, for the fp8 cache, its CTA pair
 * dsa_sparse_mla_fp8_v3_pair. System property {@code dsabench.cuda.sparse} picks one for A/B runs.
 * Other GPUs always run the portable mma.sync kernels. (The version-4 CTA pair {@code v4pair} lost
 * on the H200 and left the sources: kernels/NOTES.md says where it is.)
 */
final class SparseShape {
  static final String PROPERTY = "dsabench.cuda.sparse";

  static final String DEFAULT_VERSION = "v4";

  static String version() {
    String v = System.getProperty(PROPERTY, DEFAULT_VERSION);
    if (v.equals("v12") || v.equals("v12f")) {
      // Built for round sdec13; its outputs were wrong on the H200, so no run may time it.
      throw new IllegalArgumentException(
          PROPERTY
              + ": '"
              + v
              + "' failed its checks on the H200 (round sdec13: wrong outputs) and cannot be"
              + " selected until it is fixed; kernels/NOTES.md has the round");
    }
    if (!v.equals("v3")
        && !v.equals("v4")
        && !v.equals("v5")
        && !v.equals("v5pair")
        && !v.equals("v6")
        && !v.equals("v7")
        && !v.equals("v8")
        && !v.equals("v9")
        && !v.equals("v9b")
        && !v.equals("v10")
        && !v.equals("v10f")
        && !v.equals("v11")
        && !v.equals("v11f")) {
      throw new IllegalArgumentException(
          PROPERTY
              + ": '"
              + v
              + "' is not one of v3, v4, v5, v5pair, v6, v7, v8, v9, v9b, v10, v10f, v11, v11f");
    }
    return v;
  }

  /**
   * Whether the version runs the sm90 kernels of sm90/prefill/sparse.cu and
   * sm90/decode/sparse_fp8.cu (version 4 and the version 5 to 12 candidates: their modules, launch
   * constants).
   */
  static boolean isV4(String version) {
    return version.startsWith("v4")
        || version.startsWith("v5")
        || version.equals("v6")
        || version.equals("v7")
        || version.equals("v8")
        || version.startsWith("v9")
        || version.equals("v10")
        || version.equals("v10f")
        || version.equals("v11")
        || version.equals("v11f")
        || version.equals("v12")
        || version.equals("v12f");
  }

  /** The module of a v4 kernel: the cubin's folder and name under kernels/src/main/cuda. */
  static String v4Module(boolean fp8Cache) {
    return fp8Cache ? "sm90/decode/sparse_fp8" : "sm90/prefill/sparse";
  }

  /**
   * The sm90 kernel of a version ({@code v4}, {@code v5}, {@code v5pair}, {@code v6}, {@code v7},
   * {@code v8}, {@code v9}, {@code v9b}, {@code v10}, {@code v10f}, {@code v11}, {@code v11f},
   * {@code v12}, {@code v12f}: the candidates change only the fp8 one); it exports {@code
   * <kernel>_smem_bytes}, {@code <kernel>_threads} and {@code <kernel>_heads_per_cta}.
   */
  static String v4Kernel(boolean fp8Cache, String version) {
    if (!fp8Cache) {
      return "sparse_mla_bf16_v4";
    }
    switch (version) {
      case "v5":
        return "sparse_mla_fp8_v5";
      case "v5pair":
        return "sparse_mla_fp8_v5_pair";
      case "v6":
        return "sparse_mla_fp8_v6";
      case "v7":
        return "sparse_mla_fp8_v7";
      case "v8":
        return "sparse_mla_fp8_v8";
      case "v9":
        return "sparse_mla_fp8_v9";
      case "v9b":
        return "sparse_mla_fp8_v9b";
      case "v10":
        return "sparse_mla_fp8_v10";
      case "v10f":
        return "sparse_mla_fp8_v10f";
      case "v11":
        return "sparse_mla_fp8_v11";
      case "v12":
        return "sparse_mla_fp8_v12";
      case "v12f":
        return "sparse_mla_fp8_v12f";
      case "v11f":
        return "sparse_mla_fp8_v11f";
      default:
        return "sparse_mla_fp8_v4";
    }
  }

  private SparseShape() {}
}
