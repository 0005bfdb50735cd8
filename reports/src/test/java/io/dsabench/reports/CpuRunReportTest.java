package io.dsabench.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.costmodel.cost.CostModel;
import io.dsabench.costmodel.cost.CostParameters;
import io.dsabench.costmodel.cost.CostReport;
import io.dsabench.costmodel.cost.Curve;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.reports.render.Fmt;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report from a real results file of the cpu backend (src/test/resources, see its README), with
 * every default: priced as H800 at 2 USD/GPU-hour, the paper's basis.
 */
class CpuRunReportTest {
  static Results cpuRun() throws Exception {
    Path file = Path.of(CpuRunReportTest.class.getResource("cpu-results.json").toURI());
    return ResultsIO.read(file);
  }

  @Test
  @Timeout(120)
  void writesALabelledReportThatDrawsAndMatchesTheCostModel(@TempDir Path dir) throws Exception {
    Results run = cpuRun();
    ReportFiles files = ReportWriter.write(ReportInput.of(run), dir.resolve("report.html"));
    String html = Files.readString(files.html());
    Document doc = Jsoup.parse(html);
    PageChecks.assertSelfContained(doc, html);

    assertThat(doc.getElementById("warnings").text())
        .contains("CPU RUN: these times come from the pure-Java reference backend")
        .contains("EXTRAPOLATED");
    assertThat(doc.selectFirst("#provenance-table tr:contains(run id) td").text())
        .isEqualTo(run.run().id());

    CostReport cost = CostModel.compute(run, CostParameters.defaults());
    for (int p : ReportInput.DEFAULT_POSITIONS) {
      Element row =
          doc.selectFirst("#summary-table tr[data-phase=decode][data-position=" + p + "]");
      double dense = cost.curve(Curve.DECODE_V31).usdPerMillionAt(p);
      Element cell = row.selectFirst("td[data-key=dense]");
      assertThat(Double.parseDouble(cell.attr("data-value"))).isEqualTo(dense);
      assertThat(cell.text()).isEqualTo(Fmt.usd(dense));
      // The run measured up to 4K: everything in the summary is past it.
      assertThat(row.text()).endsWith("extrapolated");
    }

    BrowserRenderTest.Drawn drawn =
        BrowserRenderTest.open(files.html(), Path.of("target", "screenshots", "cpu"), 4);
    assertThat(drawn.prefill().matching(BrowserRenderTest.DENSE)).isGreaterThan(300);
    assertThat(drawn.decode().matching(BrowserRenderTest.DSA)).isGreaterThan(300);
    // The reference runs about 10^5 times the paper's cost: a log axis keeps both visible.
    assertThat(drawn.prefillScale()).isEqualTo("logarithmic");
  }
}
