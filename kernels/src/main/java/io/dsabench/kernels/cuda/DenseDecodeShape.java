package io.dsabench.kernels.cuda;

/**
 * Tile shape of dense_decode.cu (versions 1 and 2) and how the KV range is split; must match the
 * constants there. Version 3 reads its launch constants from its cubin ({@link DenseDecodeV3}).
 */
final class DenseDecodeShape {
  /**
   * Which sm_90a decode kernel runs: {@code v3} (dense_decode_v3 in sm90/decode/dense.cu, launched
   * by {@link DenseDecodeV3}; the default: 623 TFLOP/s against v2's 361 for 64 sequences at 128K on
   * the H200, kernels/NOTES.md) or {@code v2} (dense_decode_split in dense_decode.cu); system
   * property {@code dsabench.cuda.decode} picks one for A/B runs. Other GPUs always run
   * dense_decode.cu (version 1 from its PTX).
   */
  static final String DEFAULT_VERSION = "v3";

  static String version(boolean hopper) {
    return hopper ? version(System.getProperty("dsabench.cuda.decode", DEFAULT_VERSION)) : "v2";
  }

  /** The sm_90a version named {@code v}, checked. */
  static String version(String v) {
    if (!v.equals("v2") && !v.equals("v3")) {
      throw new IllegalArgumentException("dsabench.cuda.decode: '" + v + "' is not one of v2, v3");
    }
    return v;
  }

  /** Query rows (heads of one token) per block: 128 heads = 2 blocks per query token. */
  static final int BLOCK_ROWS = 64;

  static final int BLOCK_N = 64;
  static final int DIM = 576;

  /**
   * Q tile + two stages of KV tiles (bf16) + P (bf16, rows padded by 8) + the row-max exchange
   * (fp32).
   */
  static final int SHARED_BYTES =
      2 * (BLOCK_ROWS * DIM + 2 * BLOCK_N * DIM + BLOCK_ROWS * (BLOCK_N + 8)) + 2 * BLOCK_ROWS * 4;

  private DenseDecodeShape() {}

  /**
   * How many pieces to split each query block's KV range into, so that small batches still fill the
   * GPU (one block per SM fits): the fewest splits that fill at least 90% of the last wave (else
   * the best filling), keeping at least 4 tiles per split so the combine step stays cheap.
   */
  static int splits(int rowBlocks, int tiles, int sms) {
    int best = 1;
    double bestEfficiency = 0;
    for (int s = 1; s <= 64 && s <= Math.max(1, tiles / 4); s++) {
      long blocks = (long) rowBlocks * s;
      long waves = (blocks + sms - 1) / sms;
      double efficiency = (double) blocks / (waves * sms);
      if (efficiency >= 0.9) {
        return s;
      }
      if (efficiency > bestEfficiency) {
        best = s;
        bestEfficiency = efficiency;
      }
    }
    return best;
  }
}
