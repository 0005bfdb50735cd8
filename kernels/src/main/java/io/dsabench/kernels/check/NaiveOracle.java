package io.dsabench.kernels.check;

import io.dsabench.kernels.numerics.KvFp8;

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
      case TOPK -> throw new IllegalArgumentException("topk: use topK()");
    };
  }

  @Override
  public int[] topK(CheckCase c, Inputs in) {
    return NaiveReference.topK(in.logits(), c.batch(), c.tokensPerSeq(), c.position(), c.k());
  }
}
