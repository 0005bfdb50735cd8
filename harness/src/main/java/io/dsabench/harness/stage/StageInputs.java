package io.dsabench.harness.stage;

import io.dsabench.kernels.Backend;
import io.dsabench.kernels.DType;
import io.dsabench.kernels.DeviceBuffer;
import io.dsabench.kernels.Mla;
import io.dsabench.kernels.Ops;
import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.KvFormat;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The device buffers of one sweep point, laid out as DeepSeek-V3.2 serves: an FP8 lightning indexer
 * (e4m3 q and k, one fp32 scale per k row), the sparse-decode cache in the 656-byte FP8 format and
 * the sparse-prefill cache in bf16 ({@link WorkloadModel#kvFormat}), dense MLA in bf16. Inputs are
 * random (never zeros, so a kernel that reads nothing cannot pass validation).
 *
 * <p>Inputs may exist in several copies ("sets"), and a sample issues its op on set {@code i mod
 * sets}: when a set is smaller than the L2 cache, rotating keeps each sample from rereading what
 * the previous one left in L2. Outputs are shared by all sets (written, never read across samples).
 * Every set gets real indexer logits and top-k indices at allocation, so that the top-k and sparse
 * stages can be timed on their own with the inputs they see in the pipeline.
 */
public final class StageInputs implements StageWork, AutoCloseable {
  /** One buffer a set needs. */
  public record BufferSpec(String name, DType dtype, long elements) {}

  /** Largest output validated by downloading it (elements): bigger ones are not copied to host. */
  static final long VALIDATE_MAX_ELEMENTS = 1L << 28;

  private final Backend backend;
  private final SweepPoint point;
  private final int batch;
  private final int perSeq;
  private final List<Set> sets = new ArrayList<>();
  private final List<DeviceBuffer> owned = new ArrayList<>();
  private DeviceBuffer out;

  /** The buffers of one set of inputs, and the ops that read them. */
  private static final class Set {
    DeviceBuffer q;
    DeviceBuffer k;
    DeviceBuffer v;
    DeviceBuffer cache;
    DeviceBuffer iq;
    DeviceBuffer iw;
    DeviceBuffer ik;
    DeviceBuffer iks;
    DeviceBuffer logits;
    DeviceBuffer indices;
  }

  private StageInputs(Backend backend, SweepPoint point, int decodeTokensPerSeq) {
    this.backend = backend;
    this.point = point;
    this.perSeq = tokensPerSeq(point, decodeTokensPerSeq);
    this.batch = point.tokens() / perSeq;
  }

  /**
   * Query tokens per sequence of the point: the whole chunk for prefill (one sequence), {@code
   * decodeTokensPerSeq} for decode (tokens/N sequences; N = 2 is decode with one MTP draft token).
   *
   * @throws IllegalArgumentException when N is not positive or does not divide a decode point's
   *     tokens
   */
  public static int tokensPerSeq(SweepPoint point, int decodeTokensPerSeq) {
    if (point.phase() == Phase.PREFILL) {
      return point.tokens();
    }
    if (decodeTokensPerSeq < 1 || point.tokens() % decodeTokensPerSeq != 0) {
      throw new BadInputException(
          "decode-tokens-per-seq: "
              + decodeTokensPerSeq
              + " does not divide the "
              + point.tokens()
              + " tokens of "
              + point.key());
    }
    return decodeTokensPerSeq;
  }

  /** {@link #setPlan(SweepPoint, WorkloadModel, int)} with one query token per decode sequence. */
  public static List<BufferSpec> setPlan(SweepPoint point, WorkloadModel model) {
    return setPlan(point, model, 1);
  }

  /**
   * Buffers of one input set of the point (inputs, intermediates), without the shared output. Query
   * buffers hold all the point's tokens; caches are per sequence: one for prefill, tokens/N for
   * decode with N = {@code decodeTokensPerSeq}.
   */
  public static List<BufferSpec> setPlan(
      SweepPoint point, WorkloadModel model, int decodeTokensPerSeq) {
    long n = point.tokens();
    long p = point.position();
    boolean prefill = point.phase() == Phase.PREFILL;
    // decode: tokens/N sequences, each with its own cache
    long seqs = prefill ? 1 : n / tokensPerSeq(point, decodeTokensPerSeq);
    List<BufferSpec> b = new ArrayList<>();
    if (point.variant() == Variant.DENSE) {
      if (prefill) {
        b.add(new BufferSpec("q", DType.BF16, n * Mla.HEADS * Mla.QK_DIM));
        b.add(new BufferSpec("k", DType.BF16, p * Mla.HEADS * Mla.QK_DIM));
        b.add(new BufferSpec("v", DType.BF16, p * Mla.HEADS * Mla.V_DIM));
      } else {
        b.add(new BufferSpec("q", DType.BF16, n * Mla.HEADS * Mla.KV_DIM));
        b.add(new BufferSpec("cache", DType.BF16, seqs * p * Mla.KV_DIM));
      }
      return b;
    }
    b.add(new BufferSpec("indexer q", DType.FP8_E4M3, n * Mla.INDEX_HEADS * Mla.INDEX_DIM));
    b.add(new BufferSpec("indexer weights", DType.FP32, n * Mla.INDEX_HEADS));
    b.add(new BufferSpec("indexer k", DType.FP8_E4M3, seqs * p * Mla.INDEX_DIM));
    b.add(new BufferSpec("indexer k scales", DType.FP32, seqs * p));
    b.add(new BufferSpec("logits", DType.FP32, n * p));
    b.add(new BufferSpec("indices", DType.INT32, n * Mla.TOP_K));
    b.add(new BufferSpec("q", DType.BF16, n * Mla.HEADS * Mla.KV_DIM));
    if (model.kvFormat(point.phase()) == KvFormat.FP8) {
      b.add(new BufferSpec("cache", DType.KV_FP8_656, seqs * p));
    } else {
      b.add(new BufferSpec("cache", DType.BF16, seqs * p * Mla.KV_DIM));
    }
    return b;
  }

  /** The shared output buffer of the point. */
  public static BufferSpec outputPlan(SweepPoint point) {
    long n = point.tokens();
    boolean densePrefill = point.variant() == Variant.DENSE && point.phase() == Phase.PREFILL;
    return densePrefill
        ? new BufferSpec("out", DType.BF16, n * Mla.HEADS * Mla.V_DIM)
        : new BufferSpec("out", DType.BF16, n * Mla.HEADS * Mla.LATENT_DIM);
  }

  /**
   * Memory one input set occupies on {@code backend}: device bytes on GPUs; the cpu backend holds
   * bf16 as fp32, so it needs twice the bytes for those.
   */
  public static long setBytes(
      SweepPoint point, WorkloadModel model, int decodeTokensPerSeq, String backend) {
    long sum = 0;
    for (BufferSpec s : setPlan(point, model, decodeTokensPerSeq)) {
      sum += bytes(s, backend);
    }
    return sum;
  }

  /** Memory the point needs with one input set, output included. */
  public static long footprintBytes(
      SweepPoint point, WorkloadModel model, int decodeTokensPerSeq, String backend) {
    return setBytes(point, model, decodeTokensPerSeq, backend) + bytes(outputPlan(point), backend);
  }

  private static long bytes(BufferSpec s, String backend) {
    int per = "cpu".equals(backend) && s.dtype() == DType.BF16 ? 4 : s.dtype().bytes();
    return s.elements() * per;
  }

  /** How many input sets rotate within {@code budgetBytes} (1 when a set alone fills it). */
  public static int rotationSets(long setBytes, long budgetBytes) {
    if (setBytes >= budgetBytes) {
      return 1;
    }
    return (int) Math.min(8, (budgetBytes + setBytes - 1) / setBytes);
  }

  /**
   * Allocates and fills {@code setCount} input sets and the output, then runs the indexer and top-k
   * once per set (dsa) so that every set holds real logits and indices.
   *
   * @throws io.dsabench.kernels.KernelException with outOfMemory when the backend runs out
   */
  public static StageInputs allocate(
      Backend backend,
      SweepPoint point,
      WorkloadModel model,
      int decodeTokensPerSeq,
      int setCount,
      long seed,
      float scale) {
    StageInputs in = new StageInputs(backend, point, decodeTokensPerSeq);
    try {
      SplittableRandom rnd = new SplittableRandom(seed);
      BufferSpec o = outputPlan(point);
      in.out = in.alloc(o);
      for (int i = 0; i < setCount; i++) {
        Set s = new Set();
        for (BufferSpec spec : setPlan(point, model, decodeTokensPerSeq)) {
          DeviceBuffer b = in.alloc(spec);
          switch (spec.name()) {
            case "q" -> s.q = b;
            case "k" -> s.k = b;
            case "v" -> s.v = b;
            case "cache" -> s.cache = b;
            case "indexer q" -> s.iq = b;
            case "indexer weights" -> s.iw = b;
            case "indexer k" -> s.ik = b;
            case "indexer k scales" -> s.iks = b;
            case "logits" -> s.logits = b;
            case "indices" -> s.indices = b;
            default -> throw new IllegalStateException("buffer: '" + spec.name() + "' unknown");
          }
          if (spec.name().equals("indexer k scales")) {
            // fp8 scales must be positive: uploaded, not filled with signed noise.
            float[] scales = new float[(int) spec.elements()];
            for (int j = 0; j < scales.length; j++) {
              scales[j] = Float.isNaN(scale) ? Float.NaN : (float) (0.5 + rnd.nextDouble());
            }
            backend.upload(b, scales);
          } else if (!spec.name().equals("logits") && !spec.name().equals("indices")) {
            backend.fillRandom(b, rnd.nextLong(), scale);
          }
        }
        in.sets.add(s);
        if (point.variant() == Variant.DSA) {
          in.issue(Op.INDEXER, i);
          in.issue(Op.TOPK, i);
        }
      }
      backend.synchronize();
      return in;
    } catch (RuntimeException | Error e) {
      in.close();
      throw e;
    }
  }

  private DeviceBuffer alloc(BufferSpec spec) {
    DeviceBuffer b = backend.allocate(spec.dtype(), spec.elements());
    owned.add(b);
    return b;
  }

  /** The top-k indices of set {@code set}, [batch, tokensPerSeq, k] (tests read them back). */
  DeviceBuffer indices(int set) {
    return sets.get(set % sets.size()).indices;
  }

  /** Sequences the ops see: 1 for prefill, tokens/N for decode. */
  public int batch() {
    return batch;
  }

  /** Query tokens per sequence the ops see. */
  public int tokensPerSeq() {
    return perSeq;
  }

  @Override
  public int sets() {
    return sets.size();
  }

  /** Issues one stage (or the whole variant for {@link Op#TOTAL}) on input set {@code set}. */
  @Override
  public void issue(Op op, int set) {
    Set s = sets.get(set % sets.size());
    int n = point.tokens();
    int p = point.position();
    switch (op) {
      case DENSE_PREFILL -> backend.densePrefill(new Ops.DensePrefill(s.q, s.k, s.v, out, n, p));
      case DENSE_DECODE ->
          backend.denseDecode(new Ops.DenseDecode(s.q, s.cache, out, batch, perSeq, p));
      case INDEXER ->
          backend.indexer(new Ops.Indexer(s.iq, s.iw, s.ik, s.iks, s.logits, batch, perSeq, p));
      case TOPK -> backend.topK(new Ops.TopK(s.logits, s.indices, batch, perSeq, p, Mla.TOP_K));
      case SPARSE_PREFILL ->
          backend.sparsePrefill(
              new Ops.SparseAttention(s.q, s.cache, s.indices, out, batch, perSeq, p, Mla.TOP_K));
      case SPARSE_DECODE ->
          backend.sparseDecode(
              new Ops.SparseAttention(s.q, s.cache, s.indices, out, batch, perSeq, p, Mla.TOP_K));
      case TOTAL -> {
        for (Op stage : WorkloadModel.stages(point.phase(), point.variant())) {
          issue(stage, set);
        }
      }
      default -> throw new BadInputException("op: " + op + " is not a stage");
    }
  }

  /**
   * Checks what {@code op} wrote on set {@code set}: attention outputs and indexer logits must hold
   * no NaN (logits of invisible keys are −∞ by contract), top-k indices must lie in [−1, position).
   * Buffers above {@value #VALIDATE_MAX_ELEMENTS} elements are not copied to the host.
   *
   * @return what is wrong, or null
   */
  @Override
  public String validate(Op op, int set) {
    Set s = sets.get(set % sets.size());
    switch (op) {
      case TOTAL -> {
        for (Op stage : WorkloadModel.stages(point.phase(), point.variant())) {
          String bad = validate(stage, set);
          if (bad != null) {
            return bad;
          }
        }
        return null;
      }
      case TOPK -> {
        if (s.indices.elements() > VALIDATE_MAX_ELEMENTS) {
          return null;
        }
        int[] idx = backend.downloadInts(s.indices);
        for (int i = 0; i < idx.length; i++) {
          if (idx[i] < -1 || idx[i] >= point.position()) {
            return "topk: index "
                + idx[i]
                + " at "
                + i
                + " is outside [-1, "
                + point.position()
                + ")";
          }
        }
        return null;
      }
      case INDEXER -> {
        return finite("indexer logits", s.logits, true);
      }
      default -> {
        return finite(op.id() + " output", out, false);
      }
    }
  }

  private String finite(String what, DeviceBuffer b, boolean allowNegInf) {
    if (b.elements() > VALIDATE_MAX_ELEMENTS) {
      return null;
    }
    float[] v = backend.download(b);
    for (int i = 0; i < v.length; i++) {
      float x = v[i];
      if (Float.isNaN(x)
          || (x == Float.POSITIVE_INFINITY)
          || (!allowNegInf && Float.isInfinite(x))) {
        return "NaN or infinity in " + what + " (element " + i + " is " + x + ")";
      }
    }
    return null;
  }

  /** Frees every buffer; never throws. */
  @Override
  public void close() {
    for (DeviceBuffer b : owned) {
      b.close();
    }
    owned.clear();
    sets.clear();
  }
}
