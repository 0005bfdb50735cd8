package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded load test on loopback: {@value #CLIENTS} concurrent clients for {@value #SECONDS} s on
 * the API and /metrics, each request checked; zero errors allowed. A benchmark as well: it prints
 * p50/p99 overall and per route ({@code [dashboard load] /api/cost p99 ...}), the figures the
 * issue's targets are about (p99 under 20 ms for /api/cost and 30 ms for /metrics on the 2-core
 * test machine); they are printed, not asserted, since a shared CI machine's timing is not the
 * code's.
 */
@Timeout(90)
class LoadTest {
  static final int CLIENTS = 8;
  static final int SECONDS = 10;

  /** Seconds of the same load first, unmeasured: the JIT and the memos warm, as in service. */
  static final int WARMUP_SECONDS = 3;

  @Test
  void apiAndMetricsAnswerUnderConcurrentLoadWithoutErrors(@TempDir Path tmp) throws Exception {
    try (TestDashboard d = TestDashboard.withRuns(tmp)) {
      List<String> targets =
          List.of(
              "/api/runs",
              "/api/runs/" + TestDashboard.LOCAL_ID,
              "/api/runs/" + TestDashboard.LOCAL_ID + "/kernels",
              "/api/cost?run=" + TestDashboard.LOCAL_ID + "&hardware=h800&price=2",
              "/api/cost?run=" + TestDashboard.PUBLISHED_ID + "&hardware=b200&price=3.5",
              "/api/hardware",
              "/api/reference",
              "/api/sweep",
              "/metrics");
      HttpClient http =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .executor(Executors.newFixedThreadPool(4))
              .build();
      ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      for (Future<long[]> f : drive(d, http, targets, pool, WARMUP_SECONDS, errors)) {
        f.get(WARMUP_SECONDS + 30, TimeUnit.SECONDS);
      }
      List<Future<long[]>> results = drive(d, http, targets, pool, SECONDS, errors);
      List<Long> all = new ArrayList<>();
      Map<String, List<Long>> byRoute = new TreeMap<>();
      for (Future<long[]> f : results) {
        for (long l : f.get(SECONDS + 30, TimeUnit.SECONDS)) {
          all.add(l >> 8);
          String t = targets.get((int) (l & 0xff));
          String r = t.startsWith("/api/cost") ? "/api/cost" : t;
          byRoute.computeIfAbsent(r, k -> new ArrayList<>()).add(l >> 8);
        }
      }
      pool.shutdownNow();
      long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
      double p50 = sorted[(int) (sorted.length * 0.50)] / 1e6;
      double p99 = sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6;
      System.out.printf(
          Locale.ROOT,
          "[dashboard load] %d clients, %d s: %d requests (%.0f/s), %d errors, p50 %.2f ms,"
              + " p99 %.2f ms, max %.2f ms%n",
          CLIENTS,
          SECONDS,
          sorted.length,
          sorted.length / (double) SECONDS,
          errors.size(),
          p50,
          p99,
          sorted[sorted.length - 1] / 1e6);
      byRoute.forEach(
          (r, lats) -> {
            long[] x = lats.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(
                Locale.ROOT,
                "[dashboard load] %-40s %6d requests, p50 %6.2f ms, p99 %6.2f ms%n",
                r,
                x.length,
                x[(int) (x.length * 0.50)] / 1e6,
                x[Math.min(x.length - 1, (int) (x.length * 0.99))] / 1e6);
          });
      assertThat(errors).as("errors under load").isEmpty();
      assertThat(sorted.length).as("requests answered").isGreaterThan(100);
      // A loose bound: the point is zero errors; a p99 over 2 s on loopback would be a real bug.
      assertThat(p99).as("p99 ms").isLessThan(2000);
    }
  }

  /**
   * {@value #CLIENTS} clients, each sending the targets in turn for {@code seconds}; each returns
   * its latencies, in ns shifted left by 8 with the target's index in the low byte.
   */
  private static List<Future<long[]>> drive(
      TestDashboard d,
      HttpClient http,
      List<String> targets,
      ExecutorService pool,
      int seconds,
      ConcurrentLinkedQueue<String> errors) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<long[]>> results = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      results.add(
          pool.submit(
              () -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                for (int i = client; System.nanoTime() < end && n < lat.length; i++) {
                  int route = i % targets.size();
                  URI uri = d.uri(targets.get(route));
                  long t0 = System.nanoTime();
                  try {
                    HttpResponse<byte[]> r =
                        http.send(
                            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() != 200 || r.body().length == 0) {
                      errors.add(uri + " -> " + r.statusCode());
                    }
                  } catch (Exception e) {
                    errors.add(uri + " -> " + e);
                  }
                  lat[n++] = (System.nanoTime() - t0) << 8 | route;
                }
                return Arrays.copyOf(lat, n);
              }));
    }
    return results;
  }
}
