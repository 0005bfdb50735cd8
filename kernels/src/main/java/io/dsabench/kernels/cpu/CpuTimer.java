package io.dsabench.kernels.cpu;

import io.dsabench.kernels.DeviceTimer;

/** Wall clock around the cpu backend's calls, which return only when their work is done. */
final class CpuTimer implements DeviceTimer {
  private long start;
  private long stop;
  private boolean started;
  private boolean stopped;

  @Override
  public void start() {
    started = true;
    stopped = false;
    start = System.nanoTime();
  }

  @Override
  public void stop() {
    stop = System.nanoTime();
    stopped = true;
  }

  @Override
  public double elapsedSeconds() {
    if (!started || !stopped) {
      throw new IllegalStateException("timer: elapsedSeconds() needs start() then stop()");
    }
    return (stop - start) * 1e-9;
  }

  @Override
  public void close() {}
}
