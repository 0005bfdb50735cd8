package io.dsabench.kernels.cuda;

import java.util.List;

/**
 * Which sm_90a fp8 indexer runs. The default, {@code auto}, picks by shape what the H200 rounds
 * measured fastest ({@link #forShape}); any version below can be forced. In {@code dsa_indexer.cu},
 * launched by CudaDsaOps on the split-K grid: {@code v2} ({@code dsa_indexer_fp8_wgmma_q{1,2,4}}),
 * and in {@code sm90/indexer/fp8.cu} {@code v6} / {@code v6g} (v2 with each block's key scales
 * staged in shared memory beside its keys and a leaner epilogue; logits bit for bit v2's; the g
 * form also writes the 8-key group maxima that top-k {@code gmax2} / {@code gmax3} read) and {@code
 * v8} / {@code v8g} (a producer warp filling a TMA ring for two consumer warpgroups on a persistent
 * grid; T &gt;= 4 runs v6's 4-query kernel) and {@code v8h} (v8g with each block's group maxima
 * finished under the next block's products; T &gt;= 4 runs v6g's), round idx12's {@code v12b} (v8
 * with one 128-key TMA box per stage, read by both consumers), round idx13's {@code v13bs} (v12b
 * with the group maxima and the logits' stores made by an otherwise idle warp of the producer
 * warpgroup from logits the consumers stage in shared memory) and round idx14's {@code v14g3e} (the
 * group maxima over three such warps, the consumers storing the logits, each staging slot released
 * on its key stage's empty barrier) and rounds idx25-idx34's {@code v17} (v13bs's roles on three
 * consumer warpgroups and 192-key stages, each query's products in a commit group of its own, three
 * maxima warps storing the logits and the maxima). System property {@code dsabench.cuda.indexer}.
 * The bf16 indexer and other GPUs always run the portable mma.sync kernels. (Versions 3, 4, 5 / 5g,
 * 7 / 7g, 9 / 9g, v8's variants v8c / v8i / v8ci, v12p / v12g / v12pg / v12bg, v13bg and v14g3 /
 * v14g1e / v14s3e lost on the H200 and left the sources: kernels/NOTES.md says where they are.)
 */
final class IndexerVersion {
  static final String PROPERTY = "dsabench.cuda.indexer";

  static final String DEFAULT_VERSION = "auto";

  static final List<String> VERSIONS =
      List.of("auto", "v2", "v6", "v6g", "v8", "v8g", "v8h", "v12b", "v13bs", "v14g3e", "v17");

  /**
   * The kernel {@code version} means for a launch of {@code batch} sequences of {@code
   * tokensPerSeq} query tokens: itself, or for {@code auto} the fastest pipeline on the H200 rounds
   * of 2026-11-30 and 12-01 (kernels/NOTES.md, rounds idx6-idx14 and idx25-idx34; standalone
   * driver, medians of interleaved event times). Up to 128 query rows of one or two tokens, a g
   * form of v12b (v8 with one 128-key TMA box per stage), whose 8-key group maxima let top-k gmax3
   * read a fraction of the logits: one token, v13bs (the producer warpgroup's idle warp stores the
   * logits and the maxima: 1.005× v12b at 64 × 1 on 128K, and with gmax3 1.068× v12b + v10); two
   * tokens, v17 (three consumer warpgroups, split commit groups, the maxima warps storing logits
   * and maxima: 1.15× v12b at 64 × 2 on 128K, where v14g3e ran 0.98×). More rows of one token, v6;
   * otherwise v2 (128 × 2: v12b 0.73, v8 0.77 and v6 0.74 against v2's 0.70 in round idx8; prefill
   * chunks: v2 8.9 ms at 4096 × 128K against v6's 9.5).
   */
  static String forShape(String version, int batch, int tokensPerSeq) {
    if (!version.equals("auto")) {
      return version;
    }
    long rows = (long) batch * tokensPerSeq;
    if (tokensPerSeq == 1 && rows <= 128) {
      return "v13bs";
    }
    if (tokensPerSeq == 2 && rows <= 128) {
      return "v17";
    }
    if (tokensPerSeq == 1) {
      return "v6";
    }
    return "v2";
  }

  /** Whether the version writes the 8-key group maxima that top-k gmax2 / gmax3 read. */
  static boolean writesGroupMaxima(String version) {
    return version.endsWith("g")
        || version.equals("v8h")
        || version.equals("v13bs")
        || version.equals("v14g3e")
        || version.equals("v17");
  }

  private IndexerVersion() {}

  static String version() {
    String v = System.getProperty(PROPERTY, DEFAULT_VERSION);
    if (!VERSIONS.contains(v)) {
      throw new IllegalArgumentException(
          PROPERTY + ": '" + v + "' is not one of " + String.join(", ", VERSIONS));
    }
    return v;
  }
}
