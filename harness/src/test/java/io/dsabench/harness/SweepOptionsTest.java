package io.dsabench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.harness.stage.SessionConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sweep.Options' builder: each setter checks its value as it is set, naming field, value, rule. */
class SweepOptionsTest {
  @Test
  void eachSetterNamesTheFieldTheValueAndTheRule() {
    assertThatThrownBy(() -> Sweep.Options.builder().forks(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("forks: -1 is not 0 or a positive count");
    assertThatThrownBy(() -> Sweep.Options.builder().iterations(0))
        .hasMessage("iterations: 0 is not a positive count");
    assertThatThrownBy(() -> Sweep.Options.builder().warmupIterations(-2))
        .hasMessage("warmupIterations: -2 is not 0 or a positive count");
    assertThatThrownBy(() -> Sweep.Options.builder().devices(List.of(0, 1, 0)))
        .hasMessage("devices: 0 appears twice");
    assertThatThrownBy(() -> Sweep.Options.builder().devices(List.of(-1)))
        .hasMessage("devices: -1 is not a GPU index (>= 0)");
    assertThatThrownBy(() -> Sweep.Options.builder().spec(null))
        .hasMessage("spec: null is not a value (it must be given)");
    assertThatThrownBy(() -> Sweep.Options.builder().build())
        .hasMessage("sweep: spec, shard, session and out must be given");
  }

  @Test
  void defaultsAreOneForkOneWarmupOneSessionOverTheWholeSweep() {
    Sweep.Options o =
        Sweep.Options.builder()
            .spec(SweepSpec.defaults("cpu"))
            .session(SessionConfig.defaults("cpu"))
            .outDir(Path.of("out"))
            .build();
    assertThat(o.shard()).isEqualTo(Shard.ALL);
    assertThat(List.of(o.forks(), o.warmupIterations(), o.iterations())).containsExactly(1, 1, 1);
    assertThat(o.jvmArgs()).isEmpty();
    assertThat(o.lockDir()).isEqualTo(DeviceLock.defaultDir());
    assertThat(o.command()).isEqualTo("dsabench bench");
    assertThat(o.devices()).isNull();
  }
}
