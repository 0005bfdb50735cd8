package io.dsabench.kernels.cuda;

import io.dsabench.kernels.Backend;
import io.dsabench.kernels.BackendUnavailableException;
import io.dsabench.kernels.DType;
import io.dsabench.kernels.DeviceBuffer;
import io.dsabench.kernels.DeviceInfo;
import io.dsabench.kernels.DeviceTimer;
import io.dsabench.kernels.KernelException;
import io.dsabench.kernels.Ops;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * The {@code cuda} backend: one device's primary context, modules loaded lazily from the packaged
 * kernels, launches on the default stream. See the package documentation for how it starts.
 */
public final class CudaBackend implements Backend {
  static final String RESOURCES = "io/dsabench/kernels/cuda/";

  private final CUdevice device;
  private final CUcontext context;
  private final DeviceInfo info;
  private final boolean hopper;
  private final int smCount;
  private final int sharedPerBlock; // the most dynamic shared memory one block may opt into
  private final CUstream stream = null; // the legacy default stream: ordered with memcpys
  private final Map<String, CudaModule> modules = new HashMap<>();
  private final CudaDsaOps dsa;
  private final CudaMoeOps moe;
  // The dense launchers are made at their first launch (each reads its module's constants): v3 on
  // Hopper, v1 elsewhere.
  private DensePrefillV3 prefillV3;
  private DenseDecodeV3 decodeV3;
  private DensePrefillV1 prefillV1;
  private DenseDecodeV1 decodeV1;
  private CudaGemmOps gemm; // made at the first fp8Gemm (it reads its module's constants)
  private volatile boolean open = true;
  private CudaBuffer workspace;

  private CudaBackend(
      CUdevice device,
      CUcontext context,
      DeviceInfo info,
      boolean hopper,
      int sms,
      int sharedPerBlock) {
    this.device = device;
    this.context = context;
    this.info = info;
    this.hopper = hopper;
    this.smCount = sms;
    this.sharedPerBlock = sharedPerBlock;
    this.dsa = new CudaDsaOps(this);
    this.moe = new CudaMoeOps(this);
  }

  /**
   * Starts the driver on device {@code ordinal} and checks that this jar carries kernels for it.
   *
   * @throws BackendUnavailableException "cuda unavailable: why" (no driver, no device, no kernels)
   */
  static CudaBackend open(int ordinal) throws BackendUnavailableException {
    try {
      JCudaDriver.setExceptionsEnabled(true);
      JCudaDriver.cuInit(0);
    } catch (LinkageError e) {
      throw new BackendUnavailableException(
          "cuda unavailable: the JCuda driver library did not load (no NVIDIA driver here?): " + e,
          e);
    } catch (CudaException e) {
      throw new BackendUnavailableException(
          "cuda unavailable: cuInit failed: " + e.getMessage(), e);
    }
    Properties manifest = manifest();
    if (!"available".equals(manifest.getProperty("nvcc"))) {
      throw new BackendUnavailableException(
          "cuda unavailable: this build has no CUDA kernels ("
              + manifest.getProperty("reason", "no manifest.properties in the jar")
              + ")");
    }
    try {
      int[] count = new int[1];
      JCudaDriver.cuDeviceGetCount(count);
      if (count[0] <= ordinal) {
        throw new BackendUnavailableException(
            "cuda unavailable: " + count[0] + " CUDA devices, no device " + ordinal);
      }
      CUdevice dev = new CUdevice();
      JCudaDriver.cuDeviceGet(dev, ordinal);
      int major = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
      int minor = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
      boolean hopper = major == 9 && minor == 0;
      if (major < 8) {
        throw new BackendUnavailableException(
            "cuda unavailable: compute capability "
                + major
                + "."
                + minor
                + " is below 8.0, the oldest the packaged PTX (compute_80) runs on");
      }
      String probe =
          RESOURCES
              + (hopper
                  ? DenseDecodeV3.MODULE + ".sm_90a.cubin"
                  : DenseDecodeV1.MODULE + ".compute_80.ptx");
      if (CudaBackend.class.getClassLoader().getResource(probe) == null) {
        throw new BackendUnavailableException(
            "cuda unavailable: no kernel image "
                + probe
                + " for compute capability "
                + major
                + "."
                + minor
                + " in this jar");
      }
      byte[] name = new byte[256];
      JCudaDriver.cuDeviceGetName(name, name.length, dev);
      int[] driver = new int[1];
      JCudaDriver.cuDriverGetVersion(driver);
      long[] memory = new long[1];
      JCudaDriver.cuDeviceTotalMem(memory, dev);
      int sms = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
      int sharedPerBlock =
          attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
      CUcontext ctx = new CUcontext();
      JCudaDriver.cuDevicePrimaryCtxRetain(ctx, dev);
      JCudaDriver.cuCtxSetCurrent(ctx);
      DeviceInfo info =
          new DeviceInfo(
              cString(name),
              major + "." + minor,
              "CUDA " + driver[0] / 1000 + "." + (driver[0] % 1000) / 10,
              sms,
              memory[0]);
      return new CudaBackend(dev, ctx, info, hopper, sms, sharedPerBlock);
    } catch (CudaException e) {
      throw new BackendUnavailableException(
          "cuda unavailable: device " + ordinal + " did not start: " + e.getMessage(), e);
    }
  }

