package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an attacker sends: every refusal is JSON with the security headers, Jetty's own included; a
 * Host the dashboard was not given is refused (DNS rebinding); nothing shows server paths.
 */
@Timeout(60)
class HardeningTest {
  @TempDir static Path tmp;
  static TestDashboard d;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    d = TestDashboard.withRuns(tmp);
  }

  @AfterAll
  static void stop() {
    d.close();
  }

  /** A refusal: 4xx, JSON naming its status, with the headers every answer carries. */
  static JsonNode refusedAsJson(String response, String what) throws Exception {
    int status = TestDashboard.status(response);
    assertThat(status).as(what).isBetween(400, 499);
    assertThat(TestDashboard.header(response, "Content-Type"))
        .as(what)
        .startsWith("application/json");
    assertThat(TestDashboard.header(response, "X-Content-Type-Options"))
        .as(what)
        .isEqualTo("nosniff");
    assertThat(TestDashboard.header(response, "Content-Security-Policy"))
        .as(what)
        .startsWith("default-src 'self'");
    assertThat(TestDashboard.header(response, "Server")).as(what).isNull();
    JsonNode body = JSON.readTree(TestDashboard.body(response));
    assertThat(body.get("status").asInt()).as(what).isEqualTo(status);
    assertThat(body.get("error").asText()).as(what).isNotBlank().doesNotContain("\tat ");
    return body;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/runs/%2f",
        "/api/runs/a%2fb/kernels",
        "/%00",
        "/api/runs/%00",
        "/api/runs/x%00y",
        "/api/runs/%zz",
        "/api/cost?run=%zz",
        "/api/cost?run=%00",
        "/api/cost?run=synthetic-run-1&price=2%00",
        "/api/cost?run%00=x",
        "/api/runs/%c0%ae%c0%ae/x",
        "/api/runs/..%5c..%5cx",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/api/cost?run=synthetic-run-1&price=0x1p3",
        "/api/cost?run=synthetic-run-1&price=2d",
        "/api/cost?run=synthetic-run-1&price=2f",
        "/api/cost?run=synthetic-run-1&price=1e308",
        "/api/cost?run=synthetic-run-1&price=-0",
        "/nope",
        "/api/runs?x=1",
      })
  void everyRefusalIsJsonWithTheSecurityHeaders(String target) throws Exception {
    refusedAsJson(d.raw(target), target);
  }

  @Test
  void jettysOwnRefusalsAreJsonToo() throws Exception {
    // A URI longer than Jetty's request header buffer: Jetty answers 414 before any handler.
    refusedAsJson(d.raw("/" + "a".repeat(20_000)), "too-long URI");
    // A header Jetty cannot parse, and a Host that is not a host.
    refusedAsJson(d.raw("/api/runs", "[::1"), "bad Host");
    refusedAsJson(d.raw("/api/runs", "a b"), "Host with a space");
  }

  @Test
  void nulBytesAreRefusedNamingWhere() throws Exception {
    JsonNode q = refusedAsJson(d.raw("/api/cost?run=a%00b"), "NUL in a value");
    assertThat(q.get("error").asText())
        .isEqualTo("run: 'a\\0b' contains a NUL byte (%00); refused");
    assertThat(TestDashboard.status(d.raw("/api/cost?run=a%00b"))).isEqualTo(400);
  }

  @Test
  void metricsSayNosniffToo() throws Exception {
    String r = d.raw("/metrics");
    assertThat(TestDashboard.status(r)).isEqualTo(200);
    assertThat(TestDashboard.header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @ParameterizedTest
  @CsvSource({
    "evil.example",
    "evil.example:8080",
    "127.0.0.1.nip.io",
    "attacker.localhost.example",
    "10.0.0.1",
    "0.0.0.0",
  })
  void aHostItWasNotGivenIsRefused(String host) throws Exception {
    JsonNode body = refusedAsJson(d.raw("/api/runs", host), "Host " + host);
    assertThat(body.get("status").asInt()).isEqualTo(421);
    assertThat(body.get("parameter").asText()).isEqualTo("host");
    assertThat(body.get("error").asText())
        .startsWith("host: '" + host.replaceAll(":\\d+$", "") + "' is not a name this dashboard")
        .contains("--allowed-host");
  }

  @Test
  void anAbsoluteRequestTargetIsCheckedLikeAHost() throws Exception {
    // Jetty itself refuses an authority that disagrees with the Host header; either way, as JSON.
    String r = d.raw("http://evil.example/api/runs", "127.0.0.1");
    assertThat(TestDashboard.status(r)).isIn(400, 421);
    refusedAsJson(r, "absolute target");
    refusedAsJson(d.raw("http://evil.example/api/runs", "evil.example"), "absolute, same host");
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost", "LOCALHOST", "localhost.", "[::1]"})
  void theNamesOfLoopbackAreAnswered(String host) throws Exception {
    String r = d.raw("/api/runs", host + ":" + d.server.port());
    assertThat(TestDashboard.status(r)).as(host).isEqualTo(200);
    // No Host at all (HTTP/1.0): nothing to rebind, answered.
    assertThat(TestDashboard.status(d.raw("/healthz", null))).isEqualTo(200);
  }

  @Test
  void allowedHostsAndTheBindAddressAreAnswered(@TempDir Path other) throws Exception {
    DashboardOptions o =
        DashboardOptions.of("127.0.0.1", 0, List.of(other))
            .withAllowedHosts(List.of("dash.example.org"));
    try (TestDashboard x = TestDashboard.with(other, o)) {
      assertThat(TestDashboard.status(x.raw("/healthz", "dash.example.org"))).isEqualTo(200);
      assertThat(TestDashboard.status(x.raw("/healthz", "DASH.example.org:443"))).isEqualTo(200);
      assertThat(TestDashboard.status(x.raw("/healthz", "other.example.org"))).isEqualTo(421);
    }
  }

  @Test
  void runsShowPathsUnderTheResultsFoldersNeverTheServers() throws Exception {
    String body = d.get("/api/runs").body();
    assertThat(body).doesNotContain(tmp.toString()).doesNotContain(tmp.toRealPath().toString());
    JsonNode runs = JSON.readTree(body);
    assertThat(runs.get("roots")).extracting(JsonNode::asText).containsExactly("out", "published");
    for (JsonNode r : runs.get("runs")) {
      assertThat(r.get("path").asText()).doesNotStartWith("/").endsWith(".json");
    }
  }
}
