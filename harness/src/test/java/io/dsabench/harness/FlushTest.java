package io.dsabench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.harness.stats.StopRule;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsFormatException;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.workload.Phase;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Results are on disk, whole, after every point; killing a sweep keeps what finished. */
class FlushTest {
  static Sweep.Options options(Path out, List<Integer> positions) {
    SweepSpec spec =
        new SweepSpec(
            List.of(Phase.DECODE), List.of(Variant.DENSE), positions, Map.of(Phase.DECODE, 1));
    return Sweep.Options.builder()
        .spec(spec)
        .outDir(out)
        .forks(0)
        .session(SessionConfig.defaults("cpu").withStop(new StopRule(1, 0, 3, 20, 0.05, 0.2)))
        .lockDir(out.resolve("locks"))
        .build();
  }

  /** Runs a sweep of many points in its own process, for the test to kill. */
  public static final class Victim {
    public static void main(String[] args) throws Exception {
      new Sweep(options(Path.of(args[0]), List.of(64, 96, 128, 160, 192, 224, 256, 288))).run();
    }
  }

  @Test
  @Timeout(120)
  void everyFinishedPointIsReadableFromTheFileAtOnce(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("bench");
    List<Integer> seen = new CopyOnWriteArrayList<>();
    Sweep s = new Sweep(options(out, List.of(64, 128, 192)));
    s.listen(
        new SweepListener() {
          @Override
          public void pointFinished(PointResult r, int done, int total, double seconds) {
            try {
              seen.add(ResultsIO.read(s.resultsFile()).points().size());
            } catch (ResultsFormatException e) {
              seen.add(-1);
            }
          }
        });
    s.run();
    assertThat(seen).containsExactly(1, 2, 3);
  }

  @Test
  @Timeout(120)
  void aKilledSweepLeavesAValidFileWithEveryPointItFinished(@TempDir Path tmp) throws Exception {
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
      // Wait until two points are on disk, then kill it without warning (like SIGKILL).
      long deadline = System.nanoTime() + 90_000_000_000L;
      while (System.nanoTime() < deadline) {
        if (Files.exists(file) && ResultsIO.read(file).points().size() >= 2) {
          break;
        }
        Thread.sleep(50);
      }
    } finally {
      p.destroyForcibly().waitFor();
    }
    Results left = ResultsIO.read(file);
    assertThat(left.points().size()).isBetween(2, 7);
    assertThat(left.points()).allMatch(pt -> pt.status() == PointStatus.OK);
    try (var files = Files.list(out)) {
      assertThat(files.map(f -> f.getFileName().toString())).contains("results.json");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  @Timeout(120)
  void anInterruptedSweepRecordsTheSignalBesideWhatItKept(String signal, @TempDir Path tmp)
      throws Exception {
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
      long deadline = System.nanoTime() + 90_000_000_000L;
      while (System.nanoTime() < deadline) {
        if (Files.exists(file) && ResultsIO.read(file).points().size() >= 1) {
          break;
        }
        Thread.sleep(50);
      }
      // Ctrl-C and a scheduler's SIGTERM, as the shell sends them.
      new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start().waitFor();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly().waitFor();
    }
    Results left = ResultsIO.read(file);
    assertThat(left.run().extra()).containsEntry(RunExtra.INTERRUPTED, "SIG" + signal);
    assertThat(left.points().size()).isBetween(1, 7);
    // Its declared sweep says what is missing: compare counts those points lost.
    assertThat(
            io.dsabench.harness.compare.Comparison.declaredKeys(left).size() - left.points().size())
        .isPositive();
  }

  @Test
  @Timeout(120)
  void aSweepThatFinishesRecordsNoInterruption(@TempDir Path tmp) throws Exception {
    Sweep s = new Sweep(options(tmp.resolve("bench"), List.of(64)));
    s.run();
    assertThat(ResultsIO.read(s.resultsFile()).run().extra())
        .doesNotContainKey(RunExtra.INTERRUPTED);
  }
}
