package io.dsabench.kernels.check;

/** Something that computes the ops on host inputs: a backend under test, or a reference. */
interface Oracle {
  /** Name in the report: a backend's short name, or {@code naive-float64}. */
  String name();

  /**
   * The attention output or indexer logits of {@code c} on {@code in}; a GEMM's output; the
   * activation's dequantized output (code × block scale).
   */
  double[] values(CheckCase c, Inputs in);

  /** The top-k indices of {@code c} on {@code in.logits()}. */
  int[] topK(CheckCase c, Inputs in);

  /**
   * The indexer's logits of {@code c} on {@code in} and the top-k indices chosen from those very
   * logits where they were computed (on a device: the buffer the indexer wrote, never a re-upload).
   */
  IndexerTopK indexerTopK(CheckCase c, Inputs in);

  /** The router's choice of {@code c} on {@code in}. */
  Routing router(CheckCase c, Inputs in);

  /** Chosen experts and their weights, [m, topK] each. */
  // Arrays on purpose: outputs read in place, never compared or hashed.
  @SuppressWarnings("ArrayRecordComponent")
  record Routing(int[] indices, float[] weights) {}

  /** Logits [rows, position] (-Infinity where a row cannot see) and top-k indices [rows, k]. */
  // Arrays on purpose: outputs read in place, never compared or hashed.
  @SuppressWarnings("ArrayRecordComponent")
  record IndexerTopK(double[] logits, int[] indices) {}
}
