package io.dsabench.costmodel.hardware;

import io.dsabench.model.workload.Op;

/**
 * The arithmetic an op's matrix products run in, which picks the compute ceiling it is held
 * against.
 */
public enum Precision {
  /** bf16 inputs, fp32 accumulation: MLA (dense and sparse; fp8 KV is dequantised to bf16). */
  BF16,
  /** fp8 e4m3: V3.2's lightning indexer, and the model's GEMMs as DeepSeek serves them. */
  FP8;

  /**
   * The precision of a measured op: the indexer runs in fp8 (V3.2), and so do the rest of the
   * model's GEMMs ({@link Op#rest()}: DeepSeek-V3's FP8 recipe, which the rest-of-model estimate
   * also prices at the fp8 peak); attention in bf16. Top-k does no matrix products; it is held
   * against bandwidth either way.
   */
  public static Precision of(Op op) {
    return op == Op.INDEXER || op.rest() ? FP8 : BF16;
  }
}
