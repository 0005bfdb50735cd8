package io.dsabench.dashboard.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on real directories: ids, published runs, broken files, links out, rescans. */
class RunStoreTest {
  /** A tiny run (one synthetic point; test data, not a measurement). */
  static Results run(String id) {
    var p = new SweepPoint(Phase.DECODE, Variant.DENSE, 4096, 8);
    var stage = StageResult.of(Op.DENSE_DECODE, 1e-3, 0.9e-3, 1.1e-3, 5, 1e9, 1e6);
    var s = StageResult.of(Op.TOTAL, 1e-3, 0.9e-3, 1.1e-3, 5, 1e9, 1e6);
    var device = new DeviceRecord("synthetic device", "0.0", "none", 1, 1);
    return new Results(
        new RunInfo(
            id,
            "2026-11-29T00:00:00Z",
            "unknown",
            "synthetic",
            "test",
            "jvm",
            "host",
            device,
            null),
        List.of(PointResult.ok(p, List.of(stage, s))));
  }

  private static RunStore store(Path... roots) {
    return new RunStore(List.of(roots), Clock.systemUTC(), Duration.ZERO);
  }

  @Test
  void runsKeepTheirIdsMadeSafeAndUniqueAndTheOldPublishedIdsStillFindThem(@TempDir Path tmp)
      throws Exception {
    ResultsIO.write(tmp.resolve("out/a/results.json"), run("run 1/x"));
    ResultsIO.write(tmp.resolve("out/b/results.json"), run("run 1/x"));
    ResultsIO.write(tmp.resolve("out/c/results.json"), run("20261129-h200"));
    ResultsIO.write(tmp.resolve("reports/published/h200/results.json"), run("20261129-h200"));
    RunStore s = store(tmp.resolve("out"), tmp.resolve("reports/published"));
    assertThat(s.runs())
        .extracting(Run::id)
        .containsExactlyInAnyOrder("run-1-x", "run-1-x-2", "20261129-h200", "20261129-h200-2");
    // The published file keeps the id; a local copy of it is the one with the suffix.
    Run published = s.find("20261129-h200").orElseThrow();
    assertThat(s.find("published-h200")).contains(published);
    assertThat(s.find("published-h100")).isEmpty();
    assertThat(s.find("20261129-h200-2").orElseThrow().published()).isFalse();
    assertThat(published.published()).isTrue();
    assertThat(published.publishedDevice()).isEqualTo("h200");
    assertThat(published.results().run().id()).isEqualTo("20261129-h200");
    assertThat(s.find("run-1-x").orElseThrow().relativePath()).isEqualTo("a/results.json");
    assertThat(s.published("h200")).contains(published);
  }

