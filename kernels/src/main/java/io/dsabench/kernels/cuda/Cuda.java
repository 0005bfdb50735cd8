package io.dsabench.kernels.cuda;

import io.dsabench.kernels.KernelException;
import java.util.function.IntSupplier;
import jcuda.CudaException;
import jcuda.driver.CUresult;

/**
 * Checks driver calls: every call names itself and its site, so a failure reads like {@code
 * cuLaunchKernel(dense_decode_v3) failed: CUDA_ERROR_ILLEGAL_ADDRESS at CudaBackend.denseDecode}.
 */
final class Cuda {
  private Cuda() {}

  /**
   * Runs one driver call. JCuda throws {@link CudaException} when exceptions are enabled (they are,
   * from {@link CudaBackend#open}); the return code is checked too in case they are not.
   */
  static void call(String call, String site, IntSupplier driverCall) {
    int result;
    try {
      result = driverCall.getAsInt();
    } catch (CudaException e) {
      throw failure(call, site, e.getMessage(), e);
    }
    if (result != CUresult.CUDA_SUCCESS) {
      throw failure(call, site, CUresult.stringFor(result), null);
    }
  }

  static KernelException failure(String call, String site, String error, Throwable cause) {
    String name = error == null ? "unknown error" : error.trim();
    boolean oom = name.contains("CUDA_ERROR_OUT_OF_MEMORY");
    String message = call + " failed: " + name + " at " + site;
    return cause == null
        ? new KernelException(message, oom)
        : new KernelException(message, oom, cause);
  }

  /** Runs a release call from a close(): failures are swallowed, close() never throws. */
  static void quietly(IntSupplier driverCall) {
    try {
      int unused = driverCall.getAsInt(); // a release call's status changes nothing here
    } catch (RuntimeException e) {
      // Nothing useful can be done when freeing fails (the context is usually already broken,
      // and the original error is the one worth seeing).
    }
  }
}
