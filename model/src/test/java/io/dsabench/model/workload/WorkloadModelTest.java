package io.dsabench.model.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** FLOPs and bytes against values computed by hand from the per-pair counts (README). */
class WorkloadModelTest {
  private static final WorkloadModel M = WorkloadModel.deepseekV32();

  @Test
  void denseDecodePerQueryTokenAt128K() {
    // One sequence, context 131072: 2·128·(576+512)·131072 FLOPs.
    SweepPoint one = new SweepPoint(Phase.DECODE, Variant.DENSE, 131072, 1);
    assertThat(M.work(Op.DENSE_DECODE, one).flops()).isEqualTo(2.0 * 128 * 1088 * 131072);
    // 36.5 GFLOP, the dense decode FLOPs behind the paper's ~61 µs per layer and token at 128K.
    assertThat(M.work(Op.DENSE_DECODE, one).flops()).isBetween(36.4e9, 36.6e9);
    // Bytes: q 128·576 + cache 131072·576 + out 128·512, all bf16.
    assertThat(M.work(Op.DENSE_DECODE, one).bytes())
        .isEqualTo(2.0 * (128 * 576 + 131072.0 * 576 + 128 * 512));
    // n sequences: n times the work.
    SweepPoint many = new SweepPoint(Phase.DECODE, Variant.DENSE, 131072, 64);
    assertThat(M.work(Op.DENSE_DECODE, many).flops()).isEqualTo(64 * 2.0 * 128 * 1088 * 131072);
  }

  @Test
  void densePrefillSumsTheCausalChunkExactly() {
    // Chunk of n = 4 queries ending at p = 10: they see 7, 8, 9, 10 keys = 34 pairs.
    SweepPoint pt = new SweepPoint(Phase.PREFILL, Variant.DENSE, 10, 4);
    assertThat(WorkloadModel.densePairs(pt)).isEqualTo(34);
    assertThat(M.work(Op.DENSE_PREFILL, pt).flops()).isEqualTo(2.0 * 128 * (192 + 128) * 34);
  }

  @Test
  void sparsePairsCapAtTopK() {
    // Decode at p = 100000: each of 8 tokens reads 2048 entries; at p = 1000: 1000.
    assertThat(M.sparsePairs(new SweepPoint(Phase.DECODE, Variant.DSA, 100000, 8)))
        .isEqualTo(8 * 2048.0);
    assertThat(M.sparsePairs(new SweepPoint(Phase.DECODE, Variant.DSA, 1000, 8)))
        .isEqualTo(8 * 1000.0);
    // Prefill chunk of 4 ending at 2050: queries see 2047, 2048, 2049, 2050 keys -> 2047 + 3·2048.
    assertThat(M.sparsePairs(new SweepPoint(Phase.PREFILL, Variant.DSA, 2050, 4)))
        .isEqualTo(2047 + 3 * 2048.0);
    SweepPoint d = new SweepPoint(Phase.DECODE, Variant.DSA, 131072, 1);
    assertThat(M.work(Op.SPARSE_DECODE, d).flops()).isEqualTo(2.0 * 128 * 1088 * 2048);
    // fp8 cache for sparse decode: 656 B per gathered entry.
    assertThat(M.work(Op.SPARSE_DECODE, d).bytes())
        .isEqualTo(2.0 * 128 * 576 + 2048 * 656.0 + 4.0 * 2048 + 2.0 * 128 * 512);
  }

  @Test
  void indexerAndTopK() {
    SweepPoint d = new SweepPoint(Phase.DECODE, Variant.DSA, 131072, 1);
    // 2·64·128 FLOPs per (query, key) pair.
    assertThat(M.work(Op.INDEXER, d).flops()).isEqualTo(2.0 * 64 * 128 * 131072);
    // q: 64·(128 B + 4 B), k: 131072·(128 + 4) B, logits: 4 B per pair.
    assertThat(M.work(Op.INDEXER, d).bytes()).isEqualTo(64 * 132.0 + 131072 * 132.0 + 4.0 * 131072);
    assertThat(M.work(Op.TOPK, d).flops()).isZero();
    assertThat(M.work(Op.TOPK, d).bytes()).isEqualTo(4.0 * 131072 + 4.0 * 2048);
  }

  @Test
  void totalIsTheSumOfStages() {
    SweepPoint pt = new SweepPoint(Phase.PREFILL, Variant.DSA, 8192, 512);
    List<OpWork> w = M.work(pt);
    assertThat(w)
        .extracting(OpWork::op)
        .containsExactly(Op.INDEXER, Op.TOPK, Op.SPARSE_PREFILL, Op.TOTAL);
    double sum = w.get(0).flops() + w.get(1).flops() + w.get(2).flops();
    assertThat(M.work(Op.TOTAL, pt).flops()).isEqualTo(sum);
  }

