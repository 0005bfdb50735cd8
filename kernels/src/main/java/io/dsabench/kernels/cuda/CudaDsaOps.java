package io.dsabench.kernels.cuda;

import io.dsabench.kernels.DType;
import io.dsabench.kernels.KernelException;
import io.dsabench.kernels.Mla;
import io.dsabench.kernels.Ops;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The DSA ops (indexer, top-k, sparse MLA) of the cuda backend: grid shapes and arguments of the
 * kernels in dsa_indexer.cu, dsa_topk.cu and dsa_sparse_mla.cu; on sm_90a the sparse MLA runs
 * sm90/prefill/sparse.cu and sm90/decode/sparse_fp8.cu unless {@code -Ddsabench.cuda.sparse=v3}.
 * The launch shapes here are the ones kernels/src/test/cuda/dsa_bench.cu and sparse_bench.cu check
 * and time; keep them in step.
 */
final class CudaDsaOps {
  /** Threads per indexer CTA (8 warps: queries x head groups x key groups). */
  private static final int INDEXER_THREADS = 256;

  /** The indexer splits a sequence's keys into ranges that are multiples of this many keys. */
  private static final int INDEXER_SPLIT_QUANTUM = 128;

  /** Threads per wgmma indexer CTA: one warpgroup. */
  private static final int WGMMA_THREADS = 128;

  private static final int TOPK_THREADS = 512;

  /** Dynamic shared memory of dsa_topk: sizeof(TopkSmem), exported there as dsa_topk_smem. */
  static final int TOPK_SMEM = 2048 * 4 + 8192 * 8 + 32 * 4 + 7 * 4;

  private static final int SPARSE_THREADS = 256;

  /**
   * Dynamic shared memory of dsa_sparse_mla_{bf16,fp8}: Q tile (64 heads x 576 bf16) + two bf16 KV
   * stages of 64 entries, or one bf16 stage + one raw 656-byte stage, + P, row maxima and indices.
   * SparseSmem in dsa_sparse_mla.cu, exported there as dsa_sparse_mla_smem (CudaDsaOpsTest compares
   * the two).
   */
  static final int SPARSE_SMEM_BF16 = 3 * 73728 + 8192 + 512 + 512;

  static final int SPARSE_SMEM_FP8 = 2 * 73728 + 64 * 656 + 8192 + 512 + 512;

  /**
   * Dynamic shared memory of the sm_90a sparse kernels dsa_sparse_mla_bf16_v3 and
   * dsa_sparse_mla_fp8_v3_pair: 1 KB alignment slack, the Q tile, two bf16 KV stages (or one and a
   * raw 656-byte stage), P (64 x 64 bf16), the two warpgroups' row maxima, a 4-slot index ring and
   * the block count. V3Smem in dsa_sparse_mla.cu, exported there as dsa_sparse_mla_v3_smem
   * (CudaDsaOpsTest compares the two).
   */
  static final int SPARSE_V3_SMEM_BF16 = 1024 + 3 * 73728 + 8192 + 512 + 4 * 64 * 4 + 16;

  static final int SPARSE_V3_SMEM_FP8 = 1024 + 2 * 73728 + 64 * 656 + 8192 + 512 + 4 * 64 * 4 + 16;

  private final CudaBackend backend;

  /** Launch constants of a v4 sparse kernel, as its cubin exports them. */
  private record SparseLaunch(int sharedBytes, int threads, int headsPerCta) {}

  /**
   * Read once per kernel: each read is a device-to-host copy, which a timed launch must not make.
   */
  private final Map<String, SparseLaunch> sparseLaunches = new ConcurrentHashMap<>();

  /** Launch constants of the sm90 indexers and top-k, read once each (same reason). */
  private final Map<String, Integer> constants = new ConcurrentHashMap<>();

  private int constant(String module, String name, String site) {
    return constants.computeIfAbsent(
        module + "." + name, key -> backend.constant(module, name, site));
  }

  CudaDsaOps(CudaBackend backend) {
    this.backend = backend;
  }

  /**
   * Queries per indexer CTA: up to 8 for fp8 (one warp per query holds all 64 heads), up to 4 for
   * bf16 (two warps per query, 32 heads each); fewer for decode so no warp idles.
   */
  static int indexerQueriesPerCta(int tokensPerSeq, boolean fp8) {
    int qw = tokensPerSeq >= 8 ? 8 : tokensPerSeq >= 4 ? 4 : tokensPerSeq >= 2 ? 2 : 1;
    return fp8 ? qw : Math.min(qw, 4);
  }

