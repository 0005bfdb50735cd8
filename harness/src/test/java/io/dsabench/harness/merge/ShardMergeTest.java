package io.dsabench.harness.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.harness.RunExtra;
import io.dsabench.harness.Shard;
import io.dsabench.harness.SweepSpec;
import io.dsabench.harness.TestResults;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.workload.SweepPoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardMergeTest {
  static final SweepSpec SPEC = SweepSpec.defaults("cuda");

  static List<ShardMerge.Input> shards(int n) {
    List<ShardMerge.Input> in = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<SweepPoint> pts = new Shard(i, n).select(SPEC.points());
      in.add(
          new ShardMerge.Input(
              Path.of("s" + i + ".json"), TestResults.run("s" + i, SPEC, pts, p -> 1, 0.01)));
    }
    return in;
  }

  @Test
  void shardsMergeBackIntoTheWholeSweepInCanonicalOrder() {
    ShardMerge.Outcome m = ShardMerge.merge(shards(4), "merge");
    assertThat(m.missing()).isEmpty();
    assertThat(m.results().points().stream().map(p -> p.point()).toList()).isEqualTo(SPEC.points());
    assertThat(m.results().points()).allMatch(p -> p.device() != null);
    assertThat(m.results().run().extra()).containsEntry(RunExtra.SWEEP, SPEC.canonical());
  }

  @Test
  void aLostShardIsReportedAsMissingPoints() {
    List<ShardMerge.Input> in = shards(3);
    ShardMerge.Outcome m = ShardMerge.merge(in.subList(0, 2), "merge");
    assertThat(m.missing()).isEqualTo(new Shard(2, 3).select(SPEC.points()));
    assertThat(m.results().run().extra())
        .containsEntry(RunExtra.MISSING_POINTS, String.valueOf(m.missing().size()));
  }

  @Test
  void duplicatedPointsAndMixedSweepsAreRefused() {
    List<ShardMerge.Input> in = shards(2);
    List<ShardMerge.Input> twice =
        List.of(in.get(0), new ShardMerge.Input(Path.of("copy.json"), in.get(0).results()));
    String first = SPEC.points().get(0).key();
    assertThatThrownBy(() -> ShardMerge.merge(twice, "merge"))
        .hasMessage(
            "merge: point "
                + first
                + " is in both s0.json and copy.json; each point must come from exactly one shard");
    Results other = in.get(1).results();
    RunInfo r = other.run();
    Results mixed =
        new Results(
            r.withExtra(
                Map.of(
                    RunExtra.SWEEP, "phases=decode;variants=dsa;positions=1024;tokens=decode:64")),
            other.points());
    assertThatThrownBy(
            () ->
                ShardMerge.merge(
                    List.of(in.get(0), new ShardMerge.Input(Path.of("m.json"), mixed)), "merge"))
        .hasMessageStartingWith("merge: sweep (run.extra.sweep) differs: '")
        .hasMessageEndingWith("in m.json; only shards of one sweep can be merged");
  }
}
