package io.dsabench.kernels.cuda;

import java.util.List;

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
 * (each consumer warpgroup converts 16 rows of the stage-half only it reads, the producer the rest;
 * its producer's skipped rows fixed after round sdec13, checked 17 / 17 in round sdec14); v12
 * converts with v4's instructions, v12f with v5's; launch as v11. {@code v13} (candidate of rounds
 * sdec15 / sdec16, same module): {@code sparse_mla_fp8_v13}, FlashMLA's consumer roles (one
 * warpgroup runs S and the softmax of every block, the other only its half of P V, so each 64-entry
 * buffer is released per block) with the second warpgroup also converting half of every block; its
 * shared-memory size from its export. {@code v3}: dsa_sparse_mla.cu's dsa_sparse_mla_bf16_v3 and,
 * for the fp8 cache, its CTA pair dsa_sparse_mla_fp8_v3_pair. System property {@code
 * dsabench.cuda.sparse} picks one for A/B runs. Other GPUs always run the portable mma.sync
 * kernels. (The version-4 CTA pair {@code v4pair} lost on the H200 and left the sources:
 * kernels/NOTES.md says where it is.)
 */
final class SparseShape {
  static final String PROPERTY = "dsabench.cuda.sparse";

  static final String DEFAULT_VERSION = "v4";

  /** The versions, in the order of the selector's message. */
  static final List<String> VERSIONS =
      List.of(
          "v3", "v4", "v5", "v5pair", "v6", "v7", "v8", "v9", "v9b", "v10", "v10f", "v11", "v11f",
          "v12", "v12f", "v13");

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
   * sm90/decode/sparse_fp8.cu (version 4 and the version 5 to 13 candidates: their modules, launch
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
   * sparse_mla_fp8_<version>}, {@code sparse_mla_fp8_v5_pair} for v5pair); it exports {@code
   * <kernel>_smem_bytes}, {@code <kernel>_threads} and {@code <kernel>_heads_per_cta}.
   */
  static String v4Kernel(boolean fp8Cache, String version) {
    if (!fp8Cache) {
      return "sparse_mla_bf16_v4";
    }
    if (version.equals("v5pair")) {
      return "sparse_mla_fp8_v5_pair";
    }
    return "sparse_mla_fp8_" + (isV4(version) ? version : "v4");
  }

  private SparseShape() {}
}
