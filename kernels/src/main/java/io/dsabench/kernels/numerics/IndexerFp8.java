package io.dsabench.kernels.numerics;

/**
 * The lightning indexer's fp8 keys: each row of {@code width} values (128 in V3.2) is stored as
 * e4m3 codes with one fp32 scale, {@code scale = amax(row) / 448}, so that {@code value ≈ e4m3 *
 * scale}. A row of zeros gets scale 0 and zero codes.
 */
public final class IndexerFp8 {
  private IndexerFp8() {}

  /**
   * Quantizes one row: writes {@code width} codes at {@code codes[codesOff..]} and returns its
   * scale.
   */
  public static float quantizeRow(float[] src, int srcOff, int width, byte[] codes, int codesOff) {
    float amax = 0f;
    for (int i = 0; i < width; i++) {
      amax = Math.max(amax, Math.abs(src[srcOff + i]));
    }
    float scale = amax / E4m3.MAX;
    if (scale == 0f) {
      for (int i = 0; i < width; i++) {
        codes[codesOff + i] = 0;
      }
    } else {
      for (int i = 0; i < width; i++) {
        codes[codesOff + i] = E4m3.fromFloat(src[srcOff + i] / scale);
      }
    }
    return scale;
  }

  /**
   * Quantizes {@code rows} rows of {@code width}: codes into {@code codes}, one scale per row into
   * {@code scales}.
   */
  public static void quantizeRows(float[] src, int rows, int width, byte[] codes, float[] scales) {
    if ((long) rows * width > src.length || (long) rows * width > codes.length) {
      throw new IllegalArgumentException(
          "rows: " + rows + " rows of " + width + " do not fit the arrays given");
    }
    for (int r = 0; r < rows; r++) {
      scales[r] = quantizeRow(src, r * width, width, codes, r * width);
    }
  }

  /**
   * Quantizes rows and returns the e4m3 values as floats (what the fp8 indexer's k buffer holds,
   * widened) with the scales in {@code scales}.
   */
  public static float[] quantizeRowsToValues(float[] src, int rows, int width, float[] scales) {
    byte[] codes = new byte[Math.multiplyExact(rows, width)];
    quantizeRows(src, rows, width, codes, scales);
    float[] values = new float[codes.length];
    E4m3.decode(codes, 0, values, 0, codes.length);
    return values;
  }
}
