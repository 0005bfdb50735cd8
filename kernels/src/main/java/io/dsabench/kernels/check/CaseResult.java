package io.dsabench.kernels.check;

/**
 * The outcome of one case.
 *
 * @param error relative L2 error for attention outputs and indexer logits (indexer_topk: its
 *     logits'; its indices pass or fail as top-k's); for top-k, how far the smallest chosen logit
 *     falls below the largest unchosen one (0 when none does); NaN when the case could not be
 *     measured
 * @param limit the largest error that passes
 * @param reason why it failed (null when it passed)
 */
public record CaseResult(
    String op, String shape, double error, double limit, boolean passed, String reason) {
  public CaseResult {
    if (op == null || op.isBlank()) {
      throw new IllegalArgumentException("op: must not be blank");
    }
    if (shape == null) {
      throw new IllegalArgumentException("shape: must not be null");
    }
    if (!passed && (reason == null || reason.isBlank())) {
      throw new IllegalArgumentException("reason: a failed case must say why");
    }
  }
}
