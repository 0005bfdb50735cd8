package io.dsabench.reports.render;

import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import io.dsabench.reports.model.CapacityPlan;
import io.dsabench.reports.model.CapacityRow;
import io.dsabench.reports.model.Curve;
import io.dsabench.reports.model.CurvePoint;
import io.dsabench.reports.model.KernelRow;
import io.dsabench.reports.model.KernelSeries;
import io.dsabench.reports.model.KernelTable;
import io.dsabench.reports.model.PaperComparison;
import io.dsabench.reports.model.PaperComparisonRow;
import io.dsabench.reports.model.Parameter;
import io.dsabench.reports.model.Provenance;
import io.dsabench.reports.model.ReferenceRow;
import io.dsabench.reports.model.ReferenceRun;
import io.dsabench.reports.model.ReportData;
import io.dsabench.reports.model.RestRow;
import io.dsabench.reports.model.RunComparison;
import io.dsabench.reports.model.Summary;
import io.dsabench.reports.model.Summary.Hint;
import io.dsabench.reports.model.SummaryRow;
import io.dsabench.reports.model.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.DoubleFunction;

/**
 * Renders a {@link ReportData} as one self-contained HTML page. Tables are rendered here, in the
 * page itself, so that the numbers read (and print, and parse in tests) without JavaScript; the
 * charts are drawn in the browser by {@code report.js} from the same data embedded as JSON.
 *
 * <p>Every numeric cell carries its exact SI value in {@code data-value} beside the rounded text,
 * so a reader (or a test) can recover the number the cost model produced.
 */
public final class HtmlRenderer {
  /** The on-page curve table shows positions that are multiples of this (8K). */
  static final int TABLE_STEP = 8192;

  /** The bottom line's columns, by summary name: what a manager reads first. */
  private static final List<String> BOTTOM_LINE =
      List.of("usd-per-million-input", "usd-per-million-output", "gpus", "usd-per-day");

  private HtmlRenderer() {}

  /** The whole page. */
  public static String render(ReportData data) {
    String template = Assets.own("report.html");
    Map<String, String> slots = new TreeMap<>();
    slots.put("title", Escape.html(data.title()));
    slots.put("css", Assets.own("report.css"));
    slots.put("body", body(data));
    slots.put("data", Escape.jsonForScript(JsonRenderer.compact(data)));
    slots.put("chartjs", Escape.scriptSource(Assets.chartJs()));
    slots.put("js", Escape.scriptSource(Assets.own("report.js")));
    return fill(template, slots);
  }

  /**
   * Replaces {@code {{name}}} slots in one pass over the template only, so that a slot's content
   * (Chart.js, user text) is never itself scanned for slots.
   */
  static String fill(String template, Map<String, String> slots) {
    StringBuilder out = new StringBuilder(template.length() + 300_000);
    int at = 0;
    while (true) {
      int open = template.indexOf("{{", at);
      if (open < 0) {
        out.append(template, at, template.length());
        return out.toString();
      }
      int close = template.indexOf("}}", open);
      String name = template.substring(open + 2, close);
      String value = slots.get(name);
      if (value == null) {
        throw new IllegalStateException("report.html: slot {{" + name + "}} has no value");
      }
      out.append(template, at, open).append(value);
      at = close + 2;
    }
  }

  private static String body(ReportData d) {
    StringBuilder b = new StringBuilder(64_000);
    // Page 1 is the bottom line for a manager; the evidence follows, the long tables folded.
    header(b, d);
    bottomLine(b, d);
    summary(b, d);
    comparison(b, d);
    paperComparison(b, d);
    verdict(b, d);
    kernels(b, d);
    capacity(b, d);
    curves(b, d);
    methodology(b, d);
    provenance(b, d);
    return b.toString();
  }

  private static void header(StringBuilder b, ReportData d) {
    Provenance p = d.provenance();
    b.append("<header id=\"top\">\n<h1>").append(Escape.html(d.title())).append("</h1>\n");
    b.append("<p class=\"subtitle\">Measured on <strong>")
        .append(Escape.html(deviceLabel(p)))
        .append("</strong> (")
        .append(Escape.html(p.backend()))
        .append(" backend), priced on <strong>")
        .append(Escape.html(d.pricing().hardware()))
        .append("</strong> at <strong>")
        .append(Escape.html(Fmt.sig(d.pricing().usdPerGpuHour(), 4)))
        .append(" USD/GPU-hour</strong>. Run <code>")
        .append(Escape.html(p.runId()))
        .append("</code>, report written ")
        .append(Escape.html(d.generatedAt()))
        .append(".</p>\n");
    if (!d.warnings().isEmpty()) {
      b.append(
          "<div class=\"warnings\" id=\"warnings\" role=\"note\">\n<strong>Read first:</strong>\n<ul>\n");
      for (String w : d.warnings()) {
        b.append("<li>").append(Escape.html(w)).append("</li>\n");
      }
      b.append("</ul>\n</div>\n");
    }
    b.append("<nav><a href=\"#bottom-line\">Bottom line</a> · <a href=\"#summary\">Per token</a>")
        .append(d.comparison() == null ? "" : " · <a href=\"#compare\">A vs B</a>")
        .append(" · <a href=\"#figure3\">Against Figure 3</a> · ")
        .append("<a href=\"#regression\">Regression</a> · <a href=\"#kernels\">Kernels</a> · ")
        .append("<a href=\"#capacity\">Capacity plan</a> · <a href=\"#curves\">Curve values</a>")
        .append(" · <a href=\"#methodology\">Methodology</a>")
        .append(" · <a href=\"#provenance\">Provenance</a></nav>\n</header>\n");
  }

  private static String deviceLabel(Provenance p) {
    return p.deviceName() == null ? "an unnamed device" : p.deviceName();
  }

