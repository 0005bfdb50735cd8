package io.dsabench.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dsabench.kernels.DType;
import io.dsabench.kernels.DeviceBuffer;
import io.dsabench.kernels.Mla;
import io.dsabench.kernels.Ops;
import io.dsabench.kernels.check.NaiveReference;
import io.dsabench.kernels.numerics.Bf16;
import io.dsabench.kernels.numerics.E4m3;
import io.dsabench.kernels.numerics.IndexerFp8;
import io.dsabench.kernels.numerics.KvFp8;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cpu backend against the float64 formulas of {@link NaiveReference} on fresh inputs. */
class CpuBackendTest {
  private static CpuBackend cpu;

  @BeforeAll
  static void open() {
    cpu = new CpuBackend();
  }

  @AfterAll
  static void close() {
    cpu.close();
  }

  static float[] random(long seed, int n, float scale) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
    }
    return x;
  }

  static float[] bf16(long seed, int n) {
    return Bf16.roundInPlace(random(seed, n, 1f));
  }

  static DeviceBuffer put(DType dtype, float[] values) {
    long n = dtype == DType.KV_FP8_656 ? values.length / KvFp8.VALUES : values.length;
    DeviceBuffer b = cpu.allocate(dtype, n);
    cpu.upload(b, values);
    return b;
  }

  static DeviceBuffer out(DType dtype, int n) {
    DeviceBuffer b = cpu.allocate(dtype, n);
    float[] nan = new float[n];
    Arrays.fill(nan, Float.NaN);
    cpu.upload(b, nan);
    return b;
  }

  static double relL2(float[] got, double[] want) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < want.length; i++) {
      double d = got[i] - want[i];
      num += d * d;
      den += want[i] * want[i];
    }
    return Math.sqrt(num / den);
  }

  @ParameterizedTest(name = "dense prefill tokens={0} position={1}")
  @CsvSource({"1,1", "3,77", "40,130", "2,300"})
  void densePrefillMatchesNaive(int tokens, int position) {
    float[] q = bf16(1, tokens * Mla.HEADS * Mla.QK_DIM);
    float[] k = bf16(2, position * Mla.HEADS * Mla.QK_DIM);
    float[] v = bf16(3, position * Mla.HEADS * Mla.V_DIM);
    DeviceBuffer o = out(DType.BF16, tokens * Mla.HEADS * Mla.V_DIM);
    cpu.densePrefill(
        new Ops.DensePrefill(
            put(DType.BF16, q), put(DType.BF16, k), put(DType.BF16, v), o, tokens, position));
    double err = relL2(cpu.download(o), NaiveReference.densePrefill(q, k, v, tokens, position));
    assertTrue(err < 5e-3, "relative L2 error " + err);
  }

  @ParameterizedTest(name = "dense decode batch={0} tokensPerSeq={1} position={2}")
  @CsvSource({"1,1,1", "3,2,77", "1,1,1000", "2,1,300"})
  void denseDecodeMatchesNaive(int batch, int tps, int position) {
    float[] q = bf16(4, batch * tps * Mla.HEADS * Mla.KV_DIM);
    float[] c = bf16(5, batch * position * Mla.KV_DIM);
    DeviceBuffer o = out(DType.BF16, batch * tps * Mla.HEADS * Mla.LATENT_DIM);
    cpu.denseDecode(
        new Ops.DenseDecode(put(DType.BF16, q), put(DType.BF16, c), o, batch, tps, position));
    double err = relL2(cpu.download(o), NaiveReference.denseDecode(q, c, batch, tps, position));
    assertTrue(err < 5e-3, "relative L2 error " + err);
  }

  @ParameterizedTest(name = "indexer fp8={0} batch={1} tokensPerSeq={2} position={3}")
  @CsvSource({"false,1,1,1", "false,3,2,77", "true,1,5,300", "true,2,1,1000"})
  void indexerMatchesNaive(boolean fp8, int batch, int tps, int position) {
    int rows = batch * tps;
    float[] q = random(6, rows * Mla.INDEX_HEADS * Mla.INDEX_DIM, 1f);
    float[] w = random(7, rows * Mla.INDEX_HEADS, 1f);
    float[] kRaw = random(8, batch * position * Mla.INDEX_DIM, 1f);
    float[] k;
    float[] scales = null;
    if (fp8) {
      E4m3.roundInPlace(q);
      scales = new float[batch * position];
      k = IndexerFp8.quantizeRowsToValues(kRaw, batch * position, Mla.INDEX_DIM, scales);
    } else {
      Bf16.roundInPlace(q);
      k = Bf16.roundInPlace(kRaw);
    }
    DType t = fp8 ? DType.FP8_E4M3 : DType.BF16;
    DeviceBuffer logits = out(DType.FP32, rows * position);
    cpu.indexer(
        new Ops.Indexer(
            put(t, q),
            put(DType.FP32, w),
            put(t, k),
            fp8 ? put(DType.FP32, scales) : null,
            logits,
            batch,
            tps,
            position));
    float[] got = cpu.download(logits);
    double[] want = NaiveReference.indexer(q, w, k, scales, batch, tps, position);
    double num = 0;
    double den = 0;
    for (int i = 0; i < want.length; i++) {
      if (Double.isInfinite(want[i])) {
        assertEquals(Float.NEGATIVE_INFINITY, got[i], "logit " + i);
      } else {
        num += (got[i] - want[i]) * (got[i] - want[i]);
        den += want[i] * want[i];
      }
    }
    assertTrue(Math.sqrt(num / den) < 1e-5, "relative L2 error " + Math.sqrt(num / den));
  }

  @ParameterizedTest(name = "sparse fp8={0} batch={1} tokensPerSeq={2} position={3} k={4}")
  @CsvSource({"false,1,3,77,128", "true,2,2,500,64", "false,1,1,1,16", "true,1,1,3000,2048"})
  void sparseMatchesNaive(boolean fp8, int batch, int tps, int position, int k) {
    int rows = batch * tps;
    float[] q = bf16(9, rows * Mla.HEADS * Mla.KV_DIM);
    float[] raw = random(10, batch * position * Mla.KV_DIM, 1f);
    float[] held = fp8 ? KvFp8.roundTrip(raw, batch * position) : Bf16.roundInPlace(raw.clone());
    SplittableRandom rnd = new SplittableRandom(11);
    int[] idx = new int[rows * k];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < k; i++) {
        idx[r * k + i] = rnd.nextInt(8) == 0 ? -1 : rnd.nextInt(position);
      }
    }
    DeviceBuffer indices = cpu.allocate(DType.INT32, idx.length);
    cpu.uploadInts(indices, idx);
    DeviceBuffer o = out(DType.BF16, rows * Mla.HEADS * Mla.LATENT_DIM);
    cpu.sparseDecode(
        new Ops.SparseAttention(
            put(DType.BF16, q),
            put(fp8 ? DType.KV_FP8_656 : DType.BF16, raw),
            indices,
            o,
            batch,
            tps,
            position,
            k));
    double err =
        relL2(cpu.download(o), NaiveReference.sparse(q, held, idx, batch, tps, position, k));
    assertTrue(err < 5e-3, "relative L2 error " + err);
  }

  @Test
  void topKAgreesWithSortWithoutTies() {
    int batch = 2;
    int tps = 3;
    int position = 5000;
    int k = 2048;
    float[] logits = random(12, batch * tps * position, 100f);
    DeviceBuffer idx = cpu.allocate(DType.INT32, (long) batch * tps * k);
    cpu.topK(new Ops.TopK(put(DType.FP32, logits), idx, batch, tps, position, k));
    int[] got = cpu.downloadInts(idx);
    int[] want = NaiveReference.topK(logits, batch, tps, position, k);
    for (int r = 0; r < batch * tps; r++) {
      int[] g = Arrays.copyOfRange(got, r * k, r * k + k);
      int[] w = Arrays.copyOfRange(want, r * k, r * k + k);
      Arrays.sort(g);
      Arrays.sort(w);
      assertArrayEquals(w, g, "row " + r);
    }
  }

  @Test
  void allocatingMoreThanTheHeapIsOutOfMemory() {
    io.dsabench.kernels.KernelException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.dsabench.kernels.KernelException.class,
            () -> cpu.allocate(DType.FP32, Runtime.getRuntime().maxMemory() / 4 + 1_000_000));
    assertTrue(e.outOfMemory(), e.getMessage());
    e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.dsabench.kernels.KernelException.class,
            () -> cpu.allocate(DType.BF16, 131072L * 128 * 192));
    assertTrue(e.outOfMemory(), e.getMessage());
    assertEquals(
        "cpu: allocate(BF16, 3221225472) needs 3221225472 array elements, more than one Java"
            + " array holds",
        e.getMessage());
  }

  @Test
  void closedBuffersAndForeignBuffersAreRefused() {
    DeviceBuffer b = cpu.allocate(DType.FP32, 4);
    b.close();
    io.dsabench.kernels.KernelException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.dsabench.kernels.KernelException.class, () -> cpu.download(b));
    assertEquals("cpu: a FP32 buffer was used after close()", e.getMessage());
    IllegalArgumentException f =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> cpu.download(null));
    assertEquals("buffer: null is not a cpu buffer", f.getMessage());
  }

  @Test
  void topKBreaksTiesWithoutDuplicates() {
    int position = 3000;
    int k = 2048;
    float[] logits = new float[position];
    for (int i = 0; i < position; i++) {
      logits[i] = i % 3; // 1000 keys at each of 0, 1, 2
    }
    DeviceBuffer idx = cpu.allocate(DType.INT32, k);
    cpu.topK(new Ops.TopK(put(DType.FP32, logits), idx, 1, 1, position, k));
    int[] got = cpu.downloadInts(idx);
    assertEquals(k, Arrays.stream(got).distinct().filter(i -> i >= 0).count());
    assertEquals(1000, Arrays.stream(got).filter(i -> i % 3 == 2).count());
    assertEquals(1000, Arrays.stream(got).filter(i -> i % 3 == 1).count());
    assertEquals(48, Arrays.stream(got).filter(i -> i % 3 == 0).count());
  }

  @Test
  void topKOfShortRowsPadsWithMinusOne() {
    DeviceBuffer idx = cpu.allocate(DType.INT32, 2 * 8);
    cpu.topK(new Ops.TopK(put(DType.FP32, random(1, 10, 1f)), idx, 1, 2, 5, 8));
    assertArrayEquals(
        new int[] {0, 1, 2, 3, -1, -1, -1, -1, 0, 1, 2, 3, 4, -1, -1, -1}, cpu.downloadInts(idx));
  }

  @Test
  void deviceIsThisMachine() {
    assertEquals("cpu", cpu.name());
    assertEquals(Runtime.getRuntime().availableProcessors(), cpu.device().smCount());
    assertEquals(Runtime.getRuntime().maxMemory(), cpu.device().memoryBytes());
  }

  @Test
  void providerIsRegistered() throws Exception {
    assertTrue(io.dsabench.kernels.Backends.names().contains("cpu"));
    try (io.dsabench.kernels.Backend b = io.dsabench.kernels.Backends.open("cpu")) {
      assertEquals("cpu", b.name());
    }
  }

  @Test
  void sparseRowWithoutIndicesIsZeroAndBadIndicesAreNamed() {
    int k = 4;
    DeviceBuffer q = put(DType.BF16, bf16(20, 2 * Mla.HEADS * Mla.KV_DIM));
    DeviceBuffer cache = put(DType.BF16, bf16(21, 10 * Mla.KV_DIM));
    DeviceBuffer idx = cpu.allocate(DType.INT32, 2L * k);
    DeviceBuffer o = out(DType.BF16, 2 * Mla.HEADS * Mla.LATENT_DIM);
    cpu.uploadInts(idx, new int[] {-1, -1, -1, -1, 3, -1, 2, 4});
    cpu.sparseDecode(new Ops.SparseAttention(q, cache, idx, o, 2, 1, 5, k));
    float[] got = cpu.download(o);
    int row = Mla.HEADS * Mla.LATENT_DIM;
    for (int i = 0; i < row; i++) {
      assertEquals(0f, got[i], "row 0 selects nothing");
    }
    assertTrue(Float.isFinite(got[row]) && got[row] != 0f, "row 1 is attention");
    cpu.uploadInts(idx, new int[] {0, 1, 2, 5, 0, 0, 0, 0});
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> cpu.sparseDecode(new Ops.SparseAttention(q, cache, idx, o, 2, 1, 5, k)));
    assertEquals(
        "indices: 5 at row 0, slot 3 is neither -1 nor a key position in 0..4", e.getMessage());
  }

  /** e4m3 values spread over most of the format's range, as a scaled activation or weight is. */
  static float[] e4m3(long seed, int n) {
    return E4m3.roundInPlace(random(seed, n, 400f));
  }

  /** Positive fp32 block scales in [lo, 2·lo). */
  static float[] scales(long seed, int n, float lo) {
    float[] x = random(seed, n, 1f);
    for (int i = 0; i < n; i++) {
      x[i] = lo * (1.5f + x[i] / 2);
    }
    return x;
  }

  @ParameterizedTest(name = "fp8 gemm groups={0} n={1} k={2}")
  @CsvSource({"'3,0,4',64,256", "'5',192,384", "'0,1,2,0',128,128"})
  void fp8GemmMatchesNaive(String groups, int n, int k) {
    int[] rows = Arrays.stream(groups.split(",")).mapToInt(Integer::parseInt).toArray();
    int m = Arrays.stream(rows).sum();
    int g = rows.length;
    int nb = (n + 127) / 128;
    float[] a = e4m3(31, m * k);
    float[] as = scales(32, (k / 128) * m, 1e-3f);
    float[] b = e4m3(33, g * n * k);
    float[] bs = scales(34, g * nb * (k / 128), 2e-4f);
    try (DeviceBuffer da = put(DType.FP8_E4M3, a);
        DeviceBuffer das = put(DType.FP32, as);
        DeviceBuffer db = put(DType.FP8_E4M3, b);
        DeviceBuffer dbs = put(DType.FP32, bs);
        DeviceBuffer o = out(DType.BF16, m * n)) {
      cpu.fp8Gemm(new Ops.Fp8Gemm(da, das, db, dbs, o, Arrays.stream(rows).boxed().toList(), n, k));
      float[] got = cpu.download(o);
      double[] want = NaiveReference.fp8Gemm(a, as, b, bs, rows, n, k);
      for (int i = 0; i < want.length; i++) {
        // fp32 sums of exact products, then one bf16 rounding (half an ulp: 2^-9 relative).
        double tol = Math.abs(want[i]) * 0x1p-8 + 1e-6 * Math.sqrt(k);
        assertTrue(
            Math.abs(got[i] - want[i]) <= tol,
            "out[" + i / n + "," + i % n + "] = " + got[i] + ", expected " + want[i]);
        assertEquals(Bf16.round(got[i]), got[i], "bf16-rounded output");
      }
    }
  }

  @Test
  void swiGluQuantMatchesNaiveWithZeroBlockAndSaturatedCodes() {
    int m = 3;
    int width = 256;
    float[] in = bf16(41, m * 2 * width);
    // Row 1's first block has gate 0 everywhere: SiLU(0) = 0, so the block is all zeros.
    Arrays.fill(in, 1 * 2 * width, 1 * 2 * width + 128, 0f);
    // Row 2's second block is large, so its codes reach ±448 from far above e4m3's range.
    for (int j = 128; j < 256; j++) {
      in[2 * 2 * width + j] *= 1000f;
      in[2 * 2 * width + width + j] = Bf16.round(in[2 * 2 * width + width + j] * 1000f);
      in[2 * 2 * width + j] = Bf16.round(in[2 * 2 * width + j]);
    }
    try (DeviceBuffer di = put(DType.BF16, in);
        DeviceBuffer o = cpu.allocate(DType.FP8_E4M3, (long) m * width);
        DeviceBuffer os = out(DType.FP32, (width / 128) * m)) {
      cpu.swiGluQuant(new Ops.SwiGluQuant(di, o, os, m, width));
      float[] codes = cpu.download(o);
      float[] sc = cpu.download(os);
      double[] h = NaiveReference.swiGlu(in, m, width);
      assertEquals(1f, sc[0 * m + 1], "an all-zero block's scale");
      for (int r = 0; r < m; r++) {
        for (int blk = 0; blk < width / 128; blk++) {
          float scale = sc[blk * m + r];
          double amax = 0;
          double maxCode = 0;
          for (int j = blk * 128; j < blk * 128 + 128; j++) {
            amax = Math.max(amax, Math.abs(h[r * width + j]));
            float c = codes[r * width + j];
            assertTrue(Math.abs(c) <= E4m3.MAX, "code " + c + " saturates at 448");
            maxCode = Math.max(maxCode, Math.abs(c));
            // Half an e4m3 step (1/16 relative) plus the subnormal floor.
            double tol = Math.abs(h[r * width + j]) / 16 + 0x1p-10 * scale + 1e-6 * amax;
            assertTrue(
                Math.abs(c * scale - h[r * width + j]) <= tol,
                "row " + r + " col " + j + ": " + c * scale + " vs " + h[r * width + j]);
          }
          if (amax == 0) {
            assertEquals(0, maxCode, "zero block codes");
            continue;
          }
          assertEquals(amax / E4m3.MAX, scale, amax / E4m3.MAX * 1e-5, "scale = amax / 448");
          assertEquals(E4m3.MAX, maxCode, "the block's largest value maps to 448");
        }
      }
    }
  }

  private static int[] route(float[] x, float[] w, float[] bias, int m, int hidden, float[] wts) {
    int experts = bias.length;
    try (DeviceBuffer dx = put(DType.BF16, x);
        DeviceBuffer dw = put(DType.BF16, w);
        DeviceBuffer db = put(DType.FP32, bias);
        DeviceBuffer ow = out(DType.FP32, m * 8);
        DeviceBuffer oi = cpu.allocate(DType.INT32, m * 8L)) {
      cpu.router(new Ops.Router(dx, dw, db, ow, oi, m, hidden, experts, 8, 4, 8));
      System.arraycopy(cpu.download(ow), 0, wts, 0, m * 8);
      return cpu.downloadInts(oi);
    }
  }

  @Test
  void routerMatchesNaiveGroupLimitedTopK() {
    int m = 5;
    int hidden = 64;
    int experts = 256;
    float[] x = bf16(51, m * hidden);
    float[] w = bf16(52, experts * hidden);
    float[] bias = random(53, experts, 0.05f);
    float[] wts = new float[m * 8];
    int[] got = route(x, w, bias, m, hidden, wts);
    double[] s = NaiveReference.routerScores(x, w, m, hidden, experts);
    for (int r = 0; r < m; r++) {
      int[] want = NaiveReference.routerChoice(s, r, bias, experts, 8, 4, 8);
      assertArrayEquals(want, Arrays.copyOfRange(got, r * 8, r * 8 + 8), "row " + r);
      double sum = 0;
      for (int e : want) {
        sum += s[r * experts + e];
      }
      for (int i = 0; i < 8; i++) {
        assertEquals(s[r * experts + want[i]] / sum, wts[r * 8 + i], 1e-6, "weight " + i);
      }
    }
  }

  @Test
  void routerKeepsOnlyTheBestGroupsAndBreaksTiesLow() {
    int hidden = 64;
    int experts = 256;
    // x = 0: every score is sigmoid(0) = 0.5, so only the bias decides.
    float[] x = new float[2 * hidden];
    float[] w = bf16(61, experts * hidden);
    float[] bias = new float[experts];
    float[] wts = new float[16];
    int[] tied = route(x, w, bias, 2, hidden, wts);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, Arrays.copyOfRange(tied, 0, 8));
    assertEquals(0.125f, wts[3]);
    // Expert 224 has the best biased score, but its group (7) rates 1.5 - 0.5 = 1.0, below the
    // 0.8 + 0.8 of groups 0-3 and tied with groups 4-6: the group limit leaves it out.
    Arrays.fill(bias, 224, 256, -1f);
    bias[224] = 1f;
    for (int g = 0; g < 4; g++) {
      bias[g * 32] = 0.3f;
      bias[g * 32 + 1] = 0.3f;
    }
    int[] limited = route(x, w, bias, 2, hidden, wts);
    assertArrayEquals(new int[] {0, 1, 32, 33, 64, 65, 96, 97}, Arrays.copyOfRange(limited, 8, 16));
    for (int i = 8; i < 16; i++) {
      assertEquals(0.125f, wts[i], "the bias steers the choice, not the weights");
    }
  }
}