  /**
   * Keys per split of the indexer: enough splits that the grid has about two CTAs per SM (decode
   * has only batch x 1 query tiles), rounded to whole 128-key blocks.
   */
  static int indexerSplitLength(long queryCtas, int position, int sms) {
    long maxSplits = (position + (long) INDEXER_SPLIT_QUANTUM - 1) / INDEXER_SPLIT_QUANTUM;
    long want = Math.max(1, (2L * sms + queryCtas - 1) / queryCtas);
    long splits = Math.min(maxSplits, want);
    long len = (position + splits - 1) / splits;
    return (int)
        ((len + INDEXER_SPLIT_QUANTUM - 1) / INDEXER_SPLIT_QUANTUM * INDEXER_SPLIT_QUANTUM);
  }

  /** Queries per wgmma indexer CTA: the MMA's N is 64 heads times this. */
  static int wgmmaQueriesPerCta(int tokensPerSeq) {
    return tokensPerSeq >= 4 ? 4 : tokensPerSeq >= 2 ? 2 : 1;
  }

  /**
   * Dynamic shared memory of dsa_indexer_fp8_wgmma_q{nq}: alignment slack, q tile, 3 key stages, w.
   */
  static int wgmmaIndexerSmem(int nq) {
    return 1024 + nq * 8192 + 3 * 8192 + nq * 256;
  }

  void indexer(Ops.Indexer op) {
    String site = "CudaDsaOps.indexer";
    boolean fp8 = op.fp8();
    if (fp8 && "9.0".equals(backend.device().computeCapability())) {
      String version =
          IndexerVersion.forShape(IndexerVersion.version(), op.batch(), op.tokensPerSeq());
      switch (version) {
        case "v6", "v6g" -> indexerV6(op, site, version);
        case "v8", "v8g", "v8h", "v12b", "v13bs", "v14g3e", "v17" -> indexerV8(op, site, version);
        default -> indexerWgmma(op, site);
      }
      return;
    }
    int qw = indexerQueriesPerCta(op.tokensPerSeq(), fp8);
    int qTiles = (op.tokensPerSeq() + qw - 1) / qw;
    int splitLen = indexerSplitLength((long) qTiles * op.batch(), op.position(), backend.smCount());
    int splits = (op.position() + splitLen - 1) / splitLen;
    int[] grid = {qTiles, op.batch(), splits};
    int[] block = {INDEXER_THREADS, 1, 1};
    if (fp8) {
      requireFp8(site);
      backend.launch(
          "dsa_indexer",
          "dsa_indexer_fp8",
          site,
          grid,
          block,
          0,
          CudaBackend.cuda(op.q(), "q"),
          CudaBackend.cuda(op.weights(), "weights"),
          CudaBackend.cuda(op.k(), "k"),
          CudaBackend.cuda(op.kScales(), "kScales"),
          CudaBackend.cuda(op.logits(), "logits"),
          op.tokensPerSeq(),
          op.position(),
          splitLen,
          qw);
    } else {
      backend.launch(
          "dsa_indexer",
          "dsa_indexer_bf16",
          site,
          grid,
          block,
          0,
          CudaBackend.cuda(op.q(), "q"),
          CudaBackend.cuda(op.weights(), "weights"),
          CudaBackend.cuda(op.k(), "k"),
          CudaBackend.cuda(op.logits(), "logits"),
          op.tokensPerSeq(),
          op.position(),
          splitLen,
          qw);
    }
  }

  // Hopper: the fp8 indexer on wgmma (QGMMA), 128-thread CTAs, three per SM, so the grid aims at
  // three CTAs per SM when it splits the keys of short (decode) query sets.
  private void indexerWgmma(Ops.Indexer op, String site) {
    int nq = wgmmaQueriesPerCta(op.tokensPerSeq());
    int qTiles = (op.tokensPerSeq() + nq - 1) / nq;
    int splitLen =
        indexerSplitLength((long) qTiles * op.batch(), op.position(), backend.smCount() * 3 / 2);
    int splits = (op.position() + splitLen - 1) / splitLen;
    backend.launch(
        "dsa_indexer",
        "dsa_indexer_fp8_wgmma_q" + nq,
        site,
        new int[] {qTiles, op.batch(), splits},
        new int[] {WGMMA_THREADS, 1, 1},
        wgmmaIndexerSmem(nq),
        CudaBackend.cuda(op.q(), "q"),
        CudaBackend.cuda(op.weights(), "weights"),
        CudaBackend.cuda(op.k(), "k"),
        CudaBackend.cuda(op.kScales(), "kScales"),
        CudaBackend.cuda(op.logits(), "logits"),
        op.tokensPerSeq(),
        op.position(),
        splitLen);
  }

