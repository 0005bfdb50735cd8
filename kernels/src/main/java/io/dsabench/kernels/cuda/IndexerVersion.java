package io.dsabench.kernels.cuda;

/**
 * Which sm_90a fp8 indexer runs, all of them in {@code dsa_indexer.cu} and launched by CudaDsaOps
 * on the same split-K grid: {@code v2} (the default: {@code dsa_indexer_fp8_wgmma_q{1,2,4}}), or
 * the candidates {@code v5} ({@code dsa_indexer_fp8_v5_q*}: v2 with each block's key scales staged
 * in shared memory beside its keys) and {@code v5g} ({@code dsa_indexer_fp8_v5g_q*}: v5 also
 * writing the 8-key group maxima that top-k {@code gmax} reads). System property {@code
 * dsabench.cuda.indexer}. The bf16 indexer and other GPUs always run the portable mma.sync kernels.
 * (Versions 3 and 4 lost on the H200 and left the sources: kernels/NOTES.md says where they are.)
 */
final class IndexerVersion {
  static final String PROPERTY = "dsabench.cuda.indexer";

  static final String DEFAULT_VERSION = "v2";

  private IndexerVersion() {}

  static String version() {
    String v = System.getProperty(PROPERTY, DEFAULT_VERSION);
    if (!v.equals("v2") && !v.equals("v5") && !v.equals("v5g")) {
      throw new IllegalArgumentException(PROPERTY + ": '" + v + "' is not one of v2, v5, v5g");
    }
    return v;
  }
}
