package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsabench.harness.DeviceLock;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.RunInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which run the page opens on, how runs are ordered and named, and which count as running: by what
 * the runs are (backend, published, when they started, a sweep holding their device), never by when
 * their files were last written.
 */
@Timeout(60)
class DefaultViewTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** SYNTHETIC run (test data) with another backend and start time. */
  private static Path write(Path dir, String id, String backend, String startedAt)
      throws Exception {
    Results r = SyntheticResults.run(id, 1.0);
    RunInfo i = r.run();
    RunInfo info =
        new RunInfo(
            id,
            startedAt,
            i.gitCommit(),
            backend,
            i.command(),
            i.jvm(),
            i.host(),
            i.device(),
            i.extra());
    Path file = Files.createDirectories(dir).resolve("results.json");
    ResultsIO.write(file, new Results(info, r.points()));
    return file;
  }

  private static JsonNode runs(TestDashboard d) throws Exception {
    d.server.runs().refresh();
    return JSON.readTree(d.get("/api/runs").body());
  }

  @Test
  void theNewestGpuRunOfOursIsTheDefaultNotANewerCpuOrReferenceRun(@TempDir Path tmp)
      throws Exception {
    Path out = tmp.resolve("out");
    Path published = tmp.resolve("published");
    write(published.resolve("h200"), "gpu-published", "cuda", "2026-11-29T10:00:00.5Z");
    write(out.resolve("reference"), "gpu-reference", "reference", "2026-11-30T10:00:00Z");
    Path cpu = write(out.resolve("smoke"), "cpu-smoke", "cpu", "2026-12-01T10:00:00Z");
    try (TestDashboard d = TestDashboard.over(tmp, List.of(out, published))) {
      JsonNode body = runs(d);
      assertThat(body.get("defaultRun").asText()).isEqualTo("gpu-published");
      // Newest first by start, listed by their own ids, times in ISO-8601 to the second.
      assertThat(body.get("runs").findValuesAsText("id"))
          .containsExactly("cpu-smoke", "gpu-reference", "gpu-published");
      assertThat(body.get("runs").findValuesAsText("startedAt"))
          .containsExactly("2026-12-01T10:00:00Z", "2026-11-30T10:00:00Z", "2026-11-29T10:00:00Z");

      // A file copied or touched now is not a newer run: the order stays by start time.
      Files.setLastModifiedTime(
          published.resolve("h200/results.json"), FileTime.from(Instant.now().plusSeconds(5)));
      assertThat(runs(d).get("runs").get(0).get("id").asText()).isEqualTo("cpu-smoke");

      // A GPU sweep of ours run here since: the page opens on it.
      write(out.resolve("bench"), "gpu-local", "cuda", "2026-11-30T12:00:00Z");
      assertThat(runs(d).get("defaultRun").asText()).isEqualTo("gpu-local");
      Files.delete(out.resolve("bench/results.json"));
      Files.delete(published.resolve("h200/results.json"));

      // Without a GPU run of ours: the newest of what there is.
      assertThat(runs(d).get("defaultRun").asText()).isEqualTo("cpu-smoke");
      assertThat(cpu).exists();
    }
  }

  @Test
  void aRunIsRunningOnlyWhileASweepHoldsItsDevice(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    Path file = write(out.resolve("bench"), "sweeping", "cuda", "2026-11-30T12:00:00Z");
    try (TestDashboard d = TestDashboard.over(tmp, List.of(out))) {
      // Written a moment ago, but no sweep holds a device for it: not running.
      assertThat(runs(d).get("runs").get(0).get("live").asBoolean()).isFalse();
      assertThat(JSON.readTree(d.get("/api/sweep").body()).get("live")).isEmpty();
      try (DeviceLock lock =
          DeviceLock.acquire(tmp.resolve("locks"), "cuda-GPU-test", "dsabench bench", file)) {
        assertThat(runs(d).get("runs").get(0).get("live").asBoolean()).isTrue();
        JsonNode live = JSON.readTree(d.get("/api/sweep").body()).get("live");
        assertThat(live).hasSize(1);
        assertThat(live.get(0).get("id").asText()).isEqualTo("sweeping");
        assertThat(live.get(0).get("source").asText()).isEqualTo("results-file");
        assertThat(lock.file()).exists();
      }
      // The sweep ended (its lock released, the file emptied): no longer running.
      assertThat(runs(d).get("runs").get(0).get("live").asBoolean()).isFalse();
      assertThat(JSON.readTree(d.get("/api/sweep").body()).get("live")).isEmpty();
    }
  }
}
