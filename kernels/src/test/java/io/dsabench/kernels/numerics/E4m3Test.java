package io.dsabench.kernels.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class E4m3Test {
  @Test
  void all256CodesDecodeAndRoundTrip() {
    int nans = 0;
    for (int c = 0; c < 256; c++) {
      float f = E4m3.toFloat((byte) c);
      if (Float.isNaN(f)) {
        nans++;
        assertEquals(0x7f, c & 0x7f, "only S.1111.111 is NaN");
        assertTrue(Float.isNaN(E4m3.toFloat(E4m3.fromFloat(f))), "NaN stays NaN");
        continue;
      }
      assertEquals((byte) c, E4m3.fromFloat(f), "code " + c + " = " + f);
    }
    assertEquals(2, nans);
  }

  @Test
  void knownValues() {
    assertEquals(448f, E4m3.toFloat((byte) 0x7e));
    assertEquals(-448f, E4m3.toFloat((byte) 0xfe));
    assertEquals(1f, E4m3.toFloat((byte) 0x38));
    assertEquals(0x1p-9f, E4m3.toFloat((byte) 0x01), "smallest subnormal");
    assertEquals(7 * 0x1p-9f, E4m3.toFloat((byte) 0x07), "largest subnormal");
    assertEquals(0x1p-6f, E4m3.toFloat((byte) 0x08), "smallest normal");
    assertEquals(-0f, E4m3.toFloat((byte) 0x80));
  }

  @Test
  void tiesGoToEvenIncludingSubnormals() {
    assertEquals(1f, E4m3.round(1.0625f), "between 1 (even) and 1.125");
    assertEquals(1.25f, E4m3.round(1.1875f), "between 1.125 and 1.25 (even)");
    assertEquals(0f, E4m3.round(0x1p-10f), "half the smallest subnormal goes to 0");
    assertEquals(2 * 0x1p-9f, E4m3.round(3 * 0x1p-10f), "1.5 steps goes to 2");
    assertEquals(0x1p-6f, E4m3.round(7.5f * 0x1p-9f), "subnormal tie carries into the normals");
    assertEquals(448f, E4m3.round(464f), "tie between 448 and the NaN slot stays at 448");
  }

  @Test
  void saturatesAndKeepsNan() {
    assertEquals(448f, E4m3.round(449f));
    assertEquals(448f, E4m3.round(1e9f));
    assertEquals(448f, E4m3.round(Float.POSITIVE_INFINITY));
    assertEquals(-448f, E4m3.round(Float.NEGATIVE_INFINITY));
    assertTrue(Float.isNaN(E4m3.round(Float.NaN)));
  }

  @Test
  void matchesBruteForceNearest() {
    float[] finite = new float[254];
    byte[] codes = new byte[254];
    int n = 0;
    for (int c = 0; c < 256; c++) {
      if (c == 0x7f || c == 0xff) {
        continue;
      }
      finite[n] = E4m3.toFloat((byte) c);
      codes[n++] = (byte) c;
    }
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 300_000; i++) {
      float x = (float) Math.scalb(rnd.nextDouble() * 2 - 1, rnd.nextInt(-12, 10));
      float clamped = Math.max(-448f, Math.min(448f, x));
      int best = -1;
      double bestD = Double.MAX_VALUE;
      for (int j = 0; j < n; j++) {
        double d = Math.abs((double) finite[j] - clamped);
        boolean tieToEven = d == bestD && (codes[j] & 1) == 0;
        if (d < bestD || tieToEven) {
          if (finite[j] == 0f && Math.copySign(1f, finite[j]) != Math.copySign(1f, x)) {
            continue; // zero keeps the sign of x
          }
          bestD = d;
          best = j;
        }
      }
      assertEquals(codes[best], E4m3.fromFloat(x), "x = " + x);
    }
  }
}
