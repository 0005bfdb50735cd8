package io.dsabench.kernels.cuda;

import io.dsabench.kernels.DType;
import io.dsabench.kernels.KernelException;
import io.dsabench.kernels.Ops;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.driver.JCudaDriver;

/**
 * The MoE ops of the cuda backend outside the expert GEMMs: the router (moe/router.cu) and the
 * SwiGLU + fp8 quantisation between the two expert GEMMs (moe/swiglu_quant.cu). Both modules are
 * portable (sm_90a cubin, compute_80 PTX elsewhere). Launch shapes are the ones
 * kernels/src/test/cuda/moe_bench.cu checks and times; keep them in step.
 */
final class CudaMoeOps {
  static final String ROUTER_MODULE = "moe/router";
  static final String ROUTER_KERNEL = "moe_router_topk";
  static final String ROUTER_SMEM = "moe_router_smem";
  static final String ROUTER_THREADS = "moe_router_threads";
  static final String ROUTER_ROWS = "moe_router_rows";

  /**
   * The router's CTA tile: {@code auto} (the default), {@code r64} or {@code r128} (128 rows per
   * CTA: half the ldmatrix traffic per product and half the reads of w), chosen with {@code
   * -Ddsabench.cuda.router}. {@code auto} takes r128 when its row blocks fill half the SMs (round
   * moe21 on the H200: m 16384 172 vs 229 µs, m 4096 73 vs 76, m 256 36 vs 22), else r64. Each
   * variant's kernel and constants carry its suffix.
   */
  static final String ROUTER_PROPERTY = "dsabench.cuda.router";

  static final String ROUTER_KTILE = "moe_router_ktile";
  static final String ROUTER_EXPERTS = "moe_router_experts";

  static final String SWIGLU_MODULE = "moe/swiglu_quant";
  static final String SWIGLU_KERNEL = "moe_swiglu_quant";
  static final String SWIGLU_THREADS = "moe_swiglu_threads";
  static final String SWIGLU_ROWS = "moe_swiglu_rows_per_cta";

  /** DeepSeek-V3's routing, which the router kernel fixes at compile time besides the experts. */
  static final int GROUPS = 8;

  static final int TOP_K_GROUPS = 4;
  static final int TOP_K = 8;

  private final CudaBackend backend;

  /** Launch constants, read once each: each read is a device-to-host copy. */
  private final Map<String, Integer> constants = new ConcurrentHashMap<>();

  // The router's split-reduction state: fp32 logit sums [rowBlocks · rows, experts] and one arrival
  // counter per row block, zeroed once here; every call leaves them zero again.
  private CudaBuffer routerSums;
  private CudaBuffer routerCounters;

  CudaMoeOps(CudaBackend backend) {
    this.backend = backend;
  }

  private int constant(String module, String name, String site) {
    return constants.computeIfAbsent(
        module + "." + name, key -> backend.constant(module, name, site));
  }

  /**
   * Splits of the router's reduction dimension: one when the row blocks alone fill the SMs, else as
   * many as fit one CTA per SM, at least two k tiles each (moe_bench.cu's splits_for).
   */
  static int routerSplits(int rowBlocks, int kTiles, int sms) {
    if (rowBlocks >= sms) {
      return 1;
    }
    return Math.max(1, Math.min(sms / rowBlocks, kTiles / 2));
  }

  /** The suffix of the router variant {@code name} ("" for r64), or an exception naming it. */
  static String routerSuffix(String name) {
    return switch (name) {
      case "r64" -> "";
      case "r128" -> "_r128";
      default ->
          throw new IllegalArgumentException(
              ROUTER_PROPERTY + ": " + name + " is not a router variant (auto, r64 or r128)");
    };
  }

  /** {@code auto}'s choice for m rows on {@code smCount} SMs. */
  static String autoRouter(int m, int smCount) {
    return (m + 127) / 128 >= smCount / 2 ? "r128" : "r64";
  }

