package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's /usr/bin/prometheus) scrapes the dashboard's /metrics on
 * loopback and answers PromQL queries for our series.
 */
@Timeout(180)
class PrometheusScrapeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void prometheusScrapesOurSeriesAndAnswersQueries(@TempDir Path tmp) throws Exception {
    ExternalTools.require(ExternalTools.PROMETHEUS);
    try (TestDashboard d = TestDashboard.withRuns(Files.createDirectories(tmp.resolve("runs")))) {
      // Our own view of /metrics first: the exposition the server will parse.
      String text = d.get("/metrics").body();
      assertThat(text)
          .contains("dsabench_dashboard_runs{kind=\"local\"} 1")
          .contains("dsabench_kernel_median_seconds{UUID=\"\",gpu=\"\",modelName=")
          .contains("jvm_memory_used_bytes");

      int port = ExternalTools.freePort();
      Path config = tmp.resolve("prometheus.yml");
      Files.writeString(
          config,
          "global:\n"
              + "  scrape_interval: 1s\n"
              + "  evaluation_interval: 1s\n"
              + "scrape_configs:\n"
              + "  - job_name: dsabench\n"
              + "    scrape_interval: 1s\n"
              + "    scrape_timeout: 1s\n"
              + "    static_configs:\n"
              + "      - targets: ['127.0.0.1:"
              + d.server.port()
              + "']\n");
      Path log = tmp.resolve("prometheus.log");
      Process prometheus =
          new ProcessBuilder(
                  ExternalTools.PROMETHEUS.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + Files.createDirectories(tmp.resolve("tsdb")),
                  "--web.listen-address=127.0.0.1:" + port,
                  "--log.level=warn")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        HttpClient http = HttpClient.newHttpClient();
        JsonNode runs =
            query(http, port, "dsabench_dashboard_runs{job=\"dsabench\",kind=\"local\"}", log);
        assertThat(runs.get(0).get("value").get(1).asText()).isEqualTo("1");

        JsonNode kernel =
            query(
                http,
                port,
                "dsabench_kernel_median_seconds{op=\"sparse_decode\",phase=\"decode\","
                    + "variant=\"dsa\",position=\"131072\"}",
                log);
        assertThat(kernel.get(0).get("metric").get("modelName").asText())
            .isEqualTo("NVIDIA H200 (synthetic test data)");
        assertThat(Double.parseDouble(kernel.get(0).get("value").get(1).asText())).isPositive();

        // The request histogram, by route template: Prometheus's own scrapes are in it.
        JsonNode scrapes =
            query(
                http,
                port,
                "sum(dsabench_http_server_request_duration_seconds_count{route=\"/metrics\",status=\"200\"})",
                log);
        assertThat(Double.parseDouble(scrapes.get(0).get("value").get(1).asText()))
            .isGreaterThanOrEqualTo(1);
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** Polls /api/v1/query until the result vector is non-empty (first scrapes take a second). */
  private static JsonNode query(HttpClient http, int port, String promql, Path log)
      throws Exception {
    URI uri =
        URI.create(
            "http://127.0.0.1:"
                + port
                + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        last = r.statusCode() + " " + r.body();
        if (r.statusCode() == 200) {
          JsonNode result = JSON.readTree(r.body()).get("data").get("result");
          if (result.size() > 0) {
            return result;
          }
        }
      } catch (java.io.IOException e) {
        last = e.toString(); // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "Prometheus never answered "
            + promql
            + "; last: "
            + last
            + "\nlog:\n"
            + Files.readString(log));
  }
}
