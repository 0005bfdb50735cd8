package io.dsabench.dashboard;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real dashboard on a loopback port (port 0) over a temp directory laid out like a checkout:
 * {@code out/synthetic/results.json} (a synthetic run 30% slower than the baseline) and {@code
 * published/h200/results.json} (the synthetic baseline). Synthetic data only: see {@link
 * SyntheticResults}.
 */
final class TestDashboard implements AutoCloseable {
  static final String LOCAL_ID = "synthetic-run-1";
  static final String PUBLISHED_ID = "synthetic-baseline";

  final Path dir;
  final PrometheusRegistry registry = new PrometheusRegistry();
  final DashboardServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestDashboard(Path dir, List<Path> roots) throws Exception {
    // Its own lock folder: a sweep elsewhere on this host is none of this dashboard's business.
    this(dir, DashboardOptions.of("127.0.0.1", 0, roots).withLockDir(dir.resolve("locks")));
  }

  private TestDashboard(Path dir, DashboardOptions options) throws Exception {
    this.dir = dir;
    this.server = DashboardServer.start(options, registry);
  }

  /** A dashboard with these options (its port is set to 0, its lock folder its own). */
  static TestDashboard with(Path tmp, DashboardOptions options) throws Exception {
    return new TestDashboard(
        tmp,
        new DashboardOptions(
            options.bind(),
            0,
            options.resultsDirs(),
            options.liveWindow(),
            tmp.resolve("locks"),
            options.limits(),
            options.allowedHosts()));
  }

  /** A dashboard with the synthetic local run and the synthetic published run. */
  static TestDashboard withRuns(Path tmp) throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out/synthetic"));
    Path pub = Files.createDirectories(tmp.resolve("published/h200"));
    SyntheticResults.write(out, LOCAL_ID, 1.3);
    SyntheticResults.write(pub, "synthetic-baseline", 1.0);
    return new TestDashboard(tmp, List.of(tmp.resolve("out"), tmp.resolve("published")));
  }

  /** A dashboard over the given directories. */
  static TestDashboard over(Path tmp, List<Path> roots) throws Exception {
    return new TestDashboard(tmp, roots);
  }

  /** A dashboard whose directories do not exist yet: no results at all. */
  static TestDashboard empty(Path tmp) throws Exception {
    return new TestDashboard(tmp, List.of(tmp.resolve("out"), tmp.resolve("published")));
  }

  URI uri(String pathAndQuery) {
    return server
        .uri()
        .resolve(pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery);
  }

  HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends a request line exactly as given (no client-side normalisation or re-encoding) and returns
   * the raw response, status line first.
   */
  String raw(String requestTarget) throws IOException {
    return raw(requestTarget, "127.0.0.1");
  }

  /** As {@link #raw(String)}, with this Host header (null: none, as HTTP/1.0 sends). */
  String raw(String requestTarget, String host) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      OutputStream o = s.getOutputStream();
      String head =
          host == null
              ? "GET " + requestTarget + " HTTP/1.0\r\n\r\n"
              : "GET "
                  + requestTarget
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nConnection: close\r\n\r\n";
      o.write(head.getBytes(StandardCharsets.ISO_8859_1));
      o.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** A header of a raw response (the first of that name, any case), or null. */
  static String header(String rawResponse, String name) {
    String head = rawResponse.split("\r\n\r\n", 2)[0];
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  /** The body of a raw response. */
  static String body(String rawResponse) {
    String[] parts = rawResponse.split("\r\n\r\n", 2);
    return parts.length < 2 ? "" : parts[1];
  }

  static int status(String rawResponse) {
    String[] first = rawResponse.split("\r\n", 2)[0].split(" ");
    return Integer.parseInt(first[1]);
  }

  @Override
  public void close() {
    server.close();
  }
}
