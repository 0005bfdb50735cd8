package io.dsabench.kernels;

/**
 * Times work on the backend's own clock: CUDA events on {@code cuda} (device time, not host wall
 * clock), {@link System#nanoTime()} around the synchronous calls on {@code cpu}.
 */
public interface DeviceTimer extends AutoCloseable {
  /** Records the start mark in the backend's work stream. */
  void start();

  /** Records the stop mark in the backend's work stream. */
  void stop();

  /** Waits for the stop mark and returns the seconds between the two marks. */
  double elapsedSeconds();

  @Override
  void close();
}
