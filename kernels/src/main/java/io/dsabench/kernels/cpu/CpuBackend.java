package io.dsabench.kernels.cpu;

import io.dsabench.kernels.Backend;
import io.dsabench.kernels.DType;
import io.dsabench.kernels.DeviceBuffer;
import io.dsabench.kernels.DeviceInfo;
import io.dsabench.kernels.DeviceTimer;
import io.dsabench.kernels.KernelException;
import io.dsabench.kernels.Mla;
import io.dsabench.kernels.Ops;
import io.dsabench.kernels.numerics.Bf16;
import io.dsabench.kernels.numerics.E4m3;
import io.dsabench.kernels.numerics.KvFp8;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;

/**
 * The pure-Java reference backend: every op on the heap, fp32 accumulation over inputs rounded to
 * their {@link DType} exactly as a GPU holds them, bf16 outputs, multi-threaded on its own {@link
 * ForkJoinPool} (one thread per core). Calls are synchronous, so {@link #synchronize()} has nothing
 * to wait for and the {@link DeviceTimer} is {@link System#nanoTime()}.
 *
 * <p>The rest of a layer (FP8 GEMMs, the expert activation, the router) follows DeepSeek-V3's FP8
 * recipe: e4m3 operands with 1×128 / 128×128 fp32 scales, fp32 accumulation, bf16 GEMM outputs.
 *
 * <p>It is the reference that every cuda kernel is checked against, and what {@code dsabench bench}
 * measures on a machine without a GPU.
 */
public final class CpuBackend implements Backend {
  /** Short name under which {@link CpuProvider} registers it. */
  public static final String NAME = "cpu";

  // Chunks of fillRandom get their own generator, so the result does not depend on thread count.
  private static final int FILL_CHUNK = 1 << 16;

  private final ForkJoinPool pool;
  private final Parallel par;
  private final DeviceInfo device;

