package io.dsabench.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.reports.model.ReportData;
import io.dsabench.reports.model.SummaryRow;
import io.dsabench.reports.render.CsvRenderer;
import io.dsabench.reports.render.Fmt;
import io.dsabench.reports.render.JsonRenderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page as a parser sees it, rendered from SYNTHETIC data full of hostile text. */
class HtmlPageTest {
  private final ReportData data = SyntheticReport.data();
  private final String html = ReportWriter.html(data);
  private final Document doc = Jsoup.parse(html);

  @Test
  void parsesWithEverySection() {
    assertThat(doc.title()).isEqualTo(data.title());
    for (String id :
        List.of(
            "summary",
            "curves",
            "figure3",
            "kernels",
            "capacity",
            "regression",
            "methodology",
            "provenance")) {
      assertThat(doc.getElementById(id)).as("section #" + id).isNotNull();
    }
    assertThat(doc.select("canvas#chart-prefill, canvas#chart-decode")).hasSize(2);
  }

  @Test
  void holdsNoExternalReference() {
    PageChecks.assertSelfContained(doc, html);
    // The three scripts are the data, Chart.js and ours; hostile text added none.
    assertThat(doc.select("script")).hasSize(3);
    assertThat(doc.select("script").get(1).data()).contains("Chart.js v4.4.7");
  }

  @Test
  void hostileTextStaysText() {
    assertThat(doc.getElementById("warnings").text()).contains(SyntheticReport.HOSTILE);
    Element host = doc.select("#provenance-table tr:contains(host) td").first();
    assertThat(host.text()).isEqualTo(SyntheticReport.HOSTILE);
    assertThat(html).doesNotContain("<script>window.pwned");
  }

  @Test
  void embeddedJsonIsTheReportData() {
    Element json = doc.getElementById("report-data");
    assertThat(json.attr("type")).isEqualTo("application/json");
    assertThat(JsonRenderer.read(json.data())).isEqualTo(data);
  }

  @Test
  void summaryCellsCarryExactValuesAndTheirRoundedText() {
    List<Element> rows = doc.select("#summary-table tbody tr");
    assertThat(rows).hasSize(data.summary().size());
    for (int i = 0; i < rows.size(); i++) {
      SummaryRow r = data.summary().get(i);
      Element dense = rows.get(i).selectFirst("td[data-key=dense]");
      assertThat(Double.parseDouble(dense.attr("data-value")))
          .isEqualTo(r.denseUsdPerMillionTokens());
      assertThat(dense.text()).isEqualTo(Fmt.usd(r.denseUsdPerMillionTokens()));
      Element ratio = rows.get(i).selectFirst("td[data-key=ratio]");
      assertThat(ratio.text()).isEqualTo(Fmt.ratio(r.denseOverDsa()));
    }
  }

  @Test
  void skippedPointsShowTheirReason() {
    Element row = doc.selectFirst("#kernels-decode-dsa tr[data-status=skipped]");
    assertThat(row.selectFirst("td.reason").text()).startsWith("out of memory </script>");
  }

  @Test
  void printStylesPutSectionsOnTheirOwnA4Pages() {
    String css = doc.selectFirst("style").data();
    // Whatever the formatter does with whitespace: an A4 page rule and page breaks.
    assertThat(css).containsPattern("@page\\s*\\{\\s*size:\\s*A4;").contains("break-before: page");
  }

  @Test
  void csvHasOneValuePerRowAndFullPrecision() {
    String csv = CsvRenderer.render(data);
    List<String> lines = csv.lines().toList();
    assertThat(lines.get(0)).isEqualTo(CsvRenderer.HEADER);
    SummaryRow first = data.summary().get(0);
    assertThat(lines)
        .contains(
            "summary,prefill,8192,,,dense_usd_per_million_tokens,"
                + first.denseUsdPerMillionTokens()
                + ",USD/Mtok,");
    assertThat(lines).anyMatch(l -> l.startsWith("capacity,dsa,,,,gpus,13.0,GPU,"));
    // Every row has the header's nine fields (quoted commas do not count).
    for (String l : lines) {
      if (!l.contains("\"")) {
        assertThat(l.split(",", -1)).as(l).hasSize(9);
      }
    }
  }

  @Test
  void writesThePageWithCsvAndJsonBesideIt(@TempDir Path dir) throws Exception {
    ReportFiles files = ReportWriter.write(data, dir.resolve("cost.html"));
    assertThat(files.csv()).isEqualTo(dir.resolve("cost.csv"));
    assertThat(files.json()).isEqualTo(dir.resolve("cost.json"));
    assertThat(Files.readString(files.html())).isEqualTo(html);
    assertThat(JsonRenderer.read(Files.readString(files.json()))).isEqualTo(data);
    assertThat(Files.readString(files.csv())).isEqualTo(CsvRenderer.render(data));
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("cost.html", "cost.csv", "cost.json");
    }
  }

  @Test
  void outMustBeAnHtmlFile(@TempDir Path dir) {
    assertThatThrownBy(() -> ReportWriter.write(data, dir.resolve("report.txt")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("out: '" + dir.resolve("report.txt") + "' does not end in .html");
  }
}
