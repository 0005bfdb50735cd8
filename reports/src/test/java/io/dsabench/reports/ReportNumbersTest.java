package io.dsabench.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.costmodel.capacity.CapacityPlan;
import io.dsabench.costmodel.capacity.CapacityPlanner;
import io.dsabench.costmodel.capacity.LengthDistribution;
import io.dsabench.costmodel.capacity.TrafficMix;
import io.dsabench.costmodel.capacity.VariantPlan;
import io.dsabench.costmodel.capacity.WeightedLength;
import io.dsabench.costmodel.cost.CostCurve;
import io.dsabench.costmodel.cost.CostModel;
import io.dsabench.costmodel.cost.CostParameters;
import io.dsabench.costmodel.cost.CostReport;
import io.dsabench.costmodel.cost.Curve;
import io.dsabench.costmodel.hardware.HardwareProfiles;
import io.dsabench.costmodel.hardware.Precision;
import io.dsabench.costmodel.reference.ComparisonRow;
import io.dsabench.costmodel.reference.Figure3Comparison;
import io.dsabench.costmodel.reference.Figure3Reference;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.StageResult;
import io.dsabench.reports.model.Verdict;
import io.dsabench.reports.render.Fmt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbers in a written report's tables equal what the cost model's API gives for the same
 * inputs, computed here independently of the report code (h200 at 3.5 USD/GPU-hour).
 */
class ReportNumbersTest {
  static final double PRICE = 3.5;
  static final List<Integer> POSITIONS = List.of(8192, 32768, 65536, 131072);
  static final TrafficMix CHAT =
      new TrafficMix(
          "chat",
          20,
          new LengthDistribution.LogNormal(3000, 1.0, 32768),
          new LengthDistribution.Empirical(
              List.of(new WeightedLength(256, 0.6), new WeightedLength(1024, 0.4))),
          0.5,
          TrafficMix.DEFAULT_TARGET_UTILIZATION);

  static Results results;
  static CostReport cost;
  static Document doc;
  static Path dir;

  @BeforeAll
  static void write(@TempDir Path tmp) throws Exception {
    dir = tmp;
    results = SyntheticResults.gpuLike();
    cost =
        CostModel.compute(
            results, CostParameters.builder(HardwareProfiles.H200).usdPerGpuHour(PRICE).build());
    ReportInput in =
        new ReportInput(
            results,
            "synthetic.json",
            "h200",
            PRICE,
            POSITIONS,
            CHAT,
            "chat.yaml",
            null,
            "dsabench report --test",
            Instant.parse("2026-11-29T15:00:00Z"));
    ReportFiles files = ReportWriter.write(in, tmp.resolve("report.html"));
    doc = Jsoup.parse(Files.readString(files.html()));
  }

  @Test
  void summaryEqualsTheCostCurves() {
    Figure3Reference paper = Figure3Reference.load();
    int rows = 0;
    for (var phase : io.dsabench.model.workload.Phase.values()) {
      Curve dense = phase.id().equals("prefill") ? Curve.PREFILL_V31 : Curve.DECODE_V31;
      Curve dsa = phase.id().equals("prefill") ? Curve.PREFILL_V32 : Curve.DECODE_V32;
      for (int p : POSITIONS) {
        Element row =
            doc.selectFirst(
                "#summary-table tr[data-phase=" + phase.id() + "][data-position=" + p + "]");
        double d = cost.curve(dense).usdPerMillionAt(p);
        double s = cost.curve(dsa).usdPerMillionAt(p);
        assertCell(row, "dense", d, Fmt.usd(d));
        assertCell(row, "dsa", s, Fmt.usd(s));
        assertCell(row, "ratio", d / s, Fmt.ratio(d / s));
        double pd = paper.curve(dense).usdPerMillionAt(p);
        assertCell(row, "paper-dense", pd, Fmt.usd(pd));
        rows++;
      }
    }
    assertThat(doc.select("#summary-table tbody tr")).hasSize(rows);
    // 128K is past the synthetic run's 64K: flagged, and said so at the top.
    assertThat(doc.selectFirst("#summary-table tr[data-position=131072]").text())
        .contains("extrapolated");
    assertThat(doc.getElementById("warnings").text()).contains("EXTRAPOLATED");
  }

