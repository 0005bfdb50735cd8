package io.dsabench.kernels.cuda;

import io.dsabench.kernels.DType;
import io.dsabench.kernels.KernelException;
import io.dsabench.kernels.Ops;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * The FP8 block-scaled GEMM of the rest of the model ({@link Ops.Fp8Gemm}, issue 21): {@code
 * dsa_fp8_gemm_v2} and {@code _v3} in {@code sm90/gemm/fp8.cu}, sm_90a only.
 *
 * <p>Which kernel runs: system property {@value #PROPERTY}: {@code auto} (the default: v3 where its
 * tiles fill the SMs, else v2), {@code off} (the op says it is not enabled), {@code v2} (128 x 128
 * tiles, each math warpgroup's promotion under its own next products) or {@code v3} (128 x 192
 * tiles, epilogue staged through shared memory). Both take the same arguments; shared memory, the
 * tile width (the B box), the A box's rows and the cluster size are the version's own constants.
 * (v1, v4 and v5 lost on the H200 and left the sources: kernels/NOTES.md says where they are.)
 *
 * <p>Per call it encodes two TMA tensor maps (host work only) and launches the persistent kernel
 * over the tiles of a row-block table: (group, first row, rows ≤ 128) for every 128 rows of every
 * group, so an empty group has none. The table depends only on the group sizes; it is uploaded at
 * the first call of each and cached, so a timed call uploads nothing. When the tiles would leave
 * SMs idle (the decode projections) k is split: the splits add fp32 partial sums into a workspace
 * that this object keeps zeroed (zeroed once at allocation; {@code dsa_fp8_gemm_finish} rounds it
 * to bf16 and zeroes it again).
 */
final class CudaGemmOps implements AutoCloseable {
  static final String PROPERTY = "dsabench.cuda.fp8gemm";

  /**
   * {@code auto}: v3 (128×192 tiles, staged epilogue) where its tiles fill the SMs, v2 (128×128)
   * where they would not (round gemm22 on the H200: v3 1.05–1.72× v2 on every prefill shape, v2
   * ahead on decode shapes with fewer v3 tiles than SMs, e.g. o at 256 rows 711 vs 622 TFLOP/s).
   */
  static final String DEFAULT_VERSION = "auto";

  static final String MODULE = "sm90/gemm/fp8";
  static final String KERNEL = "dsa_fp8_gemm"; // + "_" + version; also the constants' prefix
  static final String FINISH = "dsa_fp8_gemm_finish";

  /** The kernel versions, in the order of the selector's message. */
  static final List<String> VERSIONS = List.of("v2", "v3");

  /** The launch constants the module exports, by name. */
  static final List<String> CONSTANTS =
      List.of(
          KERNEL + "_threads",
          KERNEL + "_block_m",
          KERNEL + "_block_k",
          KERNEL + "_finish_threads",
          KERNEL + "_v2_smem",
          KERNEL + "_v2_block_n",
          KERNEL + "_v3_smem",
          KERNEL + "_v3_block_n");

  /** Row-block tables kept: one per group-size list seen, the oldest dropped past this many. */
  private static final int TABLES = 32;

  private final CudaBackend backend;
  private final int threads;
  private final Map<String, Integer> sharedBytes = new HashMap<>(); // by version
  private final int blockM;
  private final Map<String, Integer> blockN = new HashMap<>(); // by version
  private final Map<String, Integer> boxM = new HashMap<>(); // by version: rows of the A box
  private final Map<String, Integer> cluster = new HashMap<>(); // by version: CTAs per cluster
  private final int blockK;
  private final int finishThreads;
  private final Map<List<Integer>, Table> tables = new LinkedHashMap<>();
  private CudaBuffer splitSums; // fp32, all zero between calls

  /** A row-block table on the device and its length. */
  private record Table(CudaBuffer rowBlocks, int count) {}

