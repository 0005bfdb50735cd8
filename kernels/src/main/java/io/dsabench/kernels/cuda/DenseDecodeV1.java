package io.dsabench.kernels.cuda;

import io.dsabench.kernels.Mla;
import io.dsabench.kernels.Ops;
import jcuda.driver.CUdeviceptr;

/**
 * Version 1 of the dense decode, the path of every GPU but Hopper: {@code dense_decode_v1} in
 * {@code sm80/decode/dense.cu} (FlashAttention-2 style on mma.sync, split-KV) and its combine,
 * loaded from the module's compute_80 PTX. It needs about 150 KB of shared memory per block (the
 * exported size): A100 (163 KB per block) and Hopper run it; sm_86 / sm_89 GPUs (99-100 KB) do not,
 * and {@link CudaBackend#launch} says so, naming the kernel, the size and the GPU's limit.
 *
 * <p>Launch constants (threads, shared memory, query rows per block, keys per KV tile, combine
 * threads) are read from the module once, when this object is made: reading them copies from the
 * device, which must never happen inside a timed sample (the timer holds the stream).
 */
final class DenseDecodeV1 {
  static final String MODULE = "sm80/decode/dense";
  static final String KERNEL = "dense_decode_v1";
  static final String COMBINE = "dense_decode_v1_combine";

  /** The launch constants the module exports, by name. */
  static final String THREADS = KERNEL + "_threads";

  static final String SHARED_BYTES = KERNEL + "_shared_bytes";
  static final String ROWS = KERNEL + "_rows";
  static final String BLOCK_N = KERNEL + "_block_n";
  static final String COMBINE_THREADS = KERNEL + "_combine_threads";

  private final CudaBackend backend;
  private final int threads;
  private final int sharedBytes;
  private final int rows;
  private final int blockN;
  private final int combineThreads;

  DenseDecodeV1(CudaBackend backend, String site) {
    this.backend = backend;
    threads = backend.constant(MODULE, THREADS, site);
    sharedBytes = backend.constant(MODULE, SHARED_BYTES, site);
    rows = backend.constant(MODULE, ROWS, site);
    blockN = backend.constant(MODULE, BLOCK_N, site);
    combineThreads = backend.constant(MODULE, COMBINE_THREADS, site);
    if (Mla.HEADS % rows != 0) {
      throw new IllegalStateException(
          MODULE + ": " + rows + " rows per block do not divide " + Mla.HEADS + " heads");
    }
  }

  void launch(Ops.DenseDecode op, int smCount) {
    String site = "CudaBackend.denseDecode(v1)";
    int rowBlocks = op.batch() * op.tokensPerSeq() * (Mla.HEADS / rows);
    int tiles = (op.position() + blockN - 1) / blockN;
    int splits = splits(rowBlocks, tiles, smCount);
    int tilesPerSplit = (tiles + splits - 1) / splits;
    splits = (tiles + tilesPerSplit - 1) / tilesPerSplit;
    CudaBuffer out = CudaBackend.cuda(op.out(), "out");
    long queryRows = (long) op.batch() * op.tokensPerSeq() * Mla.HEADS;
    CUdeviceptr partialO = new CUdeviceptr();
    CUdeviceptr partialLse = new CUdeviceptr();
    if (splits > 1) {
      long oBytes = queryRows * splits * Mla.LATENT_DIM * 4L;
      CudaBuffer ws = backend.workspace(oBytes + queryRows * splits * 4L, site);
      partialO = ws.pointer();
      partialLse = ws.pointer().withByteOffset(oBytes);
    }
    backend.launch(
        MODULE,
        KERNEL,
        site,
        new int[] {rowBlocks, splits, 1},
        new int[] {threads, 1, 1},
        sharedBytes,
        CudaBackend.cuda(op.q(), "q"),
        CudaBackend.cuda(op.cache(), "cache"),
        out,
        partialO,
        partialLse,
        op.tokensPerSeq(),
        op.position(),
        tilesPerSplit,
        splits,
        Mla.SOFTMAX_SCALE);
    if (splits > 1) {
      backend.launch(
          MODULE,
          COMBINE,
          site,
          new int[] {(int) queryRows, 1, 1},
          new int[] {combineThreads, 1, 1},
          0,
          out,
          partialO,
          partialLse,
          splits);
    }
  }

  /**
   * How many pieces to split each query block's KV range into, so that small batches still fill the
   * GPU (one block per SM fits): the fewest splits that fill at least 90% of the last wave (else
   * the best filling), keeping at least 4 tiles per split so the combine step stays cheap.
   */
  static int splits(int rowBlocks, int tiles, int sms) {
    int best = 1;
    double bestEfficiency = 0;
    for (int s = 1; s <= 64 && s <= Math.max(1, tiles / 4); s++) {
      long blocks = (long) rowBlocks * s;
      long waves = (blocks + sms - 1) / sms;
      double efficiency = (double) blocks / (waves * sms);
      if (efficiency >= 0.9) {
        return s;
      }
      if (efficiency > bestEfficiency) {
        best = s;
        bestEfficiency = efficiency;
      }
    }
    return best;
  }
}
