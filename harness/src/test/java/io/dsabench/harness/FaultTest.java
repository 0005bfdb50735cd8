package io.dsabench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Faults lose nothing: on the real cpu backend, each fault is recorded and the sweep goes on. */
class FaultTest {
  @Test
  @Timeout(300)
  void aPointThatRunsOutOfMemoryIsSkippedAndTheRestRun(@TempDir Path tmp) throws Exception {
    // 64K positions of dense decode hold 151 MB of cache on the cpu backend (bf16 kept as fp32);
    // the forks get a 96 MB heap, so that point cannot allocate, while 256 positions can.
    SweepSpec spec =
        new SweepSpec(
            List.of(Phase.DECODE),
            List.of(Variant.DENSE),
            List.of(256, 65536),
            Map.of(Phase.DECODE, 1));
    Sweep.Options o =
        Sweep.Options.builder()
            .spec(spec)
            .outDir(tmp.resolve("bench"))
            .session(SessionConfig.defaults("cpu").withStop(CpuSweepTest.QUICK))
            .lockDir(tmp.resolve("locks"))
            .jvmArgs(List.of("-Xmx96m"))
            .build();
    Results r = new Sweep(o).run();
    assertThat(r.points()).hasSize(2);
    PointResult small = r.points().get(0);
    PointResult big = r.points().get(1);
    assertThat(small.status()).as(small.reason()).isEqualTo(PointStatus.OK);
    assertThat(big.status()).isEqualTo(PointStatus.SKIPPED);
    assertThat(big.reason()).startsWith("dense_decode: cpu: allocate(BF16, ").contains("heap");
    assertThat(ResultsIO.read(tmp.resolve("bench/results.json")).points()).isEqualTo(r.points());
  }

  @Test
  @Timeout(300)
  void nanInputsFailEveryPointWithTheReasonAndTheSweepFinishes(@TempDir Path tmp) throws Exception {
    SweepSpec spec =
        new SweepSpec(
            List.of(Phase.DECODE),
            List.of(Variant.DENSE, Variant.DSA),
            List.of(128),
            Map.of(Phase.DECODE, 1));
    Sweep.Options o =
        Sweep.Options.builder()
            .spec(spec)
            .outDir(tmp.resolve("bench"))
            .forks(0)
            .session(
                SessionConfig.defaults("cpu")
                    .withStop(CpuSweepTest.QUICK)
                    .withInputScale(Float.NaN))
            .lockDir(tmp.resolve("locks"))
            .build();
    Results r = new Sweep(o).run();
    assertThat(r.points()).hasSize(2);
    assertThat(r.points()).allMatch(p -> p.status() == PointStatus.FAILED);
    assertThat(r.points().get(0).reason()).contains("NaN");
    assertThat(r.points().get(1).reason()).contains("NaN");
    assertThat(r.run().extra()).containsEntry(RunExtra.ENGINE, "jmh-in-process");
  }
}