  private static void summary(StringBuilder b, ReportData d) {
    b.append("<section id=\"summary\">\n<h2>Summary</h2>\n");
    b.append("<p>USD per million tokens for one token at each position: dense MLA (V3.1) against")
        .append(" DeepSeek Sparse Attention (V3.2), priced as ")
        .append(Escape.html(d.pricing().hardware()))
        .append(" at ")
        .append(Escape.html(Fmt.sig(d.pricing().usdPerGpuHour(), 4)))
        .append(" USD/GPU-hour. The ratio says how many times cheaper DSA is. Figure 3's values")
        .append(" (")
        .append(Escape.html(paperSetting(d)))
        .append(") are beside them for scale.</p>\n");
    if (d.prefillCrossoverPosition() != null) {
      b.append("<p id=\"crossover\">V3.2 prefill switches from masked MHA to sparse attention at")
          .append(" position <strong data-value=\"")
          .append(d.prefillCrossoverPosition().doubleValue())
          .append("\">")
          .append(String.format(Locale.ROOT, "%,d", Math.round(d.prefillCrossoverPosition())))
          .append("</strong> (the paper's curve bends near ")
          .append(Fmt.of(Hint.TOKENS, d.paperComparison().paperCrossoverPosition()))
          .append(").</p>\n");
    }
    if (d.summary().isEmpty()) {
      b.append("<p class=\"empty\">No position could be costed from this run.</p>\n</section>\n");
      return;
    }
    b.append("<table id=\"summary-table\">\n<thead><tr><th>phase</th><th>position</th>")
        .append("<th>dense (V3.1)<br>USD/M tokens</th><th>DSA (V3.2)<br>USD/M tokens</th>")
        .append("<th>dense ÷ DSA</th><th>paper V3.1</th><th>paper V3.2</th><th>note</th>")
        .append("</tr></thead>\n<tbody>\n");
    for (SummaryRow r : d.summary()) {
      b.append("<tr data-phase=\"")
          .append(r.phase().id())
          .append("\" data-position=\"")
          .append(r.position())
          .append("\">");
      cell(b, r.phase().id());
      numCell(b, "position", (double) r.position(), v -> Fmt.tokens((int) v));
      numCells(b, r.summaries(null));
      cell(b, r.flag() == null ? "" : r.flag());
      b.append("</tr>\n");
    }
    b.append("</tbody>\n</table>\n</section>\n");
  }

  /**
   * Page 1: for the workload (the default one when none was given), dense against DSA in USD per
   * million input and output tokens, GPUs and USD per day, what DSA saves in words, and the two
   * cost charts.
   */
  private static void bottomLine(StringBuilder b, ReportData d) {
    b.append("<section id=\"bottom-line\">\n<h2>Bottom line</h2>\n");
    CapacityPlan plan = d.capacity();
    if (plan == null) {
      b.append("<p class=\"empty\" id=\"bottom-line-absent\">No bottom line: the cost model")
          .append(" could not cost this run (see Read first above), so no workload could be")
          .append(" planned.</p>\n");
    } else {
      b.append("<p id=\"bottom-line-workload\" data-default=\"")
          .append(plan.defaultWorkload())
          .append("\">Serving the workload <strong>")
          .append(Escape.html(plan.workload()))
          .append("</strong>")
          .append(traffic(plan))
          .append(" on ")
          .append(Escape.html(d.pricing().hardware().toUpperCase(Locale.ROOT)))
          .append(" at ")
          .append(Escape.html(Fmt.sig(d.pricing().usdPerGpuHour(), 4)))
          .append(" USD/GPU-hour:</p>\n");
      CapacityRow dense = row(plan, Variant.DENSE);
      CapacityRow dsa = row(plan, Variant.DSA);
      b.append("<table id=\"bottom-line-table\">\n<caption>Dense MLA (V3.1) against DSA (V3.2)")
          .append(" for this workload</caption>\n<thead><tr><th>attention</th>")
          .append("<th>USD per M input tokens</th><th>USD per M output tokens</th>")
          .append("<th>GPUs</th><th>USD per day</th></tr></thead>\n<tbody>\n");
      for (CapacityRow r : List.of(dense, dsa)) {
        b.append("<tr data-variant=\"").append(r.variant().id()).append("\">");
        cell(b, r.variant() == Variant.DENSE ? "dense MLA (V3.1)" : "DSA (V3.2)");
        List<Summary> s = r.summaries(null);
        for (String name : BOTTOM_LINE) {
          numCell(b, s.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow());
        }
        b.append("</tr>\n");
      }
      b.append("<tr class=\"saves\" data-variant=\"saves\">");
      cell(b, "DSA saves");
      savesCell(
          b,
          "usd-per-million-input",
          dense.usdPerMillionInputTokens(),
          dsa.usdPerMillionInputTokens(),
          Fmt::usd);
      savesCell(
          b,
          "usd-per-million-output",
          dense.usdPerMillionOutputTokens(),
          dsa.usdPerMillionOutputTokens(),
          Fmt::usd);
      savesCell(b, "gpus", dense.gpus(), dsa.gpus(), v -> Integer.toString((int) Math.round(v)));
      savesCell(b, "usd-per-day", dense.usdPerDay(), dsa.usdPerDay(), Fmt::usdLarge);
      b.append("</tr>\n</tbody>\n</table>\n");
      b.append("<p id=\"bottom-line-verdict\"><strong>")
          .append(Escape.html(plan.verdict()))
          .append(".</strong>")
          .append(perToken(d))
          .append("</p>\n");
    }
    for (Phase phase : Phase.values()) {
      String name = phase == Phase.PREFILL ? "Prefill" : "Decode";
      if (d.curves().stream()
          .noneMatch(c -> c.phase() == phase && c.source().equals(Curve.MEASURED))) {
        b.append("<p class=\"empty\">No ")
            .append(phase.id())
            .append(" cost curve: this run could not be costed (see Read first at the top).</p>\n");
        continue;
      }
      b.append("<figure class=\"chart\">\n<div class=\"chart-box\"><canvas id=\"chart-")
          .append(phase.id())
          .append("\" role=\"img\" aria-label=\"")
          .append(phase.id())
          .append(" cost per million tokens over token position\"></canvas></div>\n")
          .append("<figcaption>")
          .append(name)
          .append(": USD per million tokens by token position, this run priced on ")
          .append(Escape.html(d.pricing().hardware().toUpperCase(Locale.ROOT)))
          .append(" at ")
          .append(Escape.html(Fmt.sig(d.pricing().usdPerGpuHour(), 4)))
          .append(" USD/GPU-hour (solid")
          .append(d.comparison() == null ? "" : "; B, the compared run, dotted")
          .append("), the paper's Figure 3 dashed (")
          .append(Escape.html(paperSetting(d)))
          .append("); extrapolated")
          .append(" stretches dotted</figcaption>\n</figure>\n");
    }
    b.append("</section>\n");
  }

