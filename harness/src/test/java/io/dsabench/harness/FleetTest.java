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

/**
 * {@code --devices 0,1} on the cpu backend: two real worker processes, one queue, one merged
 * results file in which every point names the worker (device index) that measured it. (On a GPU
 * host each worker is pinned to its GPU; here both share the cpu, which tests the plumbing.)
 */
class FleetTest {
  @Test
  @Timeout(300)
  void twoWorkersDrainOneQueueIntoOneResultsFile(@TempDir Path tmp) throws Exception {
    SweepSpec spec =
        new SweepSpec(
            List.of(Phase.DECODE),
            List.of(Variant.DENSE, Variant.DSA),
            List.of(64, 128),
            Map.of(Phase.DECODE, 1));
    Sweep.Options o =
        Sweep.Options.builder()
            .spec(spec)
            .outDir(tmp.resolve("bench"))
            .forks(0)
            .session(SessionConfig.defaults("cpu").withStop(CpuSweepTest.QUICK))
            .lockDir(tmp.resolve("locks"))
            .devices(List.of(0, 1))
            .build();
    Results r = new Sweep(o).run();
    assertThat(r.points()).hasSize(4);
    for (PointResult p : r.points()) {
      assertThat(p.status()).as(p.reason()).isEqualTo(PointStatus.OK);
      assertThat(p.device()).isNotNull();
      assertThat(p.device().index()).isIn(0, 1);
    }
    assertThat(r.run().extra().get(RunExtra.DEVICES)).startsWith("0:").contains(",1:");
    // Both workers lived to the end: a death would be recorded here (and the points still pass,
    // taken by the other worker, so the statuses alone cannot tell).
    assertThat(r.run().extra()).doesNotContainKey(RunExtra.WORKERS_LOST);
    Results onDisk = ResultsIO.read(tmp.resolve("bench/results.json"));
    assertThat(onDisk.points()).isEqualTo(r.points());
    assertThat(tmp.resolve("bench/jmh.json")).content().contains("StageBenchmarks");
  }

  @Test
  @Timeout(120)
  void workersThatDieAreRecordedAndTheirPointsFailedNotDropped(@TempDir Path tmp) throws Exception {
    SweepSpec spec =
        new SweepSpec(
            List.of(Phase.DECODE),
            List.of(Variant.DENSE),
            List.of(64, 128),
            Map.of(Phase.DECODE, 1));
    // A JVM option that does not exist: every worker process dies before it says it is ready.
    Sweep.Options o =
        Sweep.Options.builder()
            .spec(spec)
            .outDir(tmp.resolve("bench"))
            .forks(0)
            .session(SessionConfig.defaults("cpu").withStop(CpuSweepTest.QUICK))
            .lockDir(tmp.resolve("locks"))
            .jvmArgs(List.of("-XX:+DsabenchNoSuchOption"))
            .devices(List.of(0, 1))
            .build();
    Results r = new Sweep(o).run();
    assertThat(r.points()).hasSize(2);
    for (PointResult p : r.points()) {
      assertThat(p.status()).isEqualTo(PointStatus.FAILED);
      assertThat(p.reason()).isEqualTo("no device worker was left to measure it");
    }
    assertThat(r.run().extra().get(RunExtra.WORKERS_LOST))
        .contains("GPU 0: died (the worker ended before sending @@dsabench-ready)")
        .contains("GPU 1: died (the worker ended before sending @@dsabench-ready)");
  }
}
