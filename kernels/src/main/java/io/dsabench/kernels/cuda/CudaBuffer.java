package io.dsabench.kernels.cuda;

import io.dsabench.kernels.DType;
import io.dsabench.kernels.DeviceBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUpointer_attribute;
import jcuda.driver.JCudaDriver;

/** Device memory from {@code cuMemAlloc}; freed once by {@link #close()}, which never throws. */
final class CudaBuffer implements DeviceBuffer {
  private final CudaBackend owner;
  private final DType dtype;
  private final long elements;
  private CUdeviceptr pointer;

  /**
   * Bumped by every host write (upload, fill) and every launch that gets this buffer as an
   * argument: a launch may write any buffer it is given. CudaDsaOps pairs a logits buffer with the
   * group maxima an indexer g variant wrote beside it only while this count is what it was right
   * after.
   */
  private long writes;

  /**
   * An indexer g variant's 8-key group maxima of these logits (owned; freed with this buffer), or
   * null.
   */
  private CudaBuffer groupMaxima;

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
  /**
   * The device address as a number, as cuTensorMapEncodeTiled takes it.
   *
   * @param site the Java call site named if the driver refuses
   */
  long address(String site) {
    long[] a = new long[1];
    Cuda.call(
        "cuPointerGetAttribute(DEVICE_POINTER)",
        site,
        () ->
            JCudaDriver.cuPointerGetAttribute(
                Pointer.to(a), CUpointer_attribute.CU_POINTER_ATTRIBUTE_DEVICE_POINTER, pointer()));
    return a[0];
  }

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

  synchronized void wrote() {
    writes++;
  }

  synchronized long writes() {
    return writes;
  }

  synchronized CudaBuffer groupMaxima() {
    return groupMaxima;
  }

  synchronized void groupMaxima(CudaBuffer g) {
    if (groupMaxima != null && groupMaxima != g) {
      groupMaxima.close();
    }
    groupMaxima = g;
  }

  @Override
  public synchronized void close() {
    if (groupMaxima != null) {
      groupMaxima.close();
      groupMaxima = null;
    }
    CUdeviceptr p = pointer;
    pointer = null;
    if (p != null && owner.isOpen()) {
      owner.makeCurrentQuietly();
      Cuda.quietly(() -> JCudaDriver.cuMemFree(p));
    }
  }
}