  private static CapacityRow row(CapacityPlan plan, Variant v) {
    return plan.rows().stream().filter(r -> r.variant() == v).findFirst().orElseThrow();
  }

  /**
   * ", 200 requests/s, mean prompt 5,126 and output 588 tokens": the plan's traffic at a glance.
   */
  private static String traffic(CapacityPlan plan) {
    StringBuilder t = new StringBuilder();
    for (Parameter p : plan.inputs()) {
      switch (p.name()) {
        case "requests per second" ->
            t.append(", ").append(Escape.html(p.value())).append(" requests/s");
        case "mean prompt" -> t.append(", mean prompt ").append(Escape.html(p.value()));
        case "mean output" ->
            t.append(" and output ").append(Escape.html(p.value())).append(" tokens");
        default -> {}
      }
    }
    return t.length() == 0 ? "" : " (" + t.substring(2) + ")";
  }

  /** Dense minus DSA, and what share of dense that is; negative where DSA costs more. */
  private static void savesCell(
      StringBuilder b, String key, double dense, double dsa, DoubleFunction<String> fmt) {
    double saved = dense - dsa;
    String share = dense > 0 ? " (" + Fmt.percent(saved / dense) + ")" : "";
    b.append("<td class=\"num\" data-key=\"")
        .append(key)
        .append("\" data-value=\"")
        .append(saved)
        .append("\">")
        .append(Escape.html(fmt.apply(saved) + share))
        .append("</td>");
  }

  /** " Per token at 128K, DSA is 3.2× cheaper for prefill and 6.3× for decode." */
  private static String perToken(ReportData d) {
    int top = d.summary().stream().mapToInt(SummaryRow::position).max().orElse(0);
    List<String> parts = new ArrayList<>();
    for (SummaryRow r : d.summary()) {
      if (r.position() == top && r.denseOverDsa() != null) {
        parts.add(Fmt.ratio(r.denseOverDsa()) + " for " + r.phase().id());
      }
    }
    if (parts.isEmpty()) {
      return "";
    }
    return " Per token at "
        + Fmt.tokens(top)
        + ", dense ÷ DSA is "
        + Escape.html(String.join(" and ", parts))
        + " (the next page has every position).";
  }

  /** The second run against this one: the dashboard's "A vs B" delta table. */
  private static void comparison(StringBuilder b, ReportData d) {
    RunComparison c = d.comparison();
    if (c == null) {
      return;
    }
    b.append("<section id=\"compare\">\n<h2>A vs B</h2>\n<p id=\"compare-note\">A: ")
        .append(Escape.html(c.a()))
        .append(". B: ")
        .append(Escape.html(c.b()))
        .append(". ")
        .append(Escape.html(c.note()))
        .append("</p>\n<table id=\"compare-table\">\n<caption>Prefill and decode, USD per")
        .append(" million tokens: A, B and B vs A</caption>\n<thead><tr><th>phase</th>")
        .append("<th>curve</th><th>position</th><th>A USD/M tokens</th><th>B USD/M tokens</th>")
        .append("<th>B vs A</th></tr></thead>\n<tbody>\n");
    for (RunComparison.Row r : c.rows()) {
      b.append("<tr data-curve=\"")
          .append(Escape.html(r.curve()))
          .append("\" data-position=\"")
          .append(r.position())
          .append("\">");
      cell(b, r.phase().id());
      cell(b, r.variant() == Variant.DENSE ? "V3.1 dense" : "V3.2 DSA");
      numCell(b, "position", (double) r.position(), v -> Fmt.tokens((int) v));
      numCells(b, r.summaries());
      b.append("</tr>\n");
    }
    b.append("</tbody>\n</table>\n</section>\n");
  }

  private static void curves(StringBuilder b, ReportData d) {
    b.append("<section id=\"curves\">\n<h2>Cost curve values</h2>\n");
    b.append("<p>The cost charts of the first page as numbers: this run through the cost model")
        .append(" and the paper's Figure 3 (")
        .append(Escape.html(paperSetting(d)))
        .append("), USD per million tokens.</p>\n");
    if (d.curves().stream().noneMatch(c -> c.source().equals(Curve.MEASURED))) {
      b.append("<p class=\"empty\">No cost curve: this run could not be costed (see Read")
          .append(" first at the top).</p>\n");
    }
    curveTable(b, d.curves());
    b.append("</section>\n");
  }