  CudaGemmOps(CudaBackend backend, String site) {
    this.backend = backend;
    threads = backend.constant(MODULE, KERNEL + "_threads", site);
    blockM = backend.constant(MODULE, KERNEL + "_block_m", site);
    for (String v : VERSIONS) {
      sharedBytes.put(v, backend.constant(MODULE, KERNEL + "_" + v + "_smem", site));
      blockN.put(v, backend.constant(MODULE, KERNEL + "_" + v + "_block_n", site));
      boxM.put(v, backend.constant(MODULE, KERNEL + "_" + v + "_box_m", site));
      cluster.put(v, backend.constant(MODULE, KERNEL + "_" + v + "_cluster", site));
    }
    blockK = backend.constant(MODULE, KERNEL + "_block_k", site);
    finishThreads = backend.constant(MODULE, KERNEL + "_finish_threads", site);
  }

  /** The selected version: {@code off} or one of {@link #VERSIONS}. */
  static String version() {
    String v = System.getProperty(PROPERTY, DEFAULT_VERSION);
    if (!v.equals("off") && !v.equals("auto") && !VERSIONS.contains(v)) {
      throw new IllegalArgumentException(
          PROPERTY + ": '" + v + "' is not one of auto, off, " + String.join(", ", VERSIONS));
    }
    return v;
  }

  /**
   * k splits for {@code tiles} output tiles: one when they fill the SMs; else as many as bring the
   * tiles up to one per SM, each split keeping at least 4 k blocks (gemm_bench.cu has the same
   * rule).
   */
  static int splits(int tiles, int kBlocks, int smCount) {
    if (tiles >= smCount) {
      return 1;
    }
    return Math.max(1, Math.min(smCount / tiles, kBlocks / 4));
  }

  /** {@code auto}'s choice for a call of {@code rowBlocks} row blocks of 128 and n columns. */
  static String autoVersion(int rowBlocks, int n, int v3BlockN, int smCount) {
    long v3Tiles = (long) rowBlocks * ((n + v3BlockN - 1) / v3BlockN);
    return v3Tiles >= smCount ? "v3" : "v2";
  }

  void launch(Ops.Fp8Gemm op, int smCount) {
    String chosen = version();
    String version =
        chosen.equals("auto")
            ? autoVersion(table(op.groupRows()).count(), op.n(), blockN.get("v3"), smCount)
            : chosen;
    String site = "CudaBackend.fp8Gemm(" + version + ")";
    CudaBuffer a = CudaBackend.cuda(op.a(), "a");
    CudaBuffer b = CudaBackend.cuda(op.b(), "b");
    CudaBuffer out = CudaBackend.cuda(op.out(), "out");
    int m = Math.toIntExact(op.rows());
    int n = op.n();
    int k = op.k();
    int groups = op.groups();
    Table table = table(op.groupRows());
    int bn = blockN.get(version);
    int colBlocks = (n + bn - 1) / bn;
    int kBlocks = k / blockK;
    int tiles0 = Math.multiplyExact(table.count(), colBlocks);
    int splits = splits(tiles0, kBlocks, smCount);
    Object sums = splits > 1 ? splitSums((long) m * n, site) : new CUdeviceptr();
    // a [m, k] e4m3: one box = 128 k of 128 rows (128 bytes: the span of the 128-byte swizzle the
    // wgmma descriptors read); rows past m read as zeros.
    byte[] aMap =
        TensorMaps.encodeTiled(
            TensorMaps.UINT8,
            a.address(site),
            new long[] {k, m},
            new long[] {k},
            new int[] {blockK, boxM.get(version)},
            new int[] {1, 1},
            TensorMaps.INTERLEAVE_NONE,
            TensorMaps.SWIZZLE_128B,
            TensorMaps.L2_PROMOTION_256B,
            TensorMaps.OOB_FILL_ZEROS);
    // b [groups, n, k] e4m3: one box = 128 k of one tile's columns (128, v3 192) of one group
    // (past n: zeros).
    byte[] bMap =
        TensorMaps.encodeTiled(
            TensorMaps.UINT8,
            b.address(site),
            new long[] {k, n, groups},
            new long[] {k, (long) n * k},
            new int[] {blockK, bn, 1},
            new int[] {1, 1, 1},
            TensorMaps.INTERLEAVE_NONE,
            TensorMaps.SWIZZLE_128B,
            TensorMaps.L2_PROMOTION_256B,
            TensorMaps.OOB_FILL_ZEROS);
    backend.launch(
        MODULE,
        KERNEL + "_" + version,
        site,
        new int[] {grid(table.count(), colBlocks, splits, version, smCount), 1, 1},
        new int[] {threads, 1, 1},
        sharedBytes.get(version),
        aMap,
        bMap,
        CudaBackend.cuda(op.aScales(), "aScales"),
        CudaBackend.cuda(op.bScales(), "bScales"),
        out,
        sums,
        table.rowBlocks(),
        table.count(),
        m,
        n,
        k,
        splits);
    if (splits > 1) {
      long quads = (long) m * n / 4; // n % 64 == 0
      int blocks = (int) Math.min((quads + finishThreads - 1) / finishThreads, 8L * smCount);
      backend.launch(
          MODULE,
          FINISH,
          site,
          new int[] {blocks, 1, 1},
          new int[] {finishThreads, 1, 1},
          0,
          sums,
          out,
          quads);
    }
  }

