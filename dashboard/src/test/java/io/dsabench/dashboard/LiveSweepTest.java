package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsabench.costmodel.results.PointResult;
import io.dsabench.costmodel.results.Results;
import io.dsabench.harness.SweepListener;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * View (d): a sweep in this JVM reports through the harness's listener and shows its planned total
 * and ETA; a local results file flushed just now shows as live from the file alone.
 */
@Timeout(60)
class LiveSweepTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aListenedSweepShowsItsTotalAndProgressAndAFreshResultsFileShowsAsLive(@TempDir Path tmp)
      throws Exception {
    try (TestDashboard d = TestDashboard.withRuns(tmp)) {
      // The synthetic local run was just written: live by its file, total unknown.
      JsonNode before = JSON.readTree(d.get("/api/sweep").body()).get("live");
      assertThat(before).hasSize(1);
      assertThat(before.get(0).get("id").asText()).isEqualTo(TestDashboard.LOCAL_ID);
      assertThat(before.get(0).get("source").asText()).isEqualTo("results-file");
      assertThat(before.get(0).get("total").isNull()).isTrue();
      assertThat(before.get(0).get("points").get("ok").asInt()).isEqualTo(20);

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
