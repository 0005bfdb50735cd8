package io.dsabench.kernels.cuda;

import io.dsabench.kernels.Ops;
import jcuda.Pointer;
import jcuda.driver.CUpointer_attribute;
import jcuda.driver.JCudaDriver;

/**
 * Launches of the sm_90a fp8 indexer version 3 ({@code sm90/indexer/fp8.cu}): a persistent grid of
 * one CTA per SM walking equal ranges of (sequence, query tile, 64-key block) items, keys and
 * queries loaded by TMA. A query tile holds a decode sequence's tokens (1 or 2) or 4 queries, so
 * each sequence's key cache is read once for all of its tokens. Shared-memory size and threads come
 * from the cubin.
 */
final class IndexerV3 {
  static final String MODULE = "sm90/indexer/fp8";

  /** Keys per item: the wgmma's M. */
  static final int BLOCK_KEYS = 64;

  /**
   * Which sm_90a fp8 indexer runs: {@code v2} (dsa_indexer.cu's wgmma kernels with a split-K grid;
   * the default), {@code v3} (this class), or {@code v4} (dsa_indexer.cu's wgmma kernel with 5 key
   * stages on a grid that fills whole waves; CudaDsaOps); system property {@code
   * dsabench.cuda.indexer}.
   */
  static final String DEFAULT_VERSION = "v2";

  private IndexerV3() {}

  static String version() {
    String v = System.getProperty("dsabench.cuda.indexer", DEFAULT_VERSION);
    if (!v.equals("v2")
        && !v.equals("v3")
        && !v.equals("v4")
        && !v.equals("v5")
        && !v.equals("v5g")) {
      throw new IllegalArgumentException(
          "dsabench.cuda.indexer: '" + v + "' is not one of v2, v3, v4, v5, v5g");
    }
    return v;
  }

  /** Queries per tile: all tokens of a sequence up to 2, else 4 (the wgmma's N is 64 per query). */
  static int queriesPerTile(int tokensPerSeq) {
    return tokensPerSeq >= 3 ? 4 : tokensPerSeq;
  }

  /** Work items: every query tile of every sequence counts all of its 64-key blocks. */
  static long items(int batch, int tokensPerSeq, int position) {
    int nq = queriesPerTile(tokensPerSeq);
    long tiles = (long) batch * ((tokensPerSeq + nq - 1) / nq);
    return tiles * ((position + BLOCK_KEYS - 1) / BLOCK_KEYS);
  }

  /** One CTA per SM, fewer when there are fewer items. */
  static int grid(long items, int sms) {
    return (int) Math.min(sms, items);
  }

  static void launch(CudaBackend backend, Ops.Indexer op, String site) {
    int t = op.tokensPerSeq();
    int nq = queriesPerTile(t);
    long items = items(op.batch(), t, op.position());
    if (items > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "indexer v3: " + items + " work items exceed the kernel's int item index");
    }
    long rows = (long) op.batch() * t;
    byte[] q =
        TensorMaps.encodeTiled(
            TensorMaps.UINT8,
            address(CudaBackend.cuda(op.q(), "q"), site),
            new long[] {128, rows * 64},
            new long[] {128},
            new int[] {128, 64 * nq},
            new int[] {1, 1},
            TensorMaps.INTERLEAVE_NONE,
            TensorMaps.SWIZZLE_128B,
            TensorMaps.L2_PROMOTION_256B,
            TensorMaps.OOB_FILL_ZEROS);
    byte[] w =
        TensorMaps.encodeTiled(
            TensorMaps.FLOAT32,
            address(CudaBackend.cuda(op.weights(), "weights"), site),
            new long[] {64, rows},
            new long[] {256},
            new int[] {64, nq},
            new int[] {1, 1},
            TensorMaps.INTERLEAVE_NONE,
            TensorMaps.SWIZZLE_NONE,
            TensorMaps.L2_PROMOTION_NONE,
            TensorMaps.OOB_FILL_ZEROS);
    byte[] k =
        TensorMaps.encodeTiled(
            TensorMaps.UINT8,
            address(CudaBackend.cuda(op.k(), "k"), site),
            new long[] {128, op.position(), op.batch()},
            new long[] {128, 128L * op.position()},
            new int[] {128, BLOCK_KEYS, 1},
            new int[] {1, 1, 1},
            TensorMaps.INTERLEAVE_NONE,
            TensorMaps.SWIZZLE_128B,
            TensorMaps.L2_PROMOTION_256B,
            TensorMaps.OOB_FILL_ZEROS);
    int smem = backend.constant(MODULE, "dsa_indexer_v3_smem_q" + nq, site);
    int threads = backend.constant(MODULE, "dsa_indexer_v3_threads", site);
    backend.launch(
        MODULE,
        "dsa_indexer_fp8_v3_q" + nq,
        site,
        new int[] {grid(items, backend.smCount()), 1, 1},
        new int[] {threads, 1, 1},
        smem,
        q,
        w,
        k,
        CudaBackend.cuda(op.kScales(), "kScales"),
        CudaBackend.cuda(op.logits(), "logits"),
        op.batch(),
        t,
        op.position());
  }

  /** The buffer's device address as a number, as cuTensorMapEncodeTiled takes it. */
  private static long address(CudaBuffer b, String site) {
    long[] a = new long[1];
    Cuda.call(
        "cuPointerGetAttribute(DEVICE_POINTER)",
        site,
        () ->
            JCudaDriver.cuPointerGetAttribute(
                Pointer.to(a),
                CUpointer_attribute.CU_POINTER_ATTRIBUTE_DEVICE_POINTER,
                b.pointer()));
    return a[0];
  }
}
