package io.dsabench.kernels.cpu;

import io.dsabench.kernels.numerics.E4m3;

/**
 * {@code SiLU(gate) · up} in fp32, quantized per 1×128 block to e4m3 with scale = amax / 448 (an
 * all-zero block gets scale 1 and zero codes, so a later GEMM never multiplies by 0/0). Codes are
 * rounded to nearest even and saturate at ±448: amax / scale can land a rounding step above 448.
 * Tasks: rows.
 */
final class SwiGluKernel {
  static final int BLOCK = 128;

  private SwiGluKernel() {}

  static void run(Parallel par, float[] in, byte[] out, float[] outScales, int m, int width) {
    int blocks = width / BLOCK;
    par.forEach(
        m,
        r -> {
          float[] h = new float[BLOCK];
          int gate = r * 2 * width;
          int up = gate + width;
          for (int blk = 0; blk < blocks; blk++) {
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) {
              int col = blk * BLOCK + j;
              float x = in[gate + col];
              float v = x / (1f + (float) Math.exp(-x)) * in[up + col];
              h[j] = v;
              amax = Math.max(amax, Math.abs(v));
            }
            float scale = amax == 0f ? 1f : amax / E4m3.MAX;
            int dst = r * width + blk * BLOCK;
            for (int j = 0; j < BLOCK; j++) {
              out[dst + j] = E4m3.fromFloat(h[j] / scale);
            }
            outScales[blk * m + r] = scale;
          }
        });
  }
}