  @Test
  void curveTablesEqualTheCostCurvesSamples() {
    for (CostCurve c : cost.curves()) {
      int checked = 0;
      for (var pt : c.points()) {
        Element cell =
            doc.selectFirst(
                "tr[data-position="
                    + pt.position()
                    + "] td[data-curve=measured:"
                    + c.curve().id()
                    + "]");
        if (cell == null) {
          continue; // the on-page table shows every 8K; the chart and CSV have every sample
        }
        assertThat(Double.parseDouble(cell.attr("data-value"))).isEqualTo(pt.usdPerMillionTokens());
        checked++;
      }
      assertThat(checked).as(c.curve().id()).isGreaterThanOrEqualTo(17);
    }
  }

  @Test
  void figure3TableEqualsTheCostModelsComparison() throws Exception {
    Figure3Comparison cmp = Figure3Comparison.compare(cost, Figure3Reference.load());
    assertThat(cmp.rows()).hasSize(24);
    assertFigure3Table(doc, cmp);
    // Priced as h200 at 3.5, not as the paper: the section says so plainly.
    Element note = doc.getElementById("figure3-note");
    assertThat(note.attr("data-same-pricing")).isEqualTo("false");
    assertThat(note.text())
        .contains("The paper's numbers are for H800 at 2 USD/GPU-hour")
        .contains("priced as h200 at 3.5 USD/GPU-hour, so each error mixes");
    // report.csv and report.json beside the page hold the same comparison at full precision.
    List<String> csv = Files.readAllLines(dir.resolve("report.csv"));
    var json =
        io.dsabench.reports.render.JsonRenderer.read(Files.readString(dir.resolve("report.json")));
    assertThat(json.paperComparison().rows()).hasSize(cmp.rows().size());
    for (int i = 0; i < cmp.rows().size(); i++) {
      ComparisonRow r = cmp.rows().get(i);
      String prefix = "figure3_comparison," + r.curve().id() + "," + r.position() + ",,,";
      assertThat(csv).anyMatch(l -> l.startsWith(prefix + "relative_error," + r.relativeError()));
      assertThat(csv)
          .anyMatch(
              l -> l.startsWith(prefix + "ours_usd_per_million_tokens," + r.oursUsdPerMillion()));
      var j = json.paperComparison().rows().get(i);
      assertThat(j.curve()).isEqualTo(r.curve().id());
      assertThat(j.position()).isEqualTo(r.position());
      assertThat(j.relativeError()).isEqualTo(r.relativeError());
      assertThat(j.paperUsdPerMillionTokens()).isEqualTo(r.paperUsdPerMillion());
    }
    assertThat(csv)
        .anyMatch(
            l ->
                l.startsWith(
                    "figure3_comparison,prefill_crossover,,,,relative_error,"
                        + (cmp.crossoverRelativeError() == null
                            ? ","
                            : cmp.crossoverRelativeError() + ",")));
    assertThat(json.paperComparison().crossoverRelativeError())
        .isEqualTo(cmp.crossoverRelativeError());
    assertThat(json.paperComparison().samePricing()).isFalse();
  }

