package io.dsabench.kernels.cpu;

import io.dsabench.kernels.Mla;
import io.dsabench.kernels.numerics.E4m3;
import java.util.Arrays;

/**
 * Lightning indexer logits {@code I[t,s] = kScale[s] * sum_j w[t,j] * ReLU(q[t,j] . k[s])} (no
 * kScale in bf16), causal, -Infinity where a query cannot see the key. fp8 operands are decoded
 * exactly to fp32 (every e4m3 product is exact in fp32), so bf16 and fp8 share one loop. Tasks:
 * (query row, key split).
 */
final class IndexerKernel {
  static final int J = Mla.INDEX_HEADS;
  static final int D = Mla.INDEX_DIM;
  static final int KB = 64;

  private IndexerKernel() {}

  /**
   * @param qf bf16 q values, or null when {@code q8} holds e4m3 codes
   * @param kf bf16 k values, or null when {@code k8} holds e4m3 codes
   * @param kScales per-key scales for fp8, null for bf16
   */
  static void run(
      Parallel par,
      float[] qf,
      byte[] q8,
      float[] w,
      float[] kf,
      byte[] k8,
      float[] kScales,
      float[] logits,
      int batch,
      int tokensPerSeq,
      int position) {
    int rows = batch * tokensPerSeq;
    int wanted = (2 * par.parallelism() + rows - 1) / rows;
    int splits = Math.max(1, Math.min(wanted, position / (4 * KB)));
    par.forEach(
        rows * splits,
        task -> {
          int row = task / splits;
          int split = task % splits;
          int b = row / tokensPerSeq;
          int t = row % tokensPerSeq;
          int visible = position - tokensPerSeq + t + 1;
          int from = (int) ((long) visible * split / splits);
          int to = (int) ((long) visible * (split + 1) / splits);
          int lb = row * position;
          if (split == splits - 1) {
            Arrays.fill(logits, lb + visible, lb + position, Float.NEGATIVE_INFINITY);
          }
          float[] qT = new float[D * J];
          for (int j = 0; j < J; j++) {
            int src = (row * J + j) * D;
            for (int d = 0; d < D; d++) {
              qT[d * J + j] = qf != null ? qf[src + d] : E4m3.toFloat(q8[src + d]);
            }
          }
          float[] wr = Arrays.copyOfRange(w, row * J, row * J + J);
          float[] acc = new float[KB * J];
          float[] scratch = kf == null ? new float[KB * D] : null;
          for (int s0 = from; s0 < to; s0 += KB) {
            int n = Math.min(KB, to - s0);
            int key0 = b * position + s0;
            float[] kv;
            int base;
            if (kf != null) {
              kv = kf;
              base = key0 * D;
            } else {
              E4m3.decode(k8, key0 * D, scratch, 0, n * D);
              kv = scratch;
              base = 0;
            }
            Arrays.fill(acc, 0f);
            for (int kk = 0; kk < n; kk++) {
              int kr = base + kk * D;
              int ab = kk * J;
              for (int d = 0; d < D; d += 4) {
                float c0 = kv[kr + d];
                float c1 = kv[kr + d + 1];
                float c2 = kv[kr + d + 2];
                float c3 = kv[kr + d + 3];
                int r0 = d * J;
                int r1 = r0 + J;
                int r2 = r1 + J;
                int r3 = r2 + J;
                for (int j = 0; j < J; j++) {
                  acc[ab + j] +=
                      c0 * qT[r0 + j] + c1 * qT[r1 + j] + c2 * qT[r2 + j] + c3 * qT[r3 + j];
                }
              }
            }
            for (int kk = 0; kk < n; kk++) {
              int ab = kk * J;
              float sum = 0f;
              for (int j = 0; j < J; j++) {
                sum += wr[j] * Math.max(acc[ab + j], 0f);
              }
              logits[lb + s0 + kk] = kScales != null ? kScales[key0 + kk] * sum : sum;
            }
          }
        });
  }
}