  /** The curves as a table: one row per position, one column per curve (blank where absent). */
  private static void curveTable(StringBuilder b, List<Curve> curves) {
    if (curves.isEmpty()) {
      return;
    }
    b.append("<div class=\"curve-values\">\n");
    for (Phase phase : Phase.values()) {
      List<Curve> cs = curves.stream().filter(c -> c.phase() == phase).toList();
      if (cs.isEmpty()) {
        continue;
      }
      TreeSet<Integer> positions = new TreeSet<>();
      // Every 8K keeps the page short; report.csv and report.json hold every sample and vertex.
      cs.forEach(
          c ->
              c.points().stream()
                  .filter(pt -> pt.position() % TABLE_STEP == 0)
                  .forEach(pt -> positions.add(pt.position())));
      b.append("<table class=\"curve-table\" id=\"curve-table-")
          .append(phase.id())
          .append("\">\n<caption>")
          .append(phase == Phase.PREFILL ? "Prefill" : "Decode")
          .append(": USD per million tokens</caption>\n<thead><tr><th>position</th>");
      for (Curve c : cs) {
        b.append("<th data-curve=\"")
            .append(Escape.html(c.source() + ":" + c.id()))
            .append("\">")
            .append(phase.id())
            .append(": ")
            .append(Escape.html(c.label()))
            .append("</th>");
      }
      b.append("</tr></thead>\n<tbody>\n");
      for (int pos : positions) {
        b.append("<tr data-position=\"").append(pos).append("\">");
        numCell(b, "position", (double) pos, v -> Fmt.tokens((int) v));
        for (Curve c : cs) {
          CurvePoint pt =
              c.points().stream().filter(x -> x.position() == pos).findFirst().orElse(null);
          if (pt == null) {
            b.append("<td></td>");
          } else {
            b.append("<td class=\"num")
                .append(pt.flag() == null ? "" : " flagged")
                .append("\" data-curve=\"")
                .append(Escape.html(c.source() + ":" + c.id()))
                .append("\" data-value=\"")
                .append(pt.usdPerMillionTokens())
                .append('"')
                .append(pt.flag() == null ? "" : " title=\"" + Escape.html(pt.flag()) + "\"")
                .append('>')
                .append(Escape.html(Fmt.usd(pt.usdPerMillionTokens())))
                .append(pt.flag() == null ? "" : " *")
                .append("</td>");
          }
        }
        b.append("</tr>\n");
      }
      b.append("</tbody>\n</table>\n");
    }
    b.append("<p class=\"small\">Every 8K shown; report.csv and report.json hold every")
        .append(" sample and every Figure 3 vertex. * flagged by the cost model (see the cell's")
        .append(" tooltip or report.csv's note column).</p>\n</div>\n");
  }

  /**
   * The cost model's comparison with Figure 3 as an error table: per curve and position this run,
   * the paper and the relative error, then the prefill crossover against the paper's.
   */
  private static void paperComparison(StringBuilder b, ReportData d) {
    PaperComparison c = d.paperComparison();
    b.append("<section id=\"figure3\">\n<h2>Against the paper's Figure 3</h2>\n");
    if (c.absentReason() != null) {
      b.append("<p class=\"empty\" id=\"figure3-absent\">")
          .append(Escape.html(c.note()))
          .append(" (")
          .append(Escape.html(c.absentReason()))
          .append(")</p>\n</section>\n");
      return;
    }
    b.append("<p>This run through the cost model against the paper's Figure 3, read linearly")
        .append(" between its vertices; relative error = (this run − paper) / paper. ")
        .append(Escape.html(sentence(d.pricing().note())))
        .append("</p>\n");
    b.append("<p class=\"")
        .append(c.samePricing() ? "figure3-note" : "figure3-note warnings")
        .append("\" id=\"figure3-note\" data-same-pricing=\"")
        .append(c.samePricing())
        .append("\">")
        .append(c.samePricing() ? "" : "<strong>Different setting:</strong> ")
        .append(Escape.html(c.note()))
        .append("</p>\n");
    b.append("<table id=\"figure3-table\">\n<thead><tr><th>curve</th><th>position</th>")
        .append("<th>this run<br>USD/M tokens</th><th>paper<br>USD/M tokens</th>")
        .append("<th>relative error</th><th>note</th></tr></thead>\n<tbody>\n");
    for (PaperComparisonRow r : c.rows()) {
      b.append("<tr data-curve=\"")
          .append(Escape.html(r.curve()))
          .append("\" data-position=\"")
          .append(r.position())
          .append("\">");
      cell(b, r.curve());
      numCell(b, "position", (double) r.position(), v -> Fmt.tokens((int) v));
      numCells(b, r.summaries(null));
      cell(b, r.flag() == null ? "" : r.flag());
      b.append("</tr>\n");
    }
    b.append("</tbody>\n<tbody class=\"crossover\">\n<tr id=\"figure3-crossover\">");
    cell(b, "prefill crossover");
    b.append("<td class=\"num\">tokens</td>");
    for (Summary s : c.crossoverSummaries(null)) {
      // The paper's crossover is read off its figure, so it is shown as approximate.
      String approx = s.name().equals("paper") ? "~" : "";
      numCell(b, s.name(), s.value(), v -> approx + Fmt.of(s.hint(), v));
    }
    cell(
        b,
        c.prefillCrossoverPosition() == null
            ? "no crossover within the curves"
            : "where V3.2 prefill switches from masked MHA to sparse attention");
    b.append("</tr>\n</tbody>\n</table>\n</section>\n");
  }

  /** {@code text} with a capital first letter and a closing full stop. */
  private static String sentence(String text) {
    if (text == null || text.isBlank()) {
      return "";
    }
    String t = text.strip();
    t = Character.toUpperCase(t.charAt(0)) + t.substring(1);
    return t.endsWith(".") ? t : t + ".";
  }

