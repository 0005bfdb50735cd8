package io.dsabench.kernels.cpu;

import io.dsabench.kernels.DType;
import io.dsabench.kernels.DeviceBuffer;
import io.dsabench.kernels.KernelException;

/**
 * Heap memory holding values as a GPU would: BF16 as fp32 values already rounded to bf16 (so the
 * kernels read them without converting), FP8_E4M3 as codes, KV_FP8_656 as 656-byte records, FP32
 * and INT32 as themselves.
 */
final class CpuBuffer implements DeviceBuffer {
  private final DType dtype;
  private final long elements;
  private float[] floats;
  private byte[] bytes;
  private int[] ints;
  private volatile boolean closed;

  CpuBuffer(DType dtype, long elements) {
    this.dtype = dtype;
    this.elements = elements;
    int length = (int) storageLength(dtype, elements);
    switch (dtype) {
      case BF16, FP32 -> floats = new float[length];
      case FP8_E4M3, KV_FP8_656 -> bytes = new byte[length];
      case INT32 -> ints = new int[length];
    }
  }

  /** Array elements needed to hold {@code elements} of {@code dtype}. */
  static long storageLength(DType dtype, long elements) {
    return dtype == DType.KV_FP8_656 ? elements * dtype.bytes() : elements;
  }

  /** Heap bytes needed to hold {@code elements} of {@code dtype}. */
  static long storageBytes(DType dtype, long elements) {
    return switch (dtype) {
      case BF16, FP32, INT32 -> elements * 4;
      case FP8_E4M3 -> elements;
      case KV_FP8_656 -> elements * dtype.bytes();
    };
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public long elements() {
    return elements;
  }

  float[] floats() {
    open();
    return floats;
  }

  byte[] raw() {
    open();
    return bytes;
  }

  int[] ints() {
    open();
    return ints;
  }

  private void open() {
    if (closed) {
      throw new KernelException("cpu: a " + dtype + " buffer was used after close()", false);
    }
  }

  @Override
  public void close() {
    closed = true;
    floats = null;
    bytes = null;
    ints = null;
  }
}
