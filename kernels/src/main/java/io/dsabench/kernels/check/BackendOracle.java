package io.dsabench.kernels.check;

import io.dsabench.kernels.Backend;
import io.dsabench.kernels.DType;
import io.dsabench.kernels.DeviceBuffer;
import io.dsabench.kernels.Mla;
import io.dsabench.kernels.Ops;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a case on a backend: uploads the host inputs, fills every output with a sentinel first (NaN
 * for floats, {@link #UNWRITTEN} for indices) so that an element the op never writes shows, runs
 * the op, downloads. Buffers are freed whatever happens.
 */
final class BackendOracle implements Oracle {
  /** What index slots hold before top-k runs; never a valid answer. */
  static final int UNWRITTEN = Integer.MIN_VALUE;

  private final Backend backend;

  BackendOracle(Backend backend) {
    this.backend = backend;
  }

  @Override
  public String name() {
    return backend.name();
  }

  @Override
  public double[] values(CheckCase c, Inputs in) {
    List<DeviceBuffer> held = new ArrayList<>();
    try {
      int b = c.batch();
      int t = c.tokensPerSeq();
      int p = c.position();
      int rows = c.rows();
      DeviceBuffer out;
      switch (c.op()) {
        case DENSE_PREFILL -> {
          out = sentinel(held, DType.BF16, rows * Mla.HEADS * Mla.V_DIM);
          backend.densePrefill(
              new Ops.DensePrefill(
                  put(held, DType.BF16, in.q()),
                  put(held, DType.BF16, in.k()),
                  put(held, DType.BF16, in.v()),
                  out,
                  t,
                  p));
        }
        case DENSE_DECODE -> {
          out = sentinel(held, DType.BF16, rows * Mla.HEADS * Mla.LATENT_DIM);
          backend.denseDecode(
              new Ops.DenseDecode(
                  put(held, DType.BF16, in.q()), put(held, DType.BF16, in.cache()), out, b, t, p));
        }
        case INDEXER -> out = indexer(held, c, in);
        case SPARSE_PREFILL, SPARSE_DECODE -> {
          out = sentinel(held, DType.BF16, rows * Mla.HEADS * Mla.LATENT_DIM);
          DeviceBuffer cache =
              c.fp8()
                  ? put(held, DType.KV_FP8_656, (long) b * p, in.cache())
                  : put(held, DType.BF16, in.cache());
          DeviceBuffer indices = backend.allocate(DType.INT32, in.indices().length);
          held.add(indices);
          backend.uploadInts(indices, in.indices());
          Ops.SparseAttention op =
              new Ops.SparseAttention(
                  put(held, DType.BF16, in.q()), cache, indices, out, b, t, p, c.k());
          if (c.op() == CheckOp.SPARSE_PREFILL) {
            backend.sparsePrefill(op);
          } else {
            backend.sparseDecode(op);
          }
        }
        case FP8_GEMM -> {
          out = sentinel(held, DType.BF16, rows * p);
          backend.fp8Gemm(
              new Ops.Fp8Gemm(
                  put(held, DType.FP8_E4M3, in.a()),
                  put(held, DType.FP32, in.aScales()),
                  put(held, DType.FP8_E4M3, in.b()),
                  put(held, DType.FP32, in.bScales()),
                  out,
                  c.groupRows(),
                  p,
                  c.k()));
        }
        case SWIGLU_QUANT -> {
          DeviceBuffer codes = sentinel(held, DType.FP8_E4M3, rows * p);
          DeviceBuffer scales = sentinel(held, DType.FP32, (p / 128) * rows);
          backend.swiGluQuant(
              new Ops.SwiGluQuant(put(held, DType.BF16, in.a()), codes, scales, rows, p));
          backend.synchronize();
          return dequantize(backend.download(codes), backend.download(scales), rows, p);
        }
        default -> throw new IllegalArgumentException(c.op().label() + ": not a values op");
      }
      backend.synchronize();
      return widen(backend.download(out));
    } finally {
      held.forEach(DeviceBuffer::close);
    }
  }

  /** code × its block's scale, per element ([m, width] codes, [width/128, m] scales). */
  private static double[] dequantize(float[] codes, float[] scales, int m, int width) {
    double[] out = new double[m * width];
    for (int r = 0; r < m; r++) {
      for (int j = 0; j < width; j++) {
        out[r * width + j] = (double) codes[r * width + j] * scales[(j / 128) * m + r];
      }
    }
    return out;
  }

  @Override
  public Routing router(CheckCase c, Inputs in) {
    List<DeviceBuffer> held = new ArrayList<>();
    try {
      int m = c.batch();
      int topK = CheckCase.ROUTER_TOP_K;
      DeviceBuffer weights = sentinel(held, DType.FP32, m * topK);
      DeviceBuffer indices = unwrittenIndices(held, m * topK);
      backend.router(
          new Ops.Router(
              put(held, DType.BF16, in.a()),
              put(held, DType.BF16, in.b()),
              put(held, DType.FP32, in.bias()),
              weights,
              indices,
              m,
              c.position(),
              CheckCase.ROUTER_EXPERTS,
              CheckCase.ROUTER_GROUPS,
              CheckCase.ROUTER_TOP_GROUPS,
              topK));
      backend.synchronize();
      return new Routing(backend.downloadInts(indices), backend.download(weights));
    } finally {
      held.forEach(DeviceBuffer::close);
    }
  }

  /**
   * Runs the indexer of {@code c} into a fresh NaN-filled logits buffer and returns that buffer.
   */
  private DeviceBuffer indexer(List<DeviceBuffer> held, CheckCase c, Inputs in) {
    DType type = c.fp8() ? DType.FP8_E4M3 : DType.BF16;
    DeviceBuffer out = sentinel(held, DType.FP32, c.rows() * c.position());
    backend.indexer(
        new Ops.Indexer(
            put(held, type, in.q()),
            put(held, DType.FP32, in.weights()),
            put(held, type, in.k()),
            c.fp8() ? put(held, DType.FP32, in.kScales()) : null,
            out,
            c.batch(),
            c.tokensPerSeq(),
            c.position()));
    return out;
  }

  /**
   * The indexer, then top-k on the very buffer it wrote (no download and re-upload between them),
   * so that whatever a backend keeps beside a logits buffer for top-k (CUDA: an indexer g variant's
   * group maxima) is used as a decode step uses it; both outputs downloaded after.
   */
  @Override
  public IndexerTopK indexerTopK(CheckCase c, Inputs in) {
    List<DeviceBuffer> held = new ArrayList<>();
    try {
      DeviceBuffer logits = indexer(held, c, in);
      DeviceBuffer indices = unwrittenIndices(held, c.rows() * c.k());
      backend.topK(new Ops.TopK(logits, indices, c.batch(), c.tokensPerSeq(), c.position(), c.k()));
      backend.synchronize();
      float[] got = backend.download(logits);
      return new IndexerTopK(widen(got), backend.downloadInts(indices));
    } finally {
      held.forEach(DeviceBuffer::close);
    }
  }

  @Override
  public int[] topK(CheckCase c, Inputs in) {
    List<DeviceBuffer> held = new ArrayList<>();
    try {
      DeviceBuffer indices = unwrittenIndices(held, c.rows() * c.k());
      backend.topK(
          new Ops.TopK(
              put(held, DType.FP32, in.logits()),
              indices,
              c.batch(),
              c.tokensPerSeq(),
              c.position(),
              c.k()));
      backend.synchronize();
      return backend.downloadInts(indices);
    } finally {
      held.forEach(DeviceBuffer::close);
    }
  }

  /** An index buffer filled with {@link #UNWRITTEN}. */
  private DeviceBuffer unwrittenIndices(List<DeviceBuffer> held, int elements) {
    DeviceBuffer indices = backend.allocate(DType.INT32, elements);
    held.add(indices);
    int[] unwritten = new int[elements];
    Arrays.fill(unwritten, UNWRITTEN);
    backend.uploadInts(indices, unwritten);
    return indices;
  }

  private static double[] widen(float[] values) {
    double[] wide = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      wide[i] = values[i];
    }
    return wide;
  }

  private DeviceBuffer put(List<DeviceBuffer> held, DType type, float[] values) {
    return put(held, type, values.length, values);
  }

  private DeviceBuffer put(List<DeviceBuffer> held, DType type, long elements, float[] values) {
    DeviceBuffer b = backend.allocate(type, elements);
    held.add(b);
    backend.upload(b, values);
    return b;
  }

  private DeviceBuffer sentinel(List<DeviceBuffer> held, DType type, int elements) {
    float[] nan = new float[elements];
    Arrays.fill(nan, Float.NaN);
    return put(held, type, elements, nan);
  }
}
