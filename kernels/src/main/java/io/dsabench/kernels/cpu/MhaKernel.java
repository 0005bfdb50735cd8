package io.dsabench.kernels.cpu;

import io.dsabench.kernels.Mla;
import io.dsabench.kernels.numerics.Bf16;
import java.util.Arrays;

/**
 * Dense MLA prefill in MHA mode: every head has its own keys (192) and values (128), causal. One
 * task per (head, block of {@link #QB} query tokens); keys in blocks of {@link #KB}, transposed on
 * gather so that the score loop runs over contiguous keys; an online softmax per query.
 */
final class MhaKernel {
  static final int H = Mla.HEADS;
  static final int DK = Mla.QK_DIM;
  static final int DV = Mla.V_DIM;
  static final int QB = 32;
  static final int KB = 64;

  private MhaKernel() {}

  static void run(
      Parallel par, float[] q, float[] k, float[] v, float[] out, int tokens, int position) {
    int qBlocks = (tokens + QB - 1) / QB;
    par.forEach(
        H * qBlocks,
        task -> {
          // Consecutive tasks take different query blocks of one head: its keys stay in cache.
          int h = task / qBlocks;
          int t0 = (task % qBlocks) * QB;
          block(q, k, v, out, tokens, position, h, t0, Math.min(tokens, t0 + QB));
        });
  }

  private static void block(
      float[] q,
      float[] k,
      float[] v,
      float[] out,
      int tokens,
      int position,
      int h,
      int t0,
      int t1) {
    int nq = t1 - t0;
    float[] qs = new float[nq * DK];
    for (int i = 0; i < nq; i++) {
      System.arraycopy(q, ((t0 + i) * H + h) * DK, qs, i * DK, DK);
    }
    float[] kT = new float[DK * KB];
    float[] sc = new float[nq * KB];
    float[] o = new float[nq * DV];
    float[] m = new float[nq];
    float[] l = new float[nq];
    Arrays.fill(m, Float.NEGATIVE_INFINITY);
    float scale = Mla.SOFTMAX_SCALE;
    // Query token t sees keys 0 .. position - tokens + t.
    int firstLast = position - tokens + t0;
    int lastVisible = position - tokens + t1 - 1;
    for (int k0 = 0; k0 <= lastVisible; k0 += KB) {
      int n = Math.min(KB, lastVisible + 1 - k0);
      for (int kk = 0; kk < n; kk++) {
        int src = ((k0 + kk) * H + h) * DK;
        for (int d = 0; d < DK; d++) {
          kT[d * KB + kk] = k[src + d];
        }
      }
      Arrays.fill(sc, 0f);
      for (int i = 0; i < nq; i++) {
        int qb = i * DK;
        int sb = i * KB;
        for (int d = 0; d < DK; d += 4) {
          float a0 = qs[qb + d];
          float a1 = qs[qb + d + 1];
          float a2 = qs[qb + d + 2];
          float a3 = qs[qb + d + 3];
          int r0 = d * KB;
          int r1 = r0 + KB;
          int r2 = r1 + KB;
          int r3 = r2 + KB;
          for (int kk = 0; kk < n; kk++) {
            sc[sb + kk] +=
                a0 * kT[r0 + kk] + a1 * kT[r1 + kk] + a2 * kT[r2 + kk] + a3 * kT[r3 + kk];
          }
        }
      }
      for (int i = 0; i < nq; i++) {
        int sb = i * KB;
        int visible = Math.min(n, firstLast + i - k0 + 1);
        if (visible <= 0) {
          continue;
        }
        float mx = m[i];
        for (int kk = 0; kk < visible; kk++) {
          float t = sc[sb + kk] * scale;
          sc[sb + kk] = t;
          mx = Math.max(mx, t);
        }
        if (mx != m[i]) {
          float alpha = (float) Math.exp(m[i] - mx);
          l[i] *= alpha;
          for (int d = 0; d < DV; d++) {
            o[i * DV + d] *= alpha;
          }
          m[i] = mx;
        }
        float sum = 0f;
        for (int kk = 0; kk < visible; kk++) {
          float e = (float) Math.exp(sc[sb + kk] - mx);
          sc[sb + kk] = e;
          sum += e;
        }
        l[i] += sum;
        int ob = i * DV;
        int kk = 0;
        for (; kk + 4 <= visible; kk += 4) {
          float p0 = sc[sb + kk];
          float p1 = sc[sb + kk + 1];
          float p2 = sc[sb + kk + 2];
          float p3 = sc[sb + kk + 3];
          int v0 = ((k0 + kk) * H + h) * DV;
          int v1 = v0 + H * DV;
          int v2 = v1 + H * DV;
          int v3 = v2 + H * DV;
          for (int d = 0; d < DV; d++) {
            o[ob + d] += p0 * v[v0 + d] + p1 * v[v1 + d] + p2 * v[v2 + d] + p3 * v[v3 + d];
          }
        }
        for (; kk < visible; kk++) {
          float p0 = sc[sb + kk];
          int v0 = ((k0 + kk) * H + h) * DV;
          for (int d = 0; d < DV; d++) {
            o[ob + d] += p0 * v[v0 + d];
          }
        }
      }
    }
    for (int i = 0; i < nq; i++) {
      int dst = ((t0 + i) * H + h) * DV;
      float inv = 1f / l[i];
      for (int d = 0; d < DV; d++) {
        out[dst + d] = Bf16.round(o[i * DV + d] * inv);
      }
    }
  }
}
