package io.dsabench.kernels.cuda;

import io.dsabench.kernels.Mla;
import io.dsabench.kernels.Ops;
import jcuda.driver.CUdeviceptr;

/**
 * Version 3 of the dense decode, what Hopper runs: {@code dense_decode_v3} in {@code
 * sm90/decode/dense.cu} (FlashMLA's design: TMA tiles on mbarriers, two math warpgroups in the
 * "seesaw" schedule, persistent CTAs) and its combine. Other GPUs run {@link DenseDecodeV1}.
 *
 * <p>The grid is (2 row blocks per query token) x (parts): every part's row blocks walk the same KV
 * tiles together, and the kernel splits the sequences among the parts itself. Launch constants are
 * read from the cubin once, when this object is made: reading copies from the device, which must
 * never happen inside a timed sample (the timer holds the stream). Q and the cache reach the kernel
 * as TMA tensor maps, encoded on the host at every launch (no device work).
 */
final class DenseDecodeV3 {
  static final String MODULE = "sm90/decode/dense";
  static final String KERNEL = "dense_decode_v3";
  static final String COMBINE = "dense_decode_v3_combine";

  /** The launch constants the module exports, by name. */
  static final String THREADS = KERNEL + "_threads";

  static final String SHARED_BYTES = KERNEL + "_smem_bytes";
  static final String ROWS = KERNEL + "_rows";
  static final String BLOCK_N = KERNEL + "_block_n";
  static final String OVERHEAD_TILES = KERNEL + "_overhead_tiles";
  static final String COMBINE_ROWS = KERNEL + "_combine_rows";
  static final String MAX_PARTS = KERNEL + "_max_parts";

  /**
   * Columns per TMA box: 64 bf16 = 128 bytes, the span of the 128-byte swizzle that the kernel's
   * wgmma descriptors read, so every tile arrives as 64-column chunks.
   */
  static final int BOX_COLUMNS = 64;

  private final CudaBackend backend;
  private final int threads;
  private final int sharedBytes;
  private final int rows;
  private final int blockN;
  private final int overheadTiles;
  private final int combineRows;
  private final int maxParts;

  DenseDecodeV3(CudaBackend backend, String site) {
    this.backend = backend;
    threads = backend.constant(MODULE, THREADS, site);
    sharedBytes = backend.constant(MODULE, SHARED_BYTES, site);
    rows = backend.constant(MODULE, ROWS, site);
    blockN = backend.constant(MODULE, BLOCK_N, site);
    overheadTiles = backend.constant(MODULE, OVERHEAD_TILES, site);
    combineRows = backend.constant(MODULE, COMBINE_ROWS, site);
    maxParts = backend.constant(MODULE, MAX_PARTS, site);
    if (Mla.HEADS % rows != 0) {
      throw new IllegalStateException(
          MODULE + ": " + rows + " rows per CTA do not divide " + Mla.HEADS + " heads");
    }
  }

  void launch(Ops.DenseDecode op, int smCount) {
    String site = "CudaBackend.denseDecode(v3)";
    CudaBuffer q = CudaBackend.cuda(op.q(), "q");
    CudaBuffer cache = CudaBackend.cuda(op.cache(), "cache");
    CudaBuffer out = CudaBackend.cuda(op.out(), "out");
    int batch = op.batch();
    int tps = op.tokensPerSeq();
    int position = op.position();
    int rowBlocks = tps * (Mla.HEADS / rows);
    int parts = parts(smCount, rowBlocks, maxParts);
    long rowsPerSeq = (long) tps * Mla.HEADS;
    // One partial O (fp32) and log-sum-exp per query row for every (part, sequence) slot.
    long slots = (long) parts + batch;
    long oBytes = slots * rowsPerSeq * Mla.LATENT_DIM * 4L;
    CudaBuffer ws = backend.workspace(oBytes + slots * rowsPerSeq * 4L, site);
    CUdeviceptr partialO = ws.pointer();
    CUdeviceptr partialLse = ws.pointer().withByteOffset(oBytes);
    backend.launch(
        MODULE,
        KERNEL,
        site,
        new int[] {rowBlocks, parts, 1},
        new int[] {threads, 1, 1},
        sharedBytes,
        queryMap(q.address(site), batch * rowsPerSeq, rows),
        cacheMap(cache.address(site), batch, position, blockN),
        out,
        partialO,
        partialLse,
        batch,
        tps,
        position,
        Mla.SOFTMAX_SCALE);
    if (anySplit(batch, position, parts, blockN, overheadTiles)) {
      long allRows = batch * rowsPerSeq;
      backend.launch(
          MODULE,
          COMBINE,
          site,
          new int[] {(int) ((allRows + combineRows - 1) / combineRows), 1, 1},
          new int[] {combineRows * 32, 1, 1},
          0,
          out,
          partialO,
          partialLse,
          batch,
          tps,
          position,
          parts);
    }
  }

  /**
   * Parts of the persistent grid: as many as fill the SMs with one CTA each, every part running
   * {@code rowBlocks} CTAs (the row blocks of one sequence).
   */
  static int parts(int smCount, int rowBlocks, int maxParts) {
    return Math.max(1, Math.min(maxParts, smCount / rowBlocks));
  }

  /**
   * Whether some sequence is split over two or more parts, so that the combine must run. Mirrors
   * {@code first_part} / {@code last_part} of {@code dd_schedule::Schedule}
   * (sm90/decode/dense_schedule.cuh): every sequence costs {@code overheadTiles} plus its tiles,
   * and each part owns an equal run of those units, the sequences laid end to end.
   */
  static boolean anySplit(int batch, int position, int parts, int blockN, int overheadTiles) {
    long tiles = (position + (long) blockN - 1) / blockN;
    long units = tiles + overheadTiles;
    long perPart = (batch * units + parts - 1) / parts;
    for (long b = 0; b < batch; b++) {
      if ((b * units + overheadTiles) / perPart != ((b + 1) * units - 1) / perPart) {
        return true;
      }
    }
    return false;
  }

  /** Q [rows, 576] bf16 as a rank-2 map: one box is 64 features of {@code boxRows} rows. */
  static byte[] queryMap(long address, long queryRows, int boxRows) {
    return TensorMaps.encodeTiled(
        TensorMaps.BFLOAT16,
        address,
        new long[] {Mla.KV_DIM, queryRows},
        new long[] {2L * Mla.KV_DIM},
        new int[] {BOX_COLUMNS, boxRows},
        new int[] {1, 1},
        TensorMaps.INTERLEAVE_NONE,
        TensorMaps.SWIZZLE_128B,
        TensorMaps.L2_PROMOTION_256B,
        TensorMaps.OOB_FILL_ZEROS);
  }

  /**
   * The cache [batch, position, 576] bf16 as a rank-3 map: one box is 64 features of {@code
   * boxKeys} keys of one sequence; keys past the sequence's end read as zeros.
   */
  static byte[] cacheMap(long address, int batch, int position, int boxKeys) {
    return TensorMaps.encodeTiled(
        TensorMaps.BFLOAT16,
        address,
        new long[] {Mla.KV_DIM, position, batch},
        new long[] {2L * Mla.KV_DIM, 2L * Mla.KV_DIM * position},
        new int[] {BOX_COLUMNS, boxKeys, 1},
        new int[] {1, 1, 1},
        TensorMaps.INTERLEAVE_NONE,
        TensorMaps.SWIZZLE_128B,
        TensorMaps.L2_PROMOTION_256B,
        TensorMaps.OOB_FILL_ZEROS);
  }
}
