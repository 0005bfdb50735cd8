package io.dsabench.costmodel.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadFileTest {
  private static final String GOOD =
      "name: t\n"
          + "requestsPerSecond: 5\n"
          + "cacheHitRatio: 0.25\n"
          + "prompt: {distribution: lognormal, median: 1000, sigma: 0.8, max: 16384}\n"
          + "output:\n"
          + "  distribution: empirical\n"
          + "  lengths:\n"
          + "    - [200, 3]\n"
          + "    - [800, 1]\n";

  @Test
  void readsYamlAndJson() {
    TrafficMix m = WorkloadFile.parse(GOOD);
    assertThat(m.name()).isEqualTo("t");
    assertThat(m.requestsPerSecond()).isEqualTo(5);
    assertThat(m.cacheHitRatio()).isEqualTo(0.25);
    assertThat(m.targetUtilization()).isEqualTo(TrafficMix.DEFAULT_TARGET_UTILIZATION);
    assertThat(m.output().mean()).isEqualTo(350); // (200·3 + 800·1) / 4
    TrafficMix j =
        WorkloadFile.parse(
            "{\"requestsPerSecond\": 1, \"prompt\": {\"distribution\": \"empirical\","
                + " \"lengths\": [[100, 1]]}, \"output\": {\"distribution\": \"empirical\","
                + " \"lengths\": [[10, 1]]}}");
    assertThat(j.prompt().mean()).isEqualTo(100);
  }

  @Test
  void badFieldsNameFieldValueAndRule() {
    assertThatThrownBy(
            () -> WorkloadFile.parse(GOOD.replace("requestsPerSecond: 5", "requestsPerSecond: -5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestsPerSecond: -5.0 is not a positive rate");
    assertThatThrownBy(() -> WorkloadFile.parse(GOOD.replace("sigma: 0.8", "sigma: -1")))
        .hasMessage("prompt.sigma: -1.0 is not a number >= 0");
    assertThatThrownBy(() -> WorkloadFile.parse(GOOD.replace("lognormal", "gamma")))
        .hasMessage("prompt.distribution: 'gamma' is not one of lognormal, empirical");
    assertThatThrownBy(() -> WorkloadFile.parse(GOOD.replace("[800, 1]", "[800, 0]")))
        .hasMessage("output.lengths[1].weight: 0.0 is not a positive weight");
    assertThatThrownBy(() -> WorkloadFile.parse(GOOD.replace("cacheHitRatio", "cacheHitRate")))
        .hasMessage(
            "cacheHitRate: is not a known field (known: cacheHitRatio, name, output, prompt,"
                + " requestsPerSecond, targetUtilization, tokensPerDecodeStep)");
    assertThatThrownBy(() -> WorkloadFile.parse(GOOD + "tokensPerDecodeStep: 0.5\n"))
        .hasMessage(
            "tokensPerDecodeStep: 0.5 is not at least 1 (a decode step yields its token, plus"
                + " accepted drafts)");
    assertThat(WorkloadFile.parse(GOOD + "tokensPerDecodeStep: 1.9\n").tokensPerDecodeStep())
        .isEqualTo(1.9);
    assertThat(WorkloadFile.parse(GOOD).tokensPerDecodeStep()).isNull();
    assertThatThrownBy(() -> WorkloadFile.parse(GOOD.replace("requestsPerSecond: 5\n", "")))
        .hasMessage("requestsPerSecond: missing; it is required");
  }

  @Test
  void fileErrorsNameTheFile(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("w.yaml");
    Files.writeString(f, GOOD.replace("cacheHitRatio: 0.25", "cacheHitRatio: 2"));
    assertThatThrownBy(() -> WorkloadFile.read(f))
        .hasMessage(f + ": cacheHitRatio: 2.0 is not in [0, 1)");
    assertThatThrownBy(() -> WorkloadFile.read(dir.resolve("none.yaml")))
        .hasMessage("workload: " + dir.resolve("none.yaml") + " does not exist");
  }

  @Test
  void everyExampleWorkloadParses() throws IOException {
    Path examples = Path.of("..", "examples", "workloads");
    try (Stream<Path> files = Files.list(examples)) {
      var list = files.filter(p -> p.toString().endsWith(".yaml")).toList();
      assertThat(list).isNotEmpty();
      for (Path p : list) {
        TrafficMix m = WorkloadFile.read(p);
        assertThat(m.prompt().max() + m.output().max()).isLessThanOrEqualTo(131072);
      }
    }
  }
}
