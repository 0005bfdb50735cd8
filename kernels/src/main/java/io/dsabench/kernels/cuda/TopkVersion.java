package io.dsabench.kernels.cuda;

import java.util.List;

/**
 * Which top-k runs: {@code v10} ({@code dsa_topk.cu}, one CTA per row; the only one off sm_90a),
 * {@code v13} (the default; {@code sm90/topk/v13.cu}: v10 with its sample loaded ahead of a shorter
 * L2 prefetch, a one-level window threshold on the sample, and a small threshold bin ranked
 * directly instead of further radix levels; for batches of more than {@link #V13_MIN_ROWS} rows;
 * for fewer, gmax3 on an indexer's group maxima, else v10), or the gmax family in {@code
 * sm90/topk/gmax.cu}, which reads only the 8-key groups whose maximum can hold a winner, on the
 * group maxima an indexer g variant wrote for these very logits (v10 whenever there are none;
 * CudaDsaOps keeps that pairing): {@code gmax2} (a one-level window threshold on the group maxima)
 * and {@code gmax3} (gmax2's threshold from a copy of the maxima in shared memory, the listed
 * groups gathered by cp.async in one round trip; one CTA per SM, so gmax2 runs past two waves of
 * rows). System property {@code dsabench.cuda.topk}. (The split, cluster, s16 / s16p, v11, p12, c12
 * and gmax top-k lost on the H200 and left the sources: kernels/NOTES.md says where they are.)
 */
final class TopkVersion {
  static final String PROPERTY = "dsabench.cuda.topk";

  /**
   * v13 for prefill batches (more than {@link #V13_MIN_ROWS} rows; round ptopk11 on the H200:
   * 1.08–1.20× v10 at 4096 rows of 16K–128K); for decode batches gmax3 where the indexer wrote
   * group maxima for the logits (the default one-token indexer does: round idx13, 21 µs against
   * v10's 43 at 64 × 128K), v10 where it did not.
   */
  static final String DEFAULT_VERSION = "v13";

  /** The versions, in the order of the selector's message. */
  static final List<String> VERSIONS = List.of("v10", "v13", "gmax2", "gmax3");

  /** v13 runs for more rows than this (prefill, where round ptopk11 times it); v10 for fewer. */
  static final int V13_MIN_ROWS = 256;

  private TopkVersion() {}

  static String version(boolean hopper) {
    String v = System.getProperty(PROPERTY, DEFAULT_VERSION);
    if (!VERSIONS.contains(v)) {
      throw new IllegalArgumentException(
          PROPERTY + ": '" + v + "' is not one of " + String.join(", ", VERSIONS));
    }
    return hopper ? v : "v10";
  }
}
