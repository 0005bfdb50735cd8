package io.dsabench.kernels.numerics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * DeepSeek-V3.2's FP8 MLA cache entry ({@code KV_FP8_656}), one per token, little-endian:
 *
 * <pre>
 * bytes   0..511  512 e4m3 latent values, 4 tiles of 128
 * bytes 512..527  4 fp32 scales, one per tile: scale = amax(tile) / 448
 * bytes 528..655  64 bf16 rope values
 * </pre>
 *
 * A latent value decodes as {@code e4m3 * scale} in fp32. A tile of zeros gets scale 0 and zero
 * codes (decoding to zeros), rather than the NaNs that 0/0 would give.
 */
public final class KvFp8 {
  /** Bytes per entry. */
  public static final int ENTRY_BYTES = 656;

  /** Floats per entry once decoded: 512 latent + 64 rope. */
  public static final int VALUES = 576;

  /** Latent values per entry. */
  public static final int LATENT = 512;

  /** Latent values sharing one scale. */
  public static final int TILE = 128;

  /** Tiles per entry. */
  public static final int TILES = LATENT / TILE;

  /** Rope values per entry. */
  public static final int ROPE = VALUES - LATENT;

  /** Byte offset of the 4 fp32 scales. */
  public static final int SCALES_OFFSET = LATENT;

  /** Byte offset of the 64 bf16 rope values. */
  public static final int ROPE_OFFSET = SCALES_OFFSET + 4 * TILES;

  private static final VarHandle FLOAT_LE =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle SHORT_LE =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

  private KvFp8() {}

  /** Encodes the 576 values at {@code src[srcOff..]} into one entry at {@code dst[dstOff..]}. */
  public static void encode(float[] src, int srcOff, byte[] dst, int dstOff) {
    for (int t = 0; t < TILES; t++) {
      int base = srcOff + t * TILE;
      float amax = 0f;
      for (int i = 0; i < TILE; i++) {
        amax = Math.max(amax, Math.abs(src[base + i]));
      }
      float scale = amax / E4m3.MAX;
      int out = dstOff + t * TILE;
      if (scale == 0f) {
        for (int i = 0; i < TILE; i++) {
          dst[out + i] = 0;
        }
      } else {
        for (int i = 0; i < TILE; i++) {
          dst[out + i] = E4m3.fromFloat(src[base + i] / scale);
        }
      }
      FLOAT_LE.set(dst, dstOff + SCALES_OFFSET + 4 * t, scale);
    }
    for (int i = 0; i < ROPE; i++) {
      SHORT_LE.set(dst, dstOff + ROPE_OFFSET + 2 * i, Bf16.fromFloat(src[srcOff + LATENT + i]));
    }
  }

  /** Decodes one entry at {@code src[srcOff..]} into 576 floats at {@code dst[dstOff..]}. */
  public static void decode(byte[] src, int srcOff, float[] dst, int dstOff) {
    for (int t = 0; t < TILES; t++) {
      float scale = (float) FLOAT_LE.get(src, srcOff + SCALES_OFFSET + 4 * t);
      int in = srcOff + t * TILE;
      int out = dstOff + t * TILE;
      for (int i = 0; i < TILE; i++) {
        dst[out + i] = E4m3.toFloat(src[in + i]) * scale;
      }
    }
    for (int i = 0; i < ROPE; i++) {
      dst[dstOff + LATENT + i] =
          Bf16.toFloat((short) SHORT_LE.get(src, srcOff + ROPE_OFFSET + 2 * i));
    }
  }

  /** Encodes {@code tokens} entries of 576 values each into a new array of 656 bytes each. */
  public static byte[] encodeAll(float[] values, int tokens) {
    checkLength(values, tokens);
    byte[] out = new byte[Math.multiplyExact(tokens, ENTRY_BYTES)];
    for (int t = 0; t < tokens; t++) {
      encode(values, t * VALUES, out, t * ENTRY_BYTES);
    }
    return out;
  }

  /**
   * Encodes {@code tokens} entries into {@code dst} from its position on, advancing it; the bytes
   * are little-endian whatever the order of {@code dst}. For direct buffers copied to a device.
   */
  public static void encodeAll(float[] values, int tokens, ByteBuffer dst) {
    checkLength(values, tokens);
    byte[] entry = new byte[ENTRY_BYTES];
    for (int t = 0; t < tokens; t++) {
      encode(values, t * VALUES, entry, 0);
      dst.put(entry);
    }
  }

  /** Decodes {@code tokens} entries into 576 floats each. */
  public static float[] decodeAll(byte[] entries, int tokens) {
    if ((long) tokens * ENTRY_BYTES > entries.length) {
      throw new IllegalArgumentException(
          "entries: " + entries.length + " bytes is fewer than " + tokens + " entries of 656");
    }
    float[] out = new float[Math.multiplyExact(tokens, VALUES)];
    for (int t = 0; t < tokens; t++) {
      decode(entries, t * ENTRY_BYTES, out, t * VALUES);
    }
    return out;
  }

  /** What a cache holds after {@code values} pass through the codec: encode, then decode. */
  public static float[] roundTrip(float[] values, int tokens) {
    return decodeAll(encodeAll(values, tokens), tokens);
  }

  private static void checkLength(float[] values, int tokens) {
    if ((long) tokens * VALUES > values.length) {
      throw new IllegalArgumentException(
          "values: " + values.length + " floats is fewer than " + tokens + " entries of 576");
    }
  }
}
