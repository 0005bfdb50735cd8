package io.dsabench.kernels.cpu;

import io.dsabench.kernels.Mla;
import io.dsabench.kernels.numerics.Bf16;
import java.util.Arrays;

/**
 * Absorbed MQA-mode attention (dense decode and sparse attention): 128 query heads of 576 share
 * each key entry of 576, whose first 512 values are also the value. Flash-style: keys in blocks of
 * {@link #KB}, an online softmax per head, fp32 throughout, bf16 output.
 *
 * <p>Work splits into (query row, head group, key split) tasks so that a single decode row still
 * uses every core; key splits are merged by their softmax maxima and sums at the end. The inner
 * loops run over a contiguous axis (heads for scores, value dims for the weighted sum) so that C2
 * vectorizes them; they are blocked so that their operands stay in L1/L2.
 */
final class MqaKernel {
  static final int H = Mla.HEADS;
  static final int D = Mla.KV_DIM;
  static final int DV = Mla.LATENT_DIM;
  static final int KB = 64;
  private static final int DC = 64;
  private static final int VC = 128;

  /** Where a row's keys come from. */
  abstract static class Keys {
    /** Number of keys row {@code row} attends to. */
    abstract int count(int row);

    /**
     * Returns an array holding keys {@code [from, from + n)} of {@code row} as consecutive rows of
     * 576 floats from {@code offset[0]} on: the cache itself, or {@code scratch} filled here.
     */
    abstract float[] block(int row, int from, int n, float[] scratch, int[] offset);
  }

  private MqaKernel() {}

  /**
   * @param q [rows, 128, 576] values rounded to bf16
   * @param out [rows, 128, 512] receives bf16-rounded values
   */
  static void run(Parallel par, float[] q, float[] out, int rows, Keys keys) {
    int threads = par.parallelism();
    int hg = rows >= 2 * threads ? H : H / 2;
    int groups = H / hg;
    int maxKeys = 0;
    for (int r = 0; r < rows; r++) {
      maxKeys = Math.max(maxKeys, keys.count(r));
    }
    int wanted = (2 * threads + rows * groups - 1) / (rows * groups);
    int splits = Math.max(1, Math.min(wanted, maxKeys / (4 * KB)));
    if (splits == 1) {
      par.forEach(
          rows * groups,
          task -> {
            int row = task / groups;
            int h0 = (task % groups) * hg;
            Partial p = attend(q, row, h0, hg, keys, 0, keys.count(row));
            p.writeTo(out, row, h0);
          });
      return;
    }
    Partial[] partials = new Partial[rows * groups * splits];
    par.forEach(
        partials.length,
        task -> {
          int split = task % splits;
          int rg = task / splits;
          int row = rg / groups;
          int h0 = (rg % groups) * hg;
          int n = keys.count(row);
          int from = (int) ((long) n * split / splits);
          int to = (int) ((long) n * (split + 1) / splits);
          partials[task] = attend(q, row, h0, hg, keys, from, to);
        });
    par.forEach(
        rows * groups,
        rg -> {
          Partial merged = Partial.merge(partials, rg * splits, splits);
          merged.writeTo(out, rg / groups, (rg % groups) * hg);
        });
  }

  /** Unnormalized output, running max and sum of one head group over a range of keys. */
  static final class Partial {
    final int hg;
    final float[] o;
    final float[] m;
    final float[] l;

    Partial(int hg) {
      this.hg = hg;
      this.o = new float[hg * DV];
      this.m = new float[hg];
      this.l = new float[hg];
      Arrays.fill(m, Float.NEGATIVE_INFINITY);
    }

    static Partial merge(Partial[] parts, int from, int count) {
      int hg = parts[from].hg;
      Partial out = new Partial(hg);
      for (int h = 0; h < hg; h++) {
        float mx = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
          mx = Math.max(mx, parts[from + i].m[h]);
        }
        out.m[h] = mx;
        if (mx == Float.NEGATIVE_INFINITY) {
          continue;
        }
        float sum = 0f;
        int ob = h * DV;
        for (int i = 0; i < count; i++) {
          Partial p = parts[from + i];
          if (p.m[h] == Float.NEGATIVE_INFINITY) {
            continue;
          }
          float f = (float) Math.exp(p.m[h] - mx);
          sum += f * p.l[h];
          for (int d = 0; d < DV; d++) {
            out.o[ob + d] += f * p.o[ob + d];
          }
        }
        out.l[h] = sum;
      }
      return out;
    }

