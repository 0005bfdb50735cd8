package io.dsabench.kernels.check;

import io.dsabench.kernels.numerics.E4m3;
import io.dsabench.kernels.numerics.KvFp8;
import java.util.List;

/** {@link NaiveReference} as an {@link Oracle}: the reference for the cpu backend. */
final class NaiveOracle implements Oracle {
  static final String NAME = "naive-float64";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double[] values(CheckCase c, Inputs in) {
    int b = c.batch();
    int t = c.tokensPerSeq();
    int p = c.position();
    return switch (c.op()) {
      case DENSE_PREFILL -> NaiveReference.densePrefill(in.q(), in.k(), in.v(), t, p);
      case DENSE_DECODE -> NaiveReference.denseDecode(in.q(), in.cache(), b, t, p);
      case INDEXER -> NaiveReference.indexer(in.q(), in.weights(), in.k(), in.kScales(), b, t, p);
      case SPARSE_PREFILL, SPARSE_DECODE -> {
        // What the device holds after the upload quantizes the raw values.
        float[] held = c.fp8() ? KvFp8.roundTrip(in.cache(), b * p) : in.cache();
        yield NaiveReference.sparse(in.q(), held, in.indices(), b, t, p, c.k());
      }
      case FP8_GEMM -> {
        List<Integer> g = c.groupRows();
        yield NaiveReference.fp8Gemm(
            in.a(),
            in.aScales(),
            in.b(),
            in.bScales(),
            g.stream().mapToInt(Integer::intValue).toArray(),
            c.position(),
            c.k());
      }
      case SWIGLU_QUANT -> quantized(NaiveReference.swiGlu(in.a(), b, c.position()));
      case TOPK -> throw new IllegalArgumentException("topk: use topK()");
      case INDEXER_TOPK -> throw new IllegalArgumentException("indexer_topk: use indexerTopK()");
      case ROUTER -> throw new IllegalArgumentException("router: use router()");
    };
  }

  /**
   * Each 128-block quantized the way {@link io.dsabench.kernels.Ops.SwiGluQuant} says (scale = amax
   * / 448, nearest-even e4m3, saturating; an all-zero block scale 1), then dequantized.
   */
  private static double[] quantized(double[] h) {
    double[] out = new double[h.length];
    for (int base = 0; base < h.length; base += 128) {
      double amax = 0;
      for (int j = base; j < base + 128; j++) {
        amax = Math.max(amax, Math.abs(h[j]));
      }
      float scale = amax == 0 ? 1f : (float) (amax / E4m3.MAX);
      for (int j = base; j < base + 128; j++) {
        out[j] = (double) E4m3.round((float) (h[j] / scale)) * scale;
      }
    }
    return out;
  }

  @Override
  public Routing router(CheckCase c, Inputs in) {
    int m = c.batch();
    int hidden = c.position();
    int e = CheckCase.ROUTER_EXPERTS;
    int topK = CheckCase.ROUTER_TOP_K;
    double[] s = NaiveReference.routerScores(in.a(), in.b(), m, hidden, e);
    int[] indices = new int[m * topK];
    float[] weights = new float[m * topK];
    for (int r = 0; r < m; r++) {
      int[] chosen =
          NaiveReference.routerChoice(
              s, r, in.bias(), e, CheckCase.ROUTER_GROUPS, CheckCase.ROUTER_TOP_GROUPS, topK);
      double sum = 0;
      for (int x : chosen) {
        sum += s[r * e + x];
      }
      for (int i = 0; i < topK; i++) {
        indices[r * topK + i] = chosen[i];
        weights[r * topK + i] = (float) (s[r * e + chosen[i]] / sum);
      }
    }
    return new Routing(indices, weights);
  }

  /**
   * The float64 indexer, and a full-sort top-k of its logits rounded to fp32 as a device holds
   * them.
   */
  @Override
  public IndexerTopK indexerTopK(CheckCase c, Inputs in) {
    int b = c.batch();
    int t = c.tokensPerSeq();
    int p = c.position();
    double[] logits = NaiveReference.indexer(in.q(), in.weights(), in.k(), in.kScales(), b, t, p);
    float[] held = new float[logits.length];
    for (int i = 0; i < held.length; i++) {
      held[i] = (float) logits[i];
    }
    return new IndexerTopK(logits, NaiveReference.topK(held, b, t, p, c.k()));
  }

  @Override
  public int[] topK(CheckCase c, Inputs in) {
    return NaiveReference.topK(in.logits(), c.batch(), c.tokensPerSeq(), c.position(), c.k());
  }
}
