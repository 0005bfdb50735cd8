package io.dsabench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.harness.stats.StopRule;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end sweeps on the real cpu backend, through JMH forks (the default engine). */
class CpuSweepTest {
  static final StopRule QUICK = new StopRule(1, 0, 3, 20, 0.05, 0.2);

  static Sweep.Options tiny(Path out, List<Phase> phases, List<Integer> positions) {
    SweepSpec spec =
        new SweepSpec(
            phases,
            List.of(Variant.DENSE, Variant.DSA),
            positions,
            Map.of(Phase.PREFILL, 2, Phase.DECODE, 1));
    return Sweep.Options.builder()
        .spec(spec)
        .outDir(out.resolve("bench"))
        .session(SessionConfig.defaults("cpu").withStop(QUICK))
        .lockDir(out.resolve("locks"))
        .build();
  }

  @Test
  @Timeout(300)
  void forkedSweepMeasuresEveryStageAndKeepsTheJmhJson(@TempDir Path tmp) throws Exception {
    long t0 = System.nanoTime();
    Results r = new Sweep(tiny(tmp, List.of(Phase.DECODE), List.of(256))).run();
    System.out.println("forked sweep took " + Duration.ofNanos(System.nanoTime() - t0));
    assertThat(r.points()).hasSize(2);
    for (PointResult p : r.points()) {
      assertThat(p.status()).as(p.reason()).isEqualTo(PointStatus.OK);
      assertThat(p.stage(Op.TOTAL)).isPresent();
      assertThat(p.stage(Op.TOTAL).get().samples()).isGreaterThanOrEqualTo(3);
      assertThat(p.stage(Op.TOTAL).get().sampleSeconds())
          .hasSize(p.stage(Op.TOTAL).get().samples());
    }
    PointResult dsa = r.points().get(1);
    assertThat(dsa.stages().stream().map(s -> s.op()).toList())
        .containsExactly(Op.INDEXER, Op.TOPK, Op.SPARSE_DECODE, Op.TOTAL);
    Path out = tmp.resolve("bench");
    assertThat(ResultsIO.read(out.resolve("results.json")).points()).hasSize(2);
    assertThat(r.run().extra()).containsEntry(RunExtra.ENGINE, "jmh-fork");
    String jmh = Files.readString(out.resolve(r.run().extra().get(RunExtra.JMH_JSON)));
    assertThat(jmh).contains("StageBenchmarks.dsaTotal").contains("StageBenchmarks.indexer");
  }
}
