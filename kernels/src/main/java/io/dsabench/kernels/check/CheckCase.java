package io.dsabench.kernels.check;

/**
 * One shape of one op to check.
 *
 * @param op the op, named as in the results schema ({@code dense_prefill}, {@code indexer}, ...)
 * @param fp8 indexer: fp8 e4m3 q/k instead of bf16; sparse ops: a KV_FP8_656 cache instead of bf16
 * @param k top-k size for {@code topk} and the sparse ops, 0 for the others
 */
public record CheckCase(CheckOp op, int batch, int tokensPerSeq, int position, int k, boolean fp8) {
  public CheckCase {
    if (op == null) {
      throw new IllegalArgumentException("op: null is not an op");
    }
    positive("batch", batch);
    positive("tokensPerSeq", tokensPerSeq);
    positive("position", position);
    if (tokensPerSeq > position) {
      throw new IllegalArgumentException(
          "tokensPerSeq: " + tokensPerSeq + " exceeds position " + position);
    }
    if (op == CheckOp.DENSE_PREFILL || op == CheckOp.SPARSE_PREFILL) {
      if (batch != 1) {
        throw new IllegalArgumentException("batch: " + batch + " is not 1 for " + op.label());
      }
    }
    if (op.takesK()) {
      positive("k", k);
    } else if (k != 0) {
      throw new IllegalArgumentException("k: " + k + " is not 0 for " + op.label());
    }
    if (fp8 && !op.hasFp8()) {
      throw new IllegalArgumentException("fp8: " + op.label() + " has no fp8 variant");
    }
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + ": " + value + " is not a positive count");
    }
  }

  /** Compact shape for the report, e.g. {@code b=3 t=2 p=2049 k=2048 fp8}. */
  public String shape() {
    StringBuilder s = new StringBuilder();
    s.append("b=").append(batch).append(" t=").append(tokensPerSeq).append(" p=").append(position);
    if (op.takesK()) {
      s.append(" k=").append(k);
    }
    if (op.hasFp8()) {
      s.append(fp8 ? " fp8" : " bf16");
    }
    return s.toString();
  }

  /** Rows of queries: batch × tokensPerSeq. */
  public int rows() {
    return batch * tokensPerSeq;
  }
}
