package io.dsabench.kernels.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KvFp8Test {
  private static float[] random(long seed, int n, float scale) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
    }
    return x;
  }

  @Test
  void layoutIsCodesThenScalesThenRopeLittleEndian() {
    float[] x = random(1, KvFp8.VALUES, 3f);
    x[5] = -6f; // amax of tile 0
    byte[] e = new byte[KvFp8.ENTRY_BYTES];
    KvFp8.encode(x, 0, e, 0);
    ByteBuffer le = ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(6f / 448f, le.getFloat(512), "tile 0 scale = amax / 448");
    for (int t = 0; t < 4; t++) {
      float amax = 0;
      for (int i = 0; i < 128; i++) {
        amax = Math.max(amax, Math.abs(x[t * 128 + i]));
      }
      float scale = le.getFloat(512 + 4 * t);
      assertEquals(amax / 448f, scale, "tile " + t);
      for (int i = 0; i < 128; i++) {
        assertEquals(E4m3.fromFloat(x[t * 128 + i] / scale), e[t * 128 + i]);
      }
    }
    assertEquals((byte) 0xfe, e[5], "the amax element encodes as -448");
    for (int i = 0; i < 64; i++) {
      assertEquals(Bf16.fromFloat(x[512 + i]), le.getShort(528 + 2 * i), "rope " + i);
    }
  }

  @Test
  void decodeIsCodeTimesScaleAndCloseToTheInput() {
    int tokens = 50;
    float[] x = random(2, tokens * KvFp8.VALUES, 1f);
    float[] y = KvFp8.roundTrip(x, tokens);
    for (int t = 0; t < tokens; t++) {
      for (int i = 0; i < KvFp8.VALUES; i++) {
        float a = x[t * 576 + i];
        float b = y[t * 576 + i];
        // e4m3 keeps 3 mantissa bits (relative step 1/8, error <= 1/16 of the value) down to
        // its subnormals, 2^-9 of the tile scale; bf16 rope is far finer.
        assertTrue(Math.abs(a - b) <= Math.abs(a) / 16 + 0x1p-9f / 448f + 1e-7f, a + " vs " + b);
      }
    }
    // Idempotent on what it produced, up to the last bit of a recomputed scale.
    float[] z = KvFp8.roundTrip(y, tokens);
    for (int i = 0; i < y.length; i++) {
      assertEquals(y[i], z[i], Math.abs(y[i]) * 1e-6f);
    }
  }

  @Test
  void zeroTileGetsZeroScaleNotNan() {
    float[] x = new float[KvFp8.VALUES];
    x[300] = 1f;
    float[] y = KvFp8.roundTrip(x, 1);
    assertArrayEquals(x, y);
  }

  @Test
  void byteBufferMatchesArray() {
    float[] x = random(3, 3 * KvFp8.VALUES, 2f);
    ByteBuffer direct = ByteBuffer.allocateDirect(3 * KvFp8.ENTRY_BYTES);
    KvFp8.encodeAll(x, 3, direct);
    byte[] fromBuffer = new byte[3 * KvFp8.ENTRY_BYTES];
    direct.flip().get(fromBuffer);
    assertArrayEquals(KvFp8.encodeAll(x, 3), fromBuffer);
  }

  @Test
  void shortInputIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KvFp8.encodeAll(new float[575], 1));
    assertEquals("values: 575 floats is fewer than 1 entries of 576", e.getMessage());
  }

  @Test
  void indexerRowsGetOneScaleEach() {
    float[] x = random(4, 3 * 128, 5f);
    float[] scales = new float[3];
    float[] v = IndexerFp8.quantizeRowsToValues(x, 3, 128, scales);
    for (int r = 0; r < 3; r++) {
      float amax = 0;
      for (int i = 0; i < 128; i++) {
        amax = Math.max(amax, Math.abs(x[r * 128 + i]));
        assertEquals(E4m3.round(x[r * 128 + i] / scales[r]), v[r * 128 + i]);
      }
      assertEquals(amax / 448f, scales[r]);
    }
  }
}
