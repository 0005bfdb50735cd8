package io.dsabench.harness.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Variant;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhEngineTest {
  @Test
  void forksByDefaultAndFallsBackInProcessWithANoteWhereThereIsNoLauncher(@TempDir Path tmp) {
    SessionConfig cfg = SessionConfig.defaults("cpu");
    JmhEngine forked = new JmhEngine(tmp, cfg, 1, 1, 1, List.of());
    assertThat(forked.engine()).isEqualTo("jmh-fork");
    assertThat(forked.note()).isNull();
    String home = System.getProperty("java.home");
    try {
      // A runtime image without bin/java (jlink can build one): nothing to fork with.
      System.setProperty("java.home", tmp.toString());
      JmhEngine e = new JmhEngine(tmp, cfg, 1, 1, 1, List.of());
      assertThat(e.engine()).isEqualTo("jmh-in-process");
      assertThat(e.note())
          .isEqualTo(
              "JMH ran in-process (no forks): this runtime has no launcher at "
                  + tmp.resolve("bin").resolve("java")
                  + " to fork with");
    } finally {
      System.setProperty("java.home", home);
    }
    assertThatThrownBy(() -> new JmhEngine(tmp, cfg, -1, 1, 1, List.of()))
        .hasMessage("forks: -1 is negative");
  }

  @Test
  void everyOpOfOurKernelsHasABenchmarkAndBack() {
    for (Op op : Op.values()) {
      if (op == Op.DENSE_PREFILL_MASKED) {
        assertThatThrownBy(() -> StageBenchmarks.methodOf(op, Variant.DENSE))
            .hasMessage("op: dense_prefill_masked is measured by reference runs only");
        continue;
      }
      if (op.rest()) {
        // The rest of the model is timed by harness.rest, outside JMH's attention benchmarks.
        assertThatThrownBy(() -> StageBenchmarks.methodOf(op, Variant.DENSE))
            .hasMessage("op: " + op.id() + " is rest of the model, not an attention point's stage");
        continue;
      }
      for (Variant v : Variant.values()) {
        assertThat(StageBenchmarks.opOf(StageBenchmarks.methodOf(op, v))).isEqualTo(op);
      }
    }
    assertThat(StageBenchmarks.methodOf(Op.TOTAL, Variant.DSA)).isEqualTo("dsaTotal");
  }
}
