package io.dsabench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.harness.merge.ShardMerge;
import io.dsabench.harness.rest.RestSpec;
import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.harness.stats.StopRule;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsFormatException;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.RestBatch;
import io.dsabench.model.workload.RestShape;
import io.dsabench.model.workload.RestWork;
import io.dsabench.model.workload.Variant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rest of the model through a real sweep on the cpu backend, at {@link RestShape#TINY}'s
 * widths: every point flushed as it finishes, faults recorded, an interrupted run keeps its points.
 */
class RestSweepTest {
  static Sweep.Options options(Path out, RestSpec rest, boolean attention) {
    SweepSpec spec =
        new SweepSpec(
            List.of(Phase.DECODE), List.of(Variant.DENSE), List.of(64), Map.of(Phase.DECODE, 1));
    return Sweep.Options.builder()
        .spec(spec)
        .outDir(out)
        .forks(0)
        .session(SessionConfig.defaults("cpu").withStop(new StopRule(1, 0, 3, 20, 0.05, 0.2)))
        .lockDir(out.resolve("locks"))
        .attention(attention)
        .rest(rest)
        .build();
  }

  static RestSpec tiny(int prefill, int decode, List<String> routings) {
    return new RestSpec(
        List.of(Phase.PREFILL, Phase.DECODE),
        Map.of(Phase.PREFILL, prefill, Phase.DECODE, decode),
        Map.of(Phase.PREFILL, 32, Phase.DECODE, 144),
        routings,
        RestShape.TINY);
  }

  /** A rest run of several slow points in its own process, for the test to interrupt. */
  public static final class Victim {
    public static void main(String[] args) throws Exception {
      new Sweep(
              options(
                  Path.of(args[0]),
                  tiny(512, 512, List.of(RestBatch.UNIFORM, RestBatch.SKEWED)),
                  false))
          .run();
    }
  }

  @Test
  @Timeout(180)
  void everyRestPointIsOnDiskAsItFinishesWithItsWork(@TempDir Path tmp) throws Exception {
    Sweep s =
        new Sweep(
            options(
                tmp.resolve("bench"),
                tiny(64, 16, List.of(RestBatch.UNIFORM, RestBatch.SKEWED)),
                false));
    List<Integer> seen = new CopyOnWriteArrayList<>();
    List<String> progress = new CopyOnWriteArrayList<>();
    s.listen(
        new SweepListener() {
          @Override
          public void restFinished(RestResult r, int done, int total, double seconds) {
            progress.add(done + "/" + total);
            try {
              seen.add(ResultsIO.read(s.resultsFile()).restPoints().size());
            } catch (ResultsFormatException e) {
              seen.add(-1);
            }
          }
        });
    Results res = s.run();
    assertThat(seen).containsExactly(1, 2, 3, 4);
    assertThat(progress).containsExactly("1/4", "2/4", "3/4", "4/4");
    assertThat(res.points()).isEmpty();
    assertThat(res.run().extra())
        .containsEntry(
            RunExtra.REST,
            "phases=prefill,decode tokens=prefill:64,decode:16 ep=prefill:32,decode:144"
                + " routing=uniform,skewed shape=tiny")
        .doesNotContainKey(RunExtra.SWEEP);
    RestWork work = new RestWork(RestShape.TINY);
    for (RestResult r : ResultsIO.read(s.resultsFile()).restPoints()) {
      assertThat(r.status()).as(r.reason()).isEqualTo(PointStatus.OK);
      assertThat(r.stages()).extracting(StageResult::op).isEqualTo(Op.REST);
      RestBatch b =
          RestBatch.of(RestShape.TINY, r.phase(), r.tokens(), r.expertParallel(), r.routing());
      for (StageResult st : r.stages()) {
        assertThat(st.flops()).isEqualTo(work.work(st.op(), b).flops());
        assertThat(st.bytes()).isEqualTo(work.work(st.op(), b).bytes());
        assertThat(st.medianSeconds()).isPositive();
        assertThat(st.samples()).isGreaterThanOrEqualTo(3);
      }
    }
    RestResult decodeSkewed = res.restPoints().get(3);
    // EP144: ceil(256/144) = 2 local experts, 16 · 8 / 2 = 64 rows each on average.
    assertThat(List.of(decodeSkewed.expertsPerGpu(), decodeSkewed.rowsPerExpert()))
        .containsExactly(2, 64);
    assertThat(decodeSkewed.routing()).isEqualTo(RestBatch.SKEWED);
  }

  @Test
  @Timeout(180)
  void aPointThatDoesNotFitFailsWithTheReasonAndTheNextRuns(@TempDir Path tmp) throws Exception {
    Sweep s =
        new Sweep(
            options(tmp.resolve("bench"), tiny(100_000_000, 16, List.of(RestBatch.UNIFORM)), true));
    Results res = s.run();
    assertThat(res.points()).hasSize(1);
    RestResult prefill = res.restPoints().get(0);
    assertThat(prefill.status()).isEqualTo(PointStatus.FAILED);
    assertThat(prefill.reason()).startsWith("out of memory: cpu: allocate(");
    assertThat(res.restPoints().get(1).status()).isEqualTo(PointStatus.OK);
    // Attention and rest in one run: both on record, and a shard merge keeps the rest.
    ShardMerge.Outcome m =
        ShardMerge.merge(List.of(new ShardMerge.Input(s.resultsFile(), res)), "merge");
    assertThat(m.results().restPoints()).isEqualTo(res.restPoints());
    assertThat(m.results().run().extra()).containsKey(RunExtra.REST);
  }

  @Test
  @Timeout(180)
  void anInterruptedRestRunKeepsTheRestPointsItFinished(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("bench");
    Path file = out.resolve("results.json");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    Victim.class.getName(),
                    out.toString()))
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("victim.log").toFile())
            .start();
    try {
      long deadline = System.nanoTime() + 150_000_000_000L;
      while (System.nanoTime() < deadline) {
        if (Files.exists(file) && !ResultsIO.read(file).restPoints().isEmpty()) {
          break;
        }
        Thread.sleep(50);
      }
      new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).start().waitFor();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly().waitFor();
    }
    Results left = ResultsIO.read(file);
    assertThat(left.run().extra()).containsEntry(RunExtra.INTERRUPTED, "SIGTERM");
    assertThat(left.restPoints().size()).isBetween(1, 3);
    assertThat(left.restPoints()).allMatch(r -> r.status() == PointStatus.OK);
  }
}
