package io.dsabench.kernels;

/**
 * The arguments of the six ops, checked on construction so that no backend sees a buffer of the
 * wrong type or size. Shapes are row-major; see {@link Backend} for the batch/causal convention.
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
