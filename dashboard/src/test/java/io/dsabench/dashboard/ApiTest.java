package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.RestBatch;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON API on a real Jetty on a loopback port, over synthetic runs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestDashboard d;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    // A run outside the scanned roots, reachable only through links planted inside them.
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    SyntheticResults.write(outside, "SECRET-OUTSIDE", 1.0);
    Files.writeString(outside.resolve("secret.txt"), "SECRET-OUTSIDE-TEXT");
    d = TestDashboard.withRuns(tmp);
    Files.createSymbolicLink(tmp.resolve("out/linked-dir"), outside);
    Path fileLink = Files.createDirectories(tmp.resolve("out/file-link"));
    Files.createSymbolicLink(fileLink.resolve("results.json"), outside.resolve("results.json"));
    d.server.runs().refresh();
  }

  @AfterAll
  void stop() {
    d.close();
  }

  private JsonNode json(HttpResponse<String> r) throws Exception {
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    return JSON.readTree(r.body());
  }

  @Test
  void listsTheLocalAndThePublishedRunWithAVerdict() throws Exception {
    var r = d.get("/api/runs");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("runs")).hasSize(2);
    assertThat(body.get("hint").isNull()).isTrue();
    JsonNode local = null;
    JsonNode published = null;
    for (JsonNode run : body.get("runs")) {
      if (run.get("id").asText().equals(TestDashboard.LOCAL_ID)) {
        local = run;
      } else if (run.get("id").asText().equals(TestDashboard.PUBLISHED_ID)) {
        published = run;
      }
    }
    assertThat(local).isNotNull();
    assertThat(published).isNotNull();
    assertThat(published.get("published").asBoolean()).isTrue();
    assertThat(published.get("publishedDevice").asText()).isEqualTo("h200");
    assertThat(local.get("points").get("ok").asInt()).isEqualTo(20);
    // 30% slower than the published baseline, with tight spreads: the harness rule says regression.
    assertThat(local.get("verdict").get("status").asText()).isEqualTo("regression");
    assertThat(local.get("verdict").get("text").asText())
        .startsWith("REGRESSION vs published synthetic-baseline: ");
  }

  @Test
  void oneRunCarriesItsResults() throws Exception {
    var r = d.get("/api/runs/" + TestDashboard.LOCAL_ID);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("results").get("schema").asText()).isEqualTo("dsabench.results/v1");
    assertThat(body.get("results").get("points")).hasSize(20);
  }

  @Test
  void kernelsCarryCeilingsAndFractionsForAProfiledDevice() throws Exception {
    JsonNode body = json(d.get("/api/runs/" + TestDashboard.LOCAL_ID + "/kernels"));
    assertThat(body.get("hardware").asText()).isEqualTo("h200");
    assertThat(body.get("ceilings")).hasSize(3);
    boolean sawCompute = false;
    for (JsonNode s : body.get("series")) {
      assertThat(s.get("points").size()).isBetween(1, SyntheticResults.POSITIONS.size());
      for (JsonNode p : s.get("points")) {
        double fraction = p.get("fraction").asDouble();
        assertThat(fraction).isGreaterThan(0).isLessThan(1.0);
      }
      if (s.get("op").asText().equals("dense_prefill")) {
        sawCompute = true;
        assertThat(s.get("bound").asText()).isEqualTo("compute");
        assertThat(s.get("unit").asText()).isEqualTo("TFLOP/s");
        // 744 TFLOP/s: the bf16 ceiling measured on an H200 (costmodel's H200 profile).
        assertThat(s.get("ceiling").asDouble()).isEqualTo(744.0);
      }
    }
    assertThat(sawCompute).isTrue();
  }

  /**
   * A run holding a decode rest point (FIXTURE times, hand-written) is priced from it: the API
   * names the measured components beside their estimates, and the decode curves carry them.
   */
  @Test
  void costPricesTheRestOfTheModelFromARestPoint(@TempDir Path tmp) throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out/rest"));
    ResultsIO.write(
        out.resolve("results.json"),
        SyntheticResults.run("synthetic-rest", 1.0)
            .with(
                new RestResult(
                    Phase.DECODE,
                    256,
                    144,
                    2,
                    1024,
                    RestBatch.UNIFORM,
                    PointStatus.OK,
                    null,
                    List.of(
                        StageResult.of(Op.MOE_EXPERTS, 300e-6, 297e-6, 303e-6, 20, 1e9, 1e8)))));
    try (TestDashboard t = TestDashboard.over(tmp, List.of(tmp.resolve("out")))) {
      JsonNode c = json(t.get("/api/cost?run=synthetic-rest&hardware=h200&price=2"));
      JsonNode decode = null;
      for (JsonNode r : c.get("rest")) {
        if (r.get("curve").asText().equals("decode_v3.2")) {
          decode = r;
        }
      }
      assertThat(decode).isNotNull();
      assertThat(decode.get("measurement").asText())
          .isEqualTo("measured (H200, tokens 256, uniform): moe_experts");
      for (JsonNode p : decode.get("components")) {
        if (p.get("name").asText().equals("moe_experts")) {
          // 58 MoE layers x 300 µs / 256 tokens, measured on the H200 it is priced on.
          assertThat(p.get("measuredSeconds").asDouble())
              .isCloseTo(58 * 300e-6 / 256, org.assertj.core.data.Offset.offset(1e-15));
          assertThat(p.get("estimateSeconds").asDouble()).isPositive();
        } else {
          assertThat(p.get("source").asText()).isEqualTo("estimate");
        }
      }
      JsonNode point = null;
      for (JsonNode curve : c.get("curves")) {
        if (curve.get("id").asText().equals("decode_v3.2")) {
          point = curve.get("points").get(0);
        }
      }
      assertThat(point.get("restSeconds").asDouble())
          .isCloseTo(
              decode.get("secondsPerToken").asDouble(), org.assertj.core.data.Offset.offset(1e-15));
    }
  }

  @Test
  void costGivesFourCurvesThatScaleWithThePrice() throws Exception {
    var at2 = d.get("/api/cost?run=" + TestDashboard.LOCAL_ID + "&hardware=h800&price=2");
    assertThat(at2.statusCode()).isEqualTo(200);
    JsonNode a = json(at2);
    JsonNode b = json(d.get("/api/cost?run=" + TestDashboard.LOCAL_ID + "&hardware=h800&price=5"));
    assertThat(a.get("hardware").get("id").asText()).isEqualTo("h800");
    assertThat(a.get("curves").findValuesAsText("id"))
        .containsExactlyInAnyOrder("prefill_v3.1", "prefill_v3.2", "decode_v3.1", "decode_v3.2");
    for (int c = 0; c < 4; c++) {
      JsonNode pa = a.get("curves").get(c).get("points");
      JsonNode pb = b.get("curves").get(c).get("points");
      assertThat(pa.size()).isEqualTo(129); // 0, 1K, ..., 128K
      for (int i = 0; i < pa.size(); i++) {
        double ua = pa.get(i).get("usdPerMillionTokens").asDouble();
        double ub = pb.get(i).get("usdPerMillionTokens").asDouble();
        assertThat(ua).isPositive();
        assertThat(ub / ua).isCloseTo(2.5, org.assertj.core.data.Offset.offset(1e-9));
      }
    }
    assertThat(a.get("parameters").findValuesAsText("name")).contains("hardware", "price");
    assertThat(a.get("missing")).isEmpty();
  }

  @Test
  void referenceIsThePapersFigure3() throws Exception {
    JsonNode r = json(d.get("/api/reference"));
    assertThat(r.get("hardware").asText()).isEqualTo("h800");
    assertThat(r.get("priceUsdPerGpuHour").asDouble()).isEqualTo(2.0);
    assertThat(r.get("prefillCrossoverPosition").asInt()).isEqualTo(6590);
    assertThat(r.get("curves")).hasSize(4);
  }

  @Test
  void hardwareListsTheProfiles() throws Exception {
    JsonNode body = json(d.get("/api/hardware"));
    assertThat(body.get("defaultId").asText()).isEqualTo("h800");
    assertThat(body.get("profiles").findValuesAsText("id"))
        .contains("h800", "h100", "h200", "b200");
  }

  @Test
  void unknownRunIs404NamingTheId() throws Exception {
    var r = d.get("/api/runs/no-such-run");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).get("error").asText()).isEqualTo("run: 'no-such-run' is not a known run id");
    assertThat(d.get("/api/runs/no-such-run/kernels").statusCode()).isEqualTo(404);
    assertThat(d.get("/api/cost?run=no-such-run").statusCode()).isEqualTo(404);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/api/cost?run=synthetic-run-1&price=abc|price|abc|price: 'abc' is not a price: a plain decimal of USD per GPU-hour above 0 and at most 1000",
        "/api/cost?run=synthetic-run-1&price=-1|price|-1|price: '-1' is not a price: a plain decimal of USD per GPU-hour above 0 and at most 1000",
        "/api/cost?run=synthetic-run-1&price=NaN|price|NaN|price: 'NaN' is not a price: a plain decimal of USD per GPU-hour above 0 and at most 1000",
        "/api/cost?run=synthetic-run-1&price=0|price|0|price: '0' is not a price: a plain decimal of USD per GPU-hour above 0 and at most 1000",
        "/api/cost?run=synthetic-run-1&price=-0|price|-0|price: '-0' is not a price: a plain decimal of USD per GPU-hour above 0 and at most 1000",
        "/api/cost?run=synthetic-run-1&price=1e308|price|1e308|price: '1e308' is not a price: a plain decimal of USD per GPU-hour above 0 and at most 1000",
        "/api/cost?run=synthetic-run-1&price=0x1p3|price|0x1p3|price: '0x1p3' is not a price: a plain decimal of USD per GPU-hour above 0 and at most 1000",
        "/api/cost?run=synthetic-run-1&price=2d|price|2d|price: '2d' is not a price: a plain decimal of USD per GPU-hour above 0 and at most 1000",
        "/api/cost?run=synthetic-run-1&price=2f|price|2f|price: '2f' is not a price: a plain decimal of USD per GPU-hour above 0 and at most 1000",
        "/api/cost?run=synthetic-run-1&price=1&price=2|price|1,2|price: '1,2' is given more than once",
        "/api/cost?run=synthetic-run-1&hardware=a100|hardware|a100|hardware: 'a100' is not one of h800, h100, h200, b200",
        "/api/cost?price=2|run||run: '' is required: a run id (give it again for each run priced with the first)",
        "/api/cost?run=synthetic-run-1&run=synthetic-run-1|run|synthetic-run-1,synthetic-run-1|run: 'synthetic-run-1,synthetic-run-1' names one run twice; give each run once",
        "/api/cost?run=synthetic-run-1&colour=red|colour|red|colour: 'red' is not a parameter of this route (it takes hardware, price, run)",
        "/api/runs?limit=5|limit|5|limit: '5' is not a parameter of this route (it takes none)",
      })
  void badParametersAre400NamingParameterValueAndRule(
      String target, String parameter, String value, String message) throws Exception {
    var r = d.get(target);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = json(r);
    assertThat(body.get("error").asText()).isEqualTo(message);
    assertThat(body.get("parameter").asText()).isEqualTo(parameter);
    assertThat(body.get("value").asText()).isEqualTo(value == null ? "" : value);
    assertThat(body.get("rule").asText()).isNotBlank();
    assertThat(message).contains(body.get("rule").asText());
  }

  @Test
  void onlyGetIsAllowed() throws Exception {
    var r =
        d.http.send(
            HttpRequest.newBuilder(d.uri("/api/runs"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(json(r).get("error").asText()).isEqualTo("method: POST is not allowed; use GET");
  }

  @Test
  void unknownRouteIs404() throws Exception {
    var r = d.get("/nothing-here");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).get("error").asText())
        .isEqualTo("path: '/nothing-here' is not a page or API route of the dashboard");
  }

  @Test
  void pageAndChartJsAreServedLocally() throws Exception {
    var page = d.get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("/static/vendor/chart.umd.js")
        .doesNotContain("http://", "https://");
    var chart = d.get("/static/vendor/chart.umd.js");
    assertThat(chart.statusCode()).isEqualTo(200);
    assertThat(chart.body()).contains("Chart.js v4.4.7");
    assertThat(chart.headers().firstValue("content-security-policy")).isPresent();
  }

  @Test
  void linksOutOfTheResultsDirectoryAreNotFollowed() throws Exception {
    var r = d.get("/api/runs");
    assertThat(r.body()).doesNotContain("SECRET-OUTSIDE");
    assertThat(d.get("/api/runs/SECRET-OUTSIDE").statusCode()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/static/../../../../etc/passwd",
        "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/%2E%2E/%2E%2E/outside/secret.txt",
        "/static/%252e%252e/%252e%252e/%252e%252e/etc/passwd",
        "/static/vendor/..%2f..%2f..%2f..%2foutside%2fsecret.txt",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2f..%2fetc/passwd",
        "/api/runs/..%2f..%2f..%2foutside%2fresults.json",
        "/api/runs/%2e%2e",
        "/api/runs/%2e%2e/%2e%2e/outside/kernels",
        "/api/runs/%252e%252e%252f%252e%252e%252foutside",
        "/api/runs/..%5c..%5coutside",
        "/api/runs/%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afoutside",
        "/api/runs/....//....//outside",
        "/api/runs/linked-dir",
        "/api/cost?run=..%2f..%2foutside&price=2",
        "/api/cost?run=%252e%252e%252foutside&price=2",
      })
  void traversalAttemptsNeverReachOutside(String target) throws Exception {
    String response = d.raw(target);
    int status = TestDashboard.status(response);
    assertThat(status).as(target).isIn(400, 404);
    assertThat(response).as(target).doesNotContain("SECRET-OUTSIDE", "root:x:0:0");
  }
}