  @Test
  void twoTokensPerSequenceReadEachSequencesCachesOnce() {
    // 128 tokens as 64 sequences of 2 (decode with one MTP draft token) at p = 131072.
    SweepPoint two = new SweepPoint(Phase.DECODE, Variant.DSA, 131072, 128, 2);
    assertThat(two.sequences()).isEqualTo(64);
    // The indexer reads each sequence's 132 B keys once: 64 caches, not 128.
    assertThat(M.work(Op.INDEXER, two).bytes())
        .isEqualTo(128 * 64 * 132.0 + 64 * 131072 * 132.0 + 4.0 * (128 * 131072.0 - 64));
    // The two tokens see p - 1 and p keys.
    assertThat(WorkloadModel.densePairs(two)).isEqualTo(64 * (131071.0 + 131072.0));
    SweepPoint dense = new SweepPoint(Phase.DECODE, Variant.DENSE, 131072, 128, 2);
    assertThat(M.work(Op.DENSE_DECODE, dense).bytes())
        .isEqualTo(2.0 * (128 * 128 * 576 + 64 * 131072.0 * 576 + 128 * 128 * 512));
    // Sparse attention still gathers per query: 2048 entries for each of the 128 tokens.
    assertThat(M.sparsePairs(two)).isEqualTo(128 * 2048.0);
    // Below top-k, a sequence's tokens see 999 and 1000 keys.
    assertThat(M.sparsePairs(new SweepPoint(Phase.DECODE, Variant.DSA, 1000, 8, 2)))
        .isEqualTo(4 * (999 + 1000.0));
    // One token per sequence is the old count.
    assertThat(M.work(Op.INDEXER, new SweepPoint(Phase.DECODE, Variant.DSA, 131072, 64, 1)))
        .isEqualTo(M.work(Op.INDEXER, new SweepPoint(Phase.DECODE, Variant.DSA, 131072, 64)));
  }

  @Test
  void thePublishedTwoTokenIndexerIsUnderTheCopyCeilingWhenCountedPerSequence() {
    // testdata/h200-9e2310f/decode-2tok-b64.json: 128 tokens, 2 per sequence, p = 128K, the
    // indexer's median 414.2 µs. Counted per token it read 5.5 TB/s, above the H200's measured
    // 4.08 TB/s copy ceiling: a counting error, not physics.
    SweepPoint pt = new SweepPoint(Phase.DECODE, Variant.DSA, 131072, 128, 2);
    double tbPerSecond = M.work(Op.INDEXER, pt).bytes() / 414.2e-6 / 1e12;
    assertThat(tbPerSecond).isBetween(2.8, 2.9);
  }

  @Test
  void aPointsMeanPositionIsItsChunksMeanKeyCount() {
    assertThat(new SweepPoint(Phase.PREFILL, Variant.DENSE, 131072, 4096).meanPosition())
        .isEqualTo(131072 - 4095 / 2.0);
    assertThat(new SweepPoint(Phase.DECODE, Variant.DENSE, 131072, 64).meanPosition())
        .isEqualTo(131072.0);
    assertThat(new SweepPoint(Phase.DECODE, Variant.DSA, 131072, 128, 2).meanPosition())
        .isEqualTo(131071.5);
  }

  @Test
  void tokensPerSequenceBreakingItsRulesIsRefusedByName() {
    assertThatThrownBy(() -> new SweepPoint(Phase.DECODE, Variant.DSA, 1024, 3, 2))
        .hasMessage(
            "tokensPerSeq: 2 does not divide the 3 decode tokens (a decode point is tokens/t"
                + " sequences of t tokens)");
    assertThatThrownBy(() -> new SweepPoint(Phase.DECODE, Variant.DSA, 1024, 8, 0))
        .hasMessage("tokensPerSeq: 0 is not a positive token count");
    assertThatThrownBy(() -> new SweepPoint(Phase.DECODE, Variant.DSA, 2, 8, 4))
        .hasMessage(
            "tokensPerSeq: 4 exceeds position 2 (a sequence's query tokens are among its"
                + " positions)");
    assertThatThrownBy(() -> new SweepPoint(Phase.PREFILL, Variant.DSA, 1024, 8, 2))
        .hasMessage(
            "tokensPerSeq: 2 is not the chunk's 8 tokens (a prefill point is one sequence)");
    assertThat(new SweepPoint(Phase.DECODE, Variant.DSA, 1024, 8, 2).key())
        .isEqualTo("decode/dsa/p=1024/n=8/t=2");
    assertThat(new SweepPoint(Phase.DECODE, Variant.DSA, 1024, 8).key())
        .isEqualTo("decode/dsa/p=1024/n=8");
  }

  @Test
  void badPointsNameFieldValueAndRule() {
    assertThatThrownBy(() -> new SweepPoint(Phase.DECODE, Variant.DENSE, -4, 1))
        .hasMessage("position: -4 is not a positive token count");
    assertThatThrownBy(() -> new SweepPoint(Phase.PREFILL, Variant.DENSE, 100, 200))
        .hasMessage("tokens: 200 exceeds position 100 (a prefill chunk ends at p)");
    assertThatThrownBy(() -> Phase.of("train"))
        .hasMessage("phase: 'train' is not one of prefill, decode");
  }
}
