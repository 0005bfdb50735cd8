package io.dsabench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepSpecTest {
  static final Map<Phase, Integer> TOKENS = Map.of(Phase.PREFILL, 4096, Phase.DECODE, 64);

  @Test
  void defaultCudaSweepHas36PointsAndClampsPrefillChunksToThePosition() {
    SweepSpec s = SweepSpec.defaults("cuda");
    List<SweepPoint> points = s.points();
    assertThat(points).hasSize(36);
    assertThat(points.get(0)).isEqualTo(new SweepPoint(Phase.PREFILL, Variant.DENSE, 1024, 1024));
    assertThat(points.get(8)).isEqualTo(new SweepPoint(Phase.PREFILL, Variant.DENSE, 131072, 4096));
    // Decode as V3.2 serves it: 64 sequences of 2 query tokens (one MTP draft each).
    assertThat(points.get(18)).isEqualTo(new SweepPoint(Phase.DECODE, Variant.DENSE, 1024, 128, 2));
    assertThat(s.canonical()).endsWith(";tokens=prefill:4096,decode:128;decodeTokensPerSeq=2");
    assertThat(SweepSpec.defaults("cpu").decodeTokensPerSeq()).isEqualTo(1);
    assertThat(SweepSpec.parseCanonical(s.canonical())).isEqualTo(s);
  }

  @Test
  void badSpecsNameTheValueAndTheRule() {
    List<Phase> ph = List.of(Phase.DECODE);
    List<Variant> va = List.of(Variant.DSA);
    assertThatThrownBy(() -> new SweepSpec(ph, va, List.of(), TOKENS))
        .hasMessage("positions: empty; give at least one position");
    assertThatThrownBy(() -> new SweepSpec(ph, va, List.of(1024, 1024), TOKENS))
        .hasMessage("positions: 1024 appears twice; each point is measured once");
    assertThatThrownBy(() -> new SweepSpec(ph, va, List.of(-4), TOKENS))
        .hasMessage("positions: -4 is not a positive token count");
    assertThatThrownBy(() -> new SweepSpec(ph, va, List.of(1024), Map.of(Phase.DECODE, 0)))
        .hasMessage("tokens: 0 is not a positive token count (decode)");
    assertThatThrownBy(
            () -> new SweepSpec(List.of(Phase.DECODE, Phase.DECODE), va, List.of(1), TOKENS))
        .hasMessage("phases: 'decode' appears twice; each point is measured once");
    assertThatThrownBy(() -> SweepSpec.parsePositions("1K,x"))
        .hasMessage("positions: 'x' is not a token count (like 4096 or 4K)");
    assertThat(SweepSpec.parsePositions("1K,128K,4096")).containsExactly(1024, 131072, 4096);
  }

  @Test
  void decodeTokensPerSeqIsCheckedAndRoundTripsOnlyWhenNotOne() {
    List<Phase> both = List.of(Phase.PREFILL, Phase.DECODE);
    List<Variant> va = List.of(Variant.DENSE, Variant.DSA);
    Map<Phase, Integer> tokens = Map.of(Phase.PREFILL, 4096, Phase.DECODE, 128);
    SweepSpec one = new SweepSpec(both, va, List.of(1024, 4096), tokens);
    // N = 1 writes exactly what every sweep wrote before the option, so old files still match.
    assertThat(one.decodeTokensPerSeq()).isEqualTo(1);
    assertThat(one.canonical())
        .isEqualTo(
            "phases=prefill,decode;variants=dense,dsa;positions=1024,4096;"
                + "tokens=prefill:4096,decode:128");
    assertThat(SweepSpec.parseCanonical(one.canonical())).isEqualTo(one);
    assertThat(SweepSpec.decodeTokensPerSeqOf(one.canonical())).isEqualTo(1);

    SweepSpec two = one.withDecodeTokensPerSeq(2);
    assertThat(two.canonical()).isEqualTo(one.canonical() + ";decodeTokensPerSeq=2");
    assertThat(SweepSpec.parseCanonical(two.canonical())).isEqualTo(two).isNotEqualTo(one);
    assertThat(SweepSpec.decodeTokensPerSeqOf(two.canonical())).isEqualTo(2);
    assertThat(SweepSpec.decodeTokensPerSeqOf(null)).isEqualTo(1);
    // The point's tokens stay the total query tokens: 128 = 64 sequences x 2; decode points carry
    // the 2, prefill points are one sequence either way.
    assertThat(two.points()).hasSameSizeAs(one.points());
    for (int i = 0; i < one.points().size(); i++) {
      var a = one.points().get(i);
      var b = two.points().get(i);
      assertThat(b.tokens()).isEqualTo(a.tokens());
      assertThat(b.tokensPerSeq())
          .as(b.key())
          .isEqualTo(a.phase() == Phase.DECODE ? 2 : a.tokens());
      assertThat(b.sequences()).as(b.key()).isEqualTo(a.phase() == Phase.DECODE ? 64 : 1);
    }

    assertThatThrownBy(() -> one.withDecodeTokensPerSeq(0))
        .hasMessage(
            "decode-tokens-per-seq: 0 is not between 1 and 4 (query tokens per decode sequence)");
    assertThatThrownBy(() -> one.withDecodeTokensPerSeq(5))
        .hasMessage(
            "decode-tokens-per-seq: 5 is not between 1 and 4 (query tokens per decode sequence)");
    assertThatThrownBy(
            () ->
                new SweepSpec(both, va, List.of(1024), Map.of(Phase.PREFILL, 64, Phase.DECODE, 3))
                    .withDecodeTokensPerSeq(2))
        .hasMessage(
            "decode-tokens-per-seq: 2 does not divide the 3 decode tokens (a decode point is"
                + " tokens/N sequences of N tokens)");
    assertThatThrownBy(() -> new SweepSpec(both, va, List.of(2, 1024), tokens, 4))
        .hasMessage(
            "decode-tokens-per-seq: 4 exceeds position 2 (a sequence's query tokens are among its"
                + " positions)");
    // Prefill alone has no decode tokens to divide.
    assertThat(
            new SweepSpec(List.of(Phase.PREFILL), va, List.of(1024), Map.of(Phase.PREFILL, 3), 2)
                .points())
        .hasSize(2);
    assertThatThrownBy(() -> SweepSpec.parseCanonical(one.canonical() + ";decodeTokensPerSeq=9"))
        .hasMessageContaining("cannot be read (decode-tokens-per-seq: 9 is not between 1 and 4");
  }

  @Test
  void shardsPartitionTheSweepDeterministically() {
    List<SweepPoint> all = SweepSpec.defaults("cuda").points();
    List<SweepPoint> union = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      List<SweepPoint> part = new Shard(i, 5).select(all);
      assertThat(part).isEqualTo(new Shard(i, 5).select(all)); // same every time
      union.addAll(part);
    }
    assertThat(union).hasSize(all.size());
    assertThat(new HashSet<>(union)).isEqualTo(new HashSet<>(all));
    assertThatThrownBy(() -> Shard.parse("4/4"))
        .hasMessage("shard: index 4 is not between 0 and 3 (I/N is 0-based)");
    assertThatThrownBy(() -> Shard.parse("two")).hasMessage("shard: 'two' is not I/N (like 0/4)");
  }

  @Test
  void deviceSlugsFileRunsByModel() {
    assertThat(DeviceNames.slug("cuda", "NVIDIA H200")).isEqualTo("h200");
    assertThat(DeviceNames.slug("cuda", "NVIDIA H100 80GB HBM3")).isEqualTo("h100");
    assertThat(DeviceNames.slug("cuda", "NVIDIA B200")).isEqualTo("b200");
    assertThat(DeviceNames.slug("cpu", "AMD EPYC")).isEqualTo("cpu");
  }
}
