package io.dsabench.kernels;

import java.util.List;

/**
 * The arguments of the ops, checked on construction so that no backend sees a buffer of the wrong
 * type or size. Shapes are row-major; see {@link Backend} for the batch/causal convention.
 */
public final class Ops {
  private Ops() {}

  /**
   * Dense MLA prefill in MHA mode: 128 heads, q·k dim 192, v dim 128, causal, one sequence.
   *
   * @param q BF16 [tokens, 128, 192]
   * @param k BF16 [position, 128, 192]
   * @param v BF16 [position, 128, 128]
   * @param out BF16 [tokens, 128, 128]
   */
  public record DensePrefill(
      DeviceBuffer q, DeviceBuffer k, DeviceBuffer v, DeviceBuffer out, int tokens, int position) {
    public DensePrefill {
      positive("tokens", tokens);
      positive("position", position);
      atMost("tokens", tokens, "position", position);
      buffer("q", q, DType.BF16, (long) tokens * Mla.HEADS * Mla.QK_DIM);
      buffer("k", k, DType.BF16, (long) position * Mla.HEADS * Mla.QK_DIM);
      buffer("v", v, DType.BF16, (long) position * Mla.HEADS * Mla.V_DIM);
      buffer("out", out, DType.BF16, (long) tokens * Mla.HEADS * Mla.V_DIM);
    }
  }

  /**
   * Dense MLA decode in absorbed MQA mode: 128 query heads share one 576-wide latent entry per
   * token; the value is its first 512 dims.
   *
   * @param q BF16 [batch, tokensPerSeq, 128, 576]
   * @param cache BF16 [batch, position, 576]
   * @param out BF16 [batch, tokensPerSeq, 128, 512]
   */
  public record DenseDecode(
      DeviceBuffer q,
      DeviceBuffer cache,
      DeviceBuffer out,
      int batch,
      int tokensPerSeq,
      int position) {
    public DenseDecode {
      shape(batch, tokensPerSeq, position);
      long rows = (long) batch * tokensPerSeq;
      buffer("q", q, DType.BF16, rows * Mla.HEADS * Mla.KV_DIM);
      buffer("cache", cache, DType.BF16, (long) batch * position * Mla.KV_DIM);
      buffer("out", out, DType.BF16, rows * Mla.HEADS * Mla.LATENT_DIM);
    }
  }

  /**
   * Lightning indexer: {@code I[t,s] = sum_j w[t,j] * ReLU(q[t,j] . k[s])}, causal; logits of keys
   * a query cannot see are {@code -Infinity}.
   *
   * <p>In FP8 ({@code q.dtype() == FP8_E4M3}) each k row has one fp32 scale and q's scale is folded
   * into w, so {@code I[t,s] = kScale[s] * sum_j w[t,j] * ReLU(q[t,j] . k[s])}. In BF16 {@code
   * kScales} is null.
   *
   * @param q FP8_E4M3 or BF16 [batch, tokensPerSeq, 64, 128]
   * @param weights FP32 [batch, tokensPerSeq, 64]
   * @param k same type as q, [batch, position, 128]
   * @param kScales FP32 [batch, position] for FP8, null for BF16
   * @param logits FP32 [batch, tokensPerSeq, position]
   */
  public record Indexer(
      DeviceBuffer q,
      DeviceBuffer weights,
      DeviceBuffer k,
      DeviceBuffer kScales,
      DeviceBuffer logits,
      int batch,
      int tokensPerSeq,
      int position) {
    public Indexer {
      shape(batch, tokensPerSeq, position);
      long rows = (long) batch * tokensPerSeq;
      if (q == null || (q.dtype() != DType.FP8_E4M3 && q.dtype() != DType.BF16)) {
        throw new IllegalArgumentException(
            "q: " + (q == null ? "null" : q.dtype()) + " is not FP8_E4M3 or BF16");
      }
      buffer("q", q, q.dtype(), rows * Mla.INDEX_HEADS * Mla.INDEX_DIM);
      buffer("weights", weights, DType.FP32, rows * Mla.INDEX_HEADS);
      buffer("k", k, q.dtype(), (long) batch * position * Mla.INDEX_DIM);
      if (q.dtype() == DType.FP8_E4M3) {
        buffer("kScales", kScales, DType.FP32, (long) batch * position);
      } else if (kScales != null) {
        throw new IllegalArgumentException("kScales: must be null for a BF16 indexer");
      }
      buffer("logits", logits, DType.FP32, rows * position);
    }

    public boolean fp8() {
      return q.dtype() == DType.FP8_E4M3;
    }
  }

