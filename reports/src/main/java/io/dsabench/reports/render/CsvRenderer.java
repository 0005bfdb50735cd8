package io.dsabench.reports.render;

import io.dsabench.reports.model.CapacityPlan;
import io.dsabench.reports.model.CapacityRow;
import io.dsabench.reports.model.Curve;
import io.dsabench.reports.model.CurvePoint;
import io.dsabench.reports.model.KernelRow;
import io.dsabench.reports.model.KernelTable;
import io.dsabench.reports.model.PaperComparison;
import io.dsabench.reports.model.PaperComparisonRow;
import io.dsabench.reports.model.Parameter;
import io.dsabench.reports.model.ReferenceRow;
import io.dsabench.reports.model.ReferenceRun;
import io.dsabench.reports.model.ReportData;
import io.dsabench.reports.model.RestRow;
import io.dsabench.reports.model.RunComparison;
import io.dsabench.reports.model.Summary;
import io.dsabench.reports.model.SummaryRow;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.csv}: the report's numbers in one long ("tidy") table, one value per row, SI units
 * and full precision, so that a spreadsheet or a script can filter by section and metric:
 *
 * <pre>
 * section,series,position_tokens,tokens,stage,metric,value,unit,note
 * summary,prefill,131072,,,dense_usd_per_million_tokens,0.61,USD/Mtok,
 * curve,measured:prefill_v3.2,65536,,,usd_per_million_tokens,0.15,USD/Mtok,
 * figure3_comparison,decode_v3.2,65536,,,relative_error,1.07,,
 * figure3_comparison,prefill_crossover,,,,ours_position_tokens,11569.3,tokens,
 * kernel,decode/dsa,131072,64,indexer,median_seconds,1.2e-4,s,
 * kernel,decode/dsa,131072,64,sparse_decode,ours_over_reference,1.75,,our median / ...
 * reference,run_id,,,,run_id,20261130T090142Z-h200-reference-4a0ef8f,,
 * capacity,dsa,,,,gpus,12.0,GPU,
 * rest,decode_v3.2,,,moe_experts,measured_seconds_per_token,6.8e-5,s,measured (H200, ...
 * parameter,price,,,,price,2,USD/GPU-hour,--price
 * </pre>
 */
public final class CsvRenderer {
  public static final String HEADER =
      "section,series,position_tokens,tokens,stage,metric,value,unit,note";

  private CsvRenderer() {}

  public static String render(ReportData d) {
    StringBuilder b = new StringBuilder(32_000);
    b.append(HEADER).append('\n');
    String paperSetting = "Figure 3, " + paperSetting(d.paperComparison());
    for (SummaryRow r : d.summary()) {
      rows(b, new At("summary", r.phase().id(), r.position()), r.summaries(paperSetting));
    }
    curves(b, d.curves());
    figure3(b, d.paperComparison());
    for (KernelTable t : d.kernels()) {
      String s = t.phase().id() + "/" + t.variant().id();
      for (KernelRow r : t.rows()) {
        At at = new At("kernel", s, r.position(), r.tokens(), r.stage());
        if (!"ok".equals(r.status())) {
          row(b, at, status("status", r.status(), r.reason()));
          continue;
        }
        String ceilingNote =
            d.ceilings() == null
                ? "no ceilings known"
                : "of the "
                    + d.ceilings().hardware()
                    + " "
                    + d.ceilings().basis()
                    + (Boolean.TRUE.equals(r.aboveCeiling())
                        ? "; ABOVE CEILING: the work or time was counted wrong"
                        : "");
        rows(b, at, r.summaries(ceilingNote));
      }
    }
    reference(b, d);
    CapacityPlan plan = d.capacity();
    if (plan != null) {
      for (Parameter p : plan.inputs()) {
        text(b, "workload", p.name(), p.value(), p.unit(), p.source());
      }
      text(b, "capacity", "verdict", plan.verdict(), "", "GPUs in whole deployment units");
      for (CapacityRow r : plan.rows()) {
        rows(b, new At("capacity", r.variant().id(), null), r.summaries(plan.workload()));
      }
    }
    RunComparison c = d.comparison();
    if (c != null) {
      text(b, "compare", "a", c.a(), "", "");
      text(b, "compare", "b", c.b(), "", c.note());
      curves(b, c.curves());
      for (RunComparison.Row r : c.rows()) {
        rows(b, new At("compare", r.curve(), r.position()), r.summaries());
      }
    }
    for (RestRow r : d.methodology().rest()) {
      String note = r.measurement() == null ? r.source() : r.source() + ": " + r.measurement();
      restValue(b, r, "estimate_seconds_per_token", r.estimateSeconds(), note);
      if (r.measuredSeconds() != null) {
        restValue(b, r, "measured_seconds_per_token", r.measuredSeconds(), note);
      }
      restValue(b, r, "priced_seconds_per_token", r.pricedSeconds(), note);
    }
    for (Parameter p : d.methodology().parameters()) {
      text(b, "parameter", p.name(), p.value(), p.unit(), p.source());
    }
    b.append("verdict,")
        .append(Escape.csv(d.verdict().outcome()))
        .append(",,,,outcome,,,")
        .append(Escape.csv(d.verdict().summary()))
        .append('\n');
    return b.toString();
  }

  /** "H800 at 2 USD/GPU-hour": the one setting Figure 3's numbers hold for, from the reference. */
  static String paperSetting(PaperComparison c) {
    return c.paperHardware().toUpperCase(Locale.ROOT)
        + " at "
        + Fmt.sig(c.paperUsdPerGpuHour(), 6)
        + " USD/GPU-hour";
  }

  private static void curves(StringBuilder b, List<Curve> curves) {
    for (Curve c : curves) {
      for (CurvePoint p : c.points()) {
        row(b, new At("curve", c.source() + ":" + c.id(), p.position()), p.summary());
      }
    }
  }

  /**
   * The reference run beside the kernel rows: section {@code reference} names it (file, run,
   * device, library versions, what ran per stage) or says why there is none; then, in section
   * {@code kernel} beside our own metrics, each of our stages' reference figures: {@code
   * reference_median_seconds}, {@code reference_flops_per_second}, {@code
   * reference_bytes_per_second} and {@code ours_over_reference} (our median over the reference's).
   * A stage set against another reference stage than its own (our dense_prefill against {@code
   * dense_prefill_masked}) names it in the metric: {@code reference_dense_prefill_masked_...},
   * {@code ours_over_reference_dense_prefill_masked}. The note says what the reference ran.
   */
  private static void reference(StringBuilder b, ReportData d) {
    ReferenceRun r = d.reference();
    if (!r.present()) {
      text(b, "reference", "status", "none", "", r.absentReason());
      return;
    }
    text(b, "reference", "file", r.file(), "", null);
    text(b, "reference", "run_id", r.runId(), "", null);
    text(b, "reference", "started_at", r.startedAt(), "", null);
    text(b, "reference", "device", r.deviceName(), "", null);
    text(b, "reference", "driver", r.driverVersion(), "", null);
    text(b, "reference", "git_commit", r.gitCommit(), "", null);
    for (String lib : r.libraries()) {
      text(b, "reference", "library", lib, "", null);
    }
    for (ReferenceRun.StageImplementation i : r.implementations()) {
      text(b, "reference", "implementation." + i.stage(), i.describe(), "", null);
    }
    for (String w : r.warnings()) {
      text(b, "reference", "warning", w, "", null);
    }
    for (KernelTable t : d.kernels()) {
      String s = t.phase().id() + "/" + t.variant().id();
      for (ReferenceRow x : t.reference()) {
        At at = new At("kernel", s, x.position(), x.tokens(), x.stage());
        if (!"ok".equals(x.status())) {
          row(b, at, status(x.tagPrefix() + "_status", x.status(), x.reason()));
          continue;
        }
        rows(b, at, x.summaries());
      }
    }
  }

  /**
   * Section {@code figure3_comparison}: per curve and position this run, the paper and the relative
   * error (a fraction, 0.5 = +50%), then the prefill crossover; or one {@code absent} row saying
   * why there is none. The note says when the report is not priced as the paper is.
   */
  private static void figure3(StringBuilder b, PaperComparison c) {
    String section = "figure3_comparison";
    if (c.absentReason() != null) {
      row(b, new At(section, "", null), status("absent", null, c.absentReason()));
      return;
    }
    String setting =
        c.samePricing()
            ? null
            : "paper is "
                + c.paperHardware()
                + " at "
                + Fmt.sig(c.paperUsdPerGpuHour(), 6)
                + " USD/GPU-hour; this report is not, so the error mixes hardware or price";
    for (PaperComparisonRow r : c.rows()) {
      rows(b, new At(section, r.curve(), r.position()), r.summaries(join(r.flag(), setting)));
    }
    String xNote = c.prefillCrossoverPosition() == null ? "no crossover within the curves" : null;
    rows(b, new At(section, "prefill_crossover", null), c.crossoverSummaries(join(xNote, setting)));
  }

  private static String join(String a, String b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : a + "; " + b;
  }

  /**
   * A row with no number: a point that did not run ("skipped: why"), or a section that is absent.
   */
  private static Summary status(String tag, String status, String reason) {
    return new Summary(
        tag, tag, null, "", Summary.Hint.COUNT, status == null ? reason : status + ": " + reason);
  }

  /** Where a row's value belongs: the CSV's first five columns. */
  private record At(String section, String series, Integer position, Integer tokens, String stage) {
    At(String section, String series, Integer position) {
      this(section, series, position, null, null);
    }
  }

  private static void rows(StringBuilder b, At at, List<Summary> summaries) {
    for (Summary s : summaries) {
      row(b, at, s);
    }
  }

  // One numeric row; a null value is written as an empty field, never as a made-up number.
  private static void row(StringBuilder b, At at, Summary s) {
    b.append(at.section())
        .append(',')
        .append(Escape.csv(at.series()))
        .append(',')
        .append(at.position() == null ? "" : at.position().toString())
        .append(',')
        .append(at.tokens() == null ? "" : at.tokens().toString())
        .append(',')
        .append(Escape.csv(at.stage()))
        .append(',')
        .append(s.tag())
        .append(',')
        .append(s.value() == null ? "" : Double.toString(s.value()))
        .append(',')
        .append(Escape.csv(s.unit()))
        .append(',')
        .append(Escape.csv(s.note()))
        .append('\n');
  }

  // A rest-of-model row: series the curve, stage the component.
  private static void restValue(StringBuilder b, RestRow r, String metric, double v, String note) {
    b.append("rest,")
        .append(Escape.csv(r.curve()))
        .append(",,,")
        .append(Escape.csv(r.component()))
        .append(',')
        .append(metric)
        .append(',')
        .append(Double.toString(v))
        .append(",s,")
        .append(Escape.csv(note))
        .append('\n');
  }

  // A parameter row: its value is text as the methodology shows it.
  private static void text(
      StringBuilder b, String section, String name, String value, String unit, String source) {
    b.append(section)
        .append(',')
        .append(Escape.csv(name))
        .append(",,,,")
        .append(Escape.csv(name))
        .append(',')
        .append(Escape.csv(value))
        .append(',')
        .append(Escape.csv(unit))
        .append(',')
        .append(Escape.csv(source))
        .append('\n');
  }
}
