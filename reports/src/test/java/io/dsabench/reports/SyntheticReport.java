package io.dsabench.reports;

import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import io.dsabench.reports.model.CapacityPlan;
import io.dsabench.reports.model.CapacityRow;
import io.dsabench.reports.model.Ceilings;
import io.dsabench.reports.model.Curve;
import io.dsabench.reports.model.CurvePoint;
import io.dsabench.reports.model.KernelRow;
import io.dsabench.reports.model.KernelTable;
import io.dsabench.reports.model.Methodology;
import io.dsabench.reports.model.PaperComparison;
import io.dsabench.reports.model.PaperComparisonRow;
import io.dsabench.reports.model.Parameter;
import io.dsabench.reports.model.Pricing;
import io.dsabench.reports.model.Provenance;
import io.dsabench.reports.model.ReportData;
import io.dsabench.reports.model.SummaryRow;
import io.dsabench.reports.model.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * SYNTHETIC report data for rendering tests only: made-up numbers, never measurements. The
 * renderers are tested on it because it holds what a real run rarely does at once (hostile text in
 * every free-text field, flagged points, a skipped point, a capacity plan, a regression). The
 * numbers a real report shows are tested against the cost model in ReportNumbersTest.
 */
final class SyntheticReport {
  /** Text that would break out of every context it is embedded in, if it were not escaped. */
  static final String HOSTILE = "</script><script>window.pwned=1</script><!-- & \"q\" 'a'";

  private SyntheticReport() {}

  static ReportData data() {
    List<Curve> curves = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      for (Variant v : Variant.values()) {
        double slope = (v == Variant.DENSE ? 4.5e-6 : 0.9e-6) * (phase == Phase.DECODE ? 3 : 1);
        List<CurvePoint> pts = new ArrayList<>();
        for (int p = 4096; p <= 131072; p *= 2) {
          pts.add(new CurvePoint(p, 0.05 + slope * p, p == 131072 ? "extrapolated" : null));
        }
        String id = phase.id() + (v == Variant.DENSE ? "_v3.1" : "_v3.2");
        curves.add(new Curve(id, phase, v, Curve.MEASURED, "synthetic " + id, pts));
        curves.add(
            new Curve(
                id,
                phase,
                v,
                Curve.PAPER,
                "paper " + id,
                List.of(new CurvePoint(0, 0.06, null), new CurvePoint(131072, 0.5, null))));
      }
    }
    List<SummaryRow> summary = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      for (int p : List.of(8192, 32768, 65536, 131072)) {
        double dense = 0.05 + 4.5e-6 * p;
        double dsa = 0.05 + 0.9e-6 * p;
        summary.add(
            new SummaryRow(
                phase, p, dense, dsa, dense / dsa, 0.1, 0.09, p == 131072 ? "extrapolated" : null));
      }
    }
    List<PaperComparisonRow> errors = new ArrayList<>();
    for (Curve c : curves) {
      if (c.source().equals(Curve.MEASURED)) {
        for (int p : List.of(32768, 65536, 98304, 131072)) {
          errors.add(
              new PaperComparisonRow(
                  c.id(),
                  c.phase(),
                  c.variant(),
                  p,
                  0.2,
                  0.1,
                  1.0,
                  p == 131072 ? "extrapolated" : null));
        }
      }
    }
    List<KernelTable> kernels = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      for (Variant v : Variant.values()) {
        List<KernelRow> rows = new ArrayList<>();
        for (int p : List.of(8192, 32768)) {
          rows.add(
              new KernelRow(
                  p,
                  64,
                  phase == Phase.PREFILL ? 64 : 1,
                  "total",
                  "ok",
                  null,
                  1.25e-3,
                  1.2e-3,
                  1.4e-3,
                  20,
                  3.1e14,
                  1.2e12,
                  0.313,
                  0.25,
                  null));
        }
        rows.add(
            new KernelRow(
                131072,
                64,
                phase == Phase.PREFILL ? 64 : 1,
                null,
                "skipped",
                "out of memory " + HOSTILE,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null));
        kernels.add(new KernelTable(phase, v, rows));
      }
    }
    return new ReportData(
        ReportData.SCHEMA,
        "SYNTHETIC test report — not a measurement",
        "2026-11-29T15:00:00Z",
        new Provenance(
            "synthetic-run",
            "2026-11-29T14:00:00Z",
            "0000000",
            "cpu",
            "dsabench bench " + HOSTILE,
            "test JVM",
            HOSTILE,
            "synthetic device",
            null,
            null,
            null,
            null,
            "synthetic.json",
            "test",
            null),
        new Pricing("h800", 2.0, "synthetic"),
        List.of("SYNTHETIC numbers for rendering tests " + HOSTILE),
        summary,
        6500.0,
        curves,
        new PaperComparison(
            "h800",
            2.0,
            false,
            "synthetic setting " + HOSTILE,
            errors,
            6500.0,
            6590,
            -0.0137,
            null),
        new Ceilings("h800", 989.5e12, 1979e12, 3.35e12, "synthetic", "datasheet peak"),
        kernels,
        new CapacityPlan(
            "synthetic workload",
            List.of(new Parameter("requests per second", "10", "1/s", "synthetic")),
            List.of(
                new CapacityRow(Variant.DENSE, 42, 10.2, 30.3, 2016, 0.31, 1.2, false),
                new CapacityRow(Variant.DSA, 13, 4.1, 8.2, 624, 0.09, 0.2, true)),
            "DSA saves 29 GPUs, 1,392 USD per day, 69% " + HOSTILE),
        new Methodology(
            List.of("usd = price / 3600 · seconds " + HOSTILE),
            List.of(new Parameter("price", "2", "USD/GPU-hour", "--price " + HOSTILE))),
        new Verdict(Verdict.REGRESSION, "synthetic regression " + HOSTILE, List.of(HOSTILE)));
  }
}
