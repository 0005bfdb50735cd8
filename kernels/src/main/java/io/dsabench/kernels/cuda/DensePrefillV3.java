package io.dsabench.kernels.cuda;

import io.dsabench.kernels.DType;
import io.dsabench.kernels.Mla;
import io.dsabench.kernels.Ops;
import jcuda.driver.JCudaDriver;

/**
 * Version 3 of the dense prefill, what Hopper runs: {@code dense_prefill_v3} in {@code
 * sm90/prefill/dense.cu} (warp-specialized, TMA loads, persistent CTAs). Other GPUs run {@link
 * DensePrefillV1}.
 *
 * <p>Its launch constants (threads, shared memory, rows per work tile, keys per K/V tile) are read
 * from the cubin once, when this object is made: reading them copies from the device, which must
 * never happen inside a timed sample (the timer holds the stream). The kernel takes three TMA
 * tensor maps by value, encoded on the host at every launch (no device work), and a two-int work
 * counter that it leaves at zero for the next launch; the counter is zeroed once here.
 */
final class DensePrefillV3 implements AutoCloseable {
  static final String MODULE = "sm90/prefill/dense";
  static final String KERNEL = "dense_prefill_v3";

  /** The launch constants the module exports, by name. */
  static final String THREADS = KERNEL + "_threads";

  static final String SHARED_BYTES = KERNEL + "_shared_bytes";
  static final String BLOCK_M = KERNEL + "_block_m";
  static final String BLOCK_N = KERNEL + "_block_n";

  /**
   * Columns per TMA box: 64 bf16 = 128 bytes, the span of the 128-byte swizzle the kernel's wgmma
   * descriptors read, so every tile arrives as 64-column segments.
   */
  static final int BOX_COLUMNS = 64;

  private final CudaBackend backend;
  private final int threads;
  private final int sharedBytes;
  private final int blockM;
  private final int blockN;
  private CudaBuffer schedule;

  DensePrefillV3(CudaBackend backend, String site) {
    this.backend = backend;
    threads = backend.constant(MODULE, THREADS, site);
    sharedBytes = backend.constant(MODULE, SHARED_BYTES, site);
    blockM = backend.constant(MODULE, BLOCK_M, site);
    blockN = backend.constant(MODULE, BLOCK_N, site);
    CudaBuffer s = (CudaBuffer) backend.allocate(DType.INT32, 2);
    try {
      Cuda.call(
          "cuMemsetD32(schedule, 0, 2)", site, () -> JCudaDriver.cuMemsetD32(s.pointer(), 0, 2));
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    schedule = s;
  }

  void launch(Ops.DensePrefill op, int smCount) {
    String site = "CudaBackend.densePrefill(v3)";
    CudaBuffer q = CudaBackend.cuda(op.q(), "q");
    CudaBuffer k = CudaBackend.cuda(op.k(), "k");
    CudaBuffer v = CudaBackend.cuda(op.v(), "v");
    CudaBuffer out = CudaBackend.cuda(op.out(), "out");
    int workTiles = (op.tokens() + blockM - 1) / blockM * Mla.HEADS;
    backend.launch(
        MODULE,
        KERNEL,
        site,
        new int[] {Math.min(smCount, workTiles), 1, 1}, // persistent: the kernel takes tiles itself
        new int[] {threads, 1, 1},
        sharedBytes,
        map(q.address(site), Mla.QK_DIM, op.tokens(), blockM),
        map(k.address(site), Mla.QK_DIM, op.position(), blockN),
        map(v.address(site), Mla.V_DIM, op.position(), blockN),
        out,
        schedule,
        op.tokens(),
        op.position(),
        Mla.SOFTMAX_SCALE);
  }

  /**
   * Rank-3 map over (feature, head, row) of a row-major [rows, 128 heads, dim] bf16 tensor: one box
   * is 64 features of one head in {@code boxRows} consecutive rows, 128-byte swizzled; rows past
   * the end read as zeros.
   */
  static byte[] map(long address, int dim, long rows, int boxRows) {
    return TensorMaps.encodeTiled(
        TensorMaps.BFLOAT16,
        address,
        dims(dim, rows),
        strides(dim),
        new int[] {BOX_COLUMNS, 1, boxRows},
        new int[] {1, 1, 1},
        TensorMaps.INTERLEAVE_NONE,
        TensorMaps.SWIZZLE_128B,
        TensorMaps.L2_PROMOTION_256B,
        TensorMaps.OOB_FILL_ZEROS);
  }

  static long[] dims(int dim, long rows) {
    return new long[] {dim, Mla.HEADS, rows};
  }

  /** Byte strides of the head and row dimensions (the feature dimension is contiguous). */
  static long[] strides(int dim) {
    return new long[] {2L * dim, 2L * dim * Mla.HEADS};
  }

  @Override
  public void close() {
    CudaBuffer s = schedule;
    schedule = null;
    if (s != null) {
      s.close();
    }
  }
}
