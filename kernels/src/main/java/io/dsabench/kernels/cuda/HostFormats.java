package io.dsabench.kernels.cuda;

import io.dsabench.kernels.DType;
import io.dsabench.kernels.Mla;
import io.dsabench.kernels.numerics.Bf16;
import io.dsabench.kernels.numerics.E4m3;
import io.dsabench.kernels.numerics.KvFp8;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Host-side codec between Java floats and the little-endian bytes the kernels read, one whole
 * buffer at a time. The roundings are the numerics package's (bf16 and e4m3 to nearest even, e4m3
 * saturating at ±448, the 656-byte FP8 cache entry), the same ones the cpu backend applies, so an
 * upload to either backend holds the same values.
 */
final class HostFormats {
  private HostFormats() {}

  static short toBf16(float f) {
    return Bf16.fromFloat(f);
  }

  static float fromBf16(short h) {
    return Bf16.toFloat(h);
  }

  static byte toE4m3(float f) {
    return E4m3.fromFloat(f);
  }

  static float fromE4m3(byte b) {
    return E4m3.toFloat(b);
  }

  /** Encodes {@code values} as the buffer type's bytes (little-endian, as the GPU reads them). */
  static byte[] encode(DType dtype, float[] values, long elements) {
    long expected = dtype == DType.KV_FP8_656 ? elements * Mla.KV_DIM : elements;
    if (values.length != expected) {
      throw new IllegalArgumentException(
          "values: " + values.length + " floats do not fill " + dtype + "[" + elements + "]");
    }
    if (dtype == DType.KV_FP8_656) {
      return KvFp8.encodeAll(values, Math.toIntExact(elements));
    }
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(elements * dtype.bytes()));
    out.order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      switch (dtype) {
        case BF16:
          out.putShort(toBf16(v));
          break;
        case FP8_E4M3:
          out.put(toE4m3(v));
          break;
        case FP32:
          out.putFloat(v);
          break;
        default: // INT32
          out.putInt(Math.round(v));
          break;
      }
    }
    return out.array();
  }

  /** Decodes device bytes of a buffer back to floats (KV_FP8_656: 576 dequantized per token). */
  static float[] decode(DType dtype, byte[] bytes, long elements) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int n = Math.toIntExact(dtype == DType.KV_FP8_656 ? elements * Mla.KV_DIM : elements);
    float[] out = new float[n];
    if (dtype == DType.KV_FP8_656) {
      for (int t = 0; t < elements; t++) {
        KvFp8.decode(bytes, t * KvFp8.ENTRY_BYTES, out, t * Mla.KV_DIM);
      }
      return out;
    }
    for (int i = 0; i < n; i++) {
      switch (dtype) {
        case BF16:
          out[i] = fromBf16(in.getShort());
          break;
        case FP8_E4M3:
          out[i] = fromE4m3(in.get());
          break;
        case FP32:
          out[i] = in.getFloat();
          break;
        default: // INT32
          out[i] = in.getInt();
          break;
      }
    }
    return out;
  }
}
