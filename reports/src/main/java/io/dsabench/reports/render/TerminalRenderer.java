package io.dsabench.reports.render;

import io.dsabench.costmodel.capacity.CapacityPlan;
import io.dsabench.costmodel.capacity.TrafficMix;
import io.dsabench.costmodel.capacity.VariantPlan;
import io.dsabench.costmodel.cost.CalibrationStep;
import io.dsabench.costmodel.cost.Component;
import io.dsabench.costmodel.cost.CostCurve;
import io.dsabench.costmodel.cost.CostDelta;
import io.dsabench.costmodel.cost.CostParameters;
import io.dsabench.costmodel.cost.CostReport;
import io.dsabench.costmodel.cost.Curve;
import io.dsabench.costmodel.cost.CurvePoint;
import io.dsabench.costmodel.cost.Extrapolation;
import io.dsabench.costmodel.cost.Parameter;
import io.dsabench.costmodel.cost.RestEstimate;
import io.dsabench.costmodel.cost.RestOfModel;
import io.dsabench.costmodel.cost.SeriesUsed;
import io.dsabench.costmodel.reference.ComparisonRow;
import io.dsabench.costmodel.reference.Figure3Comparison;
import io.dsabench.costmodel.reference.Figure3Reference;
import io.dsabench.reports.model.PaperComparisonRow;
import io.dsabench.reports.model.Summary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;

/**
 * {@code dsabench cost}'s terminal tables, beside the report's HTML and CSV renderers: the curves,
 * the comparison with Figure 3 (its setting read from {@link Figure3Reference}), the rest of the
 * model, the calibration, the parameters and the capacity plan; and {@code --compare-hardware}'s A
 * vs B table. Fixed-width text for a reader at a terminal; the CSV and JSON carry full precision.
 */
public final class TerminalRenderer {
  private TerminalRenderer() {}

