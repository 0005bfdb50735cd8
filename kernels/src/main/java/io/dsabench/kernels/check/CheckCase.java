package io.dsabench.kernels.check;

import java.util.List;

/**
 * One shape of one op to check.
 *
 * @param op the op, named as in the results schema ({@code dense_prefill}, {@code indexer}, ...)
 * @param fp8 indexer: fp8 e4m3 q/k instead of bf16; sparse ops: a KV_FP8_656 cache instead of bf16
 *     <p>The ops of the rest of a layer ({@link CheckOp#rest()}) have no sequences: {@code batch}
 *     is their row count m, {@code tokensPerSeq} 1, {@code position} their width (the GEMM's n, the
 *     activation's output width, the router's hidden size), {@code k} the GEMM's reduction length
 *     (0 for the others) and {@code groupRows} the GEMM's rows per group (a plain GEMM is one
 *     group; empty for the others). Build them with {@link #fp8Gemm}, {@link #swiGluQuant} and
 *     {@link #router}.
 * @param k top-k size for {@code topk} and the sparse ops, the reduction length for {@code
 *     fp8_gemm}, 0 for the others
 */
public record CheckCase(
    CheckOp op,
    int batch,
    int tokensPerSeq,
    int position,
    int k,
    boolean fp8,
    List<Integer> groupRows) {
  /** DeepSeek-V3's router: 256 routed experts in 8 groups, the best 4 groups kept, 8 chosen. */
  public static final int ROUTER_EXPERTS = 256;

  public static final int ROUTER_GROUPS = 8;
  public static final int ROUTER_TOP_GROUPS = 4;
  public static final int ROUTER_TOP_K = 8;

  public CheckCase {
    if (op == null) {
      throw new IllegalArgumentException("op: null is not an op");
    }
    groupRows = groupRows == null ? List.of() : List.copyOf(groupRows);
    if (op == CheckOp.FP8_GEMM) {
      if (groupRows.isEmpty()) {
        throw new IllegalArgumentException("groupRows: an fp8_gemm case needs at least one group");
      }
      int m = groupRows.stream().mapToInt(Integer::intValue).sum();
      if (m != batch) {
        throw new IllegalArgumentException(
            "batch: " + batch + " is not the " + m + " rows of groups " + groupRows);
      }
      multiple("position (n)", position, 64);
      multiple("k", k, 128);
    } else if (!groupRows.isEmpty()) {
      throw new IllegalArgumentException("groupRows: " + op.label() + " has no groups");
    }
    if (op == CheckOp.SWIGLU_QUANT) {
      multiple("position (width)", position, 128);
    }
    if (op.rest() && tokensPerSeq != 1) {
      throw new IllegalArgumentException(
          "tokensPerSeq: " + tokensPerSeq + " is not 1 for " + op.label());
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

  /** An attention case (no groups). */
  public CheckCase(CheckOp op, int batch, int tokensPerSeq, int position, int k, boolean fp8) {
    this(op, batch, tokensPerSeq, position, k, fp8, List.of());
  }

  /** An FP8 GEMM of {@code groupRows} (one entry: plain) × n, reduction length k. */
  public static CheckCase fp8Gemm(List<Integer> groupRows, int n, int k) {
    int m = groupRows.stream().mapToInt(Integer::intValue).sum();
    return new CheckCase(CheckOp.FP8_GEMM, m, 1, n, k, false, groupRows);
  }

  /** SiLU·mul and fp8 quantization of m rows to {@code width} columns. */
  public static CheckCase swiGluQuant(int m, int width) {
    return new CheckCase(CheckOp.SWIGLU_QUANT, m, 1, width, 0, false);
  }

  /** The router of m tokens of {@code hidden} over V3's 256 experts. */
  public static CheckCase router(int m, int hidden) {
    return new CheckCase(CheckOp.ROUTER, m, 1, hidden, 0, false);
  }

  private static void multiple(String field, int value, int of) {
    if (value % of != 0) {
      throw new IllegalArgumentException(field + ": " + value + " is not a multiple of " + of);
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
    switch (op) {
      case FP8_GEMM -> {
        if (groupRows.size() > 1) {
          s.append("groups=").append(groupRows.toString().replace(" ", "")).append(' ');
        }
        return s.append("m=")
            .append(batch)
            .append(" n=")
            .append(position)
            .append(" k=")
            .append(k)
            .toString();
      }
      case SWIGLU_QUANT -> {
        return s.append("m=").append(batch).append(" width=").append(position).toString();
      }
      case ROUTER -> {
        return s.append("m=").append(batch).append(" hidden=").append(position).toString();
      }
      default -> {}
    }
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
