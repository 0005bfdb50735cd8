package io.dsabench.kernels;

/**
 * Memory owned by a backend: device memory for {@code cuda}, heap for {@code cpu}. Closing frees
 * it; {@link #close()} never throws.
 */
public interface DeviceBuffer extends AutoCloseable {
  DType dtype();

  /** Number of elements (tokens for {@link DType#KV_FP8_656}). */
  long elements();

  default long bytes() {
    return elements() * dtype().bytes();
  }

  @Override
  void close();
}