  /**
   * The persistent grid: one CTA per tile up to one per SM; a version exported with clusters of 2
   * (none now; v5 had them) one cluster per pair tile (two adjacent column tiles) up to one per SM
   * pair.
   */
  private int grid(int rowBlocks, int colBlocks, int splits, String version, int smCount) {
    if (cluster.get(version) == 1) {
      return Math.min(
          Math.multiplyExact(Math.multiplyExact(rowBlocks, colBlocks), splits), smCount);
    }
    int pairTiles = Math.multiplyExact(Math.multiplyExact(rowBlocks, (colBlocks + 1) / 2), splits);
    return 2 * Math.min(pairTiles, smCount / 2);
  }

  private synchronized Table table(List<Integer> groupRows) {
    Table t = tables.get(groupRows);
    if (t != null) {
      return t;
    }
    List<int[]> blocks = new ArrayList<>();
    int row = 0;
    for (int g = 0; g < groupRows.size(); g++) {
      int rows = groupRows.get(g);
      for (int r = 0; r < rows; r += blockM) {
        blocks.add(new int[] {g, row + r, Math.min(blockM, rows - r), 0});
      }
      row += rows;
    }
    int[] flat = new int[4 * blocks.size()];
    for (int i = 0; i < blocks.size(); i++) {
      System.arraycopy(blocks.get(i), 0, flat, 4 * i, 4);
    }
    CudaBuffer buffer = (CudaBuffer) backend.allocate(DType.INT32, flat.length);
    try {
      backend.uploadInts(buffer, flat);
    } catch (RuntimeException e) {
      buffer.close();
      throw e;
    }
    if (tables.size() >= TABLES) {
      List<Integer> oldest = tables.keySet().iterator().next();
      backend.synchronize(); // a launch in flight may still read it
      tables.remove(oldest).rowBlocks().close();
    }
    t = new Table(buffer, blocks.size());
    tables.put(List.copyOf(groupRows), t);
    return t;
  }

  private synchronized CudaBuffer splitSums(long elements, String site) {
    if (splitSums == null || splitSums.elements() < elements) {
      if (splitSums != null) {
        backend.synchronize();
        splitSums.close();
        splitSums = null;
      }
      CudaBuffer s = (CudaBuffer) backend.allocate(DType.FP32, elements);
      try {
        Cuda.call(
            "cuMemsetD32(split sums, 0, " + elements + ")",
            site,
            () -> JCudaDriver.cuMemsetD32(s.pointer(), 0, elements));
      } catch (RuntimeException e) {
        s.close();
        throw e;
      }
      splitSums = s;
    }
    return splitSums;
  }

  /** Says why the op does not run here, or nothing when it does. */
  static void requireRunnable(String backendName, boolean hopper, String device, String cc) {
    if (!hopper) {
      throw new KernelException(
          backendName
              + ": fp8Gemm needs sm_90a (wgmma and TMA); "
              + device
              + " is compute capability "
              + cc,
          false);
    }
    if (version().equals("off")) {
      throw new KernelException(
          backendName
              + ": fp8Gemm is off until an H200 round proves sm90/gemm/fp8.cu; -D"
              + PROPERTY
              + "=auto, v2 or v3 runs it",
          false);
    }
  }

  @Override
  public synchronized void close() {
    for (Table t : tables.values()) {
      t.rowBlocks().close();
    }
    tables.clear();
    if (splitSums != null) {
      splitSums.close();
      splitSums = null;
    }
  }
}