  // Indexer v6 / v6g (sm90/indexer/fp8.cu): v2's grid, each block's key scales staged in shared
  // memory beside its keys and a leaner epilogue. The g variant writes the 8-key group maxima of
  // the logits, kept beside the logits buffer for top-k gmax2 / gmax3 (see topK).
  private void indexerV6(Ops.Indexer op, String site, String version) {
    String module = "sm90/indexer/fp8";
    boolean groupMaxima = IndexerVersion.writesGroupMaxima(version);
    int nq = wgmmaQueriesPerCta(op.tokensPerSeq());
    int qTiles = (op.tokensPerSeq() + nq - 1) / nq;
    String kernel = groupMaxima ? "v6g" : "v6";
    int splitLen =
        indexerSplitLength((long) qTiles * op.batch(), op.position(), backend.smCount() * 3 / 2);
    int splits = (op.position() + splitLen - 1) / splitLen;
    CudaBuffer logits = CudaBackend.cuda(op.logits(), "logits");
    Object[] args = {
      CudaBackend.cuda(op.q(), "q"),
      CudaBackend.cuda(op.weights(), "weights"),
      CudaBackend.cuda(op.k(), "k"),
      CudaBackend.cuda(op.kScales(), "kScales"),
      logits,
      op.tokensPerSeq(),
      op.position(),
      splitLen,
      null
    };
    if (groupMaxima) {
      args[8] = groupMaximaBuffer(logits, op);
    }
    backend.launch(
        module,
        "dsa_indexer_fp8_" + kernel + "_q" + nq,
        site,
        new int[] {qTiles, op.batch(), splits},
        new int[] {constant(module, "dsa_indexer_fp8_v6_threads", site), 1, 1},
        constant(module, "dsa_indexer_fp8_v6_smem_q" + nq, site),
        groupMaxima ? args : Arrays.copyOf(args, 8));
    if (groupMaxima) {
      // Valid for exactly these logits, until anything else writes them.
      gmaxValid.put(
          logits, new GroupMaximaOf(op.batch(), op.tokensPerSeq(), op.position(), logits.writes()));
    }
  }

