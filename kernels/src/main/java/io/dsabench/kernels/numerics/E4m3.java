package io.dsabench.kernels.numerics;

/**
 * fp8 e4m3 in the OCP "e4m3fn" flavour that Hopper's tensor cores read: 1 sign, 4 exponent (bias
 * 7), 3 mantissa bits; no infinities; {@code S.1111.111} is NaN; largest finite value 448, smallest
 * subnormal 2^-9. Encoding rounds to nearest even and saturates to ±448 (like {@code
 * __nv_cvt_float_to_fp8(x, __NV_SATFINITE, __NV_E4M3)}), so infinities become ±448 and NaN stays
 * NaN.
 */
public final class E4m3 {
  /** Largest finite e4m3 value. */
  public static final float MAX = 448f;

  /** Code of +448; OR with 0x80 for -448. */
  public static final byte MAX_CODE = 0x7e;

  /** Canonical NaN code (sign bit clear). */
  public static final byte NAN_CODE = 0x7f;

  private static final float[] DECODE = new float[256];

  // Below 2^-6 the format is subnormal: a fixed step of 2^-9.
  private static final float MIN_NORMAL = 0x1p-6f;

  static {
    for (int code = 0; code < 256; code++) {
      int exp = (code >>> 3) & 0xf;
      int mant = code & 7;
      float magnitude;
      if (exp == 0xf && mant == 7) {
        magnitude = Float.NaN;
      } else if (exp == 0) {
        magnitude = mant * 0x1p-9f;
      } else {
        magnitude = (1 + mant / 8f) * (float) Math.scalb(1.0, exp - 7);
      }
      DECODE[code] = (code & 0x80) != 0 ? -magnitude : magnitude;
    }
  }

  private E4m3() {}

  /** The e4m3 code nearest to {@code f}: ties to even, saturating at ±448, NaN kept. */
  public static byte fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 24) & 0x80;
    int abs = bits & 0x7fffffff;
    if (abs > 0x7f800000) {
      return (byte) (sign | NAN_CODE);
    }
    float a = Float.intBitsToFloat(abs);
    if (a < MIN_NORMAL) {
      // Exact: a * 512 only shifts the exponent; rint rounds half to even. 8 lands on 2^-6 (code
      // 8).
      return (byte) (sign | (int) Math.rint(a * 512f));
    }
    // Round the fp32 mantissa at bit 20 (keeping 3 bits), ties to even; a carry bumps the exponent.
    int rounded = (abs + 0x7ffff + ((abs >>> 20) & 1)) >>> 20;
    int code = rounded - ((127 - 7) << 3);
    if (code > MAX_CODE) {
      code = MAX_CODE;
    }
    return (byte) (sign | code);
  }

  /** The fp32 value of an e4m3 code (exact). */
  public static float toFloat(byte code) {
    return DECODE[code & 0xff];
  }

  /** {@code f} rounded to the nearest e4m3 value, as an fp32. */
  public static float round(float f) {
    return DECODE[fromFloat(f) & 0xff];
  }

  /** Encodes {@code count} values. */
  public static void encode(float[] src, int srcOff, byte[] dst, int dstOff, int count) {
    for (int i = 0; i < count; i++) {
      dst[dstOff + i] = fromFloat(src[srcOff + i]);
    }
  }

  /** Decodes {@code count} codes. */
  public static void decode(byte[] src, int srcOff, float[] dst, int dstOff, int count) {
    for (int i = 0; i < count; i++) {
      dst[dstOff + i] = DECODE[src[srcOff + i] & 0xff];
    }
  }

  /** Rounds {@code values} to e4m3 in place and returns it. */
  public static float[] roundInPlace(float[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] = round(values[i]);
    }
    return values;
  }
}
