package io.dsabench.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.costmodel.capacity.WorkloadFile;
import io.dsabench.model.results.MeasurementSet;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The report on paper, as a manager gets it: Chromium's own {@code --print-to-pdf} of the published
 * report and of fresh ones, pages counted (at most {@value #MAX_PAGES} A4 pages), the bottom line
 * with both cost charts alone on page 1, and page 1's content read with jsoup.
 */
class PrintTest {
  private static final Pattern PAGE = Pattern.compile("/Type\\s*/Page(?![s\\w])");
  private static final int MAX_PAGES = 6;
  private static final Path TESTDATA = Path.of("..", "testdata", "h200-9e2310f");
  private static final Path PUBLISHED = Path.of("published", "h200", "report.html");
  private static final Path SHOTS = Path.of("target", "screenshots", "print");

  /** Chromium's command-line print, as a person would run it: A4 from the page's own @page rule. */
  static byte[] printToPdf(Path html, Path pdf) throws Exception {
    Path profile = Files.createTempDirectory("dsabench-print-");
    Process p =
        new ProcessBuilder(
                Chromium.BINARY.toString(),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-pdf-header-footer",
                "--user-data-dir=" + profile,
                "--print-to-pdf=" + pdf.toAbsolutePath(),
                html.toAbsolutePath().toUri().toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium --print-to-pdf finished").isTrue();
    assertThat(p.exitValue()).as("chromium --print-to-pdf exit").isZero();
    return Files.readAllBytes(pdf);
  }

  static long pages(byte[] pdf) {
    return PAGE.matcher(new String(pdf, StandardCharsets.ISO_8859_1)).results().count();
  }

  /** What a manager reads first: the title names both GPUs, then the bottom line and the charts. */
  static void assertPageOne(Document doc, String target, String measuredOn) {
    assertThat(doc.selectFirst("h1").text())
        .isEqualTo(
            "DeepSeek Sparse Attention cost report — priced on "
                + target
                + " from a run on "
                + measuredOn);
    Element bottom = doc.getElementById("bottom-line");
    // Nothing but the header stands before it.
    assertThat(bottom.previousElementSibling().id()).isEqualTo("top");
    Element table = bottom.getElementById("bottom-line-table");
    assertThat(table.selectFirst("caption").text()).contains("Dense MLA (V3.1) against DSA (V3.2)");
    assertThat(table.select("thead th").eachText())
        .containsExactly(
            "attention",
            "USD per M input tokens",
            "USD per M output tokens",
            "GPUs",
            "USD per day");
    assertThat(table.select("tbody tr").eachAttr("data-variant"))
        .containsExactly("dense", "dsa", "saves");
    for (Element tr : table.select("tbody tr")) {
      for (String key :
          List.of("usd-per-million-input", "usd-per-million-output", "gpus", "usd-per-day")) {
        Element td = tr.selectFirst("td[data-key=" + key + "]");
        assertThat(td).as(tr.attr("data-variant") + " " + key).isNotNull();
        assertThat(Double.parseDouble(td.attr("data-value"))).isFinite();
      }
    }
    // The saving is dense minus DSA, cell by cell.
    for (String key : List.of("usd-per-million-input", "usd-per-day")) {
      double dense = value(table, "dense", key);
      double dsa = value(table, "dsa", key);
      assertThat(value(table, "saves", key))
          .isCloseTo(dense - dsa, org.assertj.core.data.Offset.offset(1e-9));
    }
    assertThat(bottom.getElementById("bottom-line-verdict").text())
        .matches("(DSA saves|DSA costs|DSA and dense need).*");
    assertThat(bottom.select("canvas").eachAttr("id"))
        .containsExactly("chart-prefill", "chart-decode");
    assertThat(bottom.select("figcaption").eachText())
        .satisfiesExactly(
            c -> assertThat(c).startsWith("Prefill: USD per million tokens"),
            c -> assertThat(c).startsWith("Decode: USD per million tokens"));
  }

  private static double value(Element table, String variant, String key) {
    return Double.parseDouble(
        table
            .selectFirst("tr[data-variant=" + variant + "] td[data-key=" + key + "]")
            .attr("data-value"));
  }

  /** Every table of cost curves names its phase. */
  static void assertCurveTablesLabelled(Document doc) {
    for (String phase : List.of("prefill", "decode")) {
      Element t = doc.getElementById("curve-table-" + phase);
      assertThat(t.selectFirst("caption").text())
          .startsWith(phase.substring(0, 1).toUpperCase(java.util.Locale.ROOT));
      assertThat(t.select("thead th[data-curve]").eachText())
          .allMatch(h -> h.startsWith(phase + ": "));
    }
  }

  @Test
  @Timeout(120)
  void thePublishedReportPrintsOnAtMostSixPagesWithTheBottomLineFirst(@TempDir Path dir)
      throws Exception {
    byte[] pdf = printToPdf(PUBLISHED, dir.resolve("published.pdf"));
    Files.createDirectories(SHOTS);
    Files.write(SHOTS.resolve("published.pdf"), pdf);
    assertThat(pages(pdf)).as("pages of " + PUBLISHED).isBetween(2L, (long) MAX_PAGES);
    Document doc = Jsoup.parse(Files.readString(PUBLISHED));
    assertPageOne(doc, "H800", "NVIDIA H200");
    assertCurveTablesLabelled(doc);
    assertThat(doc.getElementById("bottom-line-workload").attr("data-default")).isEqualTo("false");
  }

  @Test
  @Timeout(180)
  void aDefaultReportAndAComparedOneFitAndTheBottomLineFillsPageOneAlone(@TempDir Path dir)
      throws Exception {
    Results run = ResultsIO.read(TESTDATA.resolve("results.json"));
    // The default report: no workload given, so the default one, named as such.
    ReportInput plain =
        new ReportInput(
            run, "results.json", "h200", null, null, null, null, null, "test", null, List.of());
    ReportFiles files = ReportWriter.write(plain, dir.resolve("default.html"));
    Document doc = Jsoup.parse(Files.readString(files.html()));
    assertPageOne(doc, "H200", "NVIDIA H200");
    assertCurveTablesLabelled(doc);
    Element workload = doc.getElementById("bottom-line-workload");
    assertThat(workload.attr("data-default")).isEqualTo("true");
    assertThat(workload.text()).contains("chat, the default workload");
    byte[] pdf = printToPdf(files.html(), dir.resolve("default.pdf"));
    Files.createDirectories(SHOTS);
    Files.write(SHOTS.resolve("default.pdf"), pdf);
    assertThat(pages(pdf)).as("pages of the default report").isBetween(2L, (long) MAX_PAGES);

    // Compared with a second run: its delta table and curves add no page beyond the limit.
    ReportInput compared =
        new ReportInput(
            run,
            "results.json",
            null,
            null,
            null,
            null,
            null,
            null,
            "test",
            null,
            List.of(),
            null,
            List.of(
                new MeasurementSet.Source(
                    "published/h200/results.json",
                    ResultsIO.read(Path.of("published", "h200", "results.json")))));
    assertThat(WorkloadFile.read(Path.of("..", "examples", "workloads", "chat.yaml")))
        .as("the built-in default is the example file's traffic")
        .isEqualTo(DefaultWorkload.mix());
    ReportFiles cmp = ReportWriter.write(compared, dir.resolve("compared.html"));
    byte[] cmpPdf = printToPdf(cmp.html(), dir.resolve("compared.pdf"));
    Files.write(SHOTS.resolve("compared.pdf"), cmpPdf);
    assertThat(pages(cmpPdf)).as("pages of a compared report").isLessThanOrEqualTo(MAX_PAGES);

    // Page 1 holds the title, the bottom line and both charts: printed alone, they are one page.
    Document first = Jsoup.parse(Files.readString(files.html()));
    Element bottom = first.getElementById("bottom-line");
    while (bottom.nextElementSibling() != null) {
      bottom.nextElementSibling().remove();
    }
    Path firstHtml = dir.resolve("page-one.html");
    Files.writeString(firstHtml, first.outerHtml());
    byte[] firstPdf = printToPdf(firstHtml, dir.resolve("page-one.pdf"));
    Files.write(SHOTS.resolve("page-one.pdf"), firstPdf);
    assertThat(pages(firstPdf)).as("the title and the bottom line printed alone").isEqualTo(1);

    try (Chromium chromium = new Chromium(1280, 1000)) {
      var driver = chromium.driver;
      // What the print layout looks like, for a person: the page under print media rules.
      driver.get(files.html().toUri().toString());
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .until(
              d -> d.findElement(By.tagName("body")).getDomAttribute("data-charts-drawn") != null);
      driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
      for (String id : List.of("summary")) {
        assertThat(
                driver.executeScript(
                    "return getComputedStyle(document.getElementById(arguments[0])).breakBefore",
                    id))
            .as(id + " starts a page")
            .isEqualTo("page");
      }
      assertThat(
              driver.executeScript(
                  "return getComputedStyle(document.getElementById('bottom-line')).breakBefore"))
          .isNotEqualTo("page");
      // Nothing is wider than A4's 186 mm between margins (703 CSS px): a wider element makes
      // Chromium shrink every printed page to fit it, and the type with it.
      driver.executeCdpCommand(
          "Emulation.setDeviceMetricsOverride",
          Map.of("width", 703, "height", 1000, "deviceScaleFactor", 1, "mobile", false));
      for (String id : List.of("kernel-tables", "parameter-details")) {
        driver.executeScript("document.getElementById(arguments[0]).open = true", id);
      }
      @SuppressWarnings("unchecked")
      List<String> wide =
          (List<String>)
              driver.executeScript(
                  "var out = [];"
                      + " document.querySelectorAll('main > *, main section > *').forEach("
                      + "function (e) { var r = e.getBoundingClientRect();"
                      + " if (r.right > 703.5 && !e.closest('details.folded'))"
                      + " out.push((e.id || e.tagName) + ' ' + Math.round(r.right)); });"
                      + " return out;");
      assertThat(wide).as("elements wider than the printed page").isEmpty();
      Files.write(
          SHOTS.resolve("print-media-bottom-line.png"),
          driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }
  }
}
