package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard over real GPU runs: a real H200 run, and whatever the repo publishes. */
@Timeout(60)
class PublishedRunsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A real H200 run (2026-11-29, commit d2b9f77, 1K/16K/128K) from while the kernels were being
   * written: its dense prefill points failed with an illegal address, the rest were measured.
   */
  static final String H200_RUN = "h200-20261129T145901Z-results.json";

  @Test
  void aRealH200RunWithFailedPointsIsServedHonestly(@TempDir Path tmp) throws Exception {
    Path file = Files.createDirectories(tmp.resolve("published/h200")).resolve("results.json");
    try (InputStream in = PublishedRunsTest.class.getResourceAsStream(H200_RUN)) {
      Files.copy(in, file);
    }
    try (TestDashboard d = TestDashboard.over(tmp, List.of(tmp.resolve("published")))) {
      JsonNode run = JSON.readTree(d.get("/api/runs").body()).get("runs").get(0);
      // Listed by its real id; the old device id still finds it.
      assertThat(run.get("id").asText()).isEqualTo("20261129T145901Z-h200-d2b9f77");
      assertThat(run.get("published").asBoolean()).isTrue();
      assertThat(run.get("startedAt").asText())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
      assertThat(run.get("device").asText()).isEqualTo("NVIDIA H200");
      assertThat(run.get("points").get("ok").asInt()).isEqualTo(9);
      assertThat(run.get("points").get("failed").asInt()).isEqualTo(3);

      JsonNode k = JSON.readTree(d.get("/api/runs/published-h200/kernels").body());
      assertThat(k.get("hardware").asText()).isEqualTo("h200");
      assertThat(k.get("notMeasured")).hasSize(3);
      assertThat(k.get("notMeasured").get(0).get("reason").asText())
          .contains("CUDA_ERROR_ILLEGAL_ADDRESS");
      for (JsonNode s : k.get("series")) {
        for (JsonNode p : s.get("points")) {
          assertThat(p.get("fraction").asDouble()).isPositive();
        }
      }

      // No dense prefill: decode is costed alone and the answer says why prefill is not.
      var cost = d.get("/api/cost?run=published-h200&hardware=h800&price=2");
      assertThat(cost.statusCode()).isEqualTo(200);
      JsonNode c = JSON.readTree(cost.body());
      assertThat(c.get("curves").findValuesAsText("id"))
          .containsExactlyInAnyOrder("decode_v3.1", "decode_v3.2");
      assertThat(c.get("missing")).hasSize(1);
      assertThat(c.get("missing").get(0).get("phase").asText()).isEqualTo("prefill");
      assertThat(c.get("missing").get(0).get("reason").asText())
          .contains("no ok prefill/dense point");
      assertThat(d.get("/metrics").body())
          .contains(
              "UUID=\"GPU-d3f1b930-e25f-9c51-0162-5fd825594fb8\",gpu=\"0\",modelName=\"NVIDIA H200\"");
    }
  }

  @Test
  void aRunWithNothingToCostIs422NamingWhatIsMissing(@TempDir Path tmp) throws Exception {
    // SYNTHETIC (test data): decode/dsa points only, so neither phase has its dense curve.
    var all = SyntheticResults.run("decode-dsa-only", 1.0);
    var points =
        all.points().stream()
            .filter(p -> p.phase() == Phase.DECODE && p.variant() == Variant.DSA)
            .toList();
    ResultsIO.write(tmp.resolve("out/x/results.json"), new Results(all.run(), points));
    try (TestDashboard d = TestDashboard.over(tmp, List.of(tmp.resolve("out")))) {
      var r = d.get("/api/cost?run=decode-dsa-only");
      assertThat(r.statusCode()).isEqualTo(422);
      assertThat(JSON.readTree(r.body()).get("error").asText())
          .isEqualTo(
              "run: 'decode-dsa-only' cannot be costed: results: no ok prefill/dense point with"
                  + " stages [dense_prefill] (run 'decode-dsa-only')");
    }
  }

  @Test
  void aStageAboveItsCeilingIsFlaggedInTheKernelView(@TempDir Path tmp) throws Exception {
    // The published 2-token decode run, with the indexer made 1.8x faster at 128K: 5.11 TB/s,
    // above the H200's measured 4.51 TB/s. A doctored copy for this test only.
    Results two = ResultsIO.read(Path.of("..", "testdata", "h200-9e2310f", "decode-2tok-b64.json"));
    var pts = new java.util.ArrayList<>(two.points());
    var last = pts.get(pts.size() - 1);
    var st = new java.util.ArrayList<io.dsabench.model.results.StageResult>();
    for (var s : last.stages()) {
      double t = s.op().id().equals("indexer") ? s.medianSeconds() / 1.8 : s.medianSeconds();
      st.add(
          io.dsabench.model.results.StageResult.of(
              s.op(), t, t, t, s.samples(), s.flops(), s.bytes()));
    }
    pts.set(pts.size() - 1, io.dsabench.model.results.PointResult.ok(last.point(), st));
    ResultsIO.write(tmp.resolve("out/x/results.json"), new Results(two.run(), pts));
    try (TestDashboard d = TestDashboard.over(tmp, List.of(tmp.resolve("out")))) {
      String id = JSON.readTree(d.get("/api/runs").body()).get("runs").get(0).get("id").asText();
      JsonNode k = JSON.readTree(d.get("/api/runs/" + id + "/kernels").body());
      assertThat(k.get("aboveCeiling")).hasSize(1);
      assertThat(k.get("aboveCeiling").get(0).asText())
          .startsWith("decode/dsa/p=131072/n=128/t=2 indexer: 5.11 TB/s is 113% of the h200's");
      int flagged = 0;
      for (JsonNode s : k.get("series")) {
        assertThat(s.get("tokensPerSeq").asInt()).isEqualTo(2);
        for (JsonNode p : s.get("points")) {
          if (p.get("aboveCeiling").asBoolean()) {
            flagged++;
            assertThat(s.get("op").asText()).isEqualTo("indexer");
            assertThat(p.get("fraction").asDouble()).isGreaterThan(1);
          }
        }
      }
      assertThat(flagged).isEqualTo(1);
    }
  }

  @Test
  void twoRunsArePricedTogetherAndAConflictIsRefusedNamingBoth(@TempDir Path tmp) throws Exception {
    Path pub = Path.of("..", "testdata", "h200-9e2310f");
    Files.copy(
        pub.resolve("results.json"),
        Files.createDirectories(tmp.resolve("out/full")).resolve("results.json"));
    Files.copy(
        pub.resolve("decode-2tok-b128.json"),
        Files.createDirectories(tmp.resolve("out/b128")).resolve("results.json"));
    Files.copy(
        pub.resolve("decode-2tok-b64.json"),
        Files.createDirectories(tmp.resolve("out/b64")).resolve("results.json"));
    try (TestDashboard d = TestDashboard.over(tmp, List.of(tmp.resolve("out")))) {
      String full = "20261129T161846Z-h200-9e2310f";
      String b128 = "20261129T162258Z-h200-9e2310f";
      String b64 = "20261129T162236Z-h200-9e2310f";
      var r = d.get("/api/cost?run=" + full + "&run=" + b128 + "&hardware=h800&price=2");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode c = JSON.readTree(r.body());
      assertThat(c.get("pricedWith").get(0).asText()).isEqualTo(b128);
      JsonNode dsaDecode = null;
      for (JsonNode u : c.get("measurements")) {
        if (u.get("series").asText().startsWith("decode/dsa")) {
          dsaDecode = u;
        }
      }
      assertThat(dsaDecode.get("file").asText()).isEqualTo(b128);
      assertThat(dsaDecode.get("tokensPerSeq").asInt()).isEqualTo(2);
      assertThat(c.get("aboveCeiling")).isEmpty();

      var clash = d.get("/api/cost?run=" + b64 + "&run=" + b128);
      assertThat(clash.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(clash.body()).get("error").asText())
          .contains("cannot be priced together: decode/dsa at 2 tokens per sequence is in both")
          .contains(b64)
          .contains(b128);
    }
  }

  /** Every run published in this repository (reports/published/), whatever is there today. */
  @Test
  void everyRunPublishedInTheRepoIsServed() throws Exception {
    Path published = Path.of("..", "reports", "published").toAbsolutePath().normalize();
    List<Path> dirs;
    try (Stream<Path> s = Files.isDirectory(published) ? Files.list(published) : Stream.empty()) {
      dirs = s.filter(p -> Files.isRegularFile(p.resolve("results.json"))).sorted().toList();
    }
    // A published reference run (reports/published/<device>/reference.json) is a run too; each
    // is listed by the id its harness gave it.
    List<String> ids = new java.util.ArrayList<>();
    for (Path dir : dirs) {
      ids.add(ResultsIO.read(dir.resolve("results.json")).run().id());
      if (Files.isRegularFile(dir.resolve("reference.json"))) {
        ids.add(ResultsIO.read(dir.resolve("reference.json")).run().id());
      }
    }
    try (TestDashboard d = TestDashboard.over(published.getParent(), List.of(published))) {
      JsonNode body = JSON.readTree(d.get("/api/runs").body());
      assertThat(body.get("problems")).as("unreadable published files").isEmpty();
      assertThat(body.get("runs").findValuesAsText("id")).containsExactlyInAnyOrderElementsOf(ids);
      for (String id : ids) {
        assertThat(d.get("/api/runs/" + id).statusCode()).isEqualTo(200);
        var kernels = d.get("/api/runs/" + id + "/kernels");
        assertThat(kernels.statusCode()).isEqualTo(200);
        // The invariant: no published stage runs above its device's measured ceilings.
        assertThat(JSON.readTree(kernels.body()).get("aboveCeiling")).as(id).isEmpty();
        // Every published run, ours or a reference, holds every stage the cost curves need.
        var cost = d.get("/api/cost?run=" + id);
        assertThat(cost.statusCode()).as(id + ": " + cost.body()).isEqualTo(200);
      }
    }
  }
}
