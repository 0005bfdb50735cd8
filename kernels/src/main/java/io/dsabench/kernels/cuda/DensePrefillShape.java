package io.dsabench.kernels.cuda;

/**
 * Launch shape of dense_prefill.cu (versions 1, 2 and 2p), per version; must match the constants
 * there. Version 3 reads its launch constants from its cubin (DensePrefillV3).
 */
final class DensePrefillShape {
  static final int QK = 192;
  static final int V = 128;

  /** Query rows per block: 2 warpgroups of 64 on sm_90a (wgmma), 4 warps of 32 elsewhere. */
  static int blockM(boolean hopper) {
    return 128;
  }

  /**
   * Keys per K/V tile: 128 on sm_90a (DSA_PREFILL_BN in dense_prefill.cu for v2, P_BN for v2p;
   * 64-key tiles measured 12-14% slower on the H200), 64 for version 1.
   */
  static int blockN(String version) {
    return version.equals("v1") ? 64 : 128;
  }

  /**
   * Which sm_90a prefill kernel runs: {@code v3} (dense_prefill_v3 in sm90/prefill/dense.cu:
   * warp-specialized with TMA, persistent; launched by {@link DensePrefillV3}; the default:
   * 669/667/680 TFLOP/s at p = 128K/64K/16K against v2p's 401-404 on the H200), {@code v2p}
   * (dense_prefill_pipelined, FA3-style intra-warpgroup pipelining) or {@code v2} (dense_prefill);
   * system property {@code dsabench.cuda.prefill} picks one for A/B runs. Other GPUs always run
   * version 1.
   */
  static final String DEFAULT_VERSION = "v3";

  static String version(boolean hopper) {
    if (!hopper) {
      return "v1";
    }
    return version(System.getProperty("dsabench.cuda.prefill", DEFAULT_VERSION));
  }

  /** The sm_90a version named {@code v}, checked. */
  static String version(String v) {
    if (!v.equals("v2") && !v.equals("v2p") && !v.equals("v3")) {
      throw new IllegalArgumentException(
          "dsabench.cuda.prefill: '" + v + "' is not one of v2, v2p, v3");
    }
    return v;
  }

  static String kernel(String version) {
    return version.equals("v2p") ? "dense_prefill_pipelined" : "dense_prefill";
  }

  static int threads(boolean hopper) {
    return hopper ? 256 : 128;
  }

  /**
   * sm_90a (v2 and v2p alike): Q tile + two stages of K and V tiles, bf16, plus 1 KB to align the
   * 128-byte-swizzle atoms (one block per SM). Elsewhere: Q + one K + one V tile, rows padded by 8
   * elements against bank conflicts (two blocks per SM).
   */
  static int sharedBytes(boolean hopper) {
    int bn = blockN(version(hopper));
    return hopper
        ? 2 * (blockM(true) * QK + 2 * bn * (QK + V)) + 1024
        : 2 * (blockM(false) * (QK + 8) + bn * (QK + 8) + bn * (V + 8));
  }

  private DensePrefillShape() {}
}
