package io.dsabench.harness.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.dsabench.harness.Sweep;
import io.dsabench.harness.SweepListener;
import io.dsabench.harness.SweepSpec;
import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.harness.stats.StopRule;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live metrics served on loopback during a real cpu sweep, scraped over HTTP; pushed at the end.
 */
class MetricsTest {
  static String scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  @Timeout(120)
  void metricsAreServedWhileTheSweepRunsAndPushedWhenItEnds(@TempDir Path tmp) throws Exception {
    SweepSpec spec =
        new SweepSpec(
            List.of(Phase.DECODE),
            List.of(Variant.DENSE, Variant.DSA),
            List.of(128),
            Map.of(Phase.DECODE, 1));
    Sweep.Options o =
        Sweep.Options.builder()
            .spec(spec)
            .outDir(tmp.resolve("bench"))
            .forks(0)
            .session(SessionConfig.defaults("cpu").withStop(new StopRule(1, 0, 3, 20, 0.05, 0.2)))
            .lockDir(tmp.resolve("locks"))
            .build();
    PrometheusRegistry registry = new PrometheusRegistry();
    List<String> midRun = new CopyOnWriteArrayList<>();
    try (HTTPServer server = MetricsExport.serve(registry, 0)) {
      int port = server.getPort();
      Sweep sweep =
          new Sweep(o)
              .listen(new SweepMetrics(registry))
              .listen(
                  new SweepListener() {
                    @Override
                    public void pointFinished(PointResult r, int done, int total, double s) {
                      if (done == 1) {
                        try {
                          midRun.add(scrape(port));
                        } catch (IOException | InterruptedException e) {
                          midRun.add("scrape failed: " + e);
                        }
                      }
                    }
                  });
      Results r = sweep.run();
      assertThat(r.points()).hasSize(2);
      assertThat(midRun).hasSize(1);
      assertThat(midRun.get(0))
          .contains("dsabench_sweep_points 2.0")
          .contains("dsabench_sweep_points_finished_total{status=\"ok\"} 1.0")
          .contains("dsabench_sweep_failures_total 0.0")
          .contains(
              "dsabench_kernel_seconds{UUID=\"\",gpu=\"\",modelName=\""
                  + r.run().device().name()
                  + "\",op=\"dense_decode\",phase=\"decode\",position=\"128\",tokens=\"1\","
                  + "tokens_per_seq=\"1\",variant=\"dense\"}");
      String end = scrape(port);
      assertThat(end)
          .contains("dsabench_sweep_points_finished_total{status=\"ok\"} 2.0")
          .contains("op=\"sparse_decode\"")
          .contains("dsabench_sweep_info{backend=\"cpu\",run_id=\"" + r.run().id() + "\"} 1");
    }
    // A Pushgateway stand-in: a real HTTP server on loopback that keeps what it is sent.
    List<String> pushed = new CopyOnWriteArrayList<>();
    HttpServer gw = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gw.createContext(
        "/",
        ex -> {
          pushed.add(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI()
                  + "\n"
                  + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    gw.start();
    try {
      MetricsExport.push(registry, "http://127.0.0.1:" + gw.getAddress().getPort(), "host-a");
    } finally {
      gw.stop(0);
    }
    assertThat(pushed).hasSize(1);
    assertThat(pushed.get(0))
        .startsWith("PUT /metrics/job/dsabench/instance/host-a")
        .contains("dsabench_sweep_points_finished_total");
  }

  @Test
  void badExportSettingsNameTheValue() {
    assertThatThrownBy(() -> MetricsExport.parse("pushgateway:9091"))
        .hasMessage("pushgateway: 'pushgateway:9091' is not an http(s)://host:port URL");
    assertThatThrownBy(() -> MetricsExport.serve(new PrometheusRegistry(), 70000))
        .hasMessage("metrics-port: 70000 is not a TCP port (0-65535)");
  }

  @Test
  void metricsBindOpensTheEndpointWhereToldAndOnlyToAddressesOfThisHost() throws Exception {
    // The wildcard (what a pod's own address amounts to here): reachable on loopback too.
    try (HTTPServer server = MetricsExport.serve(new PrometheusRegistry(), "0.0.0.0", 0)) {
      assertThat(scrape(server.getPort())).isNotNull();
    }
    try (HTTPServer server = MetricsExport.serve(new PrometheusRegistry(), 0)) {
      assertThat(scrape(server.getPort())).isNotNull();
    }
    assertThatThrownBy(() -> MetricsExport.checkBind("192.0.2.1"))
        .hasMessage(
            "metrics-bind: '192.0.2.1' is not an address of this host (127.0.0.1, 0.0.0.0, or an"
                + " address of one of its interfaces, such as the pod's)");
    assertThatThrownBy(() -> MetricsExport.checkBind("no-such-host.invalid"))
        .hasMessageStartingWith("metrics-bind: 'no-such-host.invalid' is not an address");
  }

  @Test
  void theKubernetesJobBindsThePodAddressItsScrapeAnnotationsPointAt() throws Exception {
    String job =
        java.nio.file.Files.readString(
            java.nio.file.Path.of("..", "deploy", "kubernetes", "dsabench-sweep.yaml"));
    var port = java.util.regex.Pattern.compile("prometheus.io/port: \"(\\d+)\"").matcher(job);
    assertThat(port.find()).isTrue();
    assertThat(job)
        .contains("--metrics-port " + port.group(1))
        .contains("--metrics-bind \"${POD_IP}\"")
        .containsPattern(
            "name: POD_IP\\s+valueFrom: \\{fieldRef: \\{fieldPath: status.podIP\\}\\}");
  }
}
