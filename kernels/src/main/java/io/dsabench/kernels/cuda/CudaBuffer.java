package io.dsabench.kernels.cuda;

import io.dsabench.kernels.DType;
import io.dsabench.kernels.DeviceBuffer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/** Device memory from {@code cuMemAlloc}; freed once by {@link #close()}, which never throws. */
final class CudaBuffer implements DeviceBuffer {
  private final CudaBackend owner;
  private final DType dtype;
  private final long elements;
  private CUdeviceptr pointer;

  CudaBuffer(CudaBackend owner, DType dtype, long elements, CUdeviceptr pointer) {
    this.owner = owner;
    this.dtype = dtype;
    this.elements = elements;
    this.pointer = pointer;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public long elements() {
    return elements;
  }

  /** The device pointer, for kernel arguments; fails once the buffer is closed. */
  CUdeviceptr pointer() {
    CUdeviceptr p = pointer;
    if (p == null) {
      throw new IllegalStateException("buffer: " + dtype + "[" + elements + "] is already closed");
    }
    return p;
  }

  CudaBackend owner() {
    return owner;
  }

  @Override
  public synchronized void close() {
    CUdeviceptr p = pointer;
    pointer = null;
    if (p != null && owner.isOpen()) {
      owner.makeCurrentQuietly();
      Cuda.quietly(() -> JCudaDriver.cuMemFree(p));
    }
  }
}