  // Indexer v8 / v8g / v8h (sm90/indexer/fp8.cu): a producer warp filling a ring of key stages by
  // TMA for two consumer warpgroups, on a persistent grid of the cubin's CTAs per SM; its copies go
  // through three tensor maps built here (q, keys, key scales).
  // Four queries per CTA (T >= 4) run v6's kernel on v2's grid, as v8 has no 4-query kernel.
  // Round idx12's v12b is v8's launch with its own shared memory export, 128 keys per TMA box and
  // the scale box of its own export; round idx13's v13bs and round idx14's v14g3e are v12b's launch
  // with the maxima buffer (v8g's arguments) and their own shared memory export; v17 (rounds
  // idx25-idx34) is v13bs's launch with its own exports for the boxes (192 keys, 196 scales) and
  // the threads (three consumer warpgroups and the producer's: 512).
  private void indexerV8(Ops.Indexer op, String site, String version) {
    int nq = wgmmaQueriesPerCta(op.tokensPerSeq());
    if (nq > 2) {
      indexerV6(op, site, IndexerVersion.writesGroupMaxima(version) ? "v6g" : "v6");
      return;
    }
    String module = "sm90/indexer/fp8";
    boolean groupMaxima = IndexerVersion.writesGroupMaxima(version);
    boolean span128 = !version.startsWith("v8");
    boolean v17 = version.equals("v17"); // its own boxes and threads
    String boxes = v17 ? "v17" : "v12b";
    int keyBox = span128 ? constant(module, "dsa_indexer_fp8_" + boxes + "_key_box", site) : 64;
    String scaleBox =
        span128 ? "dsa_indexer_fp8_" + boxes + "_scale_box" : "dsa_indexer_fp8_v8_scale_box";
    String threads = "dsa_indexer_fp8_" + (v17 ? "v17" : "v8") + "_threads";
    String smem = "dsa_indexer_fp8_" + (span128 ? version : "v8") + "_smem_q" + nq;
    int batch = op.batch();
    int tokens = op.tokensPerSeq();
    int position = op.position();
    CudaBuffer q = CudaBackend.cuda(op.q(), "q");
    CudaBuffer k = CudaBackend.cuda(op.k(), "k");
    CudaBuffer scales = CudaBackend.cuda(op.kScales(), "kScales");
    CudaBuffer logits = CudaBackend.cuda(op.logits(), "logits");
    // q [batch * T * 64 heads, 128] e4m3, one box = the 64 heads of one query.
    byte[] qMap =
        TensorMaps.encodeTiled(
            TensorMaps.UINT8,
            q.address(site),
            new long[] {128, (long) batch * tokens * 64},
            new long[] {128},
            new int[] {128, 64},
            new int[] {1, 1},
            TensorMaps.INTERLEAVE_NONE,
            TensorMaps.SWIZZLE_128B,
            TensorMaps.L2_PROMOTION_256B,
            TensorMaps.OOB_FILL_ZEROS);
    // keys [batch, P, 128] e4m3, one box = 64 keys of one sequence (v12b: 128; past P: zeros).
    byte[] kMap =
        TensorMaps.encodeTiled(
            TensorMaps.UINT8,
            k.address(site),
            new long[] {128, position, batch},
            new long[] {128, 128L * position},
            new int[] {128, keyBox, 1},
            new int[] {1, 1, 1},
            TensorMaps.INTERLEAVE_NONE,
            TensorMaps.SWIZZLE_128B,
            TensorMaps.L2_PROMOTION_256B,
            TensorMaps.OOB_FILL_ZEROS);
    // key scales as one run of batch * P floats (a sequence's row stride, 4P bytes, is not a
    // multiple of 16 for every P, so no rank-2 map); one box = the cubin's scale_box floats: a
    // block's 64 scales plus the up to 3 before them, as the kernel starts each box at a
    // 16-byte-aligned float (TMA faults on an unaligned start).
    byte[] sMap =
        TensorMaps.encodeTiled(
            TensorMaps.FLOAT32,
            scales.address(site),
            new long[] {(long) batch * position},
            new long[] {},
            new int[] {constant(module, scaleBox, site)},
            new int[] {1},
            TensorMaps.INTERLEAVE_NONE,
            TensorMaps.SWIZZLE_NONE,
            TensorMaps.L2_PROMOTION_256B,
            TensorMaps.OOB_FILL_ZEROS);
    Object[] args = {
      qMap,
      kMap,
      sMap,
      CudaBackend.cuda(op.weights(), "weights"),
      logits,
      batch,
      tokens,
      position,
      null
    };
    if (groupMaxima) {
      args[8] = groupMaximaBuffer(logits, op);
    }
    backend.launch(
        module,
        "dsa_indexer_fp8_" + version + "_q" + nq,
        site,
        new int[] {
          backend.smCount() * constant(module, "dsa_indexer_fp8_v8_ctas_per_sm", site), 1, 1
        },
        new int[] {constant(module, threads, site), 1, 1},
        constant(module, smem, site),
        groupMaxima ? args : Arrays.copyOf(args, 8));
    if (groupMaxima) {
      gmaxValid.put(logits, new GroupMaximaOf(batch, tokens, position, logits.writes()));
    }
  }

  /** The group-maxima buffer kept beside a logits buffer, grown to the op's rows. */
  private CudaBuffer groupMaximaBuffer(CudaBuffer logits, Ops.Indexer op) {
    long need = groupMaximaFloats(op.batch(), op.tokensPerSeq(), op.position());
    CudaBuffer gm = logits.groupMaxima();
    if (gm == null || gm.elements() < need) {
      gm = (CudaBuffer) backend.allocate(DType.FP32, need);
      logits.groupMaxima(gm);
    }
    return gm;
  }

  /** Floats of group maxima for a logits buffer: one per 8 keys of every row. */
  static long groupMaximaFloats(int batch, int tokensPerSeq, int position) {
    return (long) batch * tokensPerSeq * ((position + 7) / 8);
  }

