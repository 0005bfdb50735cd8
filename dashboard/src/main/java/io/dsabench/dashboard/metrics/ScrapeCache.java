package io.dsabench.dashboard.metrics;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.eclipse.jetty.server.Request;

/**
 * {@code /metrics}, computed at most once per {@code maxAge} for each way of asking (format,
 * encoding, name filter): scrapes that arrive together wait for one computation and share its bytes
 * instead of each walking the runs and the JVM again (the JVM's thread metrics stop the world to
 * look for deadlocks). A scrape is then at most {@code maxAge} old, a fraction of any scrape
 * interval; counters stay monotonic.
 */
public final class ScrapeCache {
  /** What one scrape answered: status, the headers the client library set, the body. */
  @SuppressWarnings("ArrayRecordComponent") // a cached answer body, served as it is
  public record Scrape(int status, Map<String, String> headers, byte[] body, long atNanos) {}

  /** Distinct ways of asking kept at once; a client cycling through filters cannot grow it. */
  private static final int MAX_KEYS = 16;

  private final PrometheusScrapeHandler handler;
  private final long maxAgeNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Scrape> byKey = new ConcurrentHashMap<>();
  private final ReentrantLock computing = new ReentrantLock();

  public ScrapeCache(PrometheusScrapeHandler handler, long maxAgeNanos, LongSupplier nanoTime) {
    this.handler = handler;
    this.maxAgeNanos = maxAgeNanos;
    this.nanoTime = nanoTime;
  }

  /** The answer to this scrape request: a fresh enough shared one, else computed now. */
  public Scrape scrape(Request request) throws IOException {
    String key =
        String.join(
            "\n",
            String.valueOf(request.getHttpURI().getQuery()),
            String.valueOf(request.getHeaders().get("Accept")),
            String.valueOf(request.getHeaders().get("Accept-Encoding")));
    Scrape s = byKey.get(key);
    if (fresh(s)) {
      return s;
    }
    computing.lock();
    try {
      s = byKey.get(key);
      if (fresh(s)) {
        return s;
      }
      s = compute(request);
      if (byKey.size() >= MAX_KEYS) {
        byKey.clear();
      }
      byKey.put(key, s);
      return s;
    } finally {
      computing.unlock();
    }
  }

  private boolean fresh(Scrape s) {
    return s != null && nanoTime.getAsLong() - s.atNanos() < maxAgeNanos;
  }

  private Scrape compute(Request request) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    ByteArrayOutputStream body = new ByteArrayOutputStream(64 << 10);
    int[] status = {200};
    PrometheusHttpExchange exchange =
        new PrometheusHttpExchange() {
          @Override
          public PrometheusHttpRequest getRequest() {
            return new PrometheusHttpRequest() {
              @Override
              public String getQueryString() {
                return request.getHttpURI().getQuery();
              }

              @Override
              public Enumeration<String> getHeaders(String name) {
                return Collections.enumeration(request.getHeaders().getValuesList(name));
              }

              @Override
              public String getMethod() {
                return request.getMethod();
              }

              @Override
              public String getRequestPath() {
                return Request.getPathInContext(request);
              }
            };
          }

          @Override
          public PrometheusHttpResponse getResponse() {
            return new PrometheusHttpResponse() {
              @Override
              public void setHeader(String name, String value) {
                headers.put(name, value);
              }

              @Override
              public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
                status[0] = statusCode;
                return body;
              }
            };
          }

          @Override
          public void handleException(IOException e) throws IOException {
            throw e;
          }

          @Override
          public void handleException(RuntimeException e) {
            throw e;
          }

          @Override
          public void close() {}
        };
    handler.handleRequest(exchange);
    return new Scrape(status[0], Map.copyOf(headers), body.toByteArray(), nanoTime.getAsLong());
  }
}
