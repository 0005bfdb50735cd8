package io.dsabench.kernels.cuda;

import io.dsabench.kernels.DeviceTimer;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/** Two CUDA events on the backend's stream; device time between them, not host wall clock. */
final class CudaTimer implements DeviceTimer {
  private final CudaBackend owner;
  private final CUstream stream;
  private CUevent start;
  private CUevent stop;

  CudaTimer(CudaBackend owner, CUstream stream) {
    this.owner = owner;
    this.stream = stream;
    CUevent a = new CUevent();
    CUevent b = new CUevent();
    Cuda.call(
        "cuEventCreate(start)",
        "CudaTimer",
        () -> JCudaDriver.cuEventCreate(a, CUevent_flags.CU_EVENT_DEFAULT));
    start = a;
    try {
      Cuda.call(
          "cuEventCreate(stop)",
          "CudaTimer",
          () -> JCudaDriver.cuEventCreate(b, CUevent_flags.CU_EVENT_DEFAULT));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    stop = b;
  }

  @Override
  public void start() {
    owner.makeCurrent("CudaTimer.start");
    Cuda.call(
        "cuEventRecord(start)", "CudaTimer.start", () -> JCudaDriver.cuEventRecord(start, stream));
  }

  @Override
  public void stop() {
    owner.makeCurrent("CudaTimer.stop");
    Cuda.call(
        "cuEventRecord(stop)", "CudaTimer.stop", () -> JCudaDriver.cuEventRecord(stop, stream));
  }

  @Override
  public double elapsedSeconds() {
    owner.makeCurrent("CudaTimer.elapsedSeconds");
    Cuda.call(
        "cuEventSynchronize(stop)",
        "CudaTimer.elapsedSeconds",
        () -> JCudaDriver.cuEventSynchronize(stop));
    float[] ms = new float[1];
    Cuda.call(
        "cuEventElapsedTime",
        "CudaTimer.elapsedSeconds",
        () -> JCudaDriver.cuEventElapsedTime(ms, start, stop));
    return ms[0] * 1e-3;
  }

  @Override
  public synchronized void close() {
    CUevent a = start;
    CUevent b = stop;
    start = null;
    stop = null;
    if (owner.isOpen()) {
      owner.makeCurrentQuietly();
      if (a != null) {
        Cuda.quietly(() -> JCudaDriver.cuEventDestroy(a));
      }
      if (b != null) {
        Cuda.quietly(() -> JCudaDriver.cuEventDestroy(b));
      }
    }
  }
}
