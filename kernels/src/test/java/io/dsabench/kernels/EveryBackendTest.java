package io.dsabench.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dsabench.kernels.check.CaseResult;
import io.dsabench.kernels.check.CheckCase;
import io.dsabench.kernels.check.CheckOp;
import io.dsabench.kernels.check.CheckReport;
import io.dsabench.kernels.check.KernelCheck;
import io.dsabench.kernels.numerics.Bf16;
import io.dsabench.kernels.numerics.E4m3;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One suite, every backend that opens here (HdrHistogram style): {@code cpu} everywhere, {@code
 * cuda} too on a GPU machine. Properties that must hold whatever the kernel: DSA with k >= p equals
 * dense attention, top-k picks the largest and never a future key, softmax weights sum to one,
 * random fills are deterministic and rounded, bad arguments are refused with the exact message; and
 * the quick cases of {@link KernelCheck} against the float64 formulas.
 */
class EveryBackendTest {
  private static final Map<String, Backend> OPEN = new LinkedHashMap<>();

  static synchronized Stream<Named<Backend>> backends() {
    if (OPEN.isEmpty()) {
      for (String name : Backends.names()) {
        try {
          OPEN.put(name, Backends.open(name));
        } catch (BackendUnavailableException e) {
          // Not on this machine (no GPU in CI): the suite runs on the backends that do open. The
          // cpu backend needs nothing but the JVM, so it is never allowed to be missing; any
          // other exception is a broken backend and fails the suite (it propagates).
          if ("cpu".equals(name)) {
            throw new AssertionError("the cpu backend must open everywhere", e);
          }
          System.out.println("EveryBackendTest: skipping " + name + ": " + e.getMessage());
        }
      }
    }
    return OPEN.entrySet().stream().map(e -> Named.of(e.getKey(), e.getValue()));
  }

  @AfterAll
  static synchronized void closeAll() {
    OPEN.values().forEach(Backend::close);
    OPEN.clear();
  }

