package io.dsabench.kernels.check;

import io.dsabench.kernels.Mla;
import io.dsabench.kernels.numerics.Bf16;
import io.dsabench.kernels.numerics.E4m3;
import io.dsabench.kernels.numerics.IndexerFp8;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Fresh random host inputs of one case, already rounded to the types the device holds (bf16, e4m3
 * with row scales), except {@code cache} of an fp8 sparse case, which holds the raw values that
 * uploading quantizes into KV_FP8_656 entries. Unused fields are null.
 *
 * <p>The rest of a layer: {@code fp8_gemm} has e4m3 values in {@code a} [m, k] and {@code b}
 * [groups, n, k] with positive block scales in {@code aScales} [k/128, m] and {@code bScales}
 * [groups, ceil(n/128), k/128]; {@code swiglu_quant} its bf16 input [m, 2·width] in {@code a};
 * {@code router} x [m, hidden] in {@code a}, the bf16 gate weights [256, hidden] in {@code b} and
 * the fp32 bias in {@code bias}.
 */
// Arrays on purpose: a case's inputs are large and read in place, never compared or hashed.
@SuppressWarnings("ArrayRecordComponent")
record Inputs(
    float[] q,
    float[] k,
    float[] v,
    float[] cache,
    float[] weights,
    float[] kScales,
    float[] logits,
    int[] indices,
    float[] a,
    float[] aScales,
    float[] b,
    float[] bScales,
    float[] bias) {

  Inputs(
      float[] q,
      float[] k,
      float[] v,
      float[] cache,
      float[] weights,
      float[] kScales,
      float[] logits,
      int[] indices) {
    this(q, k, v, cache, weights, kScales, logits, indices, null, null, null, null, null);
  }

  private static Inputs rest(float[] a, float[] aScales, float[] b, float[] bScales, float[] bias) {
    return new Inputs(null, null, null, null, null, null, null, null, a, aScales, b, bScales, bias);
  }

  static Inputs generate(CheckCase c, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int rows = c.rows();
    int p = c.position();
    switch (c.op()) {
      case DENSE_PREFILL:
        return new Inputs(
            bf16(rnd, rows * Mla.HEADS * Mla.QK_DIM),
            bf16(rnd, p * Mla.HEADS * Mla.QK_DIM),
            bf16(rnd, p * Mla.HEADS * Mla.V_DIM),
            null,
            null,
            null,
            null,
            null);
      case DENSE_DECODE:
        return new Inputs(
            bf16(rnd, rows * Mla.HEADS * Mla.KV_DIM),
            null,
            null,
            bf16(rnd, c.batch() * p * Mla.KV_DIM),
            null,
            null,
            null,
            null);
      case INDEXER:
      case INDEXER_TOPK:
        {
          int qn = rows * Mla.INDEX_HEADS * Mla.INDEX_DIM;
          int kn = c.batch() * p * Mla.INDEX_DIM;
          float[] w = uniform(rnd, rows * Mla.INDEX_HEADS, 1f);
          if (!c.fp8()) {
            return new Inputs(bf16(rnd, qn), bf16(rnd, kn), null, null, w, null, null, null);
          }
          // q spans most of e4m3's range (its scale is folded into w, as in V3.2).
          float[] q = E4m3.roundInPlace(uniform(rnd, qn, 300f));
          float[] scales = new float[c.batch() * p];
          float[] k =
              IndexerFp8.quantizeRowsToValues(
                  uniform(rnd, kn, 2f), c.batch() * p, Mla.INDEX_DIM, scales);
          return new Inputs(q, k, null, null, w, scales, null, null);
        }
      case TOPK:
        {
          // bf16-rounded logits tie now and then; the keys a row cannot see hold -Infinity, as
          // the indexer writes them.
          float[] logits = Bf16.roundInPlace(uniform(rnd, rows * p, 8f));
          for (int r = 0; r < rows; r++) {
            int visible = NaiveReference.visible(p, c.tokensPerSeq(), r % c.tokensPerSeq());
            Arrays.fill(logits, r * p + visible, r * p + p, Float.NEGATIVE_INFINITY);
          }
          return new Inputs(null, null, null, null, null, null, logits, null);
        }
      case SPARSE_PREFILL:
      case SPARSE_DECODE:
        {
          float[] q = bf16(rnd, rows * Mla.HEADS * Mla.KV_DIM);
          int cn = c.batch() * p * Mla.KV_DIM;
          float[] cache = c.fp8() ? uniform(rnd, cn, 1f) : bf16(rnd, cn);
          return new Inputs(q, null, null, cache, null, null, null, indices(rnd, c));
        }
      case FP8_GEMM:
        {
          int m = c.batch();
          int n = c.position();
          int k = c.k();
          int groups = c.groupRows().size();
          // Codes over most of e4m3's range, scales that bring products to O(1): what a GEMM of
          // quantized activations (amax → 448) and weights sees.
          float[] a = E4m3.roundInPlace(uniform(rnd, m * k, 448f));
          float[] b = E4m3.roundInPlace(uniform(rnd, groups * n * k, 448f));
          float[] aScales = scales(rnd, (k / 128) * m, 1f / 448);
          float[] bScales = scales(rnd, groups * ((n + 127) / 128) * (k / 128), 1f / 448 / 64);
          return rest(a, aScales, b, bScales, null);
        }
      case SWIGLU_QUANT:
        {
          int m = c.batch();
          int w = c.position();
          float[] in = Bf16.roundInPlace(uniform(rnd, m * 2 * w, 4f));
          // Row 0's first block has gate 0, so SiLU·mul is all zeros there (scale 1, zero codes).
          Arrays.fill(in, 0, 128, 0f);
          return rest(in, null, null, null, null);
        }
      case ROUTER:
        {
          int m = c.batch();
          int hidden = c.position();
          float[] x = Bf16.roundInPlace(uniform(rnd, m * hidden, 1f));
          // Logits of order 1, as a trained gate gives: weights shrink with sqrt(hidden).
          float[] w =
              Bf16.roundInPlace(
                  uniform(rnd, CheckCase.ROUTER_EXPERTS * hidden, (float) (2 / Math.sqrt(hidden))));
          float[] bias = uniform(rnd, CheckCase.ROUTER_EXPERTS, 0.05f);
          return rest(x, null, w, null, bias);
        }
      default:
        throw new IllegalStateException("no inputs for " + c.op());
    }
  }

  /**
   * Causal selections as a top-k would make them, in random order: a row that sees at most k keys
   * gets all of them scattered among -1 slots; a longer row gets k distinct visible keys, with one
   * slot in 16 turned to -1 so that skipping is exercised there too.
   */
  private static int[] indices(SplittableRandom rnd, CheckCase c) {
    int k = c.k();
    int[] out = new int[c.rows() * k];
    for (int r = 0; r < c.rows(); r++) {
      int visible = NaiveReference.visible(c.position(), c.tokensPerSeq(), r % c.tokensPerSeq());
      int[] slots = new int[k];
      if (visible <= k) {
        Arrays.fill(slots, -1);
        for (int i = 0; i < visible; i++) {
          slots[i] = i;
        }
      } else {
        int[] pool = new int[visible];
        for (int i = 0; i < visible; i++) {
          pool[i] = i;
        }
        for (int i = 0; i < k; i++) {
          int j = i + rnd.nextInt(visible - i);
          int tmp = pool[i];
          pool[i] = pool[j];
          pool[j] = tmp;
          slots[i] = rnd.nextInt(16) == 0 ? -1 : pool[i];
        }
      }
      for (int i = k - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int tmp = slots[i];
        slots[i] = slots[j];
        slots[j] = tmp;
      }
      System.arraycopy(slots, 0, out, r * k, k);
    }
    return out;
  }

  private static float[] uniform(SplittableRandom rnd, int n, float scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
    }
    return x;
  }

  /** Positive scales in [lo, 2·lo). */
  private static float[] scales(SplittableRandom rnd, int n, float lo) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (lo * (1 + rnd.nextDouble()));
    }
    return x;
  }

  private static float[] bf16(SplittableRandom rnd, int n) {
    return Bf16.roundInPlace(uniform(rnd, n, 1f));
  }
}