  @Test
  void thePublishedH200RunHasAllTwentyFourFigure3ErrorsAndTheCrossover() throws Exception {
    Results h200 = ResultsIO.read(Path.of("..", "testdata", "h200-9e2310f", "results.json"));
    Document page = Jsoup.parse(ReportWriter.html(ReportWriter.data(ReportInput.of(h200))));
    Figure3Comparison cmp =
        Figure3Comparison.compare(
            CostModel.compute(h200, CostParameters.defaults()), Figure3Reference.load());
    assertThat(page.select("#figure3-table tbody tr[data-curve]")).hasSize(24);
    assertThat(cmp.rows()).hasSize(24);
    assertThat(cmp.oursCrossover()).isNotNull();
    assertFigure3Table(page, cmp);
    assertThat(page.getElementById("figure3-note").attr("data-same-pricing")).isEqualTo("true");
    assertThat(page.select("nav a[href=#figure3]").text()).isEqualTo("Against Figure 3");
    // The section follows the per-token summary, on the page after the bottom line.
    assertThat(page.getElementById("summary").nextElementSibling().id()).isEqualTo("figure3");
  }

  @Test
  void aStageAboveItsDevicesCeilingIsFlaggedInTheTableAndTheWarnings() throws Exception {
    // The published 2-token run, counted per sequence: 2.8 TB/s, under the 4.51 TB/s ceiling.
    Results two = ResultsIO.read(Path.of("..", "testdata", "h200-9e2310f", "decode-2tok-b64.json"));
    Document fine = Jsoup.parse(ReportWriter.html(ReportWriter.data(ReportInput.of(two))));
    assertThat(fine.select("tr.above-ceiling")).isEmpty();
    Element idx =
        fine.selectFirst("#kernels-decode-dsa tr[data-position=131072][data-stage=indexer]");
    assertThat(idx.attr("data-tokens-per-seq")).isEqualTo("2");
    assertThat(idx.selectFirst("td[data-key=tokens]").text()).isEqualTo("128 (64 × 2)");
    // The same run with the indexer 1.8x faster at 128K is above the ceiling: flagged by name.
    List<PointResult> pts = new java.util.ArrayList<>(two.points());
    PointResult last = pts.get(pts.size() - 1);
    List<StageResult> st = new java.util.ArrayList<>();
    for (StageResult s : last.stages()) {
      double t = s.op().id().equals("indexer") ? s.medianSeconds() / 1.8 : s.medianSeconds();
      st.add(StageResult.of(s.op(), t, t, t, s.samples(), s.flops(), s.bytes()));
    }
    pts.set(pts.size() - 1, PointResult.ok(last.point(), st));
    var data = ReportWriter.data(ReportInput.of(new Results(two.run(), pts)));
    Document page = Jsoup.parse(ReportWriter.html(data));
    assertThat(page.select("tr.above-ceiling"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.attr("data-stage")).isEqualTo("indexer");
              assertThat(r.attr("data-position")).isEqualTo("131072");
              assertThat(r.selectFirst("td.flag").text()).isEqualTo("above ceiling");
            });
    assertThat(data.warnings().get(0))
        .startsWith("ABOVE CEILING: 1 stage(s)")
        .contains("decode/dsa/p=131072/n=128/t=2 indexer: 5.11 TB/s is 113% of the h200's");
  }

  /** Every cell of the page's Figure 3 table against the cost model's comparison. */
  private static void assertFigure3Table(Document page, Figure3Comparison cmp) {
    assertThat(page.selectFirst("#figure3 h2").text()).isEqualTo("Against the paper's Figure 3");
    assertThat(page.select("#figure3-table tbody tr[data-curve]")).hasSize(cmp.rows().size());
    for (ComparisonRow r : cmp.rows()) {
      Element row =
          page.selectFirst(
              "#figure3-table tr[data-curve=\""
                  + r.curve().id()
                  + "\"][data-position="
                  + r.position()
                  + "]");
      assertCell(row, "ours", r.oursUsdPerMillion(), Fmt.usd(r.oursUsdPerMillion()));
      assertCell(row, "paper", r.paperUsdPerMillion(), Fmt.usd(r.paperUsdPerMillion()));
      assertCell(row, "relative-error", r.relativeError(), Fmt.signedPercent(r.relativeError()));
      assertThat(row.select("td").last().text()).isEqualTo(r.extrapolated() ? "extrapolated" : "");
    }
    Element x = page.getElementById("figure3-crossover");
    assertCell(x, "paper", cmp.paperCrossover(), "~6,590");
    if (cmp.oursCrossover() == null) {
      // No crossover within the curves: shown as missing, never as a number.
      assertThat(x.selectFirst("td[data-key=ours]").text()).isEqualTo("–");
      assertThat(x.selectFirst("td[data-key=relative-error]").text()).isEqualTo("–");
      assertThat(x.text()).contains("no crossover within the curves");
      return;
    }
    assertCell(
        x,
        "ours",
        cmp.oursCrossover(),
        String.format(java.util.Locale.ROOT, "%,d", Math.round(cmp.oursCrossover())));
    assertCell(
        x,
        "relative-error",
        cmp.crossoverRelativeError(),
        Fmt.signedPercent(cmp.crossoverRelativeError()));
  }

  @Test
  void capacityPlanEqualsThePlanner() {
    CapacityPlan plan = CapacityPlanner.plan(CHAT, cost);
    // The verdict in words, as the cost model gives it.
    assertThat(doc.getElementById("capacity-verdict").text()).startsWith(plan.verdict() + ".");
    for (VariantPlan v : List.of(plan.dense(), plan.dsa())) {
      Element row =
          doc.selectFirst("#capacity-table tr[data-variant=" + v.version().variant().id() + "]");
      assertCell(row, "gpus", v.gpusNeeded(), Integer.toString(v.gpusNeeded()));
      assertCell(row, "usd-per-day", v.usdPerDay(), Fmt.usdLarge(v.usdPerDay()));
      assertCell(
          row, "usd-per-million-input", v.usdPerMillionInput(), Fmt.usd(v.usdPerMillionInput()));
      assertCell(
          row, "usd-per-million-output", v.usdPerMillionOutput(), Fmt.usd(v.usdPerMillionOutput()));
    }
  }

  @Test
  void kernelFractionsAreOfTheMeasuringGpusCeilings() {
    // The H200's measured ceilings (bf16 744, fp8 1305 TFLOP/s, 4.51 TB/s), not its datasheet's.
    var peak = HardwareProfiles.H200.measured();
    int checked = 0;
    for (PointResult p : results.points()) {
      for (StageResult s : p.stages()) {
        Element row =
            doc.selectFirst(
                "#kernels-"
                    + p.phase().id()
                    + "-"
                    + p.variant().id()
                    + " tr[data-position="
                    + p.position()
                    + "][data-stage="
                    + s.op().id()
                    + "]");
        assertCell(row, "median", s.medianSeconds(), Fmt.ms(s.medianSeconds()));
        assertCell(row, "flops", s.flopsPerSecond(), Fmt.tflops(s.flopsPerSecond()));
        double f = s.flopsPerSecond() / peak.flopsPerSecond(Precision.of(s.op()));
        assertCell(row, "compute-fraction", f, Fmt.percent(f));
        double b = s.bytesPerSecond() / peak.bytesPerSecond();
        assertCell(row, "bandwidth-fraction", b, Fmt.percent(b));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(50);
    assertThat(doc.selectFirst("tr[data-status=skipped] td.reason").text())
        .isEqualTo("SYNTHETIC: out of device memory");
  }

  @Test
  void methodologyListsEveryCostModelParameterWithItsSource() {
    for (var p : cost.parameterTable()) {
      Element row = doc.selectFirst("#parameters tr[data-name=\"" + p.name() + "\"]");
      assertThat(row).as(p.name()).isNotNull();
      assertThat(row.select("td").get(1).text()).isEqualTo(p.value().strip());
      assertThat(row.select("td").get(3).text())
          .isEqualTo(p.source() == null ? "" : p.source().strip());
    }
    assertThat(doc.select("#methodology .formulas li").text())
        .contains("usd_per_million_tokens(p) = 1e6 · price_per_gpu_hour / 3600");
  }

  @Test
  void provenanceAndVerdictAreShown() {
    assertThat(doc.selectFirst("#provenance-table tr:contains(run id) td").text())
        .isEqualTo("synthetic-cuda-test-run");
    assertThat(doc.selectFirst("#provenance-table tr:contains(driver) td").text())
        .isEqualTo("580.00");
    assertThat(doc.selectFirst("#regression .verdict").attr("data-outcome"))
        .isEqualTo(Verdict.NONE);
    assertThat(doc.selectFirst("#regression .verdict").text())
        .isEqualTo("No verdict: no published run for this device");
  }

  @Test
  void csvAndJsonBesideThePageHoldTheSameNumbers() throws Exception {
    double d = cost.curve(Curve.DECODE_V31).usdPerMillionAt(32768);
    assertThat(Files.readAllLines(dir.resolve("report.csv")))
        .contains("summary,decode,32768,,,dense_usd_per_million_tokens," + d + ",USD/Mtok,");
    var json =
        io.dsabench.reports.render.JsonRenderer.read(Files.readString(dir.resolve("report.json")));
    assertThat(
            json.summary().stream()
                .filter(r -> r.position() == 32768 && r.phase().id().equals("decode")))
        .singleElement()
        .satisfies(r -> assertThat(r.denseUsdPerMillionTokens()).isEqualTo(d));
  }

  @Test
  void aCpuRunIsLabelledAsOne() {
    var data = ReportWriter.data(ReportInput.of(SyntheticResults.cpuLike()));
    assertThat(data.warnings().get(0)).startsWith("CPU RUN: these times come from the pure-Java");
    assertThat(data.ceilings()).isNull();
    assertThat(data.pricing().hardware()).isEqualTo("h800");
  }

  @Test
  void positionsPastTheCurvesAreRefused() {
    ReportInput in =
        new ReportInput(results, null, null, null, List.of(200000), null, null, null, null, null);
    assertThatThrownBy(() -> ReportWriter.data(in))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("positions: 200000 is beyond the cost curves' last position 131072");
  }

  @Test
  void aRunTheCostModelCannotCostStillShowsItsKernels() {
    List<PointResult> decodeOnly =
        results.points().stream().filter(p -> p.phase().id().equals("decode")).toList();
    Results partial = new Results(results.run(), decodeOnly);
    ReportInput in =
        new ReportInput(partial, null, null, null, null, CHAT, "chat.yaml", null, null, null);
    var data = ReportWriter.data(in);
    assertThat(data.warnings())
        .anyMatch(w -> w.startsWith("No cost curves: the cost model cannot cost this run: "))
        .contains("No capacity plan: it needs the cost curves this run could not give.");
    assertThat(data.summary()).isEmpty();
    assertThat(data.capacity()).isNull();
    assertThat(data.paperComparison().rows()).isEmpty();
    assertThat(data.paperComparison().absentReason())
        .startsWith("the cost model cannot cost this run: ");
    Document page = Jsoup.parse(ReportWriter.html(data));
    // No cost chart; the decode stages still get their kernel chart.
    assertThat(page.select("canvas").eachAttr("id")).containsExactly("kernel-chart-decode");
    assertThat(page.select("#figure3-table")).isEmpty();
    assertThat(page.getElementById("figure3-absent").text())
        .startsWith("No comparison with Figure 3: it needs this run's cost curves");
    assertThat(io.dsabench.reports.render.CsvRenderer.render(data))
        .contains("figure3_comparison,,,,,absent,,,the cost model cannot cost this run: ");
    assertThat(page.select("#kernels-decode-dsa tbody tr")).isNotEmpty();
  }

  private static void assertCell(Element row, String key, double value, String text) {
    assertThat(row).as("row for " + key).isNotNull();
    Element cell = row.selectFirst("td[data-key=" + key + "]");
    assertThat(cell).as(key).isNotNull();
    assertThat(Double.parseDouble(cell.attr("data-value"))).as(key).isEqualTo(value);
    assertThat(cell.text()).as(key).isEqualTo(text);
  }
}
