package io.dsabench.kernels;

/**
 * A backend call failed: the message names the call, the error name and the site (e.g. {@code
 * cuLaunchKernel(dense_decode_v3) failed: CUDA_ERROR_ILLEGAL_ADDRESS at CudaBackend.denseDecode}).
 * {@link #outOfMemory()} lets a sweep record the point as skipped rather than failed.
 */
public class KernelException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean outOfMemory;

  public KernelException(String message, boolean outOfMemory) {
    super(message);
    this.outOfMemory = outOfMemory;
  }

  public KernelException(String message, boolean outOfMemory, Throwable cause) {
    super(message, cause);
    this.outOfMemory = outOfMemory;
  }

  public boolean outOfMemory() {
    return outOfMemory;
  }
}
