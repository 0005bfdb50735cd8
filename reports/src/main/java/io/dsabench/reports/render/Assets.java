package io.dsabench.reports.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The files a report inlines: Chart.js from its WebJar, and our own CSS, JavaScript and template
 * from this package's resources. Read from the classpath so that the one jar is all a report needs.
 */
public final class Assets {
  /** The Chart.js the reports are built and tested with (pinned in the parent pom). */
  public static final String CHART_JS_VERSION = "4.4.7";

  static final String CHART_JS =
      "META-INF/resources/webjars/chart.js/" + CHART_JS_VERSION + "/dist/chart.umd.js";

  private Assets() {}

  /**
   * Chart.js's UMD bundle, without its source-map comment: a browser's developer tools would try to
   * fetch the map from beside the file, and a report has nothing beside it.
   */
  public static String chartJs() {
    String js = classpath(CHART_JS);
    return js.replaceAll("(?m)^//# sourceMappingURL=.*$", "");
  }

  /** One of this package's resources ({@code report.css}, {@code report.js}, ...). */
  public static String own(String name) {
    return classpath("io/dsabench/reports/render/" + name);
  }

  private static String classpath(String path) {
    ClassLoader cl = Assets.class.getClassLoader();
    try (InputStream in = cl.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(
            path + ": not on the classpath (is the chart.js WebJar a dependency?)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot be read", e);
    }
  }
}
