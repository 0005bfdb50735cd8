package io.dsabench.kernels.cuda;

/**
 * Which top-k runs: {@code v10} ({@code dsa_topk.cu}, one CTA per row; the default and the only one
 * off sm_90a), the candidate {@code gmax} ({@code sm90/topk/gmax.cu}, which reads only the 8-key
 * groups whose maximum can hold a winner, on the group maxima indexer {@code v5g} wrote for these
 * very logits; v10 whenever there are none; CudaDsaOps keeps that pairing), or the candidates
 * {@code s16} / {@code s16p} ({@code sm90/topk/s16.cu}: one read of each row into a 16-bit key copy
 * in shared memory, rows over 32K keys as a cluster of 2-4 CTAs; s16p also prefetches each slice
 * into L2; v10 for rows over 4 x 32K), or the round-topk7 candidates {@code v11} ({@code
 * sm90/topk/v11.cu}: v10 with a one-level window threshold on its sample) and {@code gmax2} (gmax
 * with a one-level window threshold on the group maxima; like gmax, only on an indexer g variant's
 * maxima, else v10), or the round-topk8 candidate {@code gmax3} (gmax2's threshold from a copy of
 * the maxima in shared memory, the listed groups gathered by cp.async in one round trip; one CTA
 * per SM, so gmax2 runs past two waves of rows; the same pairing), or the round-ptopk10 candidate
 * {@code p12} ({@code sm90/topk/prefill.cu}: a persistent grid of two CTAs per SM that streams rows
 * through a shared-memory ring by bulk copies, each row's sample fetched under the previous row;
 * for batches of more than {@link #P12_MIN_ROWS} rows, v10 for fewer), or the round-ptopk11
 * candidate {@code v13} ({@code sm90/topk/v13.cu}: v10 with its sample loaded ahead of a shorter L2
 * prefetch, v11's window threshold, and a small threshold bin ranked directly instead of further
 * radix levels; for batches of more than {@link #V13_MIN_ROWS} rows, v10 for fewer). The
 * round-topk10 candidate {@code c12} ({@code sm90/topk/decode.cu}: each decode row split over a
 * cluster of C CTAs, one read of each logit, nothing from the indexer; v10 past one wave of 3 CTAs
 * per SM or under its minimum row). System property {@code dsabench.cuda.topk}. (The split and
 * cluster top-k lost on the H200 and left the sources: kernels/NOTES.md says where they are.)
 */
final class TopkVersion {
  static final String PROPERTY = "dsabench.cuda.topk";

  /**
   * v13 for prefill batches (more than {@link #V13_MIN_ROWS} rows; round ptopk11 on the H200:
   * 1.08–1.20× v10 at 4096 rows of 16K–128K), v10 for decode batches.
   */
  static final String DEFAULT_VERSION = "v13";

  /**
   * p12 runs for more rows than this (prefill); decode batches keep v10 (or the gmax family): with
   * fewer rows than CTAs a persistent grid has nothing to overlap.
   */
  static final int P12_MIN_ROWS = 256;

  /** v13 runs for more rows than this (prefill, where round ptopk11 times it); v10 for fewer. */
  static final int V13_MIN_ROWS = 256;

  private TopkVersion() {}

  static String version(boolean hopper) {
    String v = System.getProperty(PROPERTY, DEFAULT_VERSION);
    if (!v.equals("v10")
        && !v.equals("gmax")
        && !v.equals("s16")
        && !v.equals("s16p")
        && !v.equals("v11")
        && !v.equals("gmax2")
        && !v.equals("gmax3")
        && !v.equals("p12")
        && !v.equals("c12")
        && !v.equals("v13")) {
      throw new IllegalArgumentException(
          PROPERTY
              + ": '"
              + v
              + "' is not one of v10, gmax, s16, s16p, v11, gmax2, gmax3, p12, c12, v13");
    }
    return hopper ? v : "v10";
  }
}
