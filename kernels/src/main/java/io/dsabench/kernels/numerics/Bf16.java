package io.dsabench.kernels.numerics;

/**
 * bfloat16 as a GPU stores it: the top 16 bits of an fp32, rounded to nearest even. NaN stays NaN
 * (quieted, sign kept); values beyond the largest bf16 round to infinity, as {@code
 * __float2bfloat16_rn} does.
 */
public final class Bf16 {
  private Bf16() {}

  /** The bf16 bit pattern nearest to {@code f}, ties to even. */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      // Truncating a NaN could leave only zero mantissa bits (an infinity): force the quiet bit.
      return (short) ((bits >>> 16) | 0x0040);
    }
    int roundingBias = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + roundingBias) >>> 16);
  }

  /** The fp32 value of a bf16 bit pattern (exact). */
  public static float toFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** {@code f} rounded to the nearest bf16 value, as an fp32. */
  public static float round(float f) {
    return toFloat(fromFloat(f));
  }

  /** Rounds {@code values} to bf16 in place and returns it. */
  public static float[] roundInPlace(float[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] = round(values[i]);
    }
    return values;
  }

  /** Rounds {@code count} values of {@code src} from {@code srcOff} into {@code dst}. */
  public static void round(float[] src, int srcOff, float[] dst, int dstOff, int count) {
    for (int i = 0; i < count; i++) {
      dst[dstOff + i] = round(src[srcOff + i]);
    }
  }

  /** Encodes {@code count} values into bf16 bit patterns. */
  public static void encode(float[] src, int srcOff, short[] dst, int dstOff, int count) {
    for (int i = 0; i < count; i++) {
      dst[dstOff + i] = fromFloat(src[srcOff + i]);
    }
  }

  /** Decodes {@code count} bf16 bit patterns. */
  public static void decode(short[] src, int srcOff, float[] dst, int dstOff, int count) {
    for (int i = 0; i < count; i++) {
      dst[dstOff + i] = toFloat(src[srcOff + i]);
    }
  }
}
