package io.dsabench.kernels;

/**
 * DeepSeek-V3.2's attention shapes (config_671B_v3.2.json) as the kernels are built for them. The
 * cost model keeps its own copy of these numbers: kernels imports none of our modules.
 */
public final class Mla {
  /** Query heads. */
  public static final int HEADS = 128;

  /** MHA-mode q·k dim: 128 "nope" + 64 rope. */
  public static final int QK_DIM = 192;

  /** MHA-mode value dim. */
  public static final int V_DIM = 128;

  /** Latent (compressed KV) dim: the value part of an absorbed MQA-mode entry. */
  public static final int LATENT_DIM = 512;

  /** Rope dim appended to the latent. */
  public static final int ROPE_DIM = 64;

  /** MQA-mode (absorbed) entry: latent + rope, shared by all 128 heads. */
  public static final int KV_DIM = LATENT_DIM + ROPE_DIM;

  /** Lightning indexer heads. */
  public static final int INDEX_HEADS = 64;

  /** Lightning indexer head dim (q and k). */
  public static final int INDEX_DIM = 128;

  /** Tokens each query attends to under DSA. */
  public static final int TOP_K = 2048;

  /** FP8 cache: 512 e4m3 values quantized in tiles of this many, one fp32 scale each. */
  public static final int FP8_TILE = 128;

  /** Softmax scale 192^-0.5 (the checkpoint's extra mscale² factor does not change cost). */
  public static final float SOFTMAX_SCALE = (float) (1.0 / Math.sqrt(QK_DIM));

  private Mla() {}
}
