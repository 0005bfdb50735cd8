package io.dsabench.harness.metrics;

import io.dsabench.model.BadInputException;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.exporter.pushgateway.Scheme;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.URISyntaxException;

/** Where a sweep's metrics go: a loopback HTTP endpoint while it runs, a Pushgateway at the end. */
public final class MetricsExport {
  private MetricsExport() {}

  /** Where {@code bench --metrics-port} listens unless told otherwise: this host only. */
  public static final String DEFAULT_BIND = "127.0.0.1";

  /**
   * Serves {@code /metrics} on 127.0.0.1 (loopback only: a benchmark host has no business exposing
   * an endpoint; scrape through a sidecar or an SSH tunnel). Port 0 picks a free port; see {@link
   * HTTPServer#getPort()}.
   */
  public static HTTPServer serve(PrometheusRegistry registry, int port) throws IOException {
    return serve(registry, DEFAULT_BIND, port);
  }

  /**
   * Serves {@code /metrics} on {@code bind}: loopback by default; a pod's own address where a
   * Prometheus in the cluster scrapes it (the Kubernetes Job), {@code 0.0.0.0} for every interface.
   */
  public static HTTPServer serve(PrometheusRegistry registry, String bind, int port)
      throws IOException {
    if (port < 0 || port > 65535) {
      throw new BadInputException("metrics-port: " + port + " is not a TCP port (0-65535)");
    }
    checkBind(bind);
    return HTTPServer.builder().hostname(bind).port(port).registry(registry).buildAndStart();
  }

  /**
   * Checks a bind address: an address (or a name of one) that this host has, or the wildcard.
   * Checked before a sweep starts, so that a typo costs nothing.
   */
  public static InetAddress checkBind(String bind) {
    String rule =
        "is not an address of this host (127.0.0.1, 0.0.0.0, or an address of one of its"
            + " interfaces, such as the pod's)";
    if (bind == null || bind.isBlank() || bind.chars().anyMatch(c -> c <= ' ' || c == '/')) {
      throw new BadInputException("metrics-bind: '" + bind + "' " + rule);
    }
    try {
      InetAddress a = InetAddress.getByName(bind);
      if (a.isAnyLocalAddress()
          || a.isLoopbackAddress()
          || NetworkInterface.getByInetAddress(a) != null) {
        return a;
      }
    } catch (IOException e) {
      throw new BadInputException("metrics-bind: '" + bind + "' " + rule, e);
    }
    throw new BadInputException("metrics-bind: '" + bind + "' " + rule);
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
        throw new BadInputException("pushgateway: '" + url + "' is not an http(s)://host:port URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new BadInputException(
          "pushgateway: '" + url + "' is not an http(s)://host:port URL", e);
    }
  }
}
