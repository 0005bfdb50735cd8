package io.dsabench.kernels.cuda;

import io.dsabench.kernels.DType;
import io.dsabench.kernels.Ops;
import jcuda.driver.JCudaDriver;

/**
 * Launches of the sm_90a multi-CTA top-k ({@code sm90/topk/split.cu}): several CTAs per row, each
 * reading one slice of 8K or 16K logits once, the row's last CTA selecting among the candidates
 * they wrote. The kernel keeps per-row counters in a state buffer that must start at zero and that
 * every launch leaves at zero; this class owns that buffer (grown and re-zeroed as rows grow) and
 * frees it in {@link #close()}.
 */
final class TopkSplit implements AutoCloseable {
  static final String MODULE = "sm90/topk/split";

  /**
   * Which top-k runs: {@code v10} (dsa_topk.cu, one CTA per row; the default and the only one off
   * sm_90a), {@code split8k} or {@code split16k} (this kernel, slices of 8192 or 16384 logits), or
   * {@code cluster} (sm90/topk/cluster.cu where rows are few, else v10; CudaDsaOps), or {@code
   * gmax} (sm90/topk/gmax.cu on the group maxima indexer v5g wrote for these logits, else v10;
   * CudaDsaOps); system property {@code dsabench.cuda.topk}.
   */
  static final String DEFAULT_VERSION = "v10";

  /** Ints of per-row header in the state buffer: done, count, max key, unused. */
  static final int HEADER_INTS = 4;

  private final CudaBackend backend;
  private CudaBuffer state;
  private long stateRows;

  TopkSplit(CudaBackend backend) {
    this.backend = backend;
  }

  static String version(boolean hopper) {
    String v = System.getProperty("dsabench.cuda.topk", DEFAULT_VERSION);
    if (!v.equals("v10")
        && !v.equals("split8k")
        && !v.equals("split16k")
        && !v.equals("cluster")
        && !v.equals("gmax")) {
      throw new IllegalArgumentException(
          "dsabench.cuda.topk: '" + v + "' is not one of v10, split8k, split16k, cluster, gmax");
    }
    return hopper ? v : "v10";
  }

  /** CTAs per row: the slices of the longest row (rows see at most {@code position} keys). */
  static int slices(int position, int slice) {
    return (position + slice - 1) / slice;
  }

  /**
   * State ints for {@code rows} rows: per row its header, then its candidate keys and indices, at a
   * place that depends on the row alone (so a buffer for more rows serves a launch with fewer).
   */
  static long stateInts(long rows, int capacity) {
    return rows * (HEADER_INTS + 2L * capacity);
  }

  void launch(Ops.TopK op, String version, String site) {
    int slice = backend.constant(MODULE, "dsa_topk_" + version + "_slice", site);
    int smem = backend.constant(MODULE, "dsa_topk_" + version + "_smem", site);
    int threads = backend.constant(MODULE, "dsa_topk_split_threads", site);
    int capacity = backend.constant(MODULE, "dsa_topk_split_cap", site);
    int rows = op.batch() * op.tokensPerSeq();
    backend.launch(
        MODULE,
        "dsa_topk_" + version,
        site,
        new int[] {slices(op.position(), slice), rows, 1},
        new int[] {threads, 1, 1},
        smem,
        CudaBackend.cuda(op.logits(), "logits"),
        CudaBackend.cuda(op.indices(), "indices"),
        state(rows, capacity, site),
        op.tokensPerSeq(),
        op.position(),
        op.k());
  }

  private synchronized CudaBuffer state(long rows, int capacity, String site) {
    if (state == null || stateRows < rows) {
      if (state != null) {
        backend.synchronize();
        state.close();
        state = null;
      }
      CudaBuffer s = (CudaBuffer) backend.allocate(DType.INT32, stateInts(rows, capacity));
      // All of it: each row's header sits between other rows' scratch.
      long ints = stateInts(rows, capacity);
      Cuda.call(
          "cuMemsetD32(top-k row state)",
          site,
          () -> JCudaDriver.cuMemsetD32(s.pointer(), 0, ints));
      state = s;
      stateRows = rows;
    }
    return state;
  }

  @Override
  public synchronized void close() {
    CudaBuffer s = state;
    state = null;
    if (s != null) {
      s.close();
    }
  }
}
