package io.dsabench.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsabench.dashboard.metrics.DashboardMetrics;
import io.dsabench.dashboard.metrics.ScrapeCache;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Routes every request: the page's files, the JSON API and /metrics. Times each answer into the
 * request histogram under its route template, and turns refusals into JSON errors that name the
 * parameter, the value and the rule.
 */
final class DashboardHandler extends Handler.Abstract {
  private static final System.Logger LOG = System.getLogger(DashboardHandler.class.getName());

  private static final String JSON = "application/json; charset=utf-8";

  private final StaticResources assets;
  private final Api api;
  private final DashboardMetrics metrics;
  private final ScrapeCache scrapes;
  private final ObjectMapper mapper;
  private final HostCheck hosts;

  DashboardHandler(
      StaticResources assets,
      Api api,
      DashboardMetrics metrics,
      PrometheusScrapeHandler scrape,
      ObjectMapper mapper,
      HostCheck hosts) {
    this.assets = assets;
    this.api = api;
    this.metrics = metrics;
    // A scrape is at most a second old: what the run store's rescan interval allows anyway.
    this.scrapes = new ScrapeCache(scrape, 1_000_000_000L, System::nanoTime);
    this.mapper = mapper;
    this.hosts = hosts;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    String path = Request.getPathInContext(request);
    String route = routeOf(path);
    int status;
    try {
      hosts.check(request);
      if (path.indexOf('\0') >= 0) {
        throw ApiException.badParameter(
            "path", path.replace("\0", "\\0"), "contains a NUL byte (%00); refused");
      }
      status = dispatch(route, path, request, response, callback);
    } catch (ApiException e) {
      status = e.status();
      writeJson(response, callback, status, error(e));
    } catch (Exception e) {
      // The client gets no server details; the log gets the whole trace, with the request.
      LOG.log(
          System.Logger.Level.ERROR,
          "500 for " + request.getMethod() + " " + request.getHttpURI().getPathQuery(),
          e);
      status = 500;
      writeJson(
          response, callback, status, Map.of("error", "internal error: " + e.getClass().getName()));
    }
    metrics.observeRequest(route, request.getMethod(), status, (System.nanoTime() - start) / 1e9);
    return true;
  }

  /** The route template of a path: a fixed, small set (the histogram's label must stay bounded). */
  String routeOf(String path) {
    if (assets.has(path)) {
      return path.equals("/index.html") ? "/" : path;
    }
    return switch (path) {
      case "/metrics",
          "/api/runs",
          "/api/cost",
          "/api/hardware",
          "/api/reference",
          "/api/sweep",
          "/healthz" ->
          path;
      default -> {
        if (path.startsWith("/api/runs/")) {
          yield path.endsWith("/kernels")
              ? "/api/runs/{id}/kernels"
              : path.endsWith("/reference") ? "/api/runs/{id}/reference" : "/api/runs/{id}";
        }
        yield "unmatched";
      }
    };
  }

  private int dispatch(
      String route, String path, Request request, Response response, Callback callback)
      throws Exception {
    String method = request.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      throw ApiException.unavailable(405, "method: " + method + " is not allowed; use GET");
    }
    Fields query = query(request);
    switch (route) {
      case "/metrics" -> {
        ScrapeCache.Scrape s = scrapes.scrape(request);
        response.setStatus(s.status());
        s.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        securityHeaders(response);
        response.write(true, ByteBuffer.wrap(s.body()), callback);
        return s.status();
      }
      case "/healthz" -> {
        writeJson(response, callback, 200, Map.of("status", "ok"));
        return 200;
      }
      case "/api/runs" -> {
        api.expectOnly(query);
        return writeJson(response, callback, 200, api.runs());
      }
      case "/api/runs/{id}" -> {
        api.expectOnly(query);
        return writeJson(response, callback, 200, api.run(idOf(path, "")));
      }
      case "/api/runs/{id}/kernels" -> {
        api.expectOnly(query);
        return writeJson(response, callback, 200, api.kernels(idOf(path, "/kernels")));
      }
      case "/api/runs/{id}/reference" -> {
        api.expectOnly(query);
        return writeJson(response, callback, 200, api.pairing(idOf(path, "/reference")));
      }
      case "/api/cost" -> {
        return writeJson(response, callback, 200, api.cost(query));
      }
      case "/api/hardware" -> {
        api.expectOnly(query);
        return writeJson(response, callback, 200, api.hardware());
      }
      case "/api/reference" -> {
        api.expectOnly(query);
        return writeJson(response, callback, 200, api.reference());
      }
      case "/api/sweep" -> {
        api.expectOnly(query);
        return writeJson(response, callback, 200, api.sweep());
      }
      case "unmatched" -> {
        throw ApiException.notFound("path", path, "a page or API route of the dashboard");
      }
      default -> {
        var asset = assets.get(path).orElseThrow();
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.contentType());
        securityHeaders(response);
        response.write(true, ByteBuffer.wrap(asset.bytes()), callback);
        return 200;
      }
    }
  }

  private static Fields query(Request request) {
    Fields fields;
    try {
      fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      throw ApiException.badParameter(
          "query", String.valueOf(request.getHttpURI().getQuery()), "is not a valid query string");
    }
    // A NUL byte is never part of a run id, a hardware name or a number; it is a probe.
    for (Fields.Field f : fields) {
      for (String v : f.getValues()) {
        if (f.getName().indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
          throw ApiException.badParameter(
              f.getName().replace("\0", "\\0"),
              v.replace("\0", "\\0"),
              "contains a NUL byte (%00); refused");
        }
      }
    }
    return fields;
  }

  /** The {id} segment: exactly one segment, already percent-decoded by Jetty. */
  private static String idOf(String path, String suffix) {
    String id = path.substring("/api/runs/".length(), path.length() - suffix.length());
    if (id.isEmpty() || id.contains("/")) {
      throw ApiException.notFound("run", id, "a known run id");
    }
    return id;
  }

  private static Map<String, Object> error(ApiException e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", e.getMessage());
    if (e.parameter() != null) {
      m.put("parameter", e.parameter());
      m.put("value", e.value());
      m.put("rule", e.rule());
    }
    m.put("status", e.status());
    return m;
  }

  private int writeJson(Response response, Callback callback, int status, Object body) {
    byte[] bytes;
    try {
      bytes = body instanceof Api.JsonBytes j ? j.bytes() : mapper.writeValueAsBytes(body);
    } catch (Exception e) {
      LOG.log(System.Logger.Level.ERROR, "500: cannot write the JSON answer", e);
      status = 500;
      bytes =
          "{\"error\":\"internal error: cannot write JSON\",\"status\":500}"
              .getBytes(StandardCharsets.UTF_8);
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    securityHeaders(response);
    response.write(true, ByteBuffer.wrap(bytes), callback);
    return status;
  }

  /** The page loads nothing from elsewhere; say so to the browser too. */
  private static void securityHeaders(Response response) {
    JsonErrorHandler.securityHeaders(response.getHeaders());
  }
}