  /** A backend with one worker thread per available processor. */
  public CpuBackend() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /** A backend with {@code threads} worker threads. */
  public CpuBackend(int threads) {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads: " + threads + " is not a positive count");
    }
    this.pool = new ForkJoinPool(threads);
    this.par = new Parallel(pool);
    this.device =
        new DeviceInfo(
            cpuModel(),
            System.getProperty("os.arch", "unknown"),
            "Java " + Runtime.version(),
            threads,
            Runtime.getRuntime().maxMemory());
  }

  private static String cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String line : lines) {
        if (line.startsWith("model name")) {
          int colon = line.indexOf(':');
          String model = line.substring(colon + 1).trim();
          if (!model.isEmpty()) {
            return model;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // No /proc/cpuinfo (macOS, Windows, a sandbox): fall through to the JVM's view.
    }
    return System.getProperty("os.arch", "unknown") + " cpu";
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DeviceInfo device() {
    return device;
  }

  @Override
  public DeviceBuffer allocate(DType dtype, long elements) {
    if (dtype == null) {
      throw new IllegalArgumentException("dtype: null is not an element type");
    }
    if (elements < 0) {
      throw new IllegalArgumentException("elements: " + elements + " is not a non-negative count");
    }
    long length = CpuBuffer.storageLength(dtype, elements);
    long bytes = CpuBuffer.storageBytes(dtype, elements);
    long max = Runtime.getRuntime().maxMemory();
    if (length > Integer.MAX_VALUE - 8) {
      throw new KernelException(
          "cpu: allocate("
              + dtype
              + ", "
              + elements
              + ") needs "
              + length
              + " array elements, more than one Java array holds",
          true);
    }
    if (bytes > max) {
      throw new KernelException(
          "cpu: allocate("
              + dtype
              + ", "
              + elements
              + ") needs "
              + bytes
              + " bytes, more than the "
              + max
              + "-byte heap",
          true);
    }
    try {
      return new CpuBuffer(dtype, elements);
    } catch (OutOfMemoryError e) {
      throw new KernelException(
          "cpu: allocate(" + dtype + ", " + elements + ") ran out of heap: " + e.getMessage(),
          true,
          e);
    }
  }

  private static CpuBuffer own(String field, DeviceBuffer buffer) {
    if (buffer instanceof CpuBuffer b) {
      return b;
    }
    throw new IllegalArgumentException(
        field
            + ": "
            + (buffer == null ? "null" : buffer.getClass().getName())
            + " is not a cpu buffer");
  }

  @Override
  public void fillRandom(DeviceBuffer buffer, long seed, float scale) {
    CpuBuffer b = own("buffer", buffer);
    if (!(scale >= 0f) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException("scale: " + scale + " is not a finite non-negative value");
    }
    long n = b.elements();
    int unit = b.dtype() == DType.KV_FP8_656 ? 64 : FILL_CHUNK;
    int chunks = (int) ((n + unit - 1) / unit);
    par.forEach(
        chunks,
        c -> {
          SplittableRandom rnd = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (c + 1)));
          int from = c * unit;
          int to = (int) Math.min(n, (long) from + unit);
          switch (b.dtype()) {
            case BF16 -> {
              float[] f = b.floats();
              for (int i = from; i < to; i++) {
                f[i] = Bf16.round(uniform(rnd, scale));
              }
            }
            case FP32 -> {
              float[] f = b.floats();
              for (int i = from; i < to; i++) {
                f[i] = uniform(rnd, scale);
              }
            }
            case FP8_E4M3 -> {
              byte[] codes = b.raw();
              for (int i = from; i < to; i++) {
                codes[i] = E4m3.fromFloat(uniform(rnd, scale));
              }
            }
            case INT32 -> {
              int[] ints = b.ints();
              for (int i = from; i < to; i++) {
                ints[i] = Math.round(uniform(rnd, scale));
              }
            }
            case KV_FP8_656 -> {
              float[] values = new float[KvFp8.VALUES];
              byte[] entries = b.raw();
              for (int i = from; i < to; i++) {
                for (int j = 0; j < values.length; j++) {
                  values[j] = uniform(rnd, scale);
                }
                KvFp8.encode(values, 0, entries, i * KvFp8.ENTRY_BYTES);
              }
            }
          }
        });
  }

  private static float uniform(SplittableRandom rnd, float scale) {
    return (float) ((rnd.nextDouble() * 2 - 1) * scale);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code values} may be shorter than the buffer (a prefix is written) but not longer.
   */
  @Override
  public void upload(DeviceBuffer buffer, float[] values) {
    CpuBuffer b = own("buffer", buffer);
    long capacity = b.dtype() == DType.KV_FP8_656 ? b.elements() * KvFp8.VALUES : b.elements();
    if (values.length > capacity) {
      throw new IllegalArgumentException(
          "values: "
              + values.length
              + " floats exceed the "
              + capacity
              + " that a "
              + b.dtype()
              + " buffer of "
              + b.elements()
              + " elements holds");
    }
    switch (b.dtype()) {
      case BF16 -> Bf16.round(values, 0, b.floats(), 0, values.length);
      case FP32 -> System.arraycopy(values, 0, b.floats(), 0, values.length);
      case FP8_E4M3 -> E4m3.encode(values, 0, b.raw(), 0, values.length);
      case INT32 -> {
        int[] ints = b.ints();
        for (int i = 0; i < values.length; i++) {
          ints[i] = (int) values[i];
        }
      }
      case KV_FP8_656 -> {
        if (values.length % KvFp8.VALUES != 0) {
          throw new IllegalArgumentException(
              "values: " + values.length + " floats is not a whole number of 576-float entries");
        }
        byte[] entries = b.raw();
        int tokens = values.length / KvFp8.VALUES;
        par.forEach(
            (tokens + 1023) / 1024,
            c -> {
              int to = Math.min(tokens, (c + 1) * 1024);
              for (int t = c * 1024; t < to; t++) {
                KvFp8.encode(values, t * KvFp8.VALUES, entries, t * KvFp8.ENTRY_BYTES);
              }
            });
      }
    }
  }

  @Override
  public void uploadInts(DeviceBuffer buffer, int[] values) {
    CpuBuffer b = own("buffer", buffer);
    if (b.dtype() != DType.INT32) {
      throw new IllegalArgumentException("buffer: " + b.dtype() + " is not INT32");
    }
    if (values.length > b.elements()) {
      throw new IllegalArgumentException(
          "values: " + values.length + " ints exceed the " + b.elements() + " the buffer holds");
    }
    System.arraycopy(values, 0, b.ints(), 0, values.length);
  }

  @Override
  public float[] download(DeviceBuffer buffer) {
    CpuBuffer b = own("buffer", buffer);
    long n = b.dtype() == DType.KV_FP8_656 ? b.elements() * KvFp8.VALUES : b.elements();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "buffer: " + n + " values do not fit one float[] to download into");
    }
    return switch (b.dtype()) {
      case BF16, FP32 -> b.floats().clone();
      case FP8_E4M3 -> {
        float[] out = new float[(int) n];
        E4m3.decode(b.raw(), 0, out, 0, out.length);
        yield out;
      }
      case INT32 -> {
        int[] ints = b.ints();
        float[] out = new float[ints.length];
        for (int i = 0; i < ints.length; i++) {
          out[i] = ints[i];
        }
        yield out;
      }
      case KV_FP8_656 -> KvFp8.decodeAll(b.raw(), (int) b.elements());
    };
  }

  @Override
  public int[] downloadInts(DeviceBuffer buffer) {
    CpuBuffer b = own("buffer", buffer);
    if (b.dtype() != DType.INT32) {
      throw new IllegalArgumentException("buffer: " + b.dtype() + " is not INT32");
    }
    return b.ints().clone();
  }

  @Override
  public DeviceTimer timer() {
    return new CpuTimer();
  }

  @Override
  public void synchronize() {}

  @Override
  public void densePrefill(Ops.DensePrefill op) {
    MhaKernel.run(
        par,
        own("q", op.q()).floats(),
        own("k", op.k()).floats(),
        own("v", op.v()).floats(),
        own("out", op.out()).floats(),
        op.tokens(),
        op.position());
  }

  @Override
  public void denseDecode(Ops.DenseDecode op) {
    float[] cache = own("cache", op.cache()).floats();
    int t = op.tokensPerSeq();
    int p = op.position();
    MqaKernel.run(
        par,
        own("q", op.q()).floats(),
        own("out", op.out()).floats(),
        op.batch() * t,
        new MqaKernel.Keys() {
          @Override
          int count(int row) {
            return p - t + row % t + 1;
          }

          @Override
          float[] block(int row, int from, int n, float[] scratch, int[] offset) {
            offset[0] = ((row / t) * p + from) * Mla.KV_DIM;
            return cache;
          }
        });
  }

  @Override
  public void indexer(Ops.Indexer op) {
    CpuBuffer q = own("q", op.q());
    CpuBuffer k = own("k", op.k());
    boolean fp8 = op.fp8();
    IndexerKernel.run(
        par,
        fp8 ? null : q.floats(),
        fp8 ? q.raw() : null,
        own("weights", op.weights()).floats(),
        fp8 ? null : k.floats(),
        fp8 ? k.raw() : null,
        fp8 ? own("kScales", op.kScales()).floats() : null,
        own("logits", op.logits()).floats(),
        op.batch(),
        op.tokensPerSeq(),
        op.position());
  }

  @Override
  public void topK(Ops.TopK op) {
    TopKKernel.run(
        par,
        own("logits", op.logits()).floats(),
        own("indices", op.indices()).ints(),
        op.batch(),
        op.tokensPerSeq(),
        op.position(),
        op.k());
  }

  /**
   * Same math as {@link #sparseDecode}: the cpu has no reason to treat one sequence apart, so any
   * batch is accepted.
   */
  @Override
  public void sparsePrefill(Ops.SparseAttention op) {
    sparse(op);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Indices are taken as given (the causal mask is top-k's job); one that is neither -1 nor a
   * key position throws {@link IllegalArgumentException} naming it. A row with no index at all
   * outputs zeros.
   */
  @Override
  public void sparseDecode(Ops.SparseAttention op) {
    sparse(op);
  }

  @Override
  public void fp8Gemm(Ops.Fp8Gemm op) {
    Fp8GemmKernel.run(
        par,
        own("a", op.a()).raw(),
        own("aScales", op.aScales()).floats(),
        own("b", op.b()).raw(),
        own("bScales", op.bScales()).floats(),
        own("out", op.out()).floats(),
        op.groupRows(),
        op.n(),
        op.k());
  }

  @Override
  public void swiGluQuant(Ops.SwiGluQuant op) {
    SwiGluKernel.run(
        par,
        own("in", op.in()).floats(),
        own("out", op.out()).raw(),
        own("outScales", op.outScales()).floats(),
        op.m(),
        op.width());
  }

  @Override
  public void router(Ops.Router op) {
    RouterKernel.run(
        par,
        own("x", op.x()).floats(),
        own("w", op.w()).floats(),
        own("bias", op.bias()).floats(),
        own("weights", op.weights()).floats(),
        own("indices", op.indices()).ints(),
        op.m(),
        op.hidden(),
        op.experts(),
        op.groups(),
        op.topKGroups(),
        op.topK());
  }

  private void sparse(Ops.SparseAttention op) {
    int rows = op.batch() * op.tokensPerSeq();
    int k = op.k();
    int p = op.position();
    int[] indices = own("indices", op.indices()).ints();
    int[][] selected = new int[rows][];
    for (int r = 0; r < rows; r++) {
      int n = 0;
      int[] sel = new int[k];
      for (int i = 0; i < k; i++) {
        int idx = indices[r * k + i];
        if (idx == -1) {
          continue;
        }
        if (idx < -1 || idx >= p) {
          throw new IllegalArgumentException(
              "indices: "
                  + idx
                  + " at row "
                  + r
                  + ", slot "
                  + i
                  + " is neither -1 nor a key position in 0.."
                  + (p - 1));
        }
        sel[n++] = idx;
      }
      selected[r] = Arrays.copyOf(sel, n);
    }
    int t = op.tokensPerSeq();
    CpuBuffer cache = own("cache", op.cache());
    MqaKernel.Keys keys;
    if (op.fp8Cache()) {
      byte[] entries = cache.raw();
      keys =
          new MqaKernel.Keys() {
            @Override
            int count(int row) {
              return selected[row].length;
            }

            @Override
            float[] block(int row, int from, int n, float[] scratch, int[] offset) {
              long seq = (long) (row / t) * p;
              for (int i = 0; i < n; i++) {
                int src = (int) ((seq + selected[row][from + i]) * KvFp8.ENTRY_BYTES);
                KvFp8.decode(entries, src, scratch, i * Mla.KV_DIM);
              }
              offset[0] = 0;
              return scratch;
            }
          };
    } else {
      float[] values = cache.floats();
      keys =
          new MqaKernel.Keys() {
            @Override
            int count(int row) {
              return selected[row].length;
            }

            @Override
            float[] block(int row, int from, int n, float[] scratch, int[] offset) {
              int seq = (row / t) * p;
              for (int i = 0; i < n; i++) {
                System.arraycopy(
                    values,
                    (seq + selected[row][from + i]) * Mla.KV_DIM,
                    scratch,
                    i * Mla.KV_DIM,
                    Mla.KV_DIM);
              }
              offset[0] = 0;
              return scratch;
            }
          };
    }
    MqaKernel.run(par, own("q", op.q()).floats(), own("out", op.out()).floats(), rows, keys);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
