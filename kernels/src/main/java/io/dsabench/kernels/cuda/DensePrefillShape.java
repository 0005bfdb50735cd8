package io.dsabench.kernels.cuda;

/** Tile shape of dense_prefill.cu; must match the constants there. */
final class DensePrefillShape {
  static final int BLOCK_M = 128;
  static final int BLOCK_N = 64;
  static final int QK = 192;
  static final int V = 128;

  /** Q tile + one K tile + one V tile, bf16, rows padded by 8 elements against bank conflicts. */
  static final int SHARED_BYTES = 2 * (BLOCK_M * (QK + 8) + BLOCK_N * (QK + 8) + BLOCK_N * (V + 8));

  private DensePrefillShape() {}
}
