package io.dsabench.kernels.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Bf16Test {
  /** The nearest bf16 by brute force: compare the two neighbours in double, ties to even. */
  private static short nearest(float f) {
    int bits = Float.floatToRawIntBits(f);
    short lo = (short) (bits >>> 16);
    short hi = (short) (lo + 1);
    double dLo = Math.abs((double) Bf16.toFloat(lo) - f);
    double dHi = Math.abs((double) Bf16.toFloat(hi) - f);
    if (dLo < dHi) {
      return lo;
    }
    if (dHi < dLo) {
      return hi;
    }
    return (lo & 1) == 0 ? lo : hi;
  }

  @Test
  void roundsToNearestOnMillionsOfRandomPatterns() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 2_000_000; i++) {
      int bits = rnd.nextInt();
      float f = Float.intBitsToFloat(bits);
      // Finite values whose upper neighbour is still finite (the top binade is checked below).
      if (!Float.isFinite(f) || Math.abs(f) >= 3.3e38f) {
        continue;
      }
      assertEquals(nearest(f), Bf16.fromFloat(f), () -> "bits 0x" + Integer.toHexString(bits));
    }
  }

  @Test
  void tiesGoToEven() {
    // 1 + 2^-8 is halfway between bf16 1.0 (mantissa even) and 1 + 2^-7 (odd): stays at 1.0.
    assertEquals(1.0f, Bf16.round(1f + 0x1p-8f));
    // 1 + 3*2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): goes up.
    assertEquals(1f + 0x1p-6f, Bf16.round(1f + 3 * 0x1p-8f));
    assertEquals(-1.0f, Bf16.round(-1f - 0x1p-8f));
    // Just above the tie rounds up.
    assertEquals(1f + 0x1p-7f, Bf16.round(Math.nextUp(1f + 0x1p-8f)));
  }

  @Test
  void keepsNanInfinityAndSignedZero() {
    assertTrue(Float.isNaN(Bf16.round(Float.NaN)));
    // A NaN whose payload sits only in the low 16 bits must not truncate to infinity.
    assertTrue(Float.isNaN(Bf16.round(Float.intBitsToFloat(0x7f800001))));
    assertTrue(Float.isNaN(Bf16.round(Float.intBitsToFloat(0xff800001))));
    assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.POSITIVE_INFINITY));
    assertEquals(Float.NEGATIVE_INFINITY, Bf16.round(Float.NEGATIVE_INFINITY));
    assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.MAX_VALUE), "overflow rounds up");
    assertEquals(0x8000, Bf16.fromFloat(-0f) & 0xffff);
  }

  @Test
  void everyBf16RoundTripsExactly() {
    for (int b = 0; b < 0x10000; b++) {
      float f = Bf16.toFloat((short) b);
      if (!Float.isNaN(f)) {
        assertEquals((short) b, Bf16.fromFloat(f), "pattern " + b);
      }
    }
  }
}
