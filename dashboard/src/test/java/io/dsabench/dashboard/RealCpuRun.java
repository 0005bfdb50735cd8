package io.dsabench.dashboard;

import io.dsabench.harness.Sweep;
import io.dsabench.harness.SweepSpec;
import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.harness.stats.StopRule;
import io.dsabench.model.results.Results;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A tiny real sweep on the cpu backend through the harness (in-process, few samples): prefill and
 * decode, dense and DSA, at positions 256 and 512. Real measurements of this machine's CPU, so the
 * cost model costs them untranslated and extrapolates beyond 512 (flagged).
 */
final class RealCpuRun {
  private RealCpuRun() {}

  /** Measures into {@code outDir/results.json} and returns what was written. */
  static Results measure(Path outDir, Path lockDir) throws Exception {
    SweepSpec spec =
        new SweepSpec(
            List.of(Phase.PREFILL, Phase.DECODE),
            List.of(Variant.DENSE, Variant.DSA),
            List.of(256, 512),
            Map.of(Phase.PREFILL, 2, Phase.DECODE, 1));
    Sweep.Options o =
        Sweep.Options.builder()
            .spec(spec)
            .outDir(outDir)
            .session(SessionConfig.defaults("cpu").withStop(new StopRule(1, 0, 3, 10, 0.05, 0.2)))
            .forks(0)
            .lockDir(lockDir)
            .command("dashboard test: RealCpuRun")
            .build();
    return new Sweep(o).run();
  }
}
