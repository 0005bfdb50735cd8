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
}
