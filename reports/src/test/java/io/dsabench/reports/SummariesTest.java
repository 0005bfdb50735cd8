package io.dsabench.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.reports.model.CapacityRow;
import io.dsabench.reports.model.KernelRow;
import io.dsabench.reports.model.KernelTable;
import io.dsabench.reports.model.PaperComparison;
import io.dsabench.reports.model.ReportData;
import io.dsabench.reports.model.Summary;
import io.dsabench.reports.model.SummaryRow;
import io.dsabench.reports.render.CsvRenderer;
import io.dsabench.reports.render.Fmt;
import io.dsabench.reports.render.HtmlRenderer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * The rows' summaries are what every printer shows: the CSV writes each as a row under its tag, the
 * page as a cell under its name rounded as it hints; and Figure 3's setting is the comparison's
 * (from the Figure 3 reference), never text typed into a renderer.
 */
class SummariesTest {
  @Test
  void theCsvAndThePageShowEachRowsSummariesAndNothingElse() {
    ReportData d = SyntheticReport.data();
    String csv = CsvRenderer.render(d);
    Document page = Jsoup.parse(HtmlRenderer.render(d));
    KernelTable t = d.kernels().get(0);
    KernelRow r = t.rows().get(0);
    String series = t.phase().id() + "/" + t.variant().id();
    Element tr =
        page.selectFirst(
            "#kernels-"
                + t.phase().id()
                + "-"
                + t.variant().id()
                + " tr[data-position="
                + r.position()
                + "][data-stage="
                + r.stage()
                + "]");
    for (Summary s : r.summaries(null)) {
      assertThat(csv)
          .contains(
              "kernel,"
                  + series
                  + ","
                  + r.position()
                  + ","
                  + r.tokens()
                  + ","
                  + r.stage()
                  + ","
                  + s.tag()
                  + ","
                  + s.value()
                  + ","
                  + s.unit()
                  + ",");
      if (s.tag().equals("tokens_per_seq")) {
        continue; // shown in the tokens cell
      }
      Element td = tr.selectFirst("td[data-key=" + s.name() + "]");
      assertThat(td).as(s.tag()).isNotNull();
      assertThat(td.attr("data-value")).isEqualTo(Double.toString(s.value()));
      assertThat(td.text()).isEqualTo(Fmt.of(s.hint(), s.value()));
    }
    SummaryRow sr = d.summary().get(0);
    Element row =
        page.selectFirst(
            "#summary-table tr[data-phase="
                + sr.phase().id()
                + "][data-position="
                + sr.position()
                + "]");
    assertThat(row.select("td[data-key]").eachAttr("data-key"))
        .containsExactly("position", "dense", "dsa", "ratio", "paper-dense", "paper-dsa");
    CapacityRow cr = d.capacity().rows().get(0);
    assertThat(
            page.selectFirst("#capacity-table tr[data-variant=" + cr.variant().id() + "]")
                .select("td[data-key]")
                .eachAttr("data-key"))
        .isEqualTo(cr.summaries(null).stream().map(Summary::name).toList());
  }

  @Test
  void figure3sSettingAndCrossoverComeFromTheComparisonNotTheRenderers() {
    ReportData d = SyntheticReport.data();
    PaperComparison p = d.paperComparison();
    PaperComparison other =
        new PaperComparison(
            "h100",
            3.5,
            false,
            p.note(),
            p.rows(),
            p.prefillCrossoverPosition(),
            7000,
            p.crossoverRelativeError(),
            null);
    ReportData moved =
        new ReportData(
            d.schema(),
            d.title(),
            d.generatedAt(),
            d.provenance(),
            d.pricing(),
            d.warnings(),
            d.summary(),
            d.prefillCrossoverPosition(),
            d.curves(),
            other,
            d.ceilings(),
            d.kernels(),
            d.capacity(),
            d.methodology(),
            d.verdict(),
            d.reference(),
            d.kernelCharts(),
            d.comparison());
    String page = HtmlRenderer.render(moved);
    assertThat(page)
        .contains("Figure 3's values (H100, 3.5 USD/GPU-hour) are beside them")
        .contains("the paper's Figure 3 (H100, 3.5 USD/GPU-hour), USD per million tokens")
        .contains("the paper's curve bends near 7,000)")
        .contains("~7,000")
        .doesNotContain("H800, 2 USD/GPU-hour")
        .doesNotContain("6,590");
    assertThat(CsvRenderer.render(moved))
        .contains(",paper_dense_usd_per_million_tokens,0.1,USD/Mtok,\"Figure 3, H100 at 3.5")
        .contains(",paper_position_tokens,7000.0,tokens,")
        .doesNotContain("H800 at 2");
  }

  @Test
  void aSummaryNamesWhatIsMissing() {
    assertThatThrownBy(() -> new Summary(" ", "dense", 1.0, "s", Summary.Hint.DURATION, null))
        .hasMessage("summary.tag: must not be blank");
    assertThatThrownBy(() -> new Summary("median_seconds", "median", 1.0, "s", null, null))
        .hasMessage("summary.hint: missing");
  }
}
