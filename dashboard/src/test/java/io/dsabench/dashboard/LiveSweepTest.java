package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsabench.harness.DeviceLock;
import io.dsabench.harness.RunExtra;
import io.dsabench.harness.SweepListener;
import io.dsabench.harness.SweepSpec;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * View (d): a sweep in this JVM reports through the harness's listener and shows its planned total
 * and ETA; a sweep in another process shows through its device lock, which names its results file
 * ({@link DefaultViewTest} checks that a fresh file alone is not a sweep).
 */
@Timeout(60)
class LiveSweepTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aListenedSweepShowsItsTotalAndProgressAndALockedResultsFileShowsAsLive(@TempDir Path tmp)
      throws Exception {
    try (TestDashboard d = TestDashboard.withRuns(tmp);
        DeviceLock lock =
            DeviceLock.acquire(
                tmp.resolve("locks"),
                "cpu",
                "dsabench bench",
                tmp.resolve("out/synthetic/results.json"))) {
      // A sweep in another process holds the device for the synthetic local run: live, total
      // unknown (the run records no plan).
      assertThat(lock.file()).exists();
      JsonNode before = JSON.readTree(d.get("/api/sweep").body()).get("live");
      assertThat(before).hasSize(1);
      assertThat(before.get(0).get("id").asText()).isEqualTo(TestDashboard.LOCAL_ID);
      assertThat(before.get(0).get("source").asText()).isEqualTo("results-file");
      assertThat(before.get(0).get("total").isNull()).isTrue();
      assertThat(before.get(0).get("points").get("ok").asInt()).isEqualTo(20);

      // A sweep in another process that records its plan (as the harness does in extra.sweep):
      // its total comes from there.
      SweepSpec spec =
          new SweepSpec(
              List.of(Phase.PREFILL, Phase.DECODE),
              List.of(Variant.DENSE, Variant.DSA),
              List.of(1024, 16384, 131072),
              Map.of(Phase.PREFILL, 1024, Phase.DECODE, 64));
      Results synthetic = SyntheticResults.run("planned-sweep", 1.0);
      var info = synthetic.run();
      var plannedRun =
          new RunInfo(
              info.id(),
              info.startedAt(),
              info.gitCommit(),
              info.backend(),
              info.command(),
              info.jvm(),
              info.host(),
              info.device(),
              Map.of(RunExtra.SWEEP, spec.canonical()));
      ResultsIO.write(
          tmp.resolve("out/planned/results.json"),
          new Results(plannedRun, synthetic.points().subList(0, 5)));
      d.server.runs().refresh();
      DeviceLock other =
          DeviceLock.acquire(
              tmp.resolve("locks"),
              "cuda-GPU-2",
              "dsabench bench",
              tmp.resolve("out/planned/results.json"));
      JsonNode withPlan = JSON.readTree(d.get("/api/sweep").body()).get("live");
      JsonNode fromFile = null;
      for (JsonNode x : withPlan) {
        if (x.get("id").asText().equals("planned-sweep")) {
          fromFile = x;
        }
      }
      assertThat(fromFile).isNotNull();
      assertThat(fromFile.get("total").asInt()).isEqualTo(spec.points().size()).isEqualTo(12);
      assertThat(fromFile.get("points").get("ok").asInt()).isEqualTo(5);
      other.close();
      java.nio.file.Files.delete(tmp.resolve("out/planned/results.json"));
      d.server.runs().refresh();

      // A sweep of this JVM, driven through the harness's listener interface as Sweep drives it.
      Results planned = SyntheticResults.run("listened-sweep", 1.0);
      List<PointResult> points = planned.points();
      SweepListener l = d.server.sweepListener();
      l.sweepStarted(new Results(planned.run(), List.of()), points.size());
      for (int i = 0; i < 3; i++) {
        l.pointFinished(points.get(i), i + 1, points.size(), 0.5);
      }
      JsonNode live = JSON.readTree(d.get("/api/sweep").body()).get("live");
      assertThat(live).hasSize(2);
      JsonNode s = live.get(0);
      assertThat(s.get("id").asText()).isEqualTo("listened-sweep");
      assertThat(s.get("source").asText()).isEqualTo("listener");
      assertThat(s.get("total").asInt()).isEqualTo(20);
      assertThat(s.get("points").get("ok").asInt()).isEqualTo(3);
      assertThat(s.get("last").get("position").asInt()).isEqualTo(points.get(2).position());
      assertThat(s.get("etaSeconds").asDouble()).isGreaterThanOrEqualTo(0);
      assertThat(s.get("finished").asBoolean()).isFalse();
      assertThat(d.get("/metrics").body())
          .contains(
              "dsabench_dashboard_live_sweep_points{UUID=\"\",gpu=\"\",modelName=\"NVIDIA H200"
                  + " (synthetic test data)\",run=\"listened-sweep\",status=\"ok\"} 3");

      l.sweepFinished(planned);
      JsonNode after = JSON.readTree(d.get("/api/sweep").body()).get("live");
      assertThat(after.get(0).get("finished").asBoolean()).isTrue();
      assertThat(after.get(0).get("etaSeconds").asDouble()).isEqualTo(0.0);
    }
  }
}
