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
    this.dir = dir;
    // Its own lock folder: a sweep elsewhere on this host is none of this dashboard's business.
    this.server =
        DashboardServer.start(
            DashboardOptions.of("127.0.0.1", 0, roots).withLockDir(dir.resolve("locks")), registry);
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
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      OutputStream o = s.getOutputStream();
      o.write(
          ("GET " + requestTarget + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      o.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toString(StandardCharsets.ISO_8859_1);
    }
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