  /**
   * The {@code k} largest logits of each row among the keys it can see. A row that sees at most
   * {@code k} keys takes them all and pads with -1. Indices are key positions within the sequence,
   * in no particular order.
   *
   * @param logits FP32 [batch, tokensPerSeq, position]
   * @param indices INT32 [batch, tokensPerSeq, k]
   */
  public record TopK(
      DeviceBuffer logits, DeviceBuffer indices, int batch, int tokensPerSeq, int position, int k) {
    public TopK {
      shape(batch, tokensPerSeq, position);
      positive("k", k);
      long rows = (long) batch * tokensPerSeq;
      buffer("logits", logits, DType.FP32, rows * position);
      buffer("indices", indices, DType.INT32, rows * k);
    }
  }

  /**
   * Sparse MLA in absorbed MQA mode: each query attends only to its {@code k} selected entries
   * (indices into its own sequence's cache; -1 entries are skipped).
   *
   * @param q BF16 [batch, tokensPerSeq, 128, 576]
   * @param cache BF16 [batch, position, 576] or KV_FP8_656 [batch, position]
   * @param indices INT32 [batch, tokensPerSeq, k]
   * @param out BF16 [batch, tokensPerSeq, 128, 512]
   */
  public record SparseAttention(
      DeviceBuffer q,
      DeviceBuffer cache,
      DeviceBuffer indices,
      DeviceBuffer out,
      int batch,
      int tokensPerSeq,
      int position,
      int k) {
    public SparseAttention {
      shape(batch, tokensPerSeq, position);
      positive("k", k);
      long rows = (long) batch * tokensPerSeq;
      buffer("q", q, DType.BF16, rows * Mla.HEADS * Mla.KV_DIM);
      if (cache != null && cache.dtype() == DType.KV_FP8_656) {
        buffer("cache", cache, DType.KV_FP8_656, (long) batch * position);
      } else {
        buffer("cache", cache, DType.BF16, (long) batch * position * Mla.KV_DIM);
      }
      buffer("indices", indices, DType.INT32, rows * k);
      buffer("out", out, DType.BF16, rows * Mla.HEADS * Mla.LATENT_DIM);
    }

    public boolean fp8Cache() {
      return cache.dtype() == DType.KV_FP8_656;
    }
  }

  /**
   * An FP8 matrix product in DeepSeek-V3's recipe, plain or grouped (the experts of an MoE layer):
   * {@code out[r, c] = sum_k a[r, k] · aScale[k / 128, r] · b[g, c, k] · bScale[g, c / 128, k /
   * 128]} for row r of group g, accumulated in fp32 (a kernel may accumulate each 128-wide k block
   * in lower precision and promote to fp32 between blocks, as the recipe does), rounded to bf16.
   * Activations carry one fp32 scale per 1×128 block, weights one per 128×128 block.
   *
   * <p>Rows are split into consecutive groups of {@code groupRows[g]} rows (a group may be empty);
   * group g multiplies weight matrix g. A plain GEMM is one group. Weights are stored as a linear
   * layer holds them: n rows of k (k contiguous).
   *
   * @param a FP8_E4M3 [m, k], m = sum of groupRows
   * @param aScales FP32 [k / 128, m] (k-block major: a row block's scales are contiguous)
   * @param b FP8_E4M3 [groups, n, k]
   * @param bScales FP32 [groups, ceil(n / 128), k / 128]
   * @param out BF16 [m, n]
   * @param groupRows rows of each group (size = groups ≥ 1)
   * @param n output columns, a multiple of 64
   * @param k reduction length, a multiple of 128
   */
  public record Fp8Gemm(
      DeviceBuffer a,
      DeviceBuffer aScales,
      DeviceBuffer b,
      DeviceBuffer bScales,
      DeviceBuffer out,
      List<Integer> groupRows,
      int n,
      int k) {
    public Fp8Gemm {
      if (groupRows == null || groupRows.isEmpty()) {
        throw new IllegalArgumentException("groupRows: must name at least one group");
      }
      groupRows = List.copyOf(groupRows);
      long m = 0;
      for (int g = 0; g < groupRows.size(); g++) {
        int r = groupRows.get(g);
        if (r < 0) {
          throw new IllegalArgumentException(
              "groupRows[" + g + "]: " + r + " is not a row count (>= 0)");
        }
        m += r;
      }
      if (m == 0) {
        throw new IllegalArgumentException("groupRows: the groups hold no rows");
      }
      positive("n", n);
      positive("k", k);
      multiple("n", n, 64);
      multiple("k", k, 128);
      long groups = groupRows.size();
      buffer("a", a, DType.FP8_E4M3, m * k);
      buffer("aScales", aScales, DType.FP32, (k / 128) * m);
      buffer("b", b, DType.FP8_E4M3, groups * n * k);
      buffer("bScales", bScales, DType.FP32, groups * ((n + 127) / 128) * (k / 128));
      buffer("out", out, DType.BF16, m * n);
    }

    /** A plain (one-group) GEMM of {@code m} rows. */
    public Fp8Gemm(
        DeviceBuffer a,
        DeviceBuffer aScales,
        DeviceBuffer b,
        DeviceBuffer bScales,
        DeviceBuffer out,
        int m,
        int n,
        int k) {
      this(a, aScales, b, bScales, out, List.of(m), n, k);
    }

    /** Rows of all groups. */
    public long rows() {
      long m = 0;
      for (int r : groupRows) {
        m += r;
      }
      return m;
    }

    /** Groups (weight matrices). */
    public int groups() {
      return groupRows.size();
    }
  }

