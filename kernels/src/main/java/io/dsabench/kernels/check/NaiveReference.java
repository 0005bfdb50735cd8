package io.dsabench.kernels.check;

import io.dsabench.kernels.Mla;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The ops written straight from their formulas in float64, one (query, head) at a time, with a
 * two-pass softmax: slow, obvious, and independent of the cpu backend's blocking, online softmax
 * and radix select. Inputs are host arrays holding the values as the device holds them (already
 * rounded to bf16 / e4m3, FP8 cache entries already dequantized); outputs are unrounded doubles.
 * Layouts and the causal convention are those of {@link io.dsabench.kernels.Ops}.
 */
public final class NaiveReference {
  private static final int H = Mla.HEADS;

  private NaiveReference() {}

  /** Query token {@code t} of {@code tokensPerSeq} sees keys {@code 0 .. visible(t) - 1}. */
  public static int visible(int position, int tokensPerSeq, int t) {
    return position - tokensPerSeq + t + 1;
  }

  /** Dense MHA prefill: q [tokens,128,192], k [position,128,192], v [position,128,128]. */
  public static double[] densePrefill(float[] q, float[] k, float[] v, int tokens, int position) {
    int dk = Mla.QK_DIM;
    int dv = Mla.V_DIM;
    double[] out = new double[tokens * H * dv];
    IntStream.range(0, tokens * H)
        .parallel()
        .forEach(
            th -> {
              int t = th / H;
              int h = th % H;
              int n = visible(position, tokens, t);
              double[] s = new double[n];
              for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int d = 0; d < dk; d++) {
                  dot += (double) q[(t * H + h) * dk + d] * k[(j * H + h) * dk + d];
                }
                s[j] = dot * Mla.SOFTMAX_SCALE;
              }
              double[] p = softmax(s);
              for (int j = 0; j < n; j++) {
                for (int d = 0; d < dv; d++) {
                  out[(t * H + h) * dv + d] += p[j] * v[(j * H + h) * dv + d];
                }
              }
            });
    return out;
  }

  /** Dense MQA decode: q [batch,tps,128,576], cache [batch,position,576]. */
  public static double[] denseDecode(
      float[] q, float[] cache, int batch, int tokensPerSeq, int position) {
    int rows = batch * tokensPerSeq;
    int[][] keys = new int[rows][];
    for (int r = 0; r < rows; r++) {
      keys[r] = IntStream.range(0, visible(position, tokensPerSeq, r % tokensPerSeq)).toArray();
    }
    return mqa(q, cache, keys, tokensPerSeq, position);
  }

  /**
   * Sparse MQA attention over {@code indices} [batch,tps,k] (-1 skipped); {@code cache} holds 576
   * floats per token (dequantized for an FP8 cache).
   */
  public static double[] sparse(
      float[] q, float[] cache, int[] indices, int batch, int tokensPerSeq, int position, int k) {
    int rows = batch * tokensPerSeq;
    int[][] keys = new int[rows][];
    for (int r = 0; r < rows; r++) {
      keys[r] = Arrays.stream(indices, r * k, r * k + k).filter(i -> i != -1).toArray();
    }
    return mqa(q, cache, keys, tokensPerSeq, position);
  }

  /**
   * Softmax-weighted MQA attention of each row over its keys (keys[row] are positions in its
   * sequence).
   */
  private static double[] mqa(
      float[] q, float[] cache, int[][] keys, int tokensPerSeq, int position) {
    int d = Mla.KV_DIM;
    int dv = Mla.LATENT_DIM;
    int rows = keys.length;
    double[] out = new double[rows * H * dv];
    IntStream.range(0, rows * H)
        .parallel()
        .forEach(
            rh -> {
              int r = rh / H;
              int seq = (r / tokensPerSeq) * position;
              int[] sel = keys[r];
              double[] s = new double[sel.length];
              int qb = rh * d;
              for (int j = 0; j < sel.length; j++) {
                int kb = (seq + sel[j]) * d;
                double dot = 0;
                for (int i = 0; i < d; i++) {
                  dot += (double) q[qb + i] * cache[kb + i];
                }
                s[j] = dot * Mla.SOFTMAX_SCALE;
              }
              double[] p = softmax(s);
              int ob = rh * dv;
              for (int j = 0; j < sel.length; j++) {
                int kb = (seq + sel[j]) * d;
                for (int i = 0; i < dv; i++) {
                  out[ob + i] += p[j] * cache[kb + i];
                }
              }
            });
    return out;
  }

  /**
   * Lightning indexer: {@code I[t,s] = kScale[s] * sum_j w[t,j] * ReLU(q[t,j] . k[s])} ({@code
   * kScales} null: no scale), -Infinity for keys a query cannot see.
   */
  public static double[] indexer(
      float[] q, float[] w, float[] k, float[] kScales, int batch, int tokensPerSeq, int position) {
    int j = Mla.INDEX_HEADS;
    int d = Mla.INDEX_DIM;
    int rows = batch * tokensPerSeq;
    double[] out = new double[rows * position];
    IntStream.range(0, rows)
        .parallel()
        .forEach(
            r -> {
              int b = r / tokensPerSeq;
              int n = visible(position, tokensPerSeq, r % tokensPerSeq);
              for (int s = 0; s < position; s++) {
                if (s >= n) {
                  out[r * position + s] = Double.NEGATIVE_INFINITY;
                  continue;
                }
                int kb = (b * position + s) * d;
                double sum = 0;
                for (int h = 0; h < j; h++) {
                  double dot = 0;
                  int qb = (r * j + h) * d;
                  for (int i = 0; i < d; i++) {
                    dot += (double) q[qb + i] * k[kb + i];
                  }
                  sum += w[r * j + h] * Math.max(dot, 0);
                }
                out[r * position + s] = kScales == null ? sum : sum * kScales[b * position + s];
              }
            });
    return out;
  }

  /**
   * Top-k by full sort (largest first, ties by lower index), -1 padding where a row sees at most k
   * keys.
   */
  public static int[] topK(float[] logits, int batch, int tokensPerSeq, int position, int k) {
    int rows = batch * tokensPerSeq;
    int[] out = new int[rows * k];
    Arrays.fill(out, -1);
    for (int r = 0; r < rows; r++) {
      int n = visible(position, tokensPerSeq, r % tokensPerSeq);
      int base = r * position;
      Integer[] order = new Integer[n];
      for (int s = 0; s < n; s++) {
        order[s] = s;
      }
      Arrays.sort(order, (a, c) -> Float.compare(logits[base + c], logits[base + a]));
      for (int i = 0; i < Math.min(n, k); i++) {
        out[r * k + i] = order[i];
      }
    }
    return out;
  }

  /**
   * FP8 GEMM, plain or grouped: {@code out[r,c] = sum_k a[r,k] · aScales[k/128, r] · b[g,c,k] ·
   * bScales[g, c/128, k/128]} in float64 over the dequantized values, row r in group g. {@code a}
   * and {@code b} hold e4m3 values (not codes), {@code a} [m, k], {@code b} [groups, n, k].
   */
  public static double[] fp8Gemm(
      float[] a, float[] aScales, float[] b, float[] bScales, int[] groupRows, int n, int k) {
    int m = Arrays.stream(groupRows).sum();
    int nb = (n + 127) / 128;
    int kb = k / 128;
    int[] groupOf = new int[m];
    for (int g = 0, r = 0; g < groupRows.length; g++) {
      for (int i = 0; i < groupRows[g]; i++) {
        groupOf[r++] = g;
      }
    }
    double[] out = new double[m * n];
    IntStream.range(0, m)
        .parallel()
        .forEach(
            r -> {
              int g = groupOf[r];
              for (int c = 0; c < n; c++) {
                double sum = 0;
                for (int j = 0; j < k; j++) {
                  double av = (double) a[r * k + j] * aScales[(j / 128) * m + r];
                  double bv =
                      (double) b[(g * n + c) * k + j] * bScales[(g * nb + c / 128) * kb + j / 128];
                  sum += av * bv;
                }
                out[r * n + c] = sum;
              }
            });
    return out;
  }

  /** {@code SiLU(gate) · up} of each row of {@code in} [m, 2·width], unquantized, in float64. */
  public static double[] swiGlu(float[] in, int m, int width) {
    double[] h = new double[m * width];
    for (int r = 0; r < m; r++) {
      for (int j = 0; j < width; j++) {
        double gate = in[r * 2 * width + j];
        double up = in[r * 2 * width + width + j];
        h[r * width + j] = gate / (1 + Math.exp(-gate)) * up;
      }
    }
    return h;
  }

  /**
   * The router's sigmoid scores {@code sigmoid(x · wᵀ)} in float64: x [m, hidden], w [experts,
   * hidden]; out [m, experts].
   */
  public static double[] routerScores(float[] x, float[] w, int m, int hidden, int experts) {
    double[] s = new double[m * experts];
    for (int r = 0; r < m; r++) {
      for (int e = 0; e < experts; e++) {
        double dot = 0;
        for (int d = 0; d < hidden; d++) {
          dot += (double) x[r * hidden + d] * w[e * hidden + d];
        }
        s[r * experts + e] = 1 / (1 + Math.exp(-dot));
      }
    }
    return s;
  }

  /**
   * Group-limited top-k of one row of scores, written the long way: rate each group by its two best
   * {@code s + bias} (sorting the group), keep the best {@code topKGroups} groups (stable sort, so
   * ties keep the lower group), then sort the kept experts by {@code s + bias} (stable: ties keep
   * the lower index) and take {@code topK}.
   *
   * @return the chosen experts, best first
   */
  public static int[] routerChoice(
      double[] scores, int row, float[] bias, int experts, int groups, int topKGroups, int topK) {
    int per = experts / groups;
    double[] biased = new double[experts];
    for (int e = 0; e < experts; e++) {
      biased[e] = scores[row * experts + e] + bias[e];
    }
    double[] groupScore = new double[groups];
    for (int g = 0; g < groups; g++) {
      double[] v = Arrays.copyOfRange(biased, g * per, (g + 1) * per);
      Arrays.sort(v);
      groupScore[g] = v[per - 1] + v[per - 2];
    }
    Integer[] order = new Integer[groups];
    for (int g = 0; g < groups; g++) {
      order[g] = g;
    }
    Arrays.sort(order, (p, q) -> Double.compare(groupScore[q], groupScore[p]));
    Integer[] candidates =
        IntStream.range(0, experts)
            .filter(
                e -> {
                  for (int i = 0; i < topKGroups; i++) {
                    if (order[i] == e / per) {
                      return true;
                    }
                  }
                  return false;
                })
            .boxed()
            .toArray(Integer[]::new);
    Arrays.sort(candidates, (p, q) -> Double.compare(biased[q], biased[p]));
    int[] out = new int[topK];
    for (int i = 0; i < topK; i++) {
      out[i] = candidates[i];
    }
    return out;
  }

  /** Softmax weights of one row of scores, two-pass (max, then exponentials). */
  public static double[] softmax(double[] s) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : s) {
      max = Math.max(max, x);
    }
    double[] p = new double[s.length];
    double sum = 0;
    for (int i = 0; i < s.length; i++) {
      p[i] = Math.exp(s[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < s.length; i++) {
      p[i] /= sum;
    }
    return p;
  }
}
