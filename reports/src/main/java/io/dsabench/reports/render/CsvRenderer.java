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
import io.dsabench.reports.model.RunComparison;
import io.dsabench.reports.model.SummaryRow;

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
    for (SummaryRow r : d.summary()) {
      String s = r.phase().id();
      row(
          b,
          "summary",
          s,
          r.position(),
          null,
          null,
          "dense_usd_per_million_tokens",
          r.denseUsdPerMillionTokens(),
          "USD/Mtok",
          r.flag());
      row(
          b,
          "summary",
          s,
          r.position(),
          null,
          null,
          "dsa_usd_per_million_tokens",
          r.dsaUsdPerMillionTokens(),
          "USD/Mtok",
          r.flag());
      row(
          b,
          "summary",
          s,
          r.position(),
          null,
          null,
          "dense_over_dsa",
          r.denseOverDsa(),
          "",
          r.flag());
      row(
          b,
          "summary",
          s,
          r.position(),
          null,
          null,
          "paper_dense_usd_per_million_tokens",
          r.paperDense(),
          "USD/Mtok",
          "Figure 3, H800 at 2 USD/GPU-hour");
      row(
          b,
          "summary",
          s,
          r.position(),
          null,
          null,
          "paper_dsa_usd_per_million_tokens",
          r.paperDsa(),
          "USD/Mtok",
          "Figure 3, H800 at 2 USD/GPU-hour");
    }
    for (Curve c : d.curves()) {
      for (CurvePoint p : c.points()) {
        row(
            b,
            "curve",
            c.source() + ":" + c.id(),
            p.position(),
            null,
            null,
            "usd_per_million_tokens",
            p.usdPerMillionTokens(),
            "USD/Mtok",
            p.flag());
      }
    }
    figure3(b, d.paperComparison());
    for (KernelTable t : d.kernels()) {
      String s = t.phase().id() + "/" + t.variant().id();
      for (KernelRow r : t.rows()) {
        if (!"ok".equals(r.status())) {
          row(
              b,
              "kernel",
              s,
              r.position(),
              r.tokens(),
              r.stage(),
              "status",
              null,
              "",
              r.status() + ": " + r.reason());
          continue;
        }
        Integer n = r.tokens();
        String st = r.stage();
        if (r.tokensPerSeq() != null) {
          row(
              b,
              "kernel",
              s,
              r.position(),
              n,
              st,
              "tokens_per_seq",
              r.tokensPerSeq().doubleValue(),
              "tokens",
              null);
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
        row(b, "kernel", s, r.position(), n, st, "median_seconds", r.medianSeconds(), "s", null);
        row(b, "kernel", s, r.position(), n, st, "p10_seconds", r.p10Seconds(), "s", null);
        row(b, "kernel", s, r.position(), n, st, "p90_seconds", r.p90Seconds(), "s", null);
        row(
            b,
            "kernel",
            s,
            r.position(),
            n,
            st,
            "samples",
            r.samples() == null ? null : r.samples().doubleValue(),
            "",
            null);
        row(
            b,
            "kernel",
            s,
            r.position(),
            n,
            st,
            "flops_per_second",
            r.flopsPerSecond(),
            "FLOP/s",
            null);
        row(
            b,
            "kernel",
            s,
            r.position(),
            n,
            st,
            "bytes_per_second",
            r.bytesPerSecond(),
            "B/s",
            null);
        row(
            b,
            "kernel",
            s,
            r.position(),
            n,
            st,
            "compute_fraction",
            r.computeFraction(),
            "",
            ceilingNote);
        row(
            b,
            "kernel",
            s,
            r.position(),
            n,
            st,
            "bandwidth_fraction",
            r.bandwidthFraction(),
            "",
            ceilingNote);
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
        String s = r.variant().id();
        row(b, "capacity", s, null, null, null, "gpus", r.gpus(), "GPU", plan.workload());
        row(
            b,
            "capacity",
            s,
            null,
            null,
            null,
            "busy_prefill_gpus",
            r.prefillGpus(),
            "GPU",
            plan.workload());
        row(
            b,
            "capacity",
            s,
            null,
            null,
            null,
            "busy_decode_gpus",
            r.decodeGpus(),
            "GPU",
            plan.workload());
        row(
            b,
            "capacity",
            s,
            null,
            null,
            null,
            "usd_per_day",
            r.usdPerDay(),
            "USD/day",
            plan.workload());
        row(
            b,
            "capacity",
            s,
            null,
            null,
            null,
            "usd_per_million_input_tokens",
            r.usdPerMillionInputTokens(),
            "USD/Mtok",
            plan.workload());
        row(
            b,
            "capacity",
            s,
            null,
            null,
            null,
            "usd_per_million_output_tokens",
            r.usdPerMillionOutputTokens(),
            "USD/Mtok",
            plan.workload());
      }
    }
    RunComparison c = d.comparison();
    if (c != null) {
      text(b, "compare", "a", c.a(), "", "");
      text(b, "compare", "b", c.b(), "", c.note());
      for (Curve curve : c.curves()) {
        for (CurvePoint pt : curve.points()) {
          row(
              b,
              "curve",
              curve.source() + ":" + curve.id(),
              pt.position(),
              null,
              null,
              "usd_per_million_tokens",
              pt.usdPerMillionTokens(),
              "USD/Mtok",
              pt.flag());
        }
      }
      for (RunComparison.Row r : c.rows()) {
        row(
            b,
            "compare",
            r.curve(),
            r.position(),
            null,
            null,
            "a_usd_per_million_tokens",
            r.a(),
            "USD/Mtok",
            null);
        row(
            b,
            "compare",
            r.curve(),
            r.position(),
            null,
            null,
            "b_usd_per_million_tokens",
            r.b(),
            "USD/Mtok",
            null);
        row(
            b,
            "compare",
            r.curve(),
            r.position(),
            null,
            null,
            "b_over_a_minus_1",
            r.change(),
            "",
            "below 0, B is cheaper");
      }
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
        String prefix =
            x.referenceStage().equals(x.stage()) ? "reference" : "reference_" + x.referenceStage();
        Integer n = x.tokens();
        String st = x.stage();
        if (!"ok".equals(x.status())) {
          row(
              b,
              "kernel",
              s,
              x.position(),
              n,
              st,
              prefix + "_status",
              null,
              "",
              x.status() + ": " + x.reason());
          continue;
        }
        String impl = x.implementation();
        row(
            b,
            "kernel",
            s,
            x.position(),
            n,
            st,
            prefix + "_median_seconds",
            x.medianSeconds(),
            "s",
            impl);
        row(
            b,
            "kernel",
            s,
            x.position(),
            n,
            st,
            prefix + "_flops_per_second",
            x.flopsPerSecond(),
            "FLOP/s",
            impl);
        row(
            b,
            "kernel",
            s,
            x.position(),
            n,
            st,
            prefix + "_bytes_per_second",
            x.bytesPerSecond(),
            "B/s",
            impl);
        row(
            b,
            "kernel",
            s,
            x.position(),
            n,
            st,
            "ours_over_" + prefix,
            x.oursOverReference(),
            "",
            "our median / the reference's; above 1 ours is slower");
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
      row(b, section, "", null, null, null, "absent", null, "", c.absentReason());
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
      String note = join(r.flag(), setting);
      String s = r.curve();
      row(
          b,
          section,
          s,
          r.position(),
          null,
          null,
          "ours_usd_per_million_tokens",
          r.oursUsdPerMillionTokens(),
          "USD/Mtok",
          note);
      row(
          b,
          section,
          s,
          r.position(),
          null,
          null,
          "paper_usd_per_million_tokens",
          r.paperUsdPerMillionTokens(),
          "USD/Mtok",
          note);
      row(b, section, s, r.position(), null, null, "relative_error", r.relativeError(), "", note);
    }
    String x = "prefill_crossover";
    String xNote = c.prefillCrossoverPosition() == null ? "no crossover within the curves" : null;
    row(
        b,
        section,
        x,
        null,
        null,
        null,
        "ours_position_tokens",
        c.prefillCrossoverPosition(),
        "tokens",
        join(xNote, setting));
    row(
        b,
        section,
        x,
        null,
        null,
        null,
        "paper_position_tokens",
        (double) c.paperCrossoverPosition(),
        "tokens",
        join(xNote, setting));
    row(
        b,
        section,
        x,
        null,
        null,
        null,
        "relative_error",
        c.crossoverRelativeError(),
        "",
        join(xNote, setting));
  }

  private static String join(String a, String b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : a + "; " + b;
  }

  // One numeric row; a null value is written as an empty field, never as a made-up number.
  private static void row(
      StringBuilder b,
      String section,
      String series,
      Integer position,
      Integer tokens,
      String stage,
      String metric,
      Double value,
      String unit,
      String note) {
    b.append(section)
        .append(',')
        .append(Escape.csv(series))
        .append(',')
        .append(position == null ? "" : position.toString())
        .append(',')
        .append(tokens == null ? "" : tokens.toString())
        .append(',')
        .append(Escape.csv(stage))
        .append(',')
        .append(metric)
        .append(',')
        .append(value == null ? "" : Double.toString(value))
        .append(',')
        .append(Escape.csv(unit))
        .append(',')
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