  /** The shape the group maxima of a logits buffer were written for, and its write count then. */
  private record GroupMaximaOf(int batch, int tokensPerSeq, int position, long writes) {}

  /**
   * Logits buffers whose group maxima an indexer g variant wrote (weak: a dropped buffer leaves).
   */
  private final Map<CudaBuffer, GroupMaximaOf> gmaxValid =
      Collections.synchronizedMap(new WeakHashMap<>());

  void topK(Ops.TopK op) {
    String version = TopkVersion.version("9.0".equals(backend.device().computeCapability()));
    int rows = op.batch() * op.tokensPerSeq();
    if (version.equals("v13") && rows <= TopkVersion.V13_MIN_ROWS) {
      // The default for decode batches: gmax3 on the group maxima the default one-token indexer
      // (v13bs) wrote for these very logits, v10 when there are none (the gmax block below).
      version = "gmax3";
    }
    if (version.equals("v13") && rows > TopkVersion.V13_MIN_ROWS) {
      String site = "CudaDsaOps.topK";
      String module = "sm90/topk/v13";
      backend.launch(
          module,
          "dsa_topk_v13",
          site,
          new int[] {rows, 1, 1},
          new int[] {constant(module, "dsa_topk_v13_threads", site), 1, 1},
          constant(module, "dsa_topk_v13_smem", site),
          CudaBackend.cuda(op.logits(), "logits"),
          CudaBackend.cuda(op.indices(), "indices"),
          op.tokensPerSeq(),
          op.position(),
          op.k());
      return;
    }
    if (version.equals("gmax3") && op.batch() * op.tokensPerSeq() > 2 * backend.smCount()) {
      // gmax3 holds one CTA per SM (~162 KB of shared memory); past two waves gmax2's two CTAs per
      // SM hide each row's round trips behind another's (kernels/NOTES.md, round topk8).
      version = "gmax2";
    }
    if (version.equals("gmax2") || version.equals("gmax3")) {
      // Only on group maxima written by an indexer g variant (v6g, v8g, v8h, v13bs, v14g3e, v17)
      // for these very logits, nothing written since (stale maxima could hide a winner); otherwise
      // v10.
      CudaBuffer logits = CudaBackend.cuda(op.logits(), "logits");
      GroupMaximaOf g = gmaxValid.get(logits);
      CudaBuffer gm = logits.groupMaxima();
      if (g != null
          && gm != null
          && g.writes() == logits.writes()
          && g.batch() == op.batch()
          && g.tokensPerSeq() == op.tokensPerSeq()
          && g.position() == op.position()) {
        String site = "CudaDsaOps.topK";
        String module = "sm90/topk/gmax";
        backend.launch(
            module,
            "dsa_topk_" + version,
            site,
            new int[] {op.batch() * op.tokensPerSeq(), 1, 1},
            new int[] {constant(module, "dsa_topk_gmax_threads", site), 1, 1},
            constant(
                module,
                version.equals("gmax3") ? "dsa_topk_gmax3_smem" : "dsa_topk_gmax_smem",
                site),
            logits,
            gm,
            CudaBackend.cuda(op.indices(), "indices"),
            op.tokensPerSeq(),
            op.position(),
            op.k());
        // The launch counted as a write of the logits; this kernel only reads them.
        gmaxValid.put(
            logits, new GroupMaximaOf(g.batch(), g.tokensPerSeq(), g.position(), logits.writes()));
        return;
      }
    }
    backend.launch(
        "dsa_topk",
        "dsa_topk",
        "CudaDsaOps.topK",
        new int[] {op.batch() * op.tokensPerSeq(), 1, 1},
        new int[] {TOPK_THREADS, 1, 1},
        TOPK_SMEM,
        CudaBackend.cuda(op.logits(), "logits"),
        CudaBackend.cuda(op.indices(), "indices"),
        op.tokensPerSeq(),
        op.position(),
        op.k());
  }

  void sparsePrefill(Ops.SparseAttention op) {
    sparse(op, "CudaDsaOps.sparsePrefill");
  }

  void sparseDecode(Ops.SparseAttention op) {
    sparse(op, "CudaDsaOps.sparseDecode");
  }

