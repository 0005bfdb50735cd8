package io.dsabench.kernels.cuda;

import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/** One loaded module (a cubin or a PTX file) and its kernels; unloaded once by {@link #close()}. */
final class CudaModule implements AutoCloseable {
  /** A kernel of this module, with the dynamic shared memory it has been allowed so far. */
  static final class Kernel {
    final String name;
    final CUfunction function;
    int sharedLimit = 48 * 1024;

    Kernel(String name, CUfunction function) {
      this.name = name;
      this.function = function;
    }

    /** Raises the kernel's dynamic shared-memory limit past the default 48 KB when asked for. */
    void allowShared(int bytes, String site) {
      if (bytes > sharedLimit) {
        Cuda.call(
            "cuFuncSetAttribute(" + name + ", MAX_DYNAMIC_SHARED_SIZE_BYTES=" + bytes + ")",
            site,
            () ->
                JCudaDriver.cuFuncSetAttribute(
                    function,
                    CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                    bytes));
        sharedLimit = bytes;
      }
    }
  }

  final String name;
  private CUmodule module;
  private final Map<String, Kernel> kernels = new HashMap<>();

  CudaModule(String name, byte[] image, String site) {
    this.name = name;
    CUmodule m = new CUmodule();
    Cuda.call("cuModuleLoadData(" + name + ")", site, () -> JCudaDriver.cuModuleLoadData(m, image));
    module = m;
  }

  synchronized Kernel kernel(String kernelName, String site) {
    Kernel k = kernels.get(kernelName);
    if (k == null) {
      CUfunction f = new CUfunction();
      CUmodule m = module;
      if (m == null) {
        throw new IllegalStateException("module " + name + " is closed");
      }
      Cuda.call(
          "cuModuleGetFunction(" + name + "." + kernelName + ")",
          site,
          () -> JCudaDriver.cuModuleGetFunction(f, m, kernelName));
      k = new Kernel(kernelName, f);
      kernels.put(kernelName, k);
    }
    return k;
  }

  /**
   * An {@code int} the module exports as {@code extern "C" __device__ const int NAME}: a kernel's
   * launch constants (shared-memory bytes, threads, rows per block) come from the cubin that uses
   * them, so Java never keeps a copy that could drift from the CUDA source.
   */
  synchronized int constant(String constantName, String site) {
    CUmodule m = module;
    if (m == null) {
      throw new IllegalStateException("module " + name + " is closed");
    }
    CUdeviceptr address = new CUdeviceptr();
    long[] size = new long[1];
    Cuda.call(
        "cuModuleGetGlobal(" + name + "." + constantName + ")",
        site,
        () -> JCudaDriver.cuModuleGetGlobal(address, size, m, constantName));
    if (size[0] != Integer.BYTES) {
      throw new IllegalStateException(
          "module "
              + name
              + ": exported constant "
              + constantName
              + " is "
              + size[0]
              + " bytes, not an int");
    }
    int[] value = new int[1];
    Cuda.call(
        "cuMemcpyDtoH(" + name + "." + constantName + ")",
        site,
        () -> JCudaDriver.cuMemcpyDtoH(Pointer.to(value), address, Integer.BYTES));
    return value[0];
  }

  @Override
  public synchronized void close() {
    CUmodule m = module;
    module = null;
    kernels.clear();
    if (m != null) {
      Cuda.quietly(() -> JCudaDriver.cuModuleUnload(m));
    }
  }
}
