package io.dsabench.kernels.cuda;

/**
 * Which top-k runs: {@code v10} ({@code dsa_topk.cu}, one CTA per row; the default and the only one
 * off sm_90a) or the candidate {@code gmax} ({@code sm90/topk/gmax.cu}, which reads only the 8-key
 * groups whose maximum can hold a winner, on the group maxima indexer {@code v5g} wrote for these
 * very logits; v10 whenever there are none; CudaDsaOps keeps that pairing). System property {@code
 * dsabench.cuda.topk}. (The split and cluster top-k lost on the H200 and left the sources:
 * kernels/NOTES.md says where they are.)
 */
final class TopkVersion {
  static final String PROPERTY = "dsabench.cuda.topk";

  static final String DEFAULT_VERSION = "v10";

  private TopkVersion() {}

  static String version(boolean hopper) {
    String v = System.getProperty(PROPERTY, DEFAULT_VERSION);
    if (!v.equals("v10") && !v.equals("gmax")) {
      throw new IllegalArgumentException(PROPERTY + ": '" + v + "' is not one of v10, gmax");
    }
    return hopper ? v : "v10";
  }
}