  // Prefill and decode are one kernel: a row (query token) reads its own indices from its own
  // sequence's cache, so a batch of decode rows and a chunk of prefill rows differ only in shape.
  private void sparse(Ops.SparseAttention op, String site) {
    boolean fp8 = op.fp8Cache();
    if (fp8) {
      requireFp8(site);
    }
    int rows = op.batch() * op.tokensPerSeq();
    float scaleLog2 = (float) (Mla.SOFTMAX_SCALE / Math.log(2.0));
    // Hopper: version 13 by default, version 4's bf16 kernel for the bf16 cache (SparseShape;
    // -Ddsabench.cuda.sparse=v4 picks version 4's fp8 kernel, =v3 version 3, whose
    // products are on wgmma too, each warpgroup scoring half of a block's keys, and whose fp8
    // kernel runs the two head halves of a row as a cluster that shares the dequantised rows: its
    // cluster shape is compiled in, so the launch is the same). Elsewhere the portable mma.sync
    // kernel.
    boolean hopper = "9.0".equals(backend.device().computeCapability());
    String version = hopper ? SparseShape.version() : "";
    if (hopper && SparseShape.isV4(version)) {
      sparseV4(op, fp8, rows, scaleLog2, version, site);
      return;
    }
    String kernel;
    int smem;
    if (hopper) {
      kernel = fp8 ? "dsa_sparse_mla_fp8_v3_pair" : "dsa_sparse_mla_bf16_v3";
      smem = fp8 ? SPARSE_V3_SMEM_FP8 : SPARSE_V3_SMEM_BF16;
    } else {
      kernel = fp8 ? "dsa_sparse_mla_fp8" : "dsa_sparse_mla_bf16";
      smem = fp8 ? SPARSE_SMEM_FP8 : SPARSE_SMEM_BF16;
    }
    backend.launch(
        "dsa_sparse_mla",
        kernel,
        site,
        new int[] {Mla.HEADS / 64, rows, 1},
        new int[] {SPARSE_THREADS, 1, 1},
        smem,
        CudaBackend.cuda(op.q(), "q"),
        CudaBackend.cuda(op.cache(), "cache"),
        CudaBackend.cuda(op.indices(), "indices"),
        CudaBackend.cuda(op.out(), "out"),
        op.tokensPerSeq(),
        op.position(),
        op.k(),
        scaleLog2);
  }

  // Version 4 (sm_90a): CTA = 64 heads of one row, a producer warpgroup and two consumer
  // warpgroups (v13: the same three warpgroups in FlashMLA's roles); grid, threads and shared
  // memory from the kernel's exports.
  private void sparseV4(
      Ops.SparseAttention op, boolean fp8, int rows, float scaleLog2, String version, String site) {
    String module = SparseShape.v4Module(fp8);
    String kernel = SparseShape.v4Kernel(fp8, version);
    SparseLaunch launch =
        sparseLaunches.computeIfAbsent(
            kernel,
            k ->
                new SparseLaunch(
                    backend.constant(module, k + "_smem_bytes", site),
                    backend.constant(module, k + "_threads", site),
                    backend.constant(module, k + "_heads_per_cta", site)));
    backend.launch(
        module,
        kernel,
        site,
        new int[] {Mla.HEADS / launch.headsPerCta(), rows, 1},
        new int[] {launch.threads(), 1, 1},
        launch.sharedBytes(),
        CudaBackend.cuda(op.q(), "q"),
        CudaBackend.cuda(op.cache(), "cache"),
        CudaBackend.cuda(op.indices(), "indices"),
        CudaBackend.cuda(op.out(), "out"),
        op.tokensPerSeq(),
        op.position(),
        op.k(),
        scaleLog2);
  }

  // The fp8 tensor-core path (mma e4m3) and the hardware e4m3 conversion exist from sm_89 on; on
  // older GPUs the compute_80 PTX of these kernels traps, so refuse before launching.
  private void requireFp8(String site) {
    String cc = backend.device().computeCapability();
    if (!fp8Capable(cc)) {
      throw new KernelException(
          "cuda "
              + site
              + ": compute capability "
              + cc
              + " has no fp8 tensor cores (8.9 or newer needed)",
          false);
    }
  }

  static boolean fp8Capable(String computeCapability) {
    String[] parts = computeCapability.split("\\.");
    int major = Integer.parseInt(parts[0]);
    int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    return major > 8 || (major == 8 && minor >= 9);
  }
}