  void router(Ops.Router op) {
    String site = "CudaMoeOps.router";
    String chosen = System.getProperty(ROUTER_PROPERTY, "auto");
    String suffix =
        routerSuffix(chosen.equals("auto") ? autoRouter(op.m(), backend.smCount()) : chosen);
    int experts = constant(ROUTER_MODULE, ROUTER_EXPERTS, site);
    int kTile = constant(ROUTER_MODULE, ROUTER_KTILE, site);
    if (op.experts() != experts
        || op.groups() != GROUPS
        || op.topKGroups() != TOP_K_GROUPS
        || op.topK() != TOP_K) {
      throw new KernelException(
          "cuda "
              + site
              + ": routing "
              + op.experts()
              + " experts in "
              + op.groups()
              + " groups, keeping "
              + op.topKGroups()
              + ", top "
              + op.topK()
              + " is not built; the kernel routes DeepSeek-V3's "
              + experts
              + " experts in "
              + GROUPS
              + " groups, keeping "
              + TOP_K_GROUPS
              + ", top "
              + TOP_K,
          false);
    }
    if (op.hidden() % kTile != 0) {
      throw new KernelException(
          "cuda " + site + ": hidden " + op.hidden() + " is not a multiple of " + kTile, false);
    }
    int rows = constant(ROUTER_MODULE, ROUTER_ROWS + suffix, site);
    int rowBlocks = (op.m() + rows - 1) / rows;
    int splits = routerSplits(rowBlocks, op.hidden() / kTile, backend.smCount());
    if (splits > 1) {
      ensureRouterScratch(rowBlocks, rows, experts, site);
    }
    CudaBuffer sums = splits > 1 ? routerSums : CudaBackend.cuda(op.weights(), "weights");
    CudaBuffer counters = splits > 1 ? routerCounters : CudaBackend.cuda(op.indices(), "indices");
    backend.launch(
        ROUTER_MODULE,
        ROUTER_KERNEL + suffix,
        site,
        new int[] {rowBlocks, splits, 1},
        new int[] {constant(ROUTER_MODULE, ROUTER_THREADS, site), 1, 1},
        constant(ROUTER_MODULE, ROUTER_SMEM + suffix, site),
        CudaBackend.cuda(op.x(), "x"),
        CudaBackend.cuda(op.w(), "w"),
        CudaBackend.cuda(op.bias(), "bias"),
        CudaBackend.cuda(op.weights(), "weights"),
        CudaBackend.cuda(op.indices(), "indices"),
        sums,
        counters,
        op.m(),
        op.hidden());
  }

  // With one split the kernel never touches the sums and counters; it is given the outputs in
  // their place only so that every argument is a valid pointer.
  private synchronized void ensureRouterScratch(int rowBlocks, int rows, int experts, String site) {
    if (routerCounters != null
        && routerCounters.elements() >= rowBlocks
        && routerSums.elements() >= (long) rowBlocks * rows * experts) {
      return;
    }
    // A split launch needs fewer row blocks than SMs; size for that bound once.
    int blocks = Math.max(rowBlocks, backend.smCount());
    closeRouterScratch();
    routerSums = (CudaBuffer) backend.allocate(DType.FP32, (long) blocks * rows * experts);
    routerCounters = (CudaBuffer) backend.allocate(DType.INT32, blocks);
    backend.makeCurrent(site);
    Cuda.call(
        "cuMemsetD32(router sums)",
        site,
        () -> JCudaDriver.cuMemsetD32(routerSums.pointer(), 0, routerSums.elements()));
    Cuda.call(
        "cuMemsetD32(router counters)",
        site,
        () -> JCudaDriver.cuMemsetD32(routerCounters.pointer(), 0, routerCounters.elements()));
  }

  void swiGluQuant(Ops.SwiGluQuant op) {
    String site = "CudaMoeOps.swiGluQuant";
    int rowsPerCta = constant(SWIGLU_MODULE, SWIGLU_ROWS, site);
    backend.launch(
        SWIGLU_MODULE,
        SWIGLU_KERNEL,
        site,
        new int[] {(op.m() + rowsPerCta - 1) / rowsPerCta, op.width() / 128, 1},
        new int[] {constant(SWIGLU_MODULE, SWIGLU_THREADS, site), 1, 1},
        0,
        CudaBackend.cuda(op.in(), "in"),
        CudaBackend.cuda(op.out(), "out"),
        CudaBackend.cuda(op.outScales(), "outScales"),
        op.m(),
        op.width());
  }

  private void closeRouterScratch() {
    if (routerSums != null) {
      backend.synchronize();
      routerSums.close();
      routerSums = null;
    }
    if (routerCounters != null) {
      routerCounters.close();
      routerCounters = null;
    }
  }

  /** Frees the router's scratch; the backend calls it before it releases the context. */
  synchronized void close() {
    if (routerSums != null) {
      routerSums.close();
      routerSums = null;
    }
    if (routerCounters != null) {
      routerCounters.close();
      routerCounters = null;
    }
  }
}
