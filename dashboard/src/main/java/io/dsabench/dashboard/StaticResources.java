package io.dsabench.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The page's files, loaded from the classpath once at start. A fixed table from URL path to
 * resource: nothing a request says is ever turned into a file or resource name, so no path can
 * reach outside it.
 */
final class StaticResources {
  /** The Chart.js version of the WebJar on the classpath (the parent pom pins it). */
  static final String CHART_JS_VERSION = "4.4.7";

  private static final String WEB = "io/dsabench/dashboard/web/";
  private static final String CHART_JS =
      "META-INF/resources/webjars/chart.js/" + CHART_JS_VERSION + "/dist/chart.umd.js";

  /** A file the dashboard serves. */
  @SuppressWarnings("ArrayRecordComponent") // a file's bytes, served as they are
  record Asset(String contentType, byte[] bytes) {}

  private final Map<String, Asset> assets;

  StaticResources() {
    assets =
        Map.of(
            "/", load(WEB + "index.html", "text/html; charset=utf-8"),
            "/static/app.js", load(WEB + "app.js", "text/javascript; charset=utf-8"),
            "/static/app.css", load(WEB + "app.css", "text/css; charset=utf-8"),
            "/static/vendor/chart.umd.js", load(CHART_JS, "text/javascript; charset=utf-8"));
  }

  /** The asset at an exact URL path, if there is one. */
  Optional<Asset> get(String path) {
    return Optional.ofNullable(assets.get(path.equals("/index.html") ? "/" : path));
  }

  /** Route template of an asset path (the set is fixed, so the path itself is bounded). */
  boolean has(String path) {
    return get(path).isPresent();
  }

  private static Asset load(String resource, String type) {
    try (InputStream in = StaticResources.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "dashboard resource " + resource + " is not on the classpath (broken build?)");
      }
      return new Asset(type, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("dashboard resource " + resource + " cannot be read", e);
    }
  }
}
