package io.dsabench.kernels.cuda;

import java.util.List;

/**
 * Which sm_90a fp8 indexer runs. The default, {@code auto}, picks by shape what the H200 rounds
 * measured fastest ({@link #forShape}); any version below can be forced. In {@code dsa_indexer.cu},
 * launched by CudaDsaOps on the same split-K grid: {@code v2} ({@code
 * dsa_indexer_fp8_wgmma_q{1,2,4}}), or the candidates {@code v5} ({@code dsa_indexer_fp8_v5_q*}: v2
 * with each block's key scales staged in shared memory beside its keys) and {@code v5g} ({@code
 * dsa_indexer_fp8_v5g_q*}: v5 also writing the 8-key group maxima that top-k {@code gmax} reads),
 * and in {@code sm90/indexer/fp8.cu} {@code v6} / {@code v6g} (v5 with a leaner epilogue; logits
 * bit for bit v2's) and {@code v7} / {@code v7g} (v6 with two accumulator sets, one block's
 * products under the previous block's epilogue, on a one-wave grid of 2 CTAs per SM; T &gt;= 3 runs
 * v6's 4-query kernel) and {@code v8} / {@code v8g} (a producer warp filling a TMA ring for two
 * consumer warpgroups on a persistent grid; T &gt;= 4 runs v6's 4-query kernel) and {@code v8h}
 * (v8g with each block's group maxima finished under the next block's products; T &gt;= 4 runs
 * v6g's) and round idx12's candidates on v8's launch: {@code v12p} (two producer threads, each
 * feeding one consumer warpgroup through its own stages and query slots), {@code v12b} (one 128-key
 * TMA box per stage, read by both consumers) and the g forms {@code v12g} (v8 with its group maxima
 * by redux.sync), {@code v12pg}, {@code v12bg} (T &gt;= 4 runs v6's / v6g's 4-query kernel), and
 * round idx13's g forms of v12b: {@code v13bg} (the group maxima from logits the consumers stage in
 * shared memory, by an otherwise idle warp of the producer warpgroup) and {@code v13bs} (that warp
 * also stores the logits), and round idx14's fixes of their cost at two tokens: {@code v14g3}
 * (three such warps, items dealt round robin), {@code v14g1e} (one, releasing the staging slot on
 * the key stage's empty barrier), {@code v14g3e} (both) and {@code v14s3e} (both, storing the
 * logits as v13bs). System property {@code dsabench.cuda.indexer}. The bf16 indexer and other GPUs
 * always run the portable mma.sync kernels. (Versions 3, 4, 9 / 9g and v8's variants v8c / v8i /
 * v8ci lost on the H200 and left the sources: kernels/NOTES.md says where they are.)
 */
final class IndexerVersion {
  static final String PROPERTY = "dsabench.cuda.indexer";

  static final String DEFAULT_VERSION = "auto";

  static final List<String> VERSIONS =
      List.of(
          "auto", "v2", "v5", "v5g", "v6", "v6g", "v7", "v7g", "v8", "v8g", "v8h", "v12p", "v12b",
          "v12g", "v12pg", "v12bg", "v13bg", "v13bs", "v14g3", "v14g1e", "v14g3e", "v14s3e");

  /**
   * The kernel {@code version} means for a launch of {@code batch} sequences of {@code
   * tokensPerSeq} query tokens: itself, or for {@code auto} the fastest pipeline on the H200 rounds
   * of 2026-11-30 (kernels/NOTES.md, rounds idx6, idx7, idx8, idx12, idx13, idx14; standalone
   * driver, medians of interleaved event times). Up to 128 query rows of one or two tokens, a g
   * form of v12b (v8 with one 128-key TMA box per stage), whose 8-key group maxima let top-k gmax3
   * read a fraction of the logits: one token, v13bs (the producer warpgroup's idle warp stores the
   * logits and the maxima: 1.005× v12b at 64 × 1 on 128K, and with gmax3 1.068× v12b + v10); two
   * tokens, v14g3e (the maxima over three idle warps, staging slots released on the stages' empty
   * barriers: 0.981× v12b at 64 × 2 on 128K, top-k 37 µs against v10's 46 in the driver's pipe).
   * More rows of one token, v6; otherwise v2 (128 × 2: v12b 0.73, v8 0.77 and v6 0.74 against v2's
   * 0.70 in round idx8; prefill chunks: v2 8.9 ms at 4096 × 128K against v6's 9.5).
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
      return "v14g3e";
    }
    if (tokensPerSeq == 1) {
      return "v6";
    }
    return "v2";
  }

  /** Whether the version writes the 8-key group maxima that top-k gmax reads. */
  static boolean writesGroupMaxima(String version) {
    return version.endsWith("g")
        || version.equals("v8h")
        || version.equals("v13bs")
        || version.startsWith("v14");
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
