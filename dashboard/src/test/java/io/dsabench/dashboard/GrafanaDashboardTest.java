package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/grafana/dsabench-dashboard.json queries only series that really exist: the dashboard's
 * /metrics (ours and the JVM's) and a running sweep's (the harness's SweepMetrics); DCGM's come
 * from NVIDIA's exporter. A renamed metric breaks this test rather than a panel.
 */
@Timeout(60)
class GrafanaDashboardTest {
  static final Path GRAFANA = Path.of("..", "deploy", "grafana", "dsabench-dashboard.json");
  private static final Pattern SERIES = Pattern.compile("\\b((?:dsabench|jvm)_[a-z_]+)\\b");

  @Test
  void everyQueriedSeriesIsExported(@TempDir Path tmp) throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(GRAFANA));
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      if (panel.has("targets")) {
        panel.get("targets").forEach(t -> exprs.add(t.get("expr").asText()));
      }
    }
    exprs.add(dashboard.at("/templating/list/1/definition").asText());
    Set<String> queried = new TreeSet<>();
    for (String e : exprs) {
      Matcher m = SERIES.matcher(e);
      while (m.find()) {
        queried.add(m.group(1));
      }
    }
    assertThat(queried)
        .contains(
            "dsabench_http_server_request_duration_seconds_bucket",
            "dsabench_kernel_median_seconds",
            "dsabench_dashboard_runs");

    // A sweep in another process holds its device for the local run, so the live-sweep series has
    // samples too.
    try (TestDashboard d = TestDashboard.withRuns(tmp);
        var lock =
            io.dsabench.harness.DeviceLock.acquire(
                tmp.resolve("locks"),
                "cpu",
                "dsabench bench",
                tmp.resolve("out/synthetic/results.json"))) {
      assertThat(lock.file()).exists();
      Set<String> exported = ExportedSeries.names(d);
      assertThat(queried)
          .contains(
              "dsabench_sweep_eta_seconds",
              "dsabench_kernel_seconds",
              "dsabench_sweep_info",
              "dsabench_sweep_regressed",
              "dsabench_dashboard_run_regressed");
      assertThat(exported).as("series on /metrics and a sweep's").containsAll(queried);
    }
  }
}
