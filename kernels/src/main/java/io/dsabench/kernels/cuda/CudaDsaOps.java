package io.dsabench.kernels.cuda;

import io.dsabench.kernels.KernelException;
import io.dsabench.kernels.Ops;

/**
 * The DSA ops (indexer, top-k, sparse MLA) of the cuda backend. {@link CudaBackend} delegates to
 * this class; it reaches the GPU through the backend's package-private API (see
 * /work/notes/cuda-api.md): {@code backend.launch(module, kernel, site, grid, block, shared,
 * args...)}, {@code CudaBackend.cuda(buffer, field)} for device pointers, {@code
 * backend.workspace(bytes, site)} for scratch memory and {@code backend.smCount()}.
 */
final class CudaDsaOps implements AutoCloseable {
  private final CudaBackend backend;

  CudaDsaOps(CudaBackend backend) {
    this.backend = backend;
  }

  void indexer(Ops.Indexer op) {
    throw notBuilt("indexer");
  }

  void topK(Ops.TopK op) {
    throw notBuilt("topK");
  }

  void sparsePrefill(Ops.SparseAttention op) {
    throw notBuilt("sparsePrefill");
  }

  void sparseDecode(Ops.SparseAttention op) {
    throw notBuilt("sparseDecode");
  }

  private KernelException notBuilt(String op) {
    return new KernelException(
        "cuda " + op + ": not built yet (on " + backend.device().name() + ")", false);
  }

  /** Frees what the DSA ops hold; never throws. */
  @Override
  public void close() {}
}