  private static float[] uniform(long seed, int n, float scale) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
    }
    return x;
  }

  private static DeviceBuffer put(Backend be, List<DeviceBuffer> held, DType t, float[] v) {
    long n = t == DType.KV_FP8_656 ? v.length / Mla.KV_DIM : v.length;
    DeviceBuffer b = be.allocate(t, n);
    held.add(b);
    be.upload(b, v);
    return b;
  }

  private static DeviceBuffer alloc(Backend be, List<DeviceBuffer> held, DType t, long n) {
    DeviceBuffer b = be.allocate(t, n);
    held.add(b);
    return b;
  }

  private static double relL2(float[] got, float[] want) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < want.length; i++) {
      num += (double) (got[i] - want[i]) * (got[i] - want[i]);
      den += (double) want[i] * want[i];
    }
    return Math.sqrt(num / den);
  }

  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("backends")
  void quickCasesMatchTheFloat64Formulas(Backend be) {
    CheckReport r = KernelCheck.againstNaive().run(be, 11, KernelCheck.quickCases());
    assertTrue(r.allPassed(), r.table());
    assertEquals(KernelCheck.quickCases().size(), r.cases().size());
  }

  /** The whole DSA pipeline with k >= p selects every visible key: it must equal dense MQA. */
  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("backends")
  void dsaWithKAtLeastPositionEqualsDenseAttention(Backend be) {
    for (int[] s : new int[][] {{2, 1, 600}, {1, 3, 300}}) {
      int batch = s[0];
      int tps = s[1];
      int p = s[2];
      int k = Mla.TOP_K;
      int rows = batch * tps;
      List<DeviceBuffer> held = new ArrayList<>();
      try {
        DeviceBuffer iq = put(be, held, DType.BF16, uniform(1, rows * 64 * 128, 1f));
        DeviceBuffer w = put(be, held, DType.FP32, uniform(2, rows * 64, 1f));
        DeviceBuffer ik = put(be, held, DType.BF16, uniform(3, batch * p * 128, 1f));
        DeviceBuffer logits = alloc(be, held, DType.FP32, (long) rows * p);
        DeviceBuffer idx = alloc(be, held, DType.INT32, (long) rows * k);
        DeviceBuffer q = put(be, held, DType.BF16, uniform(4, rows * 128 * 576, 1f));
        DeviceBuffer cache = put(be, held, DType.BF16, uniform(5, batch * p * 576, 1f));
        DeviceBuffer sparse = alloc(be, held, DType.BF16, (long) rows * 128 * 512);
        DeviceBuffer dense = alloc(be, held, DType.BF16, (long) rows * 128 * 512);
        be.indexer(new Ops.Indexer(iq, w, ik, null, logits, batch, tps, p));
        be.topK(new Ops.TopK(logits, idx, batch, tps, p, k));
        Ops.SparseAttention op = new Ops.SparseAttention(q, cache, idx, sparse, batch, tps, p, k);
        if (batch == 1) {
          be.sparsePrefill(op);
        } else {
          be.sparseDecode(op);
        }
        be.denseDecode(new Ops.DenseDecode(q, cache, dense, batch, tps, p));
        be.synchronize();
        float[] want = be.download(dense);
        assertTrue(Arrays.stream(toDouble(want)).anyMatch(x -> x != 0), "dense output is zero");
        double err = relL2(be.download(sparse), want);
        assertTrue(err <= 1e-3, "b=" + batch + " t=" + tps + ": relative L2 " + err);
      } finally {
        held.forEach(DeviceBuffer::close);
      }
    }
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("backends")
  void topKTakesTheLargestAndNeverAFutureKeyInPrefill(Backend be) {
    int tokens = 200;
    int p = 2500;
    int k = Mla.TOP_K;
    List<DeviceBuffer> held = new ArrayList<>();
    try {
      // Logits from the fp8 indexer, as DSA prefill makes them.
      float[] kRaw = uniform(6, p * 128, 1f);
      float[] scales = new float[p];
      float[] kv =
          io.dsabench.kernels.numerics.IndexerFp8.quantizeRowsToValues(kRaw, p, 128, scales);
      DeviceBuffer iq =
          put(be, held, DType.FP8_E4M3, E4m3.roundInPlace(uniform(7, tokens * 64 * 128, 50f)));
      DeviceBuffer w = put(be, held, DType.FP32, uniform(8, tokens * 64, 1f));
      DeviceBuffer ik = put(be, held, DType.FP8_E4M3, kv);
      DeviceBuffer ks = put(be, held, DType.FP32, scales);
      DeviceBuffer logits = alloc(be, held, DType.FP32, (long) tokens * p);
      DeviceBuffer idx = alloc(be, held, DType.INT32, (long) tokens * k);
      be.indexer(new Ops.Indexer(iq, w, ik, ks, logits, 1, tokens, p));
      be.topK(new Ops.TopK(logits, idx, 1, tokens, p, k));
      be.synchronize();
      float[] l = be.download(logits);
      int[] got = be.downloadInts(idx);
      for (int t = 0; t < tokens; t++) {
        int last = p - tokens + t;
        for (int i = 0; i < k; i++) {
          int s = got[t * k + i];
          assertTrue(s <= last, "token " + t + " at position " + last + " chose key " + s);
        }
        // The k-th largest visible logit bounds every choice from below.
        float[] visible = Arrays.copyOfRange(l, t * p, t * p + last + 1);
        if (visible.length > k) {
          Arrays.sort(visible);
          float kth = visible[visible.length - k];
          for (int i = 0; i < k; i++) {
            assertTrue(l[t * p + got[t * k + i]] >= kth, "token " + t + " chose below the k-th");
          }
        }
      }
      CaseResult r =
          KernelCheck.checkTopK(new CheckCase(CheckOp.TOPK, 1, tokens, p, k, false), l, got);
      assertTrue(r.passed(), r.reason());
    } finally {
      held.forEach(DeviceBuffer::close);
    }
  }

  /**
   * With the same value vector behind every key, attention returns that vector exactly when the
   * softmax weights sum to one, whatever the scores (the rope dims and keys still differ).
   */
  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("backends")
  void softmaxWeightsSumToOne(Backend be) {
    int batch = 2;
    int tps = 2;
    int p = 333;
    int rows = batch * tps;
    List<DeviceBuffer> held = new ArrayList<>();
    try {
      float[] latent = Bf16.roundInPlace(uniform(9, 512, 1f));
      float[] cache = Bf16.roundInPlace(uniform(10, batch * p * 576, 3f));
      for (int s = 0; s < batch * p; s++) {
        System.arraycopy(latent, 0, cache, s * 576, 512);
      }
      DeviceBuffer q = put(be, held, DType.BF16, uniform(11, rows * 128 * 576, 1f));
      DeviceBuffer c = put(be, held, DType.BF16, cache);
      DeviceBuffer out = alloc(be, held, DType.BF16, (long) rows * 128 * 512);
      be.denseDecode(new Ops.DenseDecode(q, c, out, batch, tps, p));
      assertEachRowIs(be.download(out), latent, "dense decode");

      int k = 100;
      int[] ids = new int[rows * k];
      SplittableRandom rnd = new SplittableRandom(12);
      for (int i = 0; i < ids.length; i++) {
        ids[i] = rnd.nextInt(5) == 0 ? -1 : rnd.nextInt(p - tps + 1);
      }
      DeviceBuffer idx = alloc(be, held, DType.INT32, ids.length);
      be.uploadInts(idx, ids);
      DeviceBuffer fp8 = put(be, held, DType.KV_FP8_656, cache);
      be.sparseDecode(new Ops.SparseAttention(q, fp8, idx, out, batch, tps, p, k));
      float[] dequantized = Arrays.copyOf(be.download(fp8), 512);
      assertEachRowIs(be.download(out), dequantized, "sparse decode over fp8");

      int tokens = 40;
      float[] v = Bf16.roundInPlace(uniform(13, p * 128 * 128, 1f));
      for (int s = 1; s < p; s++) {
        System.arraycopy(v, 0, v, s * 128 * 128, 128 * 128);
      }
      DeviceBuffer pq = put(be, held, DType.BF16, uniform(14, tokens * 128 * 192, 1f));
      DeviceBuffer pk = put(be, held, DType.BF16, uniform(15, p * 128 * 192, 2f));
      DeviceBuffer pv = put(be, held, DType.BF16, v);
      DeviceBuffer po = alloc(be, held, DType.BF16, (long) tokens * 128 * 128);
      be.densePrefill(new Ops.DensePrefill(pq, pk, pv, po, tokens, p));
      assertEachRowIs(be.download(po), Arrays.copyOf(v, 128 * 128), "dense prefill");
    } finally {
      held.forEach(DeviceBuffer::close);
    }
  }

  private static void assertEachRowIs(float[] out, float[] row, String what) {
    for (int i = 0; i < out.length; i++) {
      float want = row[i % row.length];
      // Weights summing to 1 within fp32 leave only the final bf16 rounding: half an ulp, 2^-9.
      float tol = Math.abs(want) * 0x1p-8f + 1e-6f;
      assertEquals(want, out[i], tol, what + " element " + i);
    }
  }

  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("backends")
  void fillRandomIsDeterministicRoundedAndInRange(Backend be) {
    try (DeviceBuffer a = be.allocate(DType.BF16, 100_003);
        DeviceBuffer b = be.allocate(DType.BF16, 100_003);
        DeviceBuffer f8 = be.allocate(DType.FP8_E4M3, 10_000)) {
      be.fillRandom(a, 42, 2f);
      be.fillRandom(b, 42, 2f);
      be.fillRandom(f8, 42, 100f);
      float[] x = be.download(a);
      assertArrayEquals(x, be.download(b), "same seed, same values");
      be.fillRandom(b, 43, 2f);
      assertFalse(Arrays.equals(x, be.download(b)), "another seed, other values");
      long zeros = 0;
      for (float v : x) {
        assertTrue(Math.abs(v) <= 2f && v == Bf16.round(v), "value " + v);
        zeros += v == 0 ? 1 : 0;
      }
      assertTrue(zeros < 100, zeros + " zeros");
      for (float v : be.download(f8)) {
        assertTrue(Math.abs(v) <= 100f && v == E4m3.round(v), "value " + v);
      }
    }
  }

  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("backends")
  void badArgumentsAreRefusedWithTheirMessage(Backend be) {
    try (DeviceBuffer q = be.allocate(DType.BF16, 4L * 128 * 192);
        DeviceBuffer f32 = be.allocate(DType.FP32, 4L * 128 * 576);
        DeviceBuffer small = be.allocate(DType.BF16, 100)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> new Ops.DensePrefill(q, q, q, q, 5, 4));
      assertEquals("tokens: 5 exceeds position 4", e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new Ops.DenseDecode(f32, small, small, 1, 1, 1));
      assertEquals("q: FP32 is not BF16", e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class, () -> new Ops.DenseDecode(q, small, small, 1, 1, 1));
      assertEquals("cache: 100 elements is fewer than the 576 required", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> new Ops.TopK(f32, small, 0, 1, 1, 1));
      assertEquals("batch: 0 is not a positive count", e.getMessage());
    }
  }

  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("backends")
  void deviceAndTimerReport(Backend be) {
    assertFalse(be.device().name().isBlank());
    assertTrue(be.device().smCount() > 0 && be.device().memoryBytes() > 0);
    try (DeviceTimer t = be.timer();
        DeviceBuffer b = be.allocate(DType.FP32, 1 << 20)) {
      t.start();
      be.fillRandom(b, 1, 1f);
      t.stop();
      assertTrue(t.elapsedSeconds() >= 0);
    }
  }
}
