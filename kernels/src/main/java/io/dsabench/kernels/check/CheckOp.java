package io.dsabench.kernels.check;

/** The six ops as {@code dsabench check} names them (the names of the results schema). */
public enum CheckOp {
  DENSE_PREFILL("dense_prefill", false, false),
  DENSE_DECODE("dense_decode", false, false),
  INDEXER("indexer", false, true),
  TOPK("topk", true, false),
  SPARSE_PREFILL("sparse_prefill", true, true),
  SPARSE_DECODE("sparse_decode", true, true);

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

  boolean takesK() {
    return takesK;
  }

  boolean hasFp8() {
    return hasFp8;
  }
}
