package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsabench.harness.compare.ReferenceComparison;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reference runs in the dashboard, on a real Jetty over real runs: the published H200 run and a
 * real H200 reference run (FlashMLA, cuDNN; provenance in reports/src/test/resources/.../README.md)
 * laid out as they are published, {@code published/h200/results.json} beside {@code
 * published/h200/reference.json}. The API's pairing is checked against the harness's own.
 */
@Timeout(60)
class ReferenceRunsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The published H200 run of this repository. */
  static final Path OURS = Path.of("..", "testdata", "h200-9e2310f", "results.json");

  /** A real H200 reference run (the reports module's test fixture). */
  static final Path REFERENCE =
      Path.of(
          "..",
          "reports",
          "src",
          "test",
          "resources",
          "io",
          "dsabench",
          "reports",
          "h200-reference-round1.json");

  static final String REFERENCE_RUN_ID = "20261130T090142Z-h200-reference-4a0ef8f";

  /** The id of {@link #OURS}. */
  static final String OURS_ID = "20261129T161846Z-h200-9e2310f";

  /** {@code dir/published/h200/} with our run and, when asked, its reference beside it. */
  static Path publish(Path dir, boolean withReference) throws Exception {
    Path h200 = Files.createDirectories(dir.resolve("published/h200"));
    Files.copy(OURS, h200.resolve("results.json"));
    if (withReference) {
      Files.copy(REFERENCE, h200.resolve("reference.json"));
    }
    return dir.resolve("published");
  }

  private static JsonNode get(TestDashboard d, String path) throws Exception {
    var r = d.get(path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void aPublishedReferenceIsListedAndPairedWithThePublishedRun(@TempDir Path tmp) throws Exception {
    Path published = publish(tmp, true);
    ReferenceComparison harness =
        ReferenceComparison.of(ResultsIO.read(OURS), ResultsIO.read(REFERENCE));
    try (TestDashboard d = TestDashboard.over(tmp, List.of(published))) {
      JsonNode runs = get(d, "/api/runs").get("runs");
      assertThat(runs.findValuesAsText("id")).containsExactlyInAnyOrder(OURS_ID, REFERENCE_RUN_ID);
      for (JsonNode r : runs) {
        if (r.get("id").asText().equals(OURS_ID)) {
          assertThat(r.get("backend").asText()).isEqualTo("cuda");
          assertThat(r.get("reference").asText()).isEqualTo(REFERENCE_RUN_ID);
        } else {
          assertThat(r.get("backend").asText()).isEqualTo("reference");
          assertThat(r.get("runId").asText()).isEqualTo(REFERENCE_RUN_ID);
          assertThat(r.get("reference").isNull()).isTrue();
          assertThat(r.get("verdict").get("text").asText())
              .isEqualTo("reference implementations (dsabench reference): no verdict");
        }
      }

      // The kernels view: every paired point carries the reference's figures, in its unit.
      JsonNode k = get(d, "/api/runs/published-h200/kernels");
      JsonNode ref = k.get("reference");
      assertThat(ref.get("id").asText()).isEqualTo(REFERENCE_RUN_ID);
      assertThat(ref.get("path").asText()).isEqualTo("h200/reference.json");
      assertThat(ref.get("pairedStages").asInt()).isEqualTo(harness.rows().size());
      assertThat(ref.get("libraries").get("flash_mla").asText())
          .isEqualTo("1.0.0 (commit 9241ae3ef9bac614dd25e45e507e089f888280e0)");
      assertThat(ref.get("implementations").findValuesAsText("stage"))
          .contains("dense_prefill_masked", "sparse_decode", "sparse_prefill");
      Map<String, ReferenceComparison.Row> byKey = new HashMap<>();
      for (ReferenceComparison.Row r : harness.rows()) {
        byKey.put(r.point() + " " + r.op().id() + " " + r.referenceOp().id(), r);
      }
      int seen = 0;
      for (JsonNode s : k.get("series")) {
        for (JsonNode p : s.get("points")) {
          for (JsonNode x : p.get("reference")) {
            String key =
                s.get("phase").asText()
                    + "/"
                    + s.get("variant").asText()
                    + "/p="
                    + p.get("position").asInt()
                    + "/n="
                    + p.get("tokens").asInt()
                    + " "
                    + s.get("op").asText()
                    + " "
                    + x.get("op").asText();
            ReferenceComparison.Row row = byKey.get(key);
            assertThat(row).as(key).isNotNull();
            assertThat(x.get("ratio").asDouble()).isCloseTo(row.timeRatio(), within(1e-12));
            assertThat(x.get("medianSeconds").asDouble()).isEqualTo(row.referenceSeconds());
            // Same declared work over the reference's median, in the series' unit.
            double ours = p.get("achieved").asDouble();
            assertThat(x.get("achieved").asDouble())
                .isCloseTo(ours * row.timeRatio(), within(1e-9 * ours * row.timeRatio()));
            seen++;
          }
        }
      }
      assertThat(seen).isEqualTo(harness.rows().size());

      // The pairing itself, as compare --reference prints it: worst ratio first.
      JsonNode pairing = get(d, "/api/runs/published-h200/reference");
      assertThat(pairing.get("rows")).hasSize(harness.rows().size());
      JsonNode first = pairing.get("rows").get(0);
      ReferenceComparison.Row worst = harness.rows().get(0);
      assertThat(first.get("point").asText()).isEqualTo(worst.point());
      assertThat(first.get("op").asText()).isEqualTo(worst.op().id());
      assertThat(first.get("timeRatio").asDouble()).isEqualTo(worst.timeRatio());
      assertThat(first.get("implementation").asText()).isEqualTo(worst.implementation());

      // The reference run is a run: its kernels and its cost curves (Figure 3 priced from
      // DeepSeek's kernels) can be viewed.
      JsonNode rk = get(d, "/api/runs/published-h200-reference/kernels");
      assertThat(rk.get("reference").get("absent").asText())
          .isEqualTo("this is a reference run: it is what the others are set against");
      assertThat(rk.get("series").findValuesAsText("op")).contains("dense_prefill_masked");
      JsonNode cost = get(d, "/api/cost?run=published-h200-reference&hardware=h200");
      assertThat(cost.get("curves").findValuesAsText("id"))
          .containsExactlyInAnyOrder("prefill_v3.1", "prefill_v3.2", "decode_v3.1", "decode_v3.2");

      // Metrics: counted as a reference run, and its times never pass for our kernels'.
      String metrics = d.get("/metrics").body();
      assertThat(metrics)
          .contains("dsabench_dashboard_runs{kind=\"reference\"} 1")
          .contains("dsabench_dashboard_runs{kind=\"published\"} 1")
          .doesNotContain("op=\"dense_prefill_masked\"");
    }
  }

  @Test
  void aLocalReferenceOfTheSameGpuIsUsedLikeBenchUsesIt(@TempDir Path tmp) throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.copy(OURS, Files.createDirectories(out.resolve("bench")).resolve("results.json"));
    Files.copy(
        REFERENCE, Files.createDirectories(out.resolve("reference")).resolve("results.json"));
    Path published = publish(tmp, false);
    try (TestDashboard d = TestDashboard.over(tmp, List.of(out, published))) {
      Results ours = ResultsIO.read(OURS);
      // The same run in two folders: the published copy keeps its id, the local one gets "-2".
      String local = ours.run().id() + "-2";
      JsonNode k = get(d, "/api/runs/" + local + "/kernels");
      assertThat(k.get("reference").get("id").asText()).isEqualTo(REFERENCE_RUN_ID);
      assertThat(k.get("reference").get("path").asText()).isEqualTo("reference/results.json");
      // The published run has no reference.json beside it: the same local one, same device.
      assertThat(get(d, "/api/runs/published-h200/kernels").get("reference").get("id").asText())
          .isEqualTo(REFERENCE_RUN_ID);
    }
  }

  @Test
  void aRunWithoutAReferenceSaysSoInsteadOfFailing(@TempDir Path tmp) throws Exception {
    Path published = publish(tmp, false);
    try (TestDashboard d = TestDashboard.over(tmp, List.of(published))) {
      String why =
          "no reference run for NVIDIA H200: dsabench reference measures FlashMLA and cuDNN on it"
              + " (out/reference/), or publish one as published/h200/reference.json";
      JsonNode k = get(d, "/api/runs/published-h200/kernels");
      assertThat(k.get("reference").get("absent").asText()).isEqualTo(why);
      assertThat(k.get("series")).isNotEmpty();
      for (JsonNode s : k.get("series")) {
        for (JsonNode p : s.get("points")) {
          assertThat(p.get("reference")).isEmpty();
        }
      }
      JsonNode pairing = get(d, "/api/runs/published-h200/reference");
      assertThat(pairing.get("reference").get("absent").asText()).isEqualTo(why);
      assertThat(pairing.get("rows")).isEmpty();
      assertThat(get(d, "/api/runs").get("runs").get(0).get("reference").isNull()).isTrue();
      assertThat(d.get("/api/runs/nope/reference").statusCode()).isEqualTo(404);
    }
  }
}
