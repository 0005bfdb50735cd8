package io.dsabench.kernels.check;

/**
 * The ops as {@code dsabench check} names them: the six attention ops (the names of the results
 * schema), the decode pipeline indexer → top-k as one case, and the three of the rest of a layer
 * (FP8 GEMM, the expert activation, the router).
 */
public enum CheckOp {
  DENSE_PREFILL("dense_prefill", false, false),
  DENSE_DECODE("dense_decode", false, false),
  INDEXER("indexer", false, true),
  TOPK("topk", true, false),
  /**
   * The indexer writing into a logits buffer, then top-k on that same device buffer: the path where
   * a backend may hand state from one to the other (CUDA: the 8-key group maxima an indexer g
   * variant writes beside the logits, which top-k gmax reads), which {@link #TOPK} on uploaded
   * logits never reaches.
   */
  INDEXER_TOPK("indexer_topk", true, true),
  SPARSE_PREFILL("sparse_prefill", true, true),
  SPARSE_DECODE("sparse_decode", true, true),
  /** Plain or grouped FP8 GEMM; a case's k is the reduction length. */
  FP8_GEMM("fp8_gemm", true, false),
  SWIGLU_QUANT("swiglu_quant", false, false),
  ROUTER("router", false, false);

  private final String label;
  private final boolean takesK;
  private final boolean hasFp8;

  CheckOp(String label, boolean takesK, boolean hasFp8) {
    this.label = label;
    this.takesK = takesK;
    this.hasFp8 = hasFp8;
  }

  /** Name in reports and the results schema. */
  public String label() {
    return label;
  }

  /**
   * True for the ops of the rest of a layer, whose cases have no position or batch of sequences.
   */
  public boolean rest() {
    return this == FP8_GEMM || this == SWIGLU_QUANT || this == ROUTER;
  }

  boolean takesK() {
    return takesK;
  }

  boolean hasFp8() {
    return hasFp8;
  }
}
