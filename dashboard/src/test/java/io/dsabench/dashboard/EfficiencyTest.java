package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.reports.ReportInput;
import io.dsabench.reports.ReportWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One definition of efficiency: the report and the dashboard give the same fraction for the same
 * stage of the same run, of the same ceilings, and both name which (the H200's measured ceiling).
 */
@Timeout(60)
class EfficiencyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theReportAndTheDashboardGiveTheSameFractionOfTheSameNamedCeiling(@TempDir Path tmp)
      throws Exception {
    Path published = ReferenceRunsTest.publish(tmp, false);
    Path html = tmp.resolve("report/r.html");
    Files.createDirectories(html.getParent());
    ReportWriter.write(ReportInput.of(ResultsIO.read(ReferenceRunsTest.OURS)), html);
    JsonNode report = JSON.readTree(tmp.resolve("report/r.json").toFile());
    assertThat(report.at("/ceilings/basis").asText()).isEqualTo("measured ceiling");
    String page = Files.readString(html);
    assertThat(page)
        .contains("<th>FLOP/s, % of measured ceiling</th><th>B/s, % of measured ceiling</th>")
        .contains("data-basis=\"measured ceiling\"");

    // The report's fraction per (phase, variant, stage, position, tokens per sequence).
    Map<String, Double> fromReport = new HashMap<>();
    for (JsonNode t : report.get("kernels")) {
      for (JsonNode r : t.get("rows")) {
        if (r.has("computeFraction") && !r.get("computeFraction").isNull()) {
          String key = key(t.get("phase").asText(), t.get("variant").asText(), r);
          fromReport.put(key + " compute", r.get("computeFraction").asDouble());
          fromReport.put(key + " bandwidth", r.get("bandwidthFraction").asDouble());
        }
      }
    }
    try (TestDashboard d = TestDashboard.over(tmp, List.of(published))) {
      JsonNode k =
          JSON.readTree(d.get("/api/runs/" + ReferenceRunsTest.OURS_ID + "/kernels").body());
      assertThat(k.get("efficiencyBasis").asText()).isEqualTo("measured ceiling");
      assertThat(k.get("note").asText())
          .startsWith("Efficiency is the fraction of the NVIDIA H200 SXM's measured ceiling (");
      assertThat(k.get("ceilings").findValuesAsText("label"))
          .containsExactly(
              "bf16 measured ceiling (TFLOP/s)",
              "fp8 measured ceiling (TFLOP/s)",
              "HBM measured ceiling (TB/s)");
      int compared = 0;
      for (JsonNode s : k.get("series")) {
        String resource = s.get("unit").asText().equals("TB/s") ? "bandwidth" : "compute";
        for (JsonNode p : s.get("points")) {
          String key =
              key(s.get("phase").asText(), s.get("variant").asText(), s.get("op").asText(), p)
                  + " "
                  + resource;
          assertThat(fromReport).as(key).containsKey(key);
          assertThat(p.get("fraction").asDouble())
              .as(key)
              .isCloseTo(fromReport.get(key), within(1e-9));
          compared++;
        }
      }
      assertThat(compared).isGreaterThan(20);
    }
  }

  private static String key(String phase, String variant, JsonNode row) {
    return key(phase, variant, row.get("stage").asText(), row);
  }

  private static String key(String phase, String variant, String stage, JsonNode row) {
    return phase
        + "/"
        + variant
        + "/"
        + stage
        + "/p="
        + row.get("position").asInt()
        + "/t="
        + row.get("tokensPerSeq").asInt();
  }
}
