package io.dsabench.kernels.cpu;

import java.util.Arrays;

/**
 * Causal top-k by radix select, O(visible) per row: logits map to unsigned integers in the same
 * order, three histogram passes (11, 11, 10 bits) find the k-th largest, then one pass takes every
 * larger key and, in index order, enough keys equal to it. One task per row.
 */
final class TopKKernel {
  private static final int[] SHIFTS = {21, 10, 0};
  private static final int[] WIDTHS = {11, 11, 10};

  private TopKKernel() {}

  static void run(
      Parallel par,
      float[] logits,
      int[] indices,
      int batch,
      int tokensPerSeq,
      int position,
      int k) {
    int rows = batch * tokensPerSeq;
    par.forEach(
        rows,
        row -> {
          int t = row % tokensPerSeq;
          int visible = position - tokensPerSeq + t + 1;
          select(logits, row * position, visible, k, indices, row * k);
        });
  }

  /** Order-preserving map of a float's bits to an unsigned int (compare with unsigned ops). */
  static int orderedBits(float f) {
    int bits = Float.floatToRawIntBits(f);
    return bits ^ ((bits >> 31) | 0x80000000);
  }

  static void select(float[] logits, int base, int visible, int k, int[] out, int outBase) {
    if (visible <= k) {
      for (int i = 0; i < visible; i++) {
        out[outBase + i] = i;
      }
      for (int i = visible; i < k; i++) {
        out[outBase + i] = -1;
      }
      return;
    }
    int prefix = 0;
    int prefixMask = 0;
    int remaining = k;
    int[] hist = new int[1 << 11];
    for (int pass = 0; pass < SHIFTS.length; pass++) {
      int shift = SHIFTS[pass];
      int mask = (1 << WIDTHS[pass]) - 1;
      Arrays.fill(hist, 0);
      for (int s = 0; s < visible; s++) {
        int u = orderedBits(logits[base + s]);
        if ((u & prefixMask) == prefix) {
          hist[(u >>> shift) & mask]++;
        }
      }
      int bin = mask;
      for (; bin > 0; bin--) {
        if (hist[bin] >= remaining) {
          break;
        }
        remaining -= hist[bin];
      }
      prefix |= bin << shift;
      prefixMask |= mask << shift;
    }
    // prefix is now the k-th largest key; `remaining` keys equal to it complete the set.
    int threshold = prefix ^ 0x80000000;
    int n = 0;
    for (int s = 0; s < visible; s++) {
      int u = orderedBits(logits[base + s]);
      if ((u ^ 0x80000000) > threshold) {
        out[outBase + n++] = s;
      }
    }
    for (int s = 0; s < visible && remaining > 0; s++) {
      if (orderedBits(logits[base + s]) == prefix) {
        out[outBase + n++] = s;
        remaining--;
      }
    }
  }
}