  private static void kernels(StringBuilder b, ReportData d) {
    b.append("<section id=\"kernels\">\n<h2>Kernel performance</h2>\n");
    if (d.ceilings() == null) {
      b.append("<p>Throughput per stage from the declared FLOPs and bytes over the median time.")
          .append(" No hardware ceilings are known for this device, so no fraction of a ceiling")
          .append(" is shown.</p>\n");
    } else {
      b.append("<p id=\"efficiency\" data-basis=\"")
          .append(Escape.html(d.ceilings().basis()))
          .append("\">Throughput per stage from the declared FLOPs and bytes over the median time,")
          .append(" and its efficiency: the fraction of the ")
          .append(Escape.html(d.ceilings().hardware()))
          .append("'s <strong>")
          .append(Escape.html(d.ceilings().basis()))
          .append("</strong> (measured ceilings where the profile has them, else the datasheet")
          .append(" peaks; the dashboard uses the same): ")
          .append(Escape.html(Fmt.tflops(d.ceilings().bf16FlopsPerSecond())))
          .append(" TFLOP/s bf16 (MLA), ")
          .append(Escape.html(Fmt.tflops(d.ceilings().fp8FlopsPerSecond())))
          .append(" TFLOP/s fp8 (the indexer), ")
          .append(Escape.html(Fmt.tbps(d.ceilings().bytesPerSecond())))
          .append(" TB/s memory bandwidth. A total row is held against the bf16 ceiling. (")
          .append(Escape.html(d.ceilings().source()))
          .append("). A stage above 100% of a ceiling is marked <span class=\"above-ceiling\">")
          .append("above ceiling</span>: no kernel beats the chip, so its work or time was")
          .append(
              " counted wrong. Decode tokens read as n = sequences × tokens per sequence.</p>\n");
    }
    boolean ref = d.reference().present();
    referenceNote(b, d.reference());
    kernelCharts(b, d);
    if (d.kernels().isEmpty()) {
      b.append("<p class=\"empty\">The run has no points.</p>\n");
    } else {
      // Every point and stage is a few pages of print: folded, so the printed report stays
      // short; opening it in the browser prints it too.
      int rows = d.kernels().stream().mapToInt(t -> t.rows().size()).sum();
      b.append("<details class=\"folded\" id=\"kernel-tables\">\n<summary>Kernel tables: every")
          .append(" point and stage, ")
          .append(rows)
          .append(" rows (folded: open to read or print them; report.csv has them too)")
          .append("</summary>\n");
    }
    for (KernelTable t : d.kernels()) {
      String id = t.phase().id() + "-" + t.variant().id();
      b.append("<h3>")
          .append(t.phase() == Phase.PREFILL ? "Prefill" : "Decode")
          .append(", ")
          .append(t.variant() == Variant.DENSE ? "dense MLA" : "DSA")
          .append("</h3>\n<table class=\"kernel-table")
          .append(ref ? " with-reference" : "")
          .append("\" id=\"kernels-")
          .append(id)
          .append("\">\n<thead><tr><th>position</th><th>tokens</th><th>stage</th>")
          .append("<th>median ms</th><th>p10 ms</th><th>p90 ms</th><th>samples</th>")
          .append("<th>TFLOP/s</th><th>TB/s</th>")
          .append(
              ref ? "<th>reference ms</th><th>reference rate</th><th>ours ÷ reference</th>" : "")
          .append(fractionHeaders(d))
          .append("</tr></thead>\n<tbody>\n");
      for (KernelRow r : t.rows()) {
        boolean ok = "ok".equals(r.status());
        b.append("<tr data-position=\"")
            .append(r.position())
            .append("\" data-tokens=\"")
            .append(r.tokens())
            .append("\" data-tokens-per-seq=\"")
            .append(r.tokensPerSeq() == null ? "" : Integer.toString(r.tokensPerSeq()))
            .append("\" data-stage=\"")
            .append(Escape.html(r.stage() == null ? "" : r.stage()))
            .append("\" data-status=\"")
            .append(Escape.html(r.status()))
            .append('"')
            .append(
                "total".equals(r.stage())
                    ? " class=\"total\""
                    : Boolean.TRUE.equals(r.aboveCeiling()) ? " class=\"above-ceiling\"" : "")
            .append('>');
        numCell(b, "position", (double) r.position(), v -> Fmt.tokens((int) v));
        numCell(b, "tokens", (double) r.tokens(), v -> tokens(r));
        if (!ok) {
          cell(b, r.status());
          b.append("<td colspan=\"")
              .append(ref ? 11 : 8)
              .append("\" class=\"reason\">")
              .append(Escape.html(r.reason()))
              .append("</td></tr>\n");
          continue;
        }
        cell(b, r.stage());
        for (Summary s : r.summaries(null)) {
          if (s.tag().equals("tokens_per_seq")) {
            continue; // the tokens cell shows it: "128 (64 × 2)"
          }
          if (ref && s.tag().equals("compute_fraction")) {
            referenceCells(b, d, t, r);
          }
          numCell(b, s);
        }
        if (Boolean.TRUE.equals(r.aboveCeiling())) {
          b.append("<td class=\"flag\">above ceiling</td>");
        }
        b.append("</tr>\n");
      }
      b.append("</tbody>\n</table>\n");
    }
    if (!d.kernels().isEmpty()) {
      b.append("</details>\n");
    }
    b.append("</section>\n");
  }

  /** The two efficiency columns, named by what they are a fraction of. */
  private static String fractionHeaders(ReportData d) {
    String basis = d.ceilings() == null ? "ceiling" : Escape.html(d.ceilings().basis());
    return "<th>FLOP/s, % of " + basis + "</th><th>B/s, % of " + basis + "</th>";
  }

  /** "4096" for a prefill chunk or one token per sequence; "128 (64 × 2)" for 2 per sequence. */
  private static String tokens(KernelRow r) {
    Integer t = r.tokensPerSeq();
    if (t == null || t == 1 || t == r.tokens()) {
      return Integer.toString(r.tokens());
    }
    return r.tokens() + " (" + r.tokens() / t + " × " + t + ")";
  }

