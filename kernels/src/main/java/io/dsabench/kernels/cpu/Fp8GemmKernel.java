package io.dsabench.kernels.cpu;

import io.dsabench.kernels.numerics.Bf16;
import io.dsabench.kernels.numerics.E4m3;
import java.util.List;

/**
 * FP8 GEMM in DeepSeek-V3's block-scaled recipe, plain or grouped: each 128-wide k block's product
 * of e4m3 values is summed in fp32 (every e4m3 × e4m3 product is exact in fp32), then scaled by the
 * row's 1×128 activation scale and the 128×128 weight block's scale and added to an fp32
 * accumulator; the result is rounded to bf16. Tasks: (group, block of rows, block of columns), so a
 * decode-sized GEMM of a few rows still spreads over every core.
 */
final class Fp8GemmKernel {
  static final int BLOCK = 128;
  private static final int ROWS = 16;
  private static final int COLS = 64;

  private Fp8GemmKernel() {}

  static void run(
      Parallel par,
      byte[] a,
      float[] aScales,
      byte[] b,
      float[] bScales,
      float[] out,
      List<Integer> groupRows,
      int n,
      int k) {
    int groups = groupRows.size();
    int m = 0;
    for (int r : groupRows) {
      m += r;
    }
    int kb = k / BLOCK;
    int nb = (n + BLOCK - 1) / BLOCK;
    int colBlocks = n / COLS;
    // One task per (group, row block, column block); empty groups contribute none.
    int tasks = 0;
    for (int r : groupRows) {
      tasks += (r + ROWS - 1) / ROWS * colBlocks;
    }
    int[] taskGroup = new int[tasks];
    int[] taskRow = new int[tasks];
    int[] taskRows = new int[tasks];
    int[] taskCol = new int[tasks];
    int t = 0;
    int row0 = 0;
    for (int g = 0; g < groups; g++) {
      int rows = groupRows.get(g);
      for (int r = 0; r < rows; r += ROWS) {
        for (int c = 0; c < colBlocks; c++) {
          taskGroup[t] = g;
          taskRow[t] = row0 + r;
          taskRows[t] = Math.min(ROWS, rows - r);
          taskCol[t] = c * COLS;
          t++;
        }
      }
      row0 += rows;
    }
    int rowsTotal = m;
    par.forEach(
        tasks,
        task -> {
          int g = taskGroup[task];
          int r0 = taskRow[task];
          int nr = taskRows[task];
          int c0 = taskCol[task];
          float[] av = new float[nr * k];
          E4m3.decode(a, r0 * k, av, 0, nr * k);
          float[] bv = new float[k];
          for (int c = c0; c < c0 + COLS; c++) {
            E4m3.decode(b, (int) (((long) g * n + c) * k), bv, 0, k);
            int sb = (g * nb + c / BLOCK) * kb;
            for (int i = 0; i < nr; i++) {
              int ab = i * k;
              float acc = 0f;
              for (int blk = 0; blk < kb; blk++) {
                float partial = 0f;
                int from = blk * BLOCK;
                for (int j = from; j < from + BLOCK; j++) {
                  partial += av[ab + j] * bv[j];
                }
                acc += partial * (aScales[blk * rowsTotal + r0 + i] * bScales[sb + blk]);
              }
              out[(r0 + i) * n + c] = Bf16.round(acc);
            }
          }
        });
  }
}