  /**
   * The expert activation between the two FP8 GEMMs: {@code h = SiLU(gate) · up} with gate and up
   * the two halves of each input row, quantized to e4m3 with one fp32 scale per 1×128 block (scale
   * = amax / 448, the block divided by it and rounded to nearest even, saturating; an all-zero
   * block gets scale 1), written in {@link Fp8Gemm}'s activation layout.
   *
   * @param in BF16 [m, 2 · width]: gate = columns 0 … width−1, up = width … 2·width−1
   * @param out FP8_E4M3 [m, width]
   * @param outScales FP32 [width / 128, m]
   * @param m rows
   * @param width output columns, a multiple of 128
   */
  public record SwiGluQuant(
      DeviceBuffer in, DeviceBuffer out, DeviceBuffer outScales, int m, int width) {
    public SwiGluQuant {
      positive("m", m);
      positive("width", width);
      multiple("width", width, 128);
      buffer("in", in, DType.BF16, 2L * m * width);
      buffer("out", out, DType.FP8_E4M3, (long) m * width);
      buffer("outScales", outScales, DType.FP32, (long) (width / 128) * m);
    }
  }

  /**
   * DeepSeek-V3's MoE router: scores {@code s = sigmoid(x · wᵀ)} in fp32; experts are split into
   * {@code groups} equal groups, each group rated by the sum of its two highest {@code s + bias},
   * the best {@code topKGroups} groups kept, and among their experts the {@code topK} highest
   * {@code s + bias} chosen; each chosen expert's weight is its {@code s} divided by the chosen
   * experts' sum (the bias steers the choice, not the weights). Ties go to the lower expert index.
   * Indices in descending {@code s + bias} order.
   *
   * @param x BF16 [m, hidden]
   * @param w BF16 [experts, hidden]
   * @param bias FP32 [experts]
   * @param weights FP32 [m, topK] (output)
   * @param indices INT32 [m, topK] (output)
   */
  public record Router(
      DeviceBuffer x,
      DeviceBuffer w,
      DeviceBuffer bias,
      DeviceBuffer weights,
      DeviceBuffer indices,
      int m,
      int hidden,
      int experts,
      int groups,
      int topKGroups,
      int topK) {
    public Router {
      positive("m", m);
      positive("hidden", hidden);
      positive("experts", experts);
      positive("groups", groups);
      positive("topKGroups", topKGroups);
      positive("topK", topK);
      multiple("experts", experts, groups);
      atMost("topKGroups", topKGroups, "groups", groups);
      if (experts / groups < 2) {
        throw new IllegalArgumentException(
            "experts: "
                + experts
                + " gives groups of fewer than 2 experts ("
                + groups
                + " groups)");
      }
      atMost("topK", topK, "experts in the kept groups", topKGroups * (experts / groups));
      buffer("x", x, DType.BF16, (long) m * hidden);
      buffer("w", w, DType.BF16, (long) experts * hidden);
      buffer("bias", bias, DType.FP32, experts);
      buffer("weights", weights, DType.FP32, (long) m * topK);
      buffer("indices", indices, DType.INT32, (long) m * topK);
    }
  }

  private static void shape(int batch, int tokensPerSeq, int position) {
    positive("batch", batch);
    positive("tokensPerSeq", tokensPerSeq);
    positive("position", position);
    atMost("tokensPerSeq", tokensPerSeq, "position", position);
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + ": " + value + " is not a positive count");
    }
  }

  private static void atMost(String field, int value, String otherField, int other) {
    if (value > other) {
      throw new IllegalArgumentException(
          field + ": " + value + " exceeds " + otherField + " " + other);
    }
  }

  private static void multiple(String field, int value, int of) {
    if (value % of != 0) {
      throw new IllegalArgumentException(field + ": " + value + " is not a multiple of " + of);
    }
  }

  private static void buffer(String field, DeviceBuffer b, DType dtype, long elements) {
    if (b == null) {
      throw new IllegalArgumentException(field + ": null is not a " + dtype + " buffer");
    }
    if (b.dtype() != dtype) {
      throw new IllegalArgumentException(field + ": " + b.dtype() + " is not " + dtype);
    }
    if (b.elements() < elements) {
      throw new IllegalArgumentException(
          field + ": " + b.elements() + " elements is fewer than the " + elements + " required");
    }
  }
}