  private static void capacity(StringBuilder b, ReportData d) {
    b.append("<section id=\"capacity\">\n<h2>Capacity plan</h2>\n");
    CapacityPlan plan = d.capacity();
    if (plan == null) {
      b.append("<p class=\"empty\">No capacity plan in this report: no workload was given")
          .append(" (<code>--workload FILE</code>), or the run could not be costed (see Read first")
          .append(" at the top).</p>\n</section>\n");
      return;
    }
    b.append("<p>Workload <code>").append(Escape.html(plan.workload())).append("</code>.</p>\n");
    parameterTable(b, "capacity-inputs", plan.inputs());
    b.append(
            "<table id=\"capacity-table\">\n<thead><tr><th>attention</th><th>GPUs</th><th>busy prefill GPUs</th><th>busy decode GPUs</th>")
        .append("<th>USD per day</th><th>USD per M input tokens</th>")
        .append("<th>USD per M output tokens</th><th>note</th></tr></thead>\n<tbody>\n");
    for (CapacityRow r : plan.rows()) {
      b.append("<tr data-variant=\"").append(r.variant().id()).append("\">");
      cell(b, r.variant() == Variant.DENSE ? "dense MLA (V3.1)" : "DSA (V3.2)");
      numCells(b, r.summaries(plan.workload()));
      cell(b, r.extrapolated() ? "extrapolated" : "");
      b.append("</tr>\n");
    }
    b.append("</tbody>\n</table>\n<p id=\"capacity-verdict\"><strong>")
        .append(Escape.html(plan.verdict()))
        .append("</strong>. GPUs are provisioned in whole deployment units.</p>\n</section>\n");
  }

  private static void verdict(StringBuilder b, ReportData d) {
    Verdict v = d.verdict();
    b.append("<section id=\"regression\">\n<h2>Regression verdict</h2>\n");
    b.append("<p class=\"verdict verdict-")
        .append(v.outcome())
        .append("\" data-outcome=\"")
        .append(v.outcome())
        .append("\"><strong>")
        .append(
            switch (v.outcome()) {
              case Verdict.PASS -> "No regression";
              case Verdict.REGRESSION -> "REGRESSION";
              default -> "No verdict";
            })
        .append(":</strong> ")
        .append(Escape.html(v.summary()))
        .append("</p>\n");
    if (!v.details().isEmpty()) {
      b.append("<ul class=\"verdict-details\">\n");
      for (String line : v.details()) {
        b.append("<li>").append(Escape.html(line)).append("</li>\n");
      }
      b.append("</ul>\n");
    }
    b.append("</section>\n");
  }

  private static void methodology(StringBuilder b, ReportData d) {
    b.append("<section id=\"methodology\">\n<h2>Methodology</h2>\n<ol class=\"formulas\">\n");
    for (String f : d.methodology().formulas()) {
      b.append("<li>").append(Escape.html(f)).append("</li>\n");
    }
    b.append("</ol>\n<details class=\"folded\" id=\"parameter-details\">\n<summary>Parameters:")
        .append(" every cost-model number and its source, ")
        .append(d.methodology().parameters().size())
        .append(" rows (folded: open to read or print them)</summary>\n");
    parameterTable(b, "parameters", d.methodology().parameters());
    b.append("</details>\n");
    restTable(b, d.methodology().rest());
    b.append("</section>\n");
  }

  /**
   * The rest of the model per curve and component: estimate and measurement side by side, and which
   * parts the curves priced from a measurement.
   */
  private static void restTable(StringBuilder b, List<RestRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    // Which parts are measured, said outside the fold: the table itself is folded like the
    // parameters (open to read or print it), so that the printed report keeps its page count.
    java.util.Map<String, List<String>> byCurve = new java.util.LinkedHashMap<>();
    for (RestRow r : rows) {
      if (r.measuredSeconds() != null) {
        byCurve.computeIfAbsent(r.curve(), k -> new java.util.ArrayList<>()).add(r.component());
      }
    }
    String which =
        byCurve.isEmpty()
            ? "every component is an estimate (a roofline at the deployment's stated efficiencies):"
                + " the results hold no rest-of-model point at the deployment's batch (bench"
                + " --phases rest measures one)"
            : "measured (bench --phases rest, moved to the priced GPU by the roofline rule"
                + " attention uses): "
                + byCurve.entrySet().stream()
                    .map(e -> e.getKey() + " " + String.join(", ", e.getValue()))
                    .collect(java.util.stream.Collectors.joining("; "))
                + "; every other component, and the all-to-all (a model at the NIC rate), an"
                + " estimate";
    b.append("<p id=\"rest-measured\" data-measured=\"")
        .append(!byCurve.isEmpty())
        .append("\">Rest of the model: ")
        .append(Escape.html(which))
        .append(".</p>\n<details class=\"folded\" id=\"rest-details\">\n<summary>Rest of the")
        .append(" model per token, estimate vs measurement per component, ")
        .append(rows.size())
        .append(" rows (folded: open to read or print them)</summary>\n")
        .append("<table class=\"parameters\" id=\"rest\">\n<thead><tr><th>curve</th>")
        .append("<th>component</th><th>estimate µs/token</th><th>measured µs/token</th>")
        .append("<th>priced µs/token</th><th>source</th></tr></thead>\n<tbody>\n");
    for (RestRow r : rows) {
      b.append("<tr data-curve=\"")
          .append(Escape.html(r.curve()))
          .append("\" data-component=\"")
          .append(Escape.html(r.component()))
          .append("\">");
      cell(b, r.curve());
      cell(b, r.component());
      b.append("<td class=\"value\">")
          .append(Escape.html(Fmt.sig(r.estimateSeconds() * 1e6, 4)))
          .append("</td><td class=\"value\">")
          .append(
              r.measuredSeconds() == null
                  ? "—"
                  : Escape.html(Fmt.sig(r.measuredSeconds() * 1e6, 4)))
          .append("</td><td class=\"value\">")
          .append(Escape.html(Fmt.sig(r.pricedSeconds() * 1e6, 4)))
          .append("</td>");
      cell(b, r.measurement() == null ? r.source() : r.source() + ": " + r.measurement());
      b.append("</tr>\n");
    }
    b.append("</tbody>\n</table>\n");
  }