  private static int attribute(CUdevice dev, int attribute) {
    int[] v = new int[1];
    JCudaDriver.cuDeviceGetAttribute(v, attribute, dev);
    return v[0];
  }

  private static String cString(byte[] bytes) {
    int n = 0;
    while (n < bytes.length && bytes[n] != 0) {
      n++;
    }
    return new String(bytes, 0, n, java.nio.charset.StandardCharsets.US_ASCII).trim();
  }

  static Properties manifest() {
    Properties p = new Properties();
    try (InputStream in =
        CudaBackend.class.getClassLoader().getResourceAsStream(RESOURCES + "manifest.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      p.setProperty("reason", "manifest.properties unreadable: " + e.getMessage());
    }
    return p;
  }

  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public DeviceInfo device() {
    return info;
  }

  boolean isOpen() {
    return open;
  }

  int smCount() {
    return smCount;
  }

  /** Makes this backend's context current on the calling thread (JMH and Jetty use many). */
  void makeCurrent(String site) {
    if (!open) {
      throw new IllegalStateException("cuda backend is closed (at " + site + ")");
    }
    Cuda.call("cuCtxSetCurrent", site, () -> JCudaDriver.cuCtxSetCurrent(context));
  }

  void makeCurrentQuietly() {
    Cuda.quietly(() -> JCudaDriver.cuCtxSetCurrent(context));
  }

  /**
   * The module {@code name}: the sm_90a cubin on compute capability 9.0, else the compute_80 PTX
   * that the driver compiles for this device. Loaded once, unloaded by {@link #close()}.
   */
  synchronized CudaModule module(String name, String site) {
    CudaModule m = modules.get(name);
    if (m == null) {
      String resource = RESOURCES + name + (hopper ? ".sm_90a.cubin" : ".compute_80.ptx");
      byte[] image;
      try (InputStream in = CudaBackend.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new KernelException(
              "module " + name + ": resource " + resource + " is not in this jar (at " + site + ")",
              false);
        }
        image = in.readAllBytes();
      } catch (IOException e) {
        throw new KernelException("module " + name + ": reading " + resource + " failed", false, e);
      }
      if (!hopper) {
        // cuModuleLoadData reads PTX as a C string.
        image = java.util.Arrays.copyOf(image, image.length + 1);
      }
      m = new CudaModule(name, image, site);
      modules.put(name, m);
    }
    return m;
  }

  /**
   * A launch constant that module {@code moduleName} exports ({@code extern "C" __device__ const
   * int}), read once per module load; see {@link CudaModule#constant}.
   */
  int constant(String moduleName, String constantName, String site) {
    makeCurrent(site);
    return module(moduleName, site).constant(constantName, site);
  }

