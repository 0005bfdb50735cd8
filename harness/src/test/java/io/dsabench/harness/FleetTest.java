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
    Results onDisk = ResultsIO.read(tmp.resolve("bench/results.json"));
    assertThat(onDisk.points()).isEqualTo(r.points());
    assertThat(tmp.resolve("bench/jmh.json")).content().contains("StageBenchmarks");
  }
}
