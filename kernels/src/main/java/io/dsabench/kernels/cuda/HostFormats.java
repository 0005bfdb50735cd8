package io.dsabench.kernels.cuda;

import io.dsabench.kernels.DType;
import io.dsabench.kernels.Mla;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Host-side conversion between Java floats and the bytes the kernels read: bf16 and e4m3 rounded to
 * nearest even (e4m3 saturating at ±448), and the 656-byte FP8 cache entry. Uploads are for checks
 * and small inputs, so clarity beats speed here.
 */
final class HostFormats {
  static final int KV656_SCALES_OFFSET = Mla.LATENT_DIM;
  static final int KV656_ROPE_OFFSET = Mla.LATENT_DIM + 4 * (Mla.LATENT_DIM / Mla.FP8_TILE);

  private HostFormats() {}

  static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  static float fromBf16(short h) {
    return Float.intBitsToFloat((h & 0xffff) << 16);
  }

  /** e4m3 ("fn": no infinities, 0x7f/0xff are NaN), round to nearest even, saturating at 448. */
  static byte toE4m3(float f) {
    if (Float.isNaN(f)) {
      return (byte) 0x7f;
    }
    int sign = f < 0 || (f == 0 && 1 / f < 0) ? 0x80 : 0;
    float a = Math.abs(f);
    if (a >= 448f) {
      return (byte) (sign | 0x7e);
    }
    // Smallest normal is 2^-6; subnormals step by 2^-9.
    int code;
    if (a < 0x1p-6f) {
      code = (int) Math.rint(a * 512f); // 0..8; 8 is the smallest normal, code 0x08
    } else {
      int exp = Math.getExponent(a); // -6..8
      float mant = a / (float) Math.scalb(1.0, exp) - 1f; // [0,1)
      int m = (int) Math.rint(mant * 8f);
      if (m == 8) {
        m = 0;
        exp++;
      }
      code = ((exp + 7) << 3) | m;
      if (code > 0x7e) {
        code = 0x7e;
      }
    }
    return (byte) (sign | code);
  }

  static float fromE4m3(byte b) {
    int v = b & 0xff;
    float sign = (v & 0x80) != 0 ? -1f : 1f;
    int exp = (v >>> 3) & 0xf;
    int m = v & 7;
    if (exp == 0xf && m == 7) {
      return Float.NaN;
    }
    if (exp == 0) {
      return sign * m * 0x1p-9f;
    }
    return sign * (1f + m / 8f) * (float) Math.scalb(1.0, exp - 7);
  }

  /** Encodes {@code values} as the buffer type's bytes (little-endian, as the GPU reads them). */
  static byte[] encode(DType dtype, float[] values, long elements) {
    long expected = dtype == DType.KV_FP8_656 ? elements * Mla.KV_DIM : elements;
    if (values.length != expected) {
      throw new IllegalArgumentException(
          "values: " + values.length + " floats do not fill " + dtype + "[" + elements + "]");
    }
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(elements * dtype.bytes()));
    out.order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case BF16:
        for (float v : values) {
          out.putShort(toBf16(v));
        }
        break;
      case FP8_E4M3:
        for (float v : values) {
          out.put(toE4m3(v));
        }
        break;
      case FP32:
        for (float v : values) {
          out.putFloat(v);
        }
        break;
      case INT32:
        for (float v : values) {
          out.putInt(Math.round(v));
        }
        break;
      case KV_FP8_656:
        for (int t = 0; t < elements; t++) {
          putKv656(out, values, t * Mla.KV_DIM);
        }
        break;
    }
    return out.array();
  }

  private static void putKv656(ByteBuffer out, float[] v, int base) {
    int tiles = Mla.LATENT_DIM / Mla.FP8_TILE;
    float[] scales = new float[tiles];
    for (int tile = 0; tile < tiles; tile++) {
      float amax = 0;
      for (int i = 0; i < Mla.FP8_TILE; i++) {
        amax = Math.max(amax, Math.abs(v[base + tile * Mla.FP8_TILE + i]));
      }
      scales[tile] = amax / 448f;
      for (int i = 0; i < Mla.FP8_TILE; i++) {
        float x = v[base + tile * Mla.FP8_TILE + i];
        out.put(scales[tile] == 0 ? 0 : toE4m3(x / scales[tile]));
      }
    }
    for (float s : scales) {
      out.putFloat(s);
    }
    for (int i = 0; i < Mla.ROPE_DIM; i++) {
      out.putShort(toBf16(v[base + Mla.LATENT_DIM + i]));
    }
  }

  /** Decodes device bytes of a buffer back to floats (KV_FP8_656: 576 dequantized per token). */
  static float[] decode(DType dtype, byte[] bytes, long elements) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int n = Math.toIntExact(dtype == DType.KV_FP8_656 ? elements * Mla.KV_DIM : elements);
    float[] out = new float[n];
    switch (dtype) {
      case BF16:
        for (int i = 0; i < n; i++) {
          out[i] = fromBf16(in.getShort());
        }
        break;
      case FP8_E4M3:
        for (int i = 0; i < n; i++) {
          out[i] = fromE4m3(in.get());
        }
        break;
      case FP32:
        for (int i = 0; i < n; i++) {
          out[i] = in.getFloat();
        }
        break;
      case INT32:
        for (int i = 0; i < n; i++) {
          out[i] = in.getInt();
        }
        break;
      case KV_FP8_656:
        for (int t = 0; t < elements; t++) {
          int entry = t * DType.KV_FP8_656.bytes();
          for (int i = 0; i < Mla.LATENT_DIM; i++) {
            float scale = in.getFloat(entry + KV656_SCALES_OFFSET + 4 * (i / Mla.FP8_TILE));
            out[t * Mla.KV_DIM + i] = fromE4m3(in.get(entry + i)) * scale;
          }
          for (int i = 0; i < Mla.ROPE_DIM; i++) {
            out[t * Mla.KV_DIM + Mla.LATENT_DIM + i] =
                fromBf16(in.getShort(entry + KV656_ROPE_OFFSET + 2 * i));
          }
        }
        break;
    }
    return out;
  }
}