  /**
   * One kernel launch; arguments are CudaBuffers, Integers, Longs, Floats and byte arrays (structs
   * by value, such as {@link TensorMaps} output) in kernel order.
   */
  void launch(
      String moduleName,
      String kernelName,
      String site,
      int[] grid,
      int[] block,
      int sharedBytes,
      Object... args) {
    makeCurrent(site);
    if (sharedBytes > sharedPerBlock) {
      // Say which kernel and GPU before the driver's bare CUDA_ERROR_INVALID_VALUE would.
      throw new UnsupportedOperationException(
          site
              + ": kernel "
              + kernelName
              + " needs "
              + sharedBytes
              + " bytes of shared memory per block; "
              + info.name()
              + " (compute capability "
              + info.computeCapability()
              + ") allows at most "
              + sharedPerBlock);
    }
    CudaModule.Kernel k = module(moduleName, site).kernel(kernelName, site);
    k.allowShared(sharedBytes, site);
    Pointer[] pointers = new Pointer[args.length];
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof CudaBuffer) {
        ((CudaBuffer) a).wrote(); // any launch may write what it is given
        pointers[i] = Pointer.to(((CudaBuffer) a).pointer());
      } else if (a instanceof CUdeviceptr) {
        pointers[i] = Pointer.to((CUdeviceptr) a);
      } else if (a instanceof Integer) {
        pointers[i] = Pointer.to(new int[] {(Integer) a});
      } else if (a instanceof Long) {
        pointers[i] = Pointer.to(new long[] {(Long) a});
      } else if (a instanceof Float) {
        pointers[i] = Pointer.to(new float[] {(Float) a});
      } else if (a instanceof byte[]) {
        // A struct passed by value, e.g. a 128-byte CUtensorMap for a __grid_constant__ parameter:
        // the driver copies as many bytes as the kernel's parameter declares.
        pointers[i] = Pointer.to((byte[]) a);
      } else {
        throw new IllegalArgumentException(
            "launch " + kernelName + ": argument " + i + " of type " + a + " is not supported");
      }
    }
    Pointer params = Pointer.to(pointers);
    Cuda.call(
        "cuLaunchKernel(" + kernelName + ")",
        site,
        () ->
            JCudaDriver.cuLaunchKernel(
                k.function,
                grid[0],
                grid[1],
                grid[2],
                block[0],
                block[1],
                block[2],
                sharedBytes,
                stream,
                params,
                null));
  }

  /** A buffer of this backend, checked: the kernels must never see another backend's memory. */
  static CudaBuffer cuda(DeviceBuffer b, String field) {
    if (!(b instanceof CudaBuffer)) {
      throw new IllegalArgumentException(
          field
              + ": "
              + (b == null ? "null" : b.getClass().getSimpleName())
              + " is not a cuda buffer");
    }
    return (CudaBuffer) b;
  }

  /**
   * Scratch memory that grows as needed and lives until {@link #close()}, so that timed launches
   * never allocate. Callers use it within one call; launches are ordered on the one stream.
   */
  synchronized CudaBuffer workspace(long bytes, String site) {
    if (workspace == null || workspace.bytes() < bytes) {
      if (workspace != null) {
        synchronize();
        workspace.close();
        workspace = null;
      }
      workspace = (CudaBuffer) allocate(DType.FP32, (bytes + 3) / 4);
    }
    return workspace;
  }

  @Override
  public DeviceBuffer allocate(DType dtype, long elements) {
    if (elements <= 0) {
      throw new IllegalArgumentException("elements: " + elements + " is not a positive count");
    }
    makeCurrent("CudaBackend.allocate");
    CUdeviceptr p = new CUdeviceptr();
    long bytes = elements * dtype.bytes();
    Cuda.call(
        "cuMemAlloc(" + bytes + " bytes for " + dtype + "[" + elements + "])",
        "CudaBackend.allocate",
        () -> JCudaDriver.cuMemAlloc(p, bytes));
    return new CudaBuffer(this, dtype, elements, p);
  }

  @Override
  public void fillRandom(DeviceBuffer buffer, long seed, float scale) {
    CudaBuffer b = cuda(buffer, "buffer");
    String kernel;
    switch (b.dtype()) {
      case BF16:
        kernel = "fill_uniform_bf16";
        break;
      case FP8_E4M3:
        kernel = "fill_uniform_e4m3";
        break;
      case FP32:
        kernel = "fill_uniform_f32";
        break;
      case INT32:
        kernel = "fill_uniform_i32";
        break;
      case KV_FP8_656:
        kernel = "fill_uniform_kv656";
        break;
      default:
        throw new IllegalArgumentException("buffer: " + b.dtype() + " has no random fill");
    }
    int blocks = smCount * 8;
    launch(
        "fill",
        kernel,
        "CudaBackend.fillRandom",
        new int[] {blocks, 1, 1},
        new int[] {256, 1, 1},
        0,
        b,
        b.elements(),
        seed,
        scale);
  }

  @Override
  public void upload(DeviceBuffer buffer, float[] values) {
    CudaBuffer b = cuda(buffer, "buffer");
    byte[] bytes = HostFormats.encode(b.dtype(), values, b.elements());
    b.wrote();
    makeCurrent("CudaBackend.upload");
    Cuda.call(
        "cuMemcpyHtoD(" + bytes.length + " bytes)",
        "CudaBackend.upload",
        () -> JCudaDriver.cuMemcpyHtoD(b.pointer(), Pointer.to(bytes), bytes.length));
  }

  @Override
  public void uploadInts(DeviceBuffer buffer, int[] values) {
    CudaBuffer b = cuda(buffer, "buffer");
    if (b.dtype() != DType.INT32 || values.length != b.elements()) {
      throw new IllegalArgumentException(
          "values: " + values.length + " ints do not fill " + b.dtype() + "[" + b.elements() + "]");
    }
    b.wrote();
    makeCurrent("CudaBackend.uploadInts");
    Cuda.call(
        "cuMemcpyHtoD(" + 4L * values.length + " bytes)",
        "CudaBackend.uploadInts",
        () -> JCudaDriver.cuMemcpyHtoD(b.pointer(), Pointer.to(values), 4L * values.length));
  }

  private byte[] downloadBytes(CudaBuffer b, String site) {
    if (b.bytes() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "buffer: " + b.bytes() + " bytes is more than one host array holds");
    }
    byte[] bytes = new byte[(int) b.bytes()];
    makeCurrent(site);
    Cuda.call(
        "cuMemcpyDtoH(" + bytes.length + " bytes)",
        site,
        () -> JCudaDriver.cuMemcpyDtoH(Pointer.to(bytes), b.pointer(), bytes.length));
    return bytes;
  }

  @Override
  public float[] download(DeviceBuffer buffer) {
    CudaBuffer b = cuda(buffer, "buffer");
    return HostFormats.decode(b.dtype(), downloadBytes(b, "CudaBackend.download"), b.elements());
  }

  @Override
  public int[] downloadInts(DeviceBuffer buffer) {
    CudaBuffer b = cuda(buffer, "buffer");
    if (b.dtype() != DType.INT32) {
      throw new IllegalArgumentException("buffer: " + b.dtype() + " is not INT32");
    }
    int[] out = new int[Math.toIntExact(b.elements())];
    makeCurrent("CudaBackend.downloadInts");
    Cuda.call(
        "cuMemcpyDtoH(" + 4L * out.length + " bytes)",
        "CudaBackend.downloadInts",
        () -> JCudaDriver.cuMemcpyDtoH(Pointer.to(out), b.pointer(), 4L * out.length));
    return out;
  }

  @Override
  public DeviceTimer timer() {
    makeCurrent("CudaBackend.timer");
    return new CudaTimer(this, stream);
  }

  @Override
  public void synchronize() {
    makeCurrent("CudaBackend.synchronize");
    Cuda.call("cuCtxSynchronize", "CudaBackend.synchronize", JCudaDriver::cuCtxSynchronize);
  }

  // ---- dense MLA ----

  @Override
  public void densePrefill(Ops.DensePrefill op) {
    String site = "CudaBackend.densePrefill";
    if (hopper) {
      prefillV3(site).launch(op, smCount);
    } else {
      prefillV1(site).launch(op);
    }
  }

  private synchronized DensePrefillV3 prefillV3(String site) {
    if (prefillV3 == null) {
      makeCurrent(site);
      prefillV3 = new DensePrefillV3(this, site);
    }
    return prefillV3;
  }

  private synchronized DensePrefillV1 prefillV1(String site) {
    if (prefillV1 == null) {
      makeCurrent(site);
      prefillV1 = new DensePrefillV1(this, site);
    }
    return prefillV1;
  }

  @Override
  public void denseDecode(Ops.DenseDecode op) {
    String site = "CudaBackend.denseDecode";
    if (hopper) {
      decodeV3(site).launch(op, smCount);
    } else {
      decodeV1(site).launch(op, smCount);
    }
  }

  private synchronized DenseDecodeV3 decodeV3(String site) {
    if (decodeV3 == null) {
      makeCurrent(site);
      decodeV3 = new DenseDecodeV3(this, site);
    }
    return decodeV3;
  }

  private synchronized DenseDecodeV1 decodeV1(String site) {
    if (decodeV1 == null) {
      makeCurrent(site);
      decodeV1 = new DenseDecodeV1(this, site);
    }
    return decodeV1;
  }

  // ---- DSA: CudaDsaOps ----

  @Override
  public void indexer(Ops.Indexer op) {
    dsa.indexer(op);
  }

  @Override
  public void topK(Ops.TopK op) {
    dsa.topK(op);
  }

  @Override
  public void sparsePrefill(Ops.SparseAttention op) {
    dsa.sparsePrefill(op);
  }

  @Override
  public void sparseDecode(Ops.SparseAttention op) {
    dsa.sparseDecode(op);
  }

  // ---- the rest of the model (issue 21) ----

  @Override
  public void fp8Gemm(Ops.Fp8Gemm op) {
    CudaGemmOps.requireRunnable(name(), hopper, info.name(), info.computeCapability());
    gemm("CudaBackend.fp8Gemm").launch(op, smCount);
  }

  private synchronized CudaGemmOps gemm(String site) {
    if (gemm == null) {
      makeCurrent(site);
      gemm = new CudaGemmOps(this, site);
    }
    return gemm;
  }

  @Override
  public void swiGluQuant(Ops.SwiGluQuant op) {
    moe.swiGluQuant(op);
  }

  @Override
  public void router(Ops.Router op) {
    moe.router(op);
  }

  @Override
  public synchronized void close() {
    if (!open) {
      return;
    }
    makeCurrentQuietly();
    Cuda.quietly(JCudaDriver::cuCtxSynchronize);
    if (workspace != null) {
      workspace.close();
      workspace = null;
    }
    if (prefillV3 != null) {
      prefillV3.close();
      prefillV3 = null;
    }
    if (gemm != null) {
      gemm.close();
      gemm = null;
    }
    moe.close();
    // The other launchers hold no device memory of their own, nor do the DSA ops (their scratch is
    // the workspace; an indexer g variant's group maxima belong to the logits buffer they
    // describe).
    decodeV3 = null;
    prefillV1 = null;
    decodeV1 = null;
    List<CudaModule> loaded = new ArrayList<>(modules.values());
    modules.clear();
    for (CudaModule m : loaded) {
      m.close();
    }
    open = false;
    // Releasing the primary context frees any buffer a caller forgot to close.
    Cuda.quietly(() -> JCudaDriver.cuDevicePrimaryCtxRelease(device));
  }
}
