package io.dsabench.dashboard;

import io.dsabench.harness.metrics.SweepMetrics;
import io.dsabench.model.results.Results;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every series dsabench exports, as Prometheus reads them: a dashboard's /metrics (ours and the
 * JVM's) and a sweep's (the harness's SweepMetrics, driven through a sweep and its verdict). What
 * the Grafana dashboard and the alerting rules may query.
 */
final class ExportedSeries {
  private ExportedSeries() {}

  /** The classic text exposition of a sweep's registry after one point and a verdict. */
  static String sweepText() throws Exception {
    PrometheusRegistry sweepRegistry = new PrometheusRegistry();
    SweepMetrics sweep = new SweepMetrics(sweepRegistry);
    var planned = SyntheticResults.run("exported-sweep", 1.0);
    sweep.sweepStarted(new Results(planned.run(), List.of()), planned.points().size());
    sweep.pointFinished(planned.points().get(0), 1, planned.points().size(), 0.1);
    sweep.verdict("published-run", false, 0);
    var out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, sweepRegistry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Series names of the dashboard's /metrics (after a request) and of a sweep's registry. */
  static Set<String> names(TestDashboard d) throws Exception {
    d.get("/api/runs"); // one observation in the request histogram
    Set<String> exported = new TreeSet<>();
    for (String text : List.of(d.get("/metrics").body(), sweepText())) {
      for (String line : text.split("\n")) {
        if (!line.startsWith("#") && !line.isBlank()) {
          exported.add(line.split("[{ ]", 2)[0]);
        }
      }
    }
    return exported;
  }
}
