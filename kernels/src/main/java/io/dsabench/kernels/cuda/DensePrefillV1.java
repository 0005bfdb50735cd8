package io.dsabench.kernels.cuda;

import io.dsabench.kernels.Mla;
import io.dsabench.kernels.Ops;

/**
 * Version 1 of the dense prefill, the path of every GPU but Hopper: {@code dense_prefill_v1} in
 * {@code sm80/prefill/dense.cu} (FlashAttention-2 on mma.sync), loaded from its compute_80 PTX.
 *
 * <p>Its launch constants (threads, shared memory, query rows per block) are read from the module
 * once, when this object is made: reading them copies from the device, which must never happen
 * inside a timed sample (the timer holds the stream).
 */
final class DensePrefillV1 {
  static final String MODULE = "sm80/prefill/dense";
  static final String KERNEL = "dense_prefill_v1";

  /** The launch constants the module exports, by name. */
  static final String THREADS = KERNEL + "_threads";

  static final String SHARED_BYTES = KERNEL + "_shared_bytes";
  static final String BLOCK_M = KERNEL + "_block_m";

  private final CudaBackend backend;
  private final int threads;
  private final int sharedBytes;
  private final int blockM;

  DensePrefillV1(CudaBackend backend, String site) {
    this.backend = backend;
    threads = backend.constant(MODULE, THREADS, site);
    sharedBytes = backend.constant(MODULE, SHARED_BYTES, site);
    blockM = backend.constant(MODULE, BLOCK_M, site);
  }

  void launch(Ops.DensePrefill op) {
    backend.launch(
        MODULE,
        KERNEL,
        "CudaBackend.densePrefill(v1)",
        // Query blocks fastest (the kernel takes the latest first): one head's blocks run together
        // and share its K and V through L2.
        new int[] {(op.tokens() + blockM - 1) / blockM, Mla.HEADS, 1},
        new int[] {threads, 1, 1},
        sharedBytes,
        CudaBackend.cuda(op.q(), "q"),
        CudaBackend.cuda(op.k(), "k"),
        CudaBackend.cuda(op.v(), "v"),
        CudaBackend.cuda(op.out(), "out"),
        op.tokens(),
        op.position(),
        Mla.SOFTMAX_SCALE);
  }
}