  /** {@code dsabench cost --format table}: one run priced once, with the plan when there is one. */
  public static String cost(CostReport r, Figure3Comparison cmp, CapacityPlan plan) {
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      cost(out, r, cmp, plan);
    }
    return text.toString();
  }

  /**
   * {@code dsabench cost --compare-hardware}: every curve of the first pricing (A) against each
   * other (B), and with a workload each pricing's plan.
   */
  public static String hardwareComparison(
      List<CostReport> reports, List<List<CostDelta>> deltas, List<CapacityPlan> plans) {
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      hardwareComparison(out, reports, deltas, plans);
    }
    return text.toString();
  }

  private static void hardwareComparison(
      PrintWriter out,
      List<CostReport> reports,
      List<List<CostDelta>> deltas,
      List<CapacityPlan> plans) {
    out.printf(
        Locale.ROOT,
        "dsabench cost: run %s on %s, priced on %d profiles; B vs A = B / A - 1 (below 0, B is"
            + " cheaper)%n",
        reports.get(0).runId(),
        reports.get(0).measuredOn(),
        reports.size());
    for (int i = 0; i < reports.size(); i++) {
      CostParameters p = reports.get(i).parameters();
      out.printf(
          Locale.ROOT,
          "  %s: %s (%s) at %.2f USD/GPU-hour; %s%n",
          i == 0 ? "A" : "B",
          p.target().id(),
          p.target().name(),
          p.usdPerGpuHour(),
          reports.get(i).attentionLabel());
    }
    out.println();
    out.println("USD per million tokens:");
    StringBuilder head =
        new StringBuilder(
            String.format(
                Locale.ROOT, "%-13s %9s %10s", "curve", "position", "A " + id(reports, 0)));
    for (int k = 1; k < reports.size(); k++) {
      head.append(String.format(Locale.ROOT, " %10s %8s", "B " + id(reports, k), "B vs A"));
    }
    out.println(head);
    for (int i = 0; i < deltas.get(0).size(); i++) {
      CostDelta first = deltas.get(0).get(i);
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%-13s %9d %10.4f",
                  first.curve().id(),
                  first.position(),
                  first.a()));
      for (List<CostDelta> ds : deltas) {
        CostDelta d = ds.get(i);
        line.append(
            d.b() == null
                ? String.format(Locale.ROOT, " %10s %8s", "-", "-")
                : String.format(Locale.ROOT, " %10.4f %+7.1f%%", d.b(), 100 * d.change()));
      }
      out.println(line);
    }
    if (plans.isEmpty()) {
      return;
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "Capacity plan '%s' on each profile (GPUs in whole deployment units):%n",
        plans.get(0).traffic().name());
    out.printf(
        Locale.ROOT,
        "%-6s %-6s %6s %13s %12s %12s%n",
        "",
        "model",
        "GPUs",
        "USD/day",
        "USD/M input",
        "USD/M output");
    for (int i = 0; i < plans.size(); i++) {
      for (VariantPlan v : List.of(plans.get(i).dense(), plans.get(i).dsa())) {
        out.printf(
            Locale.ROOT,
            "%-6s %-6s %6d %13.2f %12.4f %12.4f%n",
            id(reports, i),
            v.version().id(),
            v.gpusNeeded(),
            v.usdPerDay(),
            v.usdPerMillionInput(),
            v.usdPerMillionOutput());
      }
      out.println("       " + plans.get(i).verdict() + ".");
    }
  }

  /** A summary in a fixed-width column, rounded as its hint says for a terminal. */
  private static String column(Summary s) {
    return switch (s.hint()) {
      case USD -> String.format(Locale.ROOT, "%10.4f", s.value());
      case SIGNED_PERCENT -> String.format(Locale.ROOT, "%+8.1f%%", 100 * s.value());
      default -> throw new IllegalStateException("no terminal column for " + s.hint());
    };
  }

  private static String id(List<CostReport> reports, int i) {
    return reports.get(i).parameters().target().id();
  }

  private static void cost(
      PrintWriter out, CostReport r, Figure3Comparison cmp, CapacityPlan plan) {
    CostParameters p = r.parameters();
    out.printf(
        Locale.ROOT,
        "dsabench cost: run %s on %s; %s at %.2f USD/GPU-hour%n",
        r.runId(),
        r.measuredOn(),
        p.target().name(),
        p.usdPerGpuHour());
    out.println(r.attentionLabel());
    out.println("Measurements used:");
    for (SeriesUsed u : r.inputs()) {
      out.printf(
          Locale.ROOT,
          "  %-48s %s (run %s), %d points covering %d..%d%s%n",
          u.series() + (u.tokensPerSeq() == null ? "" : " t=" + u.tokensPerSeq()),
          u.file(),
          u.runId(),
          u.points(),
          u.fromPosition(),
          u.toPosition(),
          u.note() == null ? "" : "; " + u.note());
    }
    if (!r.aboveCeiling().isEmpty()) {
      out.println();
      out.println(
          "ABOVE CEILING: "
              + r.aboveCeiling().size()
              + " stage(s) run faster than their device can; their work or time was counted"
              + " wrong, and the curves built on them are wrong too:");
      for (var v : r.aboveCeiling()) {
        out.println("  " + v.message());
      }
    }
    out.println();
    out.println("USD per million tokens by position (* = attention extrapolated beyond the");
    out.println("measured positions; prefill_v3.2 mode: m = masked MHA, s = sparse)");
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%9s", "position"));
    for (CostCurve c : r.curves()) {
      head.append(
          String.format(
              Locale.ROOT,
              "  %" + (c.curve() == Curve.PREFILL_V32 ? 14 : 13) + "s",
              c.curve().id()));
    }
    out.println(head);
    // Rows at every 4096 tokens (and 1K, 2K, and each curve's ends), over the union of the
    // curves' positions: under --extrapolation error they start and stop apart.
    java.util.TreeSet<Integer> rows = new java.util.TreeSet<>();
    java.util.Map<Curve, java.util.Map<Integer, CurvePoint>> byPos =
        new java.util.EnumMap<>(Curve.class);
    for (CostCurve cc : r.curves()) {
      java.util.Map<Integer, CurvePoint> m = new java.util.HashMap<>();
      for (CurvePoint pt : cc.points()) {
        m.put(pt.position(), pt);
        if (pt.position() % 4096 == 0
            || pt.position() == 1024
            || pt.position() == 2048
            || pt.position() == cc.minPosition()
            || pt.position() == cc.maxPosition()) {
          rows.add(pt.position());
        }
      }
      byPos.put(cc.curve(), m);
    }
    for (int pos : rows) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%9d", pos));
      for (CostCurve cc : r.curves()) {
        Curve c = cc.curve();
        int width = c == Curve.PREFILL_V32 ? 11 : 12;
        CurvePoint pt = byPos.get(c).get(pos);
        if (pt == null) {
          line.append(String.format(Locale.ROOT, "  %" + width + "s ", "-"))
              .append(c == Curve.PREFILL_V32 ? "  " : "");
          continue;
        }
        String mark = pt.extrapolated() ? "*" : " ";
        String mode = c == Curve.PREFILL_V32 ? (pt.mode().equals("sparse") ? " s" : " m") : "";
        line.append(
            String.format(
                Locale.ROOT, "  %" + width + ".4f%s%s", pt.usdPerMillionTokens(), mark, mode));
      }
      out.println(line);
    }
    if (p.extrapolation() == Extrapolation.ERROR) {
      out.println(
          "Priced only where measured (--extrapolation error): "
              + String.join(
                  ", ",
                  r.curves().stream()
                      .map(cc -> cc.curve().id() + " " + cc.minPosition() + ".." + cc.maxPosition())
                      .toList())
              + "; '-' = not priced");
    }
    out.println();
    Double x = r.prefillCrossoverPosition();
    out.printf(
        Locale.ROOT,
        "Prefill crossover (V3.2 sparse beats masked MHA): %s; paper ~%d%s%n",
        x != null
            ? String.format(Locale.ROOT, "%.0f tokens", x)
            : r.has(Curve.PREFILL_V32) ? "none within the curves" : "not computed (no prefill)",
        cmp.paperCrossover(),
        cmp.crossoverRelativeError() == null
            ? ""
            : String.format(Locale.ROOT, " (%+.1f%%)", 100 * cmp.crossoverRelativeError()));
    out.println();
    out.println(
        "Comparison with the paper's Figure 3 ("
            + Figure3Reference.HARDWARE.toUpperCase(Locale.ROOT)
            + ", "
            + Fmt.sig(Figure3Reference.USD_PER_GPU_HOUR, 6)
            + " USD/GPU-hour)"
            + (cmp.samePricing() ? "" : " -- NOTE: priced differently here, errors include that"));
    out.printf(
        Locale.ROOT, "%-13s %9s %10s %10s %9s%n", "curve", "position", "ours", "paper", "rel.err");
    for (ComparisonRow row : cmp.rows()) {
      PaperComparisonRow pr = PaperComparisonRow.of(row);
      StringBuilder line =
          new StringBuilder(String.format(Locale.ROOT, "%-13s %9d", pr.curve(), pr.position()));
      for (Summary s : pr.summaries(null)) {
        line.append(' ').append(column(s));
      }
      out.println(line.append(pr.flag() == null ? "" : " *"));
    }
    for (String n : cmp.notCompared()) {
      out.println("  not compared: " + n);
    }
    out.println();
    out.println(
        "Rest of the model per token on "
            + p.target().id()
            + ": each component its estimate (a roofline: max(FLOPs at the GEMM efficiency, weights"
            + " streamed per step)) and, where the results hold a rest point at the deployment's"
            + " batch (bench --phases rest), its measurement, translated like attention; the"
            + " priced column is what the curves use. The all-to-all is a model at the NIC rate:");
    for (Curve c : List.of(Curve.PREFILL_V32, Curve.DECODE_V32)) {
      if (!r.has(c)) {
        continue;
      }
      RestEstimate e = r.restOf(c);
      out.printf(
          Locale.ROOT,
          "  %s: on-chip %.1f us (estimate alone %.1f us; %.1f GFLOP, %.2f GB/GPU of weights),"
              + " all-to-all %.2f MB -> %.1f us; rest = %.1f us (estimate alone %.1f us)%s%n",
          c.phase().id(),
          e.onChipSeconds() * 1e6,
          e.components().stream()
                  .filter(part -> !part.name().equals(RestOfModel.ALL_TO_ALL))
                  .mapToDouble(Component::estimateSeconds)
                  .sum()
              * 1e6,
          e.flopsPerToken() / 1e9,
          e.weightBytesPerGpu() / 1e9,
          e.commBytesPerToken() / 1e6,
          e.commSeconds() * 1e6,
          e.secondsPerToken() * 1e6,
          e.estimateModelSeconds() * e.calibrationScale() * 1e6,
          e.calibrationScale() == 1
              ? ""
              : String.format(Locale.ROOT, " (calibrated x%.3f)", e.calibrationScale()));
      out.println("    " + e.measurement());
      out.printf(
          Locale.ROOT,
          "    %-20s %9s %9s %9s %-9s %12s %10s  %s%n",
          "component",
          "est. us",
          "meas. us",
          "priced us",
          "est.bound",
          "GFLOP/token",
          "GB/GPU",
          "source; note");
      for (Component comp : e.components()) {
        out.printf(
            Locale.ROOT,
            "    %-20s %9s %9s %9s %-9s %12.2f %10.2f  %s; %s%s%n",
            comp.name(),
            us(comp.estimateSeconds()),
            comp.measured() ? us(comp.measuredSeconds()) : "-",
            us(comp.seconds()),
            comp.bound(),
            comp.flopsPerToken() / 1e9,
            comp.weightBytesPerGpu() / 1e9,
            comp.source(),
            comp.note(),
            comp.measurement() == null ? "" : "; " + comp.measurement());
      }
    }
    for (Curve c : List.of(Curve.PREFILL_V31, Curve.DECODE_V31)) {
      if (r.has(c)) {
        RestEstimate e = r.restOf(c);
        out.printf(
            Locale.ROOT,
            "  (v3.1 %s: %.1f us, estimate alone %.1f us, no indexer projections; %s)%n",
            c.phase().id(),
            e.secondsPerToken() * 1e6,
            e.estimateModelSeconds() * e.calibrationScale() * 1e6,
            e.anyMeasured() ? "measured in part, from the same rest point" : "estimate");
      }
    }
    if (!r.calibration().isEmpty()) {
      out.println();
      out.println("Calibration steps:");
      for (CalibrationStep s : r.calibration()) {
        out.printf(
            Locale.ROOT,
            "  %s[%s]: target %.2f us/token at position 0 (%s); attention of a context-free token"
                + " %.2f us (roofline; ours extrapolated to 0: %s); model rest %.2f us -> scale"
                + " %.4f%n",
            s.name(),
            s.phase(),
            s.targetSeconds() * 1e6,
            s.source(),
            s.attentionSeconds() * 1e6,
            s.measuredAttentionSeconds() == null
                ? "not priced"
                : String.format(Locale.ROOT, "%.2f us", s.measuredAttentionSeconds() * 1e6),
            s.modelRestSeconds() * 1e6,
            s.scale());
      }
    }
    out.println();
    out.println("Parameters:");
    for (Parameter par : r.parameterTable()) {
      out.printf(Locale.ROOT, "  %-42s %s  [%s]%n", par.name(), par.value(), par.source());
    }
    if (plan != null) {
      out.println();
      TrafficMix t = plan.traffic();
      out.printf(
          Locale.ROOT,
          "Capacity plan '%s': %.3g requests/s, mean prompt %.0f, mean output %.0f tokens, cache"
              + " hits %.0f%%, target utilization %.0f%%%n",
          t.name(),
          t.requestsPerSecond(),
          plan.meanPromptTokens(),
          plan.meanOutputTokens(),
          100 * t.cacheHitRatio(),
          100 * t.targetUtilization());
      out.printf(
          Locale.ROOT,
          "decode: %.2f output tokens per step of %d query tokens%s; GPUs in whole units of %d"
              + " (prefill) and %d (decode), the deployments' EP degrees%n",
          plan.tokensPerDecodeStep(),
          plan.queryTokensPerStep(),
          t.tokensPerDecodeStep() == null ? " (default: 85% of each MTP draft accepted)" : "",
          plan.prefillUnit(),
          plan.decodeUnit());
      out.printf(
          Locale.ROOT,
          "%-6s %6s %9s %9s %12s %12s %13s %12s %12s  %s%n",
          "model",
          "GPUs",
          "prefill",
          "decode",
          "busy prefill",
          "busy decode",
          "USD/day",
          "USD/M input",
          "USD/M output",
          "decode sequences per GPU (KV cache)");
      for (VariantPlan v : List.of(plan.dense(), plan.dsa())) {
        out.printf(
            Locale.ROOT,
            "%-6s %6d %9d %9d %12.2f %12.2f %13.2f %12.4f %12.4f  %.0f%s: %d fit in %.1f GB at"
                + " %.1f kB/token, mean context %.0f%s%n",
            v.version().id(),
            v.gpusNeeded(),
            v.prefillGpusProvisioned(),
            v.decodeGpusProvisioned(),
            v.prefillGpus(),
            v.decodeGpus(),
            v.usdPerDay(),
            v.usdPerMillionInput(),
            v.usdPerMillionOutput(),
            v.decodeBatch(),
            v.memoryBound() ? " (memory-bound)" : "",
            v.sequencesThatFit(),
            v.freeMemoryBytesPerGpu() / 1e9,
            v.kvBytesPerToken() / 1e3,
            v.meanResidentContext(),
            v.extrapolated() ? " *" : "");
      }
      if (plan.dense().extrapolated() || plan.dsa().extrapolated()) {
        out.println(
            "* some prompts or outputs reach positions whose attention was extrapolated (see the"
                + " curves above)");
      }
      out.println(plan.verdict() + ".");
    }
  }

  /** Microseconds with one decimal, the unit of the rest-of-model table. */
  private static String us(double seconds) {
    return String.format(Locale.ROOT, "%.1f", seconds * 1e6);
  }
}
