package io.dsabench.kernels.cpu;

/**
 * DeepSeek-V3's group-limited MoE router: fp32 logits {@code x · wᵀ} over bf16 inputs, sigmoid
 * scores, groups rated by the sum of their two best biased scores, the best groups kept, the top
 * experts among them chosen by biased score (ties to the lower index), weights = unbiased scores
 * normalised over the chosen. Tasks: rows.
 */
final class RouterKernel {
  private RouterKernel() {}

  static void run(
      Parallel par,
      float[] x,
      float[] w,
      float[] bias,
      float[] weights,
      int[] indices,
      int m,
      int hidden,
      int experts,
      int groups,
      int topKGroups,
      int topK) {
    int perGroup = experts / groups;
    par.forEach(
        m,
        r -> {
          float[] s = new float[experts];
          float[] biased = new float[experts];
          int xb = r * hidden;
          for (int e = 0; e < experts; e++) {
            int wb = e * hidden;
            float dot = 0f;
            for (int d = 0; d < hidden; d++) {
              dot += x[xb + d] * w[wb + d];
            }
            s[e] = (float) (1.0 / (1.0 + Math.exp(-dot)));
            biased[e] = s[e] + bias[e];
          }
          float[] groupScore = new float[groups];
          for (int g = 0; g < groups; g++) {
            float first = Float.NEGATIVE_INFINITY;
            float second = Float.NEGATIVE_INFINITY;
            for (int e = g * perGroup; e < (g + 1) * perGroup; e++) {
              float v = biased[e];
              if (v > first) {
                second = first;
                first = v;
              } else if (v > second) {
                second = v;
              }
            }
            groupScore[g] = first + second;
          }
          boolean[] kept = new boolean[groups];
          for (int i = 0; i < topKGroups; i++) {
            int best = -1;
            for (int g = 0; g < groups; g++) {
              if (!kept[g] && (best < 0 || groupScore[g] > groupScore[best])) {
                best = g;
              }
            }
            kept[best] = true;
          }
          boolean[] chosen = new boolean[experts];
          float sum = 0f;
          int ob = r * topK;
          for (int i = 0; i < topK; i++) {
            int best = -1;
            for (int e = 0; e < experts; e++) {
              if (kept[e / perGroup] && !chosen[e] && (best < 0 || biased[e] > biased[best])) {
                best = e;
              }
            }
            chosen[best] = true;
            indices[ob + i] = best;
            sum += s[best];
          }
          for (int i = 0; i < topK; i++) {
            weights[ob + i] = s[indices[ob + i]] / sum;
          }
        });
  }
}