  @Test
  void brokenFilesAreReportedNotServed(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("out/bad"));
    Files.writeString(
        dir.resolve("results.json"), "{\"schema\": \"dsabench.results/v1\", \"run\": ");
    Files.createDirectories(tmp.resolve("out/empty"));
    Files.writeString(tmp.resolve("out/empty/results.json"), "");
    RunStore s = store(tmp.resolve("out"));
    assertThat(s.runs()).isEmpty();
    assertThat(s.problems())
        .extracting(RunStore.Problem::path)
        .containsExactlyInAnyOrder("bad/results.json", "empty/results.json");
    assertThat(s.problems())
        .filteredOn(p -> p.path().equals("empty/results.json"))
        .extracting(RunStore.Problem::reason)
        .containsExactly("empty file (truncated?)");
  }

  @Test
  void missingDirectoriesMeanNoRunsYet(@TempDir Path tmp) {
    RunStore s = store(tmp.resolve("nothing-here"));
    assertThat(s.runs()).isEmpty();
    assertThat(s.problems()).isEmpty();
  }

  @Test
  void linksLeadingOutOfTheRootAreNotRead(@TempDir Path tmp) throws Exception {
    ResultsIO.write(tmp.resolve("outside/results.json"), run("outside"));
    Path root = Files.createDirectories(tmp.resolve("out"));
    Files.createSymbolicLink(root.resolve("dir-link"), tmp.resolve("outside"));
    Files.createDirectories(root.resolve("file"));
    Files.createSymbolicLink(
        root.resolve("file/results.json"), tmp.resolve("outside/results.json"));
    RunStore s = store(root);
    assertThat(s.runs()).isEmpty();
  }

  @Test
  void aChangedFileIsReReadOnTheNextScan(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("out/x/results.json");
    ResultsIO.write(file, run("first"));
    RunStore s = store(tmp.resolve("out"));
    assertThat(s.runs()).extracting(Run::id).containsExactly("first");
    ResultsIO.write(file, run("second-and-longer"));
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(s.runs()).extracting(Run::id).containsExactly("second-and-longer");
  }

  @Test
  void idsNeverContainPathCharacters() {
    assertThat(RunStore.sanitize("../../etc/passwd")).isEqualTo("..-..-etc-passwd");
    assertThat(RunStore.sanitize("..")).isEqualTo("run");
    assertThat(RunStore.sanitize("a%2fb")).isEqualTo("a-2fb");
  }

  @Test
  void aFileAboveTheSizeLimitIsAProblemAndNeverRead(@TempDir Path tmp) throws Exception {
    ResultsIO.write(tmp.resolve("out/small/results.json"), run("small"));
    Path big = Files.createDirectories(tmp.resolve("out/big")).resolve("results.json");
    // 200 MB that a reader would have to parse (sparse on disk: the size is what counts).
    try (var f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(200L << 20);
    }
    RunStore s = store(tmp.resolve("out"));
    long t0 = System.nanoTime();
    assertThat(s.runs()).extracting(Run::id).containsExactly("small");
    assertThat((System.nanoTime() - t0) / 1e9).as("seconds to scan").isLessThan(2);
    assertThat(s.problems())
        .containsExactly(
            new RunStore.Problem(
                "big/results.json",
                "is 200.0 MB, above the dashboard's limit of 32.0 MB a file (serve"
                    + " --max-results-mb); not read"));
    RunStore tight =
        new RunStore(
            List.of(tmp.resolve("out")),
            Clock.systemUTC(),
            Duration.ZERO,
            new RunStore.Limits(100, 1000));
    assertThat(tight.runs()).isEmpty();
    assertThat(tight.problems()).hasSize(2);
  }

  @Test
  void idsStayWithTheirFilesWhenFilesAreAdded(@TempDir Path tmp) throws Exception {
    ResultsIO.write(tmp.resolve("out/b/results.json"), run("same-run"));
    RunStore s = store(tmp.resolve("out"));
    assertThat(s.runs()).extracting(Run::id).containsExactly("same-run");
    // A copy under a name that sorts first: the first file keeps its id, the new one gets -2.
    ResultsIO.write(tmp.resolve("out/a/results.json"), run("same-run"));
    s.refresh();
    assertThat(s.find("same-run").orElseThrow().relativePath()).isEqualTo("b/results.json");
    assertThat(s.find("same-run-2").orElseThrow().relativePath()).isEqualTo("a/results.json");
    // A published run added later does not take an id either.
    ResultsIO.write(tmp.resolve("out/c/results.json"), run("same-run"));
    s.refresh();
    assertThat(s.find("same-run").orElseThrow().relativePath()).isEqualTo("b/results.json");
    assertThat(s.find("same-run-2").orElseThrow().relativePath()).isEqualTo("a/results.json");
    assertThat(s.find("same-run-3").orElseThrow().relativePath()).isEqualTo("c/results.json");
    // A file rewritten by another run is another run: it gets that run's id.
    ResultsIO.write(tmp.resolve("out/a/results.json"), run("next-run"));
    s.refresh();
    assertThat(s.find("next-run").orElseThrow().relativePath()).isEqualTo("a/results.json");
    assertThat(s.find("same-run").orElseThrow().relativePath()).isEqualTo("b/results.json");
  }

  @Test
  void deletedFilesLeaveTheCache(@TempDir Path tmp) throws Exception {
    for (String n : List.of("a", "b", "c")) {
      ResultsIO.write(tmp.resolve("out/" + n + "/results.json"), run(n));
    }
    RunStore s = store(tmp.resolve("out"));
    assertThat(s.runs()).hasSize(3);
    assertThat(s.cachedFiles()).isEqualTo(3);
    Files.delete(tmp.resolve("out/a/results.json"));
    Files.delete(tmp.resolve("out/b/results.json"));
    s.refresh();
    assertThat(s.runs()).extracting(Run::id).containsExactly("c");
    assertThat(s.cachedFiles()).isEqualTo(1);
  }

  @Test
  void clientsSeeRootNamesNotServerPaths(@TempDir Path tmp) {
    RunStore s =
        new RunStore(
            List.of(tmp.resolve("results"), Path.of("out"), Path.of("reports", "published")),
            Clock.systemUTC(),
            Duration.ZERO);
    assertThat(s.rootNames()).containsExactly("results", "out", "reports/published");
  }
}