    /** Normalizes and stores; a head that saw no key at all outputs zeros. */
    void writeTo(float[] out, int row, int h0) {
      for (int h = 0; h < hg; h++) {
        int dst = (row * H + h0 + h) * DV;
        float inv = l[h] > 0f ? 1f / l[h] : 0f;
        int ob = h * DV;
        for (int d = 0; d < DV; d++) {
          out[dst + d] = Bf16.round(o[ob + d] * inv);
        }
      }
    }
  }

  static Partial attend(float[] q, int row, int h0, int hg, Keys keys, int from, int to) {
    float[] qT = new float[D * hg];
    for (int h = 0; h < hg; h++) {
      int src = (row * H + h0 + h) * D;
      for (int d = 0; d < D; d++) {
        qT[d * hg + h] = q[src + d];
      }
    }
    float[] sc = new float[KB * hg];
    float[] mNew = new float[hg];
    float[] scratch = new float[KB * D];
    int[] offset = new int[1];
    Partial p = new Partial(hg);
    float scale = Mla.SOFTMAX_SCALE;
    for (int k0 = from; k0 < to; k0 += KB) {
      int n = Math.min(KB, to - k0);
      float[] kv = keys.block(row, k0, n, scratch, offset);
      int base = offset[0];
      scores(kv, base, n, qT, hg, sc);
      System.arraycopy(p.m, 0, mNew, 0, hg);
      for (int kk = 0; kk < n; kk++) {
        int sb = kk * hg;
        for (int h = 0; h < hg; h++) {
          float t = sc[sb + h] * scale;
          sc[sb + h] = t;
          mNew[h] = Math.max(mNew[h], t);
        }
      }
      for (int h = 0; h < hg; h++) {
        if (mNew[h] != p.m[h]) {
          // exp(-inf) = 0 drops the (empty) history on the first block.
          float alpha = (float) Math.exp(p.m[h] - mNew[h]);
          p.l[h] *= alpha;
          int ob = h * DV;
          for (int d = 0; d < DV; d++) {
            p.o[ob + d] *= alpha;
          }
          p.m[h] = mNew[h];
        }
      }
      for (int kk = 0; kk < n; kk++) {
        int sb = kk * hg;
        for (int h = 0; h < hg; h++) {
          float e = (float) Math.exp(sc[sb + h] - p.m[h]);
          sc[sb + h] = e;
          p.l[h] += e;
        }
      }
      weightedSum(kv, base, n, sc, hg, p.o);
    }
    return p;
  }

  /** sc[kk][h] = q[h] . key[kk] over all 576 dims, in chunks of the dims that fit L1. */
  private static void scores(float[] kv, int base, int n, float[] qT, int hg, float[] sc) {
    Arrays.fill(sc, 0, n * hg, 0f);
    for (int dc = 0; dc < D; dc += DC) {
      for (int kk = 0; kk < n; kk++) {
        int kr = base + kk * D;
        int sb = kk * hg;
        for (int d = dc; d < dc + DC; d += 4) {
          float c0 = kv[kr + d];
          float c1 = kv[kr + d + 1];
          float c2 = kv[kr + d + 2];
          float c3 = kv[kr + d + 3];
          int q0 = d * hg;
          int q1 = q0 + hg;
          int q2 = q1 + hg;
          int q3 = q2 + hg;
          for (int h = 0; h < hg; h++) {
            sc[sb + h] += c0 * qT[q0 + h] + c1 * qT[q1 + h] + c2 * qT[q2 + h] + c3 * qT[q3 + h];
          }
        }
      }
    }
  }

  /** o[h] += sum_kk p[kk][h] * value[kk], in chunks of the value dims. */
  private static void weightedSum(float[] kv, int base, int n, float[] p, int hg, float[] o) {
    for (int vc = 0; vc < DV; vc += VC) {
      int kk = 0;
      for (; kk + 4 <= n; kk += 4) {
        int v0 = base + kk * D + vc;
        int v1 = v0 + D;
        int v2 = v1 + D;
        int v3 = v2 + D;
        int sb = kk * hg;
        for (int h = 0; h < hg; h++) {
          float p0 = p[sb + h];
          float p1 = p[sb + hg + h];
          float p2 = p[sb + 2 * hg + h];
          float p3 = p[sb + 3 * hg + h];
          int ob = h * DV + vc;
          for (int d = 0; d < VC; d++) {
            o[ob + d] += p0 * kv[v0 + d] + p1 * kv[v1 + d] + p2 * kv[v2 + d] + p3 * kv[v3 + d];
          }
        }
      }
      for (; kk < n; kk++) {
        int v0 = base + kk * D + vc;
        int sb = kk * hg;
        for (int h = 0; h < hg; h++) {
          float p0 = p[sb + h];
          int ob = h * DV + vc;
          for (int d = 0; d < VC; d++) {
            o[ob + d] += p0 * kv[v0 + d];
          }
        }
      }
    }
  }
}
