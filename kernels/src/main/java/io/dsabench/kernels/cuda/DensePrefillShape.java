package io.dsabench.kernels.cuda;

/** Launch shape of dense_prefill.cu, per version; must match the constants there. */
final class DensePrefillShape {
  static final int BLOCK_N = 64;
  static final int QK = 192;
  static final int V = 128;

  /** Query rows per block: one warpgroup of 64 on sm_90a (wgmma), 4 warps of 32 elsewhere. */
  static int blockM(boolean hopper) {
    return hopper ? 64 : 128;
  }

  static int threads(boolean hopper) {
    return 128;
  }

  /**
   * sm_90a: Q tile + two stages of K and V tiles, bf16, plus 1 KB to align the 128-byte-swizzle
   * atoms. Elsewhere: Q + one K + one V tile, rows padded by 8 elements against bank conflicts.
   */
  static int sharedBytes(boolean hopper) {
    return hopper
        ? 2 * (blockM(true) * QK + 2 * BLOCK_N * (QK + V)) + 1024
        : 2 * (blockM(false) * (QK + 8) + BLOCK_N * (QK + 8) + BLOCK_N * (V + 8));
  }

  private DensePrefillShape() {}
}
