package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/prometheus/dsabench-rules.yaml through Prometheus's own promtool: the rules load, every
 * alert has a unit test that passes, and they query only series dsabench exports. And our
 * exposition passes {@code promtool check metrics} but for one lint, accepted by name: DCGM's
 * camelCase label names (UUID, modelName), kept so that kernel times join DCGM's series.
 */
@Timeout(120)
class PrometheusRulesTest {
  static final Path RULES = Path.of("..", "deploy", "prometheus", "dsabench-rules.yaml");
  static final Path RULE_TESTS = Path.of("..", "deploy", "prometheus", "dsabench-rules.test.yaml");

  /** The one promtool lint we accept, and only for series that carry DCGM's labels. */
  static final String DCGM_LINT = "label names should be written in 'snake_case' not 'camelCase'";

  static final Set<String> DCGM_LABELLED =
      Set.of(
          "dsabench_kernel_median_seconds",
          "dsabench_kernel_seconds",
          "dsabench_dashboard_live_sweep_points",
          "dsabench_dashboard_run_regressed");

  private record Outcome(int exit, String output) {}

  private static Outcome promtool(String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ExternalTools.PROMTOOL.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Outcome(p.exitValue(), out);
  }

  @Test
  void theRulesLoadAndEveryAlertsUnitTestPasses() throws Exception {
    ExternalTools.require(ExternalTools.PROMTOOL);
    Outcome check = promtool(null, "check", "rules", RULES.toString());
    assertThat(check.exit()).as(check.output()).isZero();
    Outcome test = promtool(null, "test", "rules", RULE_TESTS.toString());
    assertThat(test.exit()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertHasAUnitTestThatSeesItFire() throws Exception {
    String rules = Files.readString(RULES);
    String tests = Files.readString(RULE_TESTS);
    Set<String> alerts = matches(Pattern.compile("(?m)^\\s*- alert: (\\w+)"), rules);
    assertThat(alerts)
        .containsExactlyInAnyOrder(
            "DsabenchSweepPointsFailed",
            "DsabenchRegression",
            "DsabenchSweepStalled",
            "DsabenchDashboardResultsUnreadable");
    // A test that expects it to fire (exp_alerts with labels), not only to stay quiet.
    Pattern firing =
        Pattern.compile("alertname: (\\w+)\\s+exp_alerts:\\s+- exp_labels", Pattern.MULTILINE);
    assertThat(matches(firing, tests)).containsAll(alerts);
  }

  @Test
  void theRulesQueryOnlySeriesDsabenchExports(@TempDir Path tmp) throws Exception {
    String rules = Files.readString(RULES);
    Set<String> queried = matches(Pattern.compile("\\b(dsabench_[a-z_]+)\\b"), rules);
    assertThat(queried)
        .contains(
            "dsabench_sweep_failures_total",
            "dsabench_sweep_regressed",
            "dsabench_dashboard_run_regressed",
            "dsabench_sweep_points",
            "dsabench_sweep_points_finished_total",
            "dsabench_dashboard_results_unreadable",
            "dsabench_http_server_request_duration_seconds_bucket");
    try (TestDashboard d = TestDashboard.withRuns(tmp)) {
      assertThat(ExportedSeries.names(d)).containsAll(queried);
    }
  }

  @Test
  void ourExpositionPassesPromtoolButForDcgmLabelNames(@TempDir Path tmp) throws Exception {
    ExternalTools.require(ExternalTools.PROMTOOL);
    try (TestDashboard d = TestDashboard.withRuns(tmp)) {
      d.get("/api/runs");
      for (String text : List.of(d.get("/metrics").body(), ExportedSeries.sweepText())) {
        Outcome o = promtool(text, "check", "metrics");
        List<String> problems = new ArrayList<>();
        Set<String> linted = new TreeSet<>();
        for (String line : o.output().split("\n")) {
          if (line.isBlank()) {
            continue;
          }
          if (line.endsWith(" " + DCGM_LINT)) {
            linted.add(line.substring(0, line.length() - DCGM_LINT.length() - 1));
          } else {
            problems.add(line);
          }
        }
        assertThat(problems).as("promtool check metrics").isEmpty();
        assertThat(DCGM_LABELLED).as("only series with DCGM's labels").containsAll(linted);
        // 0 clean, 3 lint findings: never 1 (a file promtool cannot parse).
        assertThat(o.exit()).as(o.output()).isIn(0, 3);
      }
    }
  }

  private static Set<String> matches(Pattern p, String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
