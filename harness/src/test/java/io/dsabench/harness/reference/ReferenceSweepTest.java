package io.dsabench.harness.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dsabench.harness.SweepSpec;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceSweepTest {
  /** A reference sweep in its own process whose runner says hello, then never answers. */
  public static final class Victim {
    public static void main(String[] args) throws Exception {
      SweepSpec spec =
          new SweepSpec(
              List.of(Phase.DECODE),
              List.of(Variant.DENSE),
              List.of(1024),
              Map.of(Phase.DECODE, 2));
      new ReferenceSweep(
              spec,
              io.dsabench.harness.stats.StopRule.GPU,
              Path.of(args[0]),
              () -> ProcessChannel.start(List.of("/bin/sh", args[1]), Path.of(args[0] + ".log")),
              "test")
          .run();
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void anInterruptedReferenceSweepRecordsTheSignal(@TempDir Path dir) throws Exception {
    Path script =
        Files.writeString(
            dir.resolve("runner.sh"),
            "echo '{\"type\":\"hello\",\"python\":\"3\",\"torch\":\"t\","
                + "\"device\":{\"name\":\"NVIDIA H200\",\"smCount\":132,\"memoryBytes\":1},"
                + "\"implementations\":{}}'\nexec sleep 30\n");
    Path file = dir.resolve("results.json");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Victim.class.getName(),
                file.toString(),
                script.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("victim.log").toFile())
            .start();
    List<ProcessHandle> children = List.of();
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!Files.exists(file) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      children = p.descendants().toList();
      new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).start().waitFor();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly().waitFor();
      children.forEach(ProcessHandle::destroyForcibly);
    }
    Results left = ResultsIO.read(file);
    assertThat(left.run().extra())
        .containsEntry(io.dsabench.harness.RunExtra.INTERRUPTED, "SIGTERM");
    assertThat(left.points()).isEmpty();
  }

  @Test
  void aSweepWritesTheSchemaWithImplementationsAndOurWorkModel(@TempDir Path dir) throws Exception {
    SweepSpec spec =
        new SweepSpec(
            List.of(Phase.PREFILL),
            List.of(Variant.DENSE, Variant.DSA),
            List.of(16384, 131072),
            Map.of(Phase.PREFILL, 4096));
    Path file = dir.resolve("results.json");
    // prefill/dsa at 16K was not recorded: that point's runner fails the protocol and is replaced.
    Results r =
        new ReferenceSweep(spec, ReferenceRunnerTest.ALL, file, ReplayChannel::new, "test").run();
    Results onDisk = ResultsIO.read(file);
    assertThat(onDisk).isEqualTo(r);
    assertThat(r.run().backend()).isEqualTo("reference");
    assertThat(r.run().device().name()).isEqualTo("NVIDIA H200");
    assertThat(r.run().id()).contains("-h200-reference-");
    assertThat(r.run().extra())
        .containsEntry(
            "library.flash_mla", "1.0.0 (commit 9241ae3ef9bac614dd25e45e507e089f888280e0)")
        .containsEntry("torch", "2.11.0+cu130");
    assertThat(r.points()).hasSize(4);

    PointResult dense = find(r, Variant.DENSE, 131072);
    assertThat(dense.status()).isEqualTo(PointStatus.OK);
    StageResult marginal = dense.stage(Op.DENSE_PREFILL).orElseThrow();
    StageResult masked = dense.stage(Op.DENSE_PREFILL_MASKED).orElseThrow();
    SweepPoint p = dense.point();
    double flops = WorkloadModel.deepseekV32().work(Op.DENSE_PREFILL, p).flops();
    assertThat(marginal.flops()).isEqualTo(flops);
    assertThat(masked.flops()).isEqualTo(flops);
    assertThat(marginal.samples()).isEqualTo(10);
    assertThat(marginal.flopsPerSecond()).isEqualTo(flops / marginal.medianSeconds());
    // cuDNN on the H200: ~530 TFLOP/s marginal, ~360 in one bottom-right-masked call.
    assertThat(marginal.flopsPerSecond() / 1e12).isBetween(450.0, 620.0);
    assertThat(masked.flopsPerSecond() / 1e12).isBetween(300.0, 420.0);
    assertThat(marginal.implementation())
        .containsEntry("library", "torch")
        .containsEntry("backend", "cudnn");

    PointResult dsa = find(r, Variant.DSA, 131072);
    assertThat(dsa.stages())
        .extracting(StageResult::op)
        .containsExactly(Op.INDEXER, Op.TOPK, Op.SPARSE_PREFILL);
    assertThat(dsa.stage(Op.INDEXER).orElseThrow().implementation())
        .containsEntry("label", "GEMM only, lower bound");
    StageResult sparse = dsa.stage(Op.SPARSE_PREFILL).orElseThrow();
    assertThat(sparse.implementation()).containsEntry("library", "flash_mla");
    assertThat(sparse.flopsPerSecond() / 1e12).isCloseTo(530, within(80.0));

    PointResult unrecorded = find(r, Variant.DSA, 16384);
    assertThat(unrecorded.status()).isEqualTo(PointStatus.FAILED);
    assertThat(unrecorded.reason()).contains("reference runner protocol broke: no recorded point");
  }

  @Test
  void aRunnerThatKeepsDyingFailsEachPointAndTheSweepGoesOn(@TempDir Path dir) throws Exception {
    Path script = DyingRunner.write(dir);
    AtomicInteger starts = new AtomicInteger();
    SweepSpec spec =
        new SweepSpec(
            List.of(Phase.DECODE),
            List.of(Variant.DSA),
            List.of(4096, 8192, 16384),
            Map.of(Phase.DECODE, 64));
    Path file = dir.resolve("results.json");
    Results r =
        new ReferenceSweep(
                spec,
                ReferenceRunnerTest.ALL,
                file,
                () -> {
                  starts.incrementAndGet();
                  return ProcessChannel.start(List.of("bash", script.toString()), null);
                },
                "test")
            .run();
    assertThat(r.points()).hasSize(3).allMatch(x -> x.status() == PointStatus.FAILED);
    assertThat(r.run().device().uuid()).isEqualTo("GPU-72db53f8");
    assertThat(r.points().get(0).reason())
        .startsWith("indexer: reference runner died: exit code 3");
    assertThat(r.points().get(0).skippedStages()).hasSize(3);
    assertThat(starts.get()).isEqualTo(3);
    assertThat(ResultsIO.read(file).points()).hasSize(3);
  }

  private static PointResult find(Results r, Variant v, int position) {
    return r.points().stream()
        .filter(x -> x.variant() == v && x.position() == position)
        .findFirst()
        .orElseThrow();
  }
}
