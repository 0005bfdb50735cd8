package io.dsabench.kernels.cuda;

import io.dsabench.kernels.DeviceTimer;
import io.dsabench.kernels.KernelException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * Two CUDA events on the backend's stream; device time between them, not host wall clock.
 *
 * <p>{@link #start()} first queues {@code dsa_hold_stream} (fill.cu), a one-thread kernel that
 * spins on a flag in mapped host memory, and {@link #stop()} releases it after the timed launches
 * are queued: the GPU then runs the start event, the kernels and the stop event back to back, so
 * the host's launch latency (JNI, argument marshalling, the driver call: microseconds per launch)
 * is not part of a sample. This is nvbench's "blocking kernel"; without it a 50 µs kernel timed
 * from an idle stream reads several percent long. If the hold kernel times out (something
 * synchronized with the held stream), the sample fails instead of returning the wait.
 */
final class CudaTimer implements DeviceTimer {
  /** How long the hold kernel waits for its release before it gives up: far above any launch. */
  static final long HOLD_TIMEOUT_NS = 2_000_000_000L;

  private final CudaBackend owner;
  private final CUstream stream;
  private CUevent start;
  private CUevent stop;
  private Pointer hostFlag;
  private ByteBuffer flag;
  private CUdeviceptr deviceFlag;

  CudaTimer(CudaBackend owner, CUstream stream) {
    this.owner = owner;
    this.stream = stream;
    try {
      CUevent a = new CUevent();
      Cuda.call(
          "cuEventCreate(start)",
          "CudaTimer",
          () -> JCudaDriver.cuEventCreate(a, CUevent_flags.CU_EVENT_DEFAULT));
      start = a;
      CUevent b = new CUevent();
      Cuda.call(
          "cuEventCreate(stop)",
          "CudaTimer",
          () -> JCudaDriver.cuEventCreate(b, CUevent_flags.CU_EVENT_DEFAULT));
      stop = b;
      Pointer h = new Pointer();
      Cuda.call(
          "cuMemHostAlloc(8 bytes, DEVICEMAP)",
          "CudaTimer",
          () ->
              JCudaDriver.cuMemHostAlloc(
                  h,
                  8,
                  JCudaDriver.CU_MEMHOSTALLOC_DEVICEMAP | JCudaDriver.CU_MEMHOSTALLOC_PORTABLE));
      hostFlag = h;
      flag = h.getByteBuffer(0, 8).order(ByteOrder.nativeOrder());
      CUdeviceptr d = new CUdeviceptr();
      Cuda.call(
          "cuMemHostGetDevicePointer",
          "CudaTimer",
          () -> JCudaDriver.cuMemHostGetDevicePointer(d, h, 0));
      deviceFlag = d;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public void start() {
    owner.makeCurrent("CudaTimer.start");
    flag.putInt(0, 0);
    flag.putInt(4, 0);
    VarHandle.fullFence();
    owner.launch(
        "fill",
        "dsa_hold_stream",
        "CudaTimer.start",
        new int[] {1, 1, 1},
        new int[] {32, 1, 1},
        0,
        deviceFlag,
        HOLD_TIMEOUT_NS);
    Cuda.call(
        "cuEventRecord(start)", "CudaTimer.start", () -> JCudaDriver.cuEventRecord(start, stream));
  }

  @Override
  public void stop() {
    owner.makeCurrent("CudaTimer.stop");
    try {
      Cuda.call(
          "cuEventRecord(stop)", "CudaTimer.stop", () -> JCudaDriver.cuEventRecord(stop, stream));
    } finally {
      release();
    }
  }

  /** Lets the hold kernel finish; harmless when it already has. */
  private void release() {
    flag.putInt(0, 1);
    VarHandle.fullFence();
  }

  @Override
  public double elapsedSeconds() {
    owner.makeCurrent("CudaTimer.elapsedSeconds");
    Cuda.call(
        "cuEventSynchronize(stop)",
        "CudaTimer.elapsedSeconds",
        () -> JCudaDriver.cuEventSynchronize(stop));
    if (flag.getInt(4) != 0) {
      throw new KernelException(
          "cuda CudaTimer.elapsedSeconds: the stream hold timed out after "
              + HOLD_TIMEOUT_NS / 1_000_000
              + " ms: a timed launch synchronized with the held stream, so this sample is not a"
              + " kernel time",
          false);
    }
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
    Pointer h = hostFlag;
    start = null;
    stop = null;
    hostFlag = null;
    if (flag != null) {
      release();
    }
    if (owner.isOpen()) {
      owner.makeCurrentQuietly();
      if (a != null) {
        Cuda.quietly(() -> JCudaDriver.cuEventDestroy(a));
      }
      if (b != null) {
        Cuda.quietly(() -> JCudaDriver.cuEventDestroy(b));
      }
      if (h != null) {
        Cuda.quietly(() -> JCudaDriver.cuCtxSynchronize());
        Cuda.quietly(() -> JCudaDriver.cuMemFreeHost(h));
      }
    }
  }
}
