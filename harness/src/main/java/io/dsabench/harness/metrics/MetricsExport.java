package io.dsabench.harness.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.exporter.pushgateway.Scheme;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;

/** Where a sweep's metrics go: a loopback HTTP endpoint while it runs, a Pushgateway at the end. */
public final class MetricsExport {
  private MetricsExport() {}

  /**
   * Serves {@code /metrics} on 127.0.0.1 (loopback only: a benchmark host has no business exposing
   * an endpoint; scrape through a sidecar or an SSH tunnel). Port 0 picks a free port; see {@link
   * HTTPServer#getPort()}.
   */
  public static HTTPServer serve(PrometheusRegistry registry, int port) throws IOException {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("metrics-port: " + port + " is not a TCP port (0-65535)");
    }
    return HTTPServer.builder().hostname("127.0.0.1").port(port).registry(registry).buildAndStart();
  }

  /**
   * Pushes every metric of the registry to a Pushgateway as job {@code dsabench}, grouped by {@code
   * instance} (so that shards on several hosts do not overwrite each other).
   *
   * @param url like {@code http://pushgateway:9091}
   */
  public static void push(PrometheusRegistry registry, String url, String instance)
      throws IOException {
    URI uri = parse(url);
    int port = uri.getPort() > 0 ? uri.getPort() : 9091;
    PushGateway.builder()
        .address(uri.getHost() + ":" + port)
        .scheme("https".equals(uri.getScheme()) ? Scheme.HTTPS : Scheme.HTTP)
        .job("dsabench")
        .groupingKey("instance", instance)
        .registry(registry)
        .build()
        .push();
  }

  /** Checks a Pushgateway URL; the message names the value and the rule. */
  public static URI parse(String url) {
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new IllegalArgumentException(
            "pushgateway: '" + url + "' is not an http(s)://host:port URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "pushgateway: '" + url + "' is not an http(s)://host:port URL", e);
    }
  }
}