  private static void parameterTable(StringBuilder b, String id, List<Parameter> params) {
    b.append("<table class=\"parameters\" id=\"")
        .append(id)
        .append("\">\n<thead><tr><th>parameter</th><th>value</th><th>unit</th><th>source</th>")
        .append("</tr></thead>\n<tbody>\n");
    for (Parameter p : params) {
      b.append("<tr data-name=\"").append(Escape.html(p.name())).append("\">");
      cell(b, p.name());
      b.append("<td class=\"value\">").append(Escape.html(p.value())).append("</td>");
      cell(b, p.unit());
      cell(b, p.source());
      b.append("</tr>\n");
    }
    b.append("</tbody>\n</table>\n</details>\n");
  }

  private static void provenance(StringBuilder b, ReportData d) {
    Provenance p = d.provenance();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"run id", p.runId()});
    rows.add(new String[] {"started", p.startedAt()});
    rows.add(new String[] {"backend", p.backend()});
    rows.add(new String[] {"device", p.deviceName()});
    rows.add(new String[] {"compute capability", p.computeCapability()});
    rows.add(new String[] {"driver", p.driverVersion()});
    rows.add(new String[] {"SMs", p.smCount() == null ? null : p.smCount().toString()});
    rows.add(
        new String[] {
          "device memory",
          p.memoryBytes() == null ? null : Fmt.sig(p.memoryBytes() / 1073741824.0, 4) + " GiB"
        });
    rows.add(new String[] {"git commit", p.gitCommit()});
    if (p.alsoFrom() != null) {
      rows.add(new String[] {"also priced from", String.join("; ", p.alsoFrom())});
    }
    rows.add(new String[] {"bench command", p.benchCommand()});
    rows.add(new String[] {"JVM", p.jvm()});
    rows.add(new String[] {"host", p.host()});
    rows.add(new String[] {"results file", p.resultsFile()});
    rows.add(new String[] {"report command", p.reportCommand()});
    rows.add(new String[] {"report written", d.generatedAt()});
    ReferenceRun ref = d.reference();
    if (ref.present()) {
      rows.add(new String[] {"reference file", ref.file()});
      rows.add(new String[] {"reference run", ref.runId()});
      rows.add(new String[] {"reference started", ref.startedAt()});
      rows.add(new String[] {"reference device", ref.deviceName()});
      rows.add(new String[] {"reference driver", ref.driverVersion()});
      rows.add(new String[] {"reference git commit", ref.gitCommit()});
      for (String lib : ref.libraries()) {
        rows.add(new String[] {"reference library", lib});
      }
      for (ReferenceRun.StageImplementation i : ref.implementations()) {
        rows.add(new String[] {"reference " + i.stage(), i.describe()});
      }
    } else {
      rows.add(new String[] {"reference run", "none: " + ref.absentReason()});
    }
    b.append("<section id=\"provenance\">\n<h2>Provenance</h2>\n<table id=\"provenance-table\">\n");
    for (String[] r : rows) {
      b.append("<tr><th>").append(Escape.html(r[0])).append("</th><td>");
      b.append(r[1] == null ? "<span class=\"unknown\">unknown</span>" : Escape.html(r[1]));
      b.append("</td></tr>\n");
    }
    b.append("</table>\n<p class=\"small\">Self-contained: Chart.js ")
        .append(Assets.CHART_JS_VERSION)
        .append(" (MIT licence, © Chart.js contributors), this page's data, styles and")
        .append(" scripts are all inside this one file. The same numbers are in report.csv and")
        .append(" report.json beside it.</p>\n</section>\n");
  }

  /** Which reference run the kernels are set against and what it ran, or why there is none. */
  private static void referenceNote(StringBuilder b, ReferenceRun r) {
    if (!r.present()) {
      b.append("<p class=\"empty\" id=\"reference-absent\">No reference column: ")
          .append(Escape.html(r.absentReason()))
          .append(". <code>dsabench reference</code> measures DeepSeek's FlashMLA and PyTorch's")
          .append(" cuDNN attention on the same GPU; <code>dsabench report --reference FILE</code>")
          .append(" sets a run against it.</p>\n");
      return;
    }
    b.append("<p id=\"reference-note\" data-paired=\"")
        .append(r.pairedStages())
        .append("\">Reference: run <code>")
        .append(Escape.html(r.runId()))
        .append("</code>")
        .append(r.deviceName() == null ? "" : " on " + Escape.html(r.deviceName()))
        .append(r.file() == null ? "" : " (<code>" + Escape.html(r.file()) + "</code>)")
        .append(", ")
        .append(r.pairedStages())
        .append(" stage(s) paired. Its column gives the reference's median and its throughput")
        .append(" from our stage's declared work (so the two compare stage by stage), and ours ÷")
        .append(" reference is our median over the reference's: above 1, ours is slower. Our")
        .append(" dense prefill is set against both cuDNN figures: its marginal cost")
        .append(" (dense_prefill, first line) and its one-call masked chunk (dense_prefill_masked,")
        .append(" marked masked). Hover a figure for what ran; the provenance lists every")
        .append(" implementation and version.</p>\n");
    if (!r.warnings().isEmpty()) {
      b.append("<ul class=\"warnings\" id=\"reference-warnings\">\n");
      for (String w : r.warnings()) {
        b.append("<li>").append(Escape.html(w)).append("</li>\n");
      }
      b.append("</ul>\n");
    }
  }

  /**
   * A chart per phase of stage throughput over position: ours solid, the reference's dashed in the
   * same colour and unit (drawn by report.js from the embedded kernelCharts).
   */
  private static void kernelCharts(StringBuilder b, ReportData d) {
    for (Phase phase : Phase.values()) {
      if (d.kernelCharts().stream().noneMatch(s -> s.phase() == phase)) {
        continue;
      }
      String name = phase == Phase.PREFILL ? "Prefill" : "Decode";
      b.append("<figure class=\"chart\">\n<div class=\"chart-box\"><canvas id=\"kernel-chart-")
          .append(phase.id())
          .append("\" role=\"img\" aria-label=\"")
          .append(phase.id())
          .append(" stage throughput over token position\"></canvas></div>\n<figcaption>")
          .append(name)
          .append(" stages: throughput by token position (TFLOP/s; TB/s on the right for")
          .append(" memory-bound stages). Solid: this run")
          .append(
              d.reference().present()
                  ? "; dashed: the reference run " + Escape.html(d.reference().runId())
                  : "")
          .append(".</figcaption>\n</figure>\n");
    }
  }

  /**
   * Our row's reference figures (two for dense prefill: the second labelled by what sets it apart,
   * "masked") in three cells, the reference's median, its throughput and our time over it, one line
   * per figure; a figure the reference skipped or failed says so with its reason.
   */
  private static void referenceCells(StringBuilder b, ReportData d, KernelTable t, KernelRow r) {
    List<ReferenceRow> refs = t.referenceFor(r);
    if (refs.isEmpty()) {
      String why =
          "total".equals(r.stage())
              ? "the reference has no end-to-end figure"
              : "the reference run has no figure for this point and stage";
      b.append("<td class=\"num na\" data-key=\"reference\" title=\"")
          .append(why)
          .append("\">–</td><td class=\"num na\" data-key=\"reference-rate\">–</td>")
          .append("<td class=\"num na\" data-key=\"ours-over-reference\">–</td>");
      return;
    }
    boolean bytes = bytesSeries(d, t, r.stage());
    StringBuilder median = new StringBuilder();
    StringBuilder rate = new StringBuilder();
    StringBuilder ratio = new StringBuilder();
    for (ReferenceRow x : refs) {
      String stageAttr = " data-reference-stage=\"" + Escape.html(x.referenceStage()) + "\"";
      String label =
          x.referenceStage().equals(x.stage())
              ? ""
              : "<span class=\"ref-label\">"
                  + Escape.html(
                      x.referenceStage().startsWith(x.stage() + "_")
                          ? x.referenceStage().substring(x.stage().length() + 1)
                          : x.referenceStage())
                  + "</span> ";
      if (!"ok".equals(x.status())) {
        median
            .append("<div class=\"ref-figure ref-missing\"")
            .append(stageAttr)
            .append(" data-status=\"")
            .append(Escape.html(x.status()))
            .append("\" title=\"")
            .append(Escape.html(x.reason()))
            .append("\">")
            .append(label)
            .append(Escape.html(x.status() + ": " + x.reason()))
            .append("</div>");
        rate.append("<div class=\"na\">–</div>");
        ratio.append("<div class=\"na\">–</div>");
        continue;
      }
      Double v = bytes ? x.bytesPerSecond() : x.flopsPerSecond();
      median
          .append("<div class=\"ref-figure\"")
          .append(stageAttr)
          .append(" data-status=\"ok\" data-value=\"")
          .append(x.medianSeconds().doubleValue())
          .append("\" title=\"")
          .append(Escape.html(x.implementation() == null ? "" : x.implementation()))
          .append("\">")
          .append(label)
          .append(Escape.html(Fmt.ms(x.medianSeconds())))
          .append("</div>");
      if (v == null) {
        rate.append("<div class=\"na\">–</div>");
      } else {
        rate.append("<div")
            .append(stageAttr)
            .append(" data-value=\"")
            .append(v.doubleValue())
            .append("\">")
            .append(Escape.html(bytes ? Fmt.tbps(v) : Fmt.tflops(v)))
            .append(bytes ? " TB/s" : " TFLOP/s")
            .append("</div>");
      }
      ratio
          .append("<div")
          .append(stageAttr)
          .append(" data-value=\"")
          .append(x.oursOverReference().doubleValue())
          .append("\">")
          .append(Escape.html(Fmt.ratio(x.oursOverReference())))
          .append("</div>");
    }
    b.append("<td class=\"num ref\" data-key=\"reference\">")
        .append(median)
        .append("</td><td class=\"num ref\" data-key=\"reference-rate\">")
        .append(rate)
        .append("</td><td class=\"num ratio\" data-key=\"ours-over-reference\">")
        .append(ratio)
        .append("</td>");
  }

  /** Whether the stage's chart line (and so its reference figure) is in bytes per second. */
  private static boolean bytesSeries(ReportData d, KernelTable t, String stage) {
    return d.kernelCharts().stream()
        .anyMatch(
            s ->
                s.phase() == t.phase()
                    && s.variant() == t.variant()
                    && s.stage().equals(stage)
                    && KernelSeries.BYTES.equals(s.unit()));
  }

  private static void cell(StringBuilder b, String text) {
    b.append("<td>").append(Escape.html(text)).append("</td>");
  }

  private static void numCells(StringBuilder b, List<Summary> summaries) {
    for (Summary s : summaries) {
      numCell(b, s);
    }
  }

  /** A summary's cell: keyed by its name, its exact value in data-value, rounded as it hints. */
  private static void numCell(StringBuilder b, Summary s) {
    numCell(b, s.name(), s.value(), v -> Fmt.of(s.hint(), v));
  }

  /** "H800, 2 USD/GPU-hour": the one setting Figure 3's numbers hold for, from the reference. */
  private static String paperSetting(ReportData d) {
    return d.paperComparison().paperHardware().toUpperCase(Locale.ROOT)
        + ", "
        + Fmt.sig(d.paperComparison().paperUsdPerGpuHour(), 6)
        + " USD/GPU-hour";
  }

  private static void numCell(StringBuilder b, String key, Double v, DoubleFunction<String> fmt) {
    if (v == null) {
      b.append("<td class=\"num na\" data-key=\"").append(key).append("\">–</td>");
      return;
    }
    b.append("<td class=\"num\" data-key=\"")
        .append(key)
        .append("\" data-value=\"")
        .append(v.doubleValue())
        .append("\">")
        .append(Escape.html(fmt.apply(v)))
        .append("</td>");
  }
}
