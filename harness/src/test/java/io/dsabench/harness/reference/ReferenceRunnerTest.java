package io.dsabench.harness.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dsabench.harness.stats.StopRule;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java side of the reference runner, against lines a real H200 run recorded. */
class ReferenceRunnerTest {
  /** Takes every recorded sample (10 per stage): the noise bound never stops it earlier. */
  static final StopRule ALL = new StopRule(3, 0.1, 10, 10, 1.0, 1e9);

  @Test
  void helloNamesTheDeviceAndTheLibrariesThatRan() throws Exception {
    try (ReferenceRunner r = ReferenceRunner.open(new ReplayChannel())) {
      ReferenceRunner.Hello h = r.hello();
      assertThat(h.device().name()).isEqualTo("NVIDIA H200");
      assertThat(h.device().smCount()).isEqualTo(132);
      assertThat(h.device().driverVersion()).isEqualTo("CUDA 13.0");
      assertThat(h.device().uuid()).as("the recording predates the uuid field").isNull();
      assertThat(h.torch()).isEqualTo("2.11.0+cu130");
      assertThat(h.libraries().get("flash_mla"))
          .containsEntry("version", "1.0.0")
          .containsEntry("commit", "9241ae3ef9bac614dd25e45e507e089f888280e0");
      assertThat(h.libraries().get("deep_gemm").get("unavailable"))
          .startsWith("deep_gemm not importable");
    }
  }

  @Test
  void pointIsHandedOverAndEveryRecordedSampleComesBack() throws Exception {
    ReplayChannel ch = new ReplayChannel();
    try (ReferenceRunner r = ReferenceRunner.open(ch)) {
      SweepPoint p = new SweepPoint(Phase.DECODE, Variant.DSA, 131072, 128);
      List<ReferenceRunner.StageOutcome> out =
          r.measure(p, 2, List.of(Op.INDEXER, Op.TOPK, Op.SPARSE_DECODE), ALL, 7);
      JsonNode sent = ch.received.get(0);
      assertThat(sent.get("type").asText()).isEqualTo("point");
      assertThat(sent.get("tokensPerSeq").asInt()).isEqualTo(2);
      assertThat(sent.get("warmupRuns").asInt()).isEqualTo(3);
      assertThat(sent.get("seed").asLong()).isEqualTo(7);
      assertThat(out)
          .extracting(ReferenceRunner.StageOutcome::op)
          .containsExactly(Op.INDEXER, Op.TOPK, Op.SPARSE_DECODE);
      for (ReferenceRunner.StageOutcome o : out) {
        assertThat(o.status()).isEqualTo(PointStatus.OK);
        assertThat(o.samples()).hasSize(10).allMatch(s -> s > 0);
        assertThat(o.stopReason()).isEqualTo("max samples");
      }
      ReferenceRunner.StageOutcome sparse = out.get(2);
      assertThat(sparse.implementation())
          .containsEntry("library", "flash_mla")
          .containsEntry("commit", "9241ae3ef9bac614dd25e45e507e089f888280e0");
      // FlashMLA's FP8 sparse decode of 64 sequences x 2 tokens took ~0.19 ms on the H200.
      assertThat(sparse.samples().get(5)).isBetween(1.5e-4, 2.5e-4);
    }
  }

  @Test
  void theStopRuleIsOursAndTheRunnerObeysIt() throws Exception {
    ReplayChannel ch = new ReplayChannel();
    StopRule three = new StopRule(3, 0.1, 3, 3, 1.0, 1e9);
    try (ReferenceRunner r = ReferenceRunner.open(ch)) {
      List<ReferenceRunner.StageOutcome> out =
          r.measure(
              new SweepPoint(Phase.DECODE, Variant.DENSE, 131072, 64),
              1,
              List.of(Op.DENSE_DECODE),
              three,
              1);
      assertThat(out.get(0).samples()).hasSize(3);
      long stops = ch.received.stream().filter(m -> m.get("type").asText().equals("stop")).count();
      long nexts = ch.received.stream().filter(m -> m.get("type").asText().equals("next")).count();
      assertThat(stops).isEqualTo(1);
      assertThat(nexts).isEqualTo(2);
    }
  }

  @Test
  void aStageTheRunnerSkipsKeepsItsReason() throws Exception {
    ReplayChannel ch =
        new ReplayChannel(
            m -> {
              if (m.path("op").asText().equals("sparse_decode")) {
                if (m.path("type").asText().equals("sample")) {
                  return null;
                }
                return Json.parse(
                    "{\"type\":\"stage\",\"op\":\"sparse_decode\",\"status\":\"skipped\","
                        + "\"reason\":\"flash_mla not importable: No module named 'flash_mla'\"}");
              }
              return m;
            });
    try (ReferenceRunner r = ReferenceRunner.open(ch)) {
      List<ReferenceRunner.StageOutcome> out =
          r.measure(
              new SweepPoint(Phase.DECODE, Variant.DSA, 131072, 64),
              1,
              List.of(Op.INDEXER, Op.TOPK, Op.SPARSE_DECODE),
              ALL,
              1);
      assertThat(out.get(0).status()).isEqualTo(PointStatus.OK);
      assertThat(out.get(2).status()).isEqualTo(PointStatus.SKIPPED);
      assertThat(out.get(2).reason())
          .isEqualTo("flash_mla not importable: No module named 'flash_mla'");
    }
  }

  @Test
  void aRunnerThatDiesMidStageFailsWhatItHadNotFinished(@TempDir Path dir) throws Exception {
    Path script = DyingRunner.write(dir);
    ProcessChannel ch =
        ProcessChannel.start(List.of("bash", script.toString()), dir.resolve("log"));
    try (ReferenceRunner r = ReferenceRunner.open(ch)) {
      List<ReferenceRunner.StageOutcome> out =
          r.measure(
              new SweepPoint(Phase.DECODE, Variant.DSA, 4096, 64),
              1,
              List.of(Op.INDEXER, Op.TOPK, Op.SPARSE_DECODE),
              ALL,
              1);
      assertThat(r.dead()).isTrue();
      assertThat(out)
          .extracting(ReferenceRunner.StageOutcome::status)
          .containsOnly(PointStatus.FAILED);
      assertThat(out.get(0).reason())
          .isEqualTo(
              "reference runner died: exit code 3; stderr: CUDA error: an illegal memory access"
                  + " (during indexer)");
      assertThat(out.get(1).reason())
          .isEqualTo(
              "reference runner died: exit code 3; stderr: CUDA error: an illegal memory access");
    }
    assertThat(Files.readString(dir.resolve("log"))).contains("an illegal memory access");
  }

  @Test
  void aRunnerWithoutTorchIsUnavailableWithItsReason(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("no-torch.sh");
    Files.writeString(
        script,
        "echo '{\"type\":\"error\",\"reason\":\"torch not importable: No module named"
            + " torch\"}'\nexit 3\n");
    ProcessChannel ch = ProcessChannel.start(List.of("bash", script.toString()), null);
    assertThatThrownBy(() -> ReferenceRunner.open(ch))
        .isInstanceOf(ReferenceRunner.UnavailableException.class)
        .hasMessage("torch not importable: No module named torch");
  }

  @Test
  void aProgramThatIsNotThereCannotStart() {
    assertThatThrownBy(
            () -> ProcessChannel.start(List.of("/nonexistent/python3", "runner.py"), null))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageStartingWith("Cannot run program \"/nonexistent/python3\"");
  }
}
