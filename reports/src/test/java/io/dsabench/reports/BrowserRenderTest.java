package io.dsabench.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Opens a written report from disk in headless Chromium, as a user would, and checks that the
 * charts are drawn: the canvases hold many pixels of the measured curves' colours, not just axes.
 */
class BrowserRenderTest {
  // The measured curves' colours in report.js.
  static final int DENSE = 0xc0392b;
  static final int DSA = 0x1f5fa8;

  @Test
  @Timeout(120)
  void chartsAreDrawnOffline(@TempDir Path dir) throws Exception {
    ReportFiles files = ReportWriter.write(SyntheticReport.data(), dir.resolve("report.html"));
    Drawn drawn = open(files.html(), Path.of("target", "screenshots", "synthetic"), 2);
    assertThat(drawn.prefill.matching(DENSE)).as("dense prefill curve pixels").isGreaterThan(300);
    assertThat(drawn.prefill.matching(DSA)).as("DSA prefill curve pixels").isGreaterThan(300);
    assertThat(drawn.decode.matching(DENSE)).as("dense decode curve pixels").isGreaterThan(300);
    assertThat(drawn.decode.matching(DSA)).as("DSA decode curve pixels").isGreaterThan(300);
    assertThat(drawn.prefill.nonBackground()).isGreaterThan(3000);
  }

  @Test
  @Timeout(120)
  void aCostedReportDrawsItsCurves(@TempDir Path dir) throws Exception {
    ReportInput in =
        new ReportInput(
            SyntheticResults.gpuLike(),
            "synthetic.json",
            "h200",
            3.5,
            null,
            ReportNumbersTest.CHAT,
            "chat.yaml",
            null,
            "test",
            null);
    ReportFiles files = ReportWriter.write(in, dir.resolve("report.html"));
    Drawn drawn = open(files.html(), Path.of("target", "screenshots", "costed"), 4);
    assertThat(drawn.prefillScale()).isEqualTo("linear");
    for (Canvas c : java.util.List.of(drawn.prefill, drawn.decode)) {
      assertThat(c.matching(DENSE)).isGreaterThan(300);
      assertThat(c.matching(DSA)).isGreaterThan(300);
    }
  }

  // The reference lines' colours in report.js: paler, dashed, in the stage's hue.
  static final int DENSE_REFERENCE = 0xe39a91;
  static final int SPARSE_REFERENCE = 0x8fb3de;

  /**
   * The published H200 run against a real H200 reference run (see {@link ReferenceColumnTest}):
   * both kernel charts draw a dashed line for every paired reference stage, and it shows.
   */
  @Test
  @Timeout(120)
  void referenceSeriesAreDrawnDashedOnTheKernelCharts(@TempDir Path dir) throws Exception {
    Results ours = ResultsIO.read(ReferenceColumnTest.PUBLISHED);
    Results ref = ReferenceColumnTest.referenceRun();
    ReportInput in =
        new ReportInput(
            ours,
            ReferenceColumnTest.PUBLISHED.toString(),
            "h200",
            null,
            null,
            null,
            null,
            null,
            "test",
            null);
    ReportFiles files =
        ReportWriter.write(
            in,
            ReferenceColumnTest.input(ours, ref, ReferenceColumnTest.REFERENCE_FILE),
            dir.resolve("report.html"));
    try (Chromium chromium = new Chromium(1280, 1000)) {
      var driver = chromium.driver;
      open(driver, files.html(), Path.of("target", "screenshots", "reference"), 4);
      for (String phase : List.of("prefill", "decode")) {
        String id = "kernel-chart-" + phase;
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sets =
            (List<Map<String, Object>>)
                driver.executeScript(
                    "var c = Chart.getChart(arguments[0]);"
                        + " return c.data.datasets.map(function (d, i) { return {label: d.label,"
                        + " dash: d.borderDash.length, drawn: c.getDatasetMeta(i).data.length,"
                        + " visible: c.isDatasetVisible(i)}; });",
                    id);
        // Position on a log2 axis, 1K…128K evenly spaced.
        assertThat(
                driver.executeScript(
                    "return Chart.getChart(arguments[0]).scales.x.ticks.map(t => t.label);", id))
            .as(phase + " position ticks")
            .isEqualTo(List.of("1K", "2K", "4K", "8K", "16K", "32K", "64K", "128K"));
        List<Map<String, Object>> refs =
            sets.stream().filter(d -> ((String) d.get("label")).startsWith("reference ")).toList();
        assertThat(refs).as(phase + " reference lines").isNotEmpty();
        assertThat(Integer.toString(refs.size()))
            .isEqualTo(driver.findElement(By.id(id)).getDomAttribute("data-reference-series"));
        for (Map<String, Object> d : sets) {
          boolean reference = refs.contains(d);
          assertThat(((Number) d.get("dash")).intValue() > 0)
              .as(d.get("label") + " dashed")
              .isEqualTo(reference);
          assertThat(((Number) d.get("drawn")).intValue())
              .as(d.get("label") + " points")
              .isPositive();
          assertThat(d.get("visible")).isEqualTo(true);
        }
        Canvas canvas = canvas(driver, id);
        ImageIO.write(
            canvas.image(),
            "png",
            Path.of("target", "screenshots", "reference", id + ".png").toFile());
        // The lines show: pixels of the reference colours, not only legend swatches.
        assertThat(canvas.matching(DENSE_REFERENCE))
            .as(phase + " dense reference")
            .isGreaterThan(150);
        assertThat(canvas.matching(SPARSE_REFERENCE))
            .as(phase + " sparse reference")
            .isGreaterThan(150);
      }
      // The kernel tables are folded (the printed report stays short): read them unopened.
      assertThat(
              driver
                  .findElement(By.cssSelector("#kernels-prefill-dense thead"))
                  .getDomProperty("textContent"))
          .contains("ours ÷ reference");
    }
  }

  /** What a chart canvas looks like: counts of its pixels by colour. */
  record Canvas(BufferedImage image) {
    /** Pixels within anti-aliasing distance of {@code rgb}. */
    long matching(int rgb) {
      return count(c -> distance(c, rgb) < 40);
    }

    /** Pixels that are not the white background. */
    long nonBackground() {
      return count(c -> distance(c, 0xffffff) > 24);
    }

    private long count(java.util.function.IntPredicate p) {
      long n = 0;
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          if (p.test(image.getRGB(x, y) & 0xffffff)) {
            n++;
          }
        }
      }
      return n;
    }

    private static int distance(int a, int b) {
      int dr = Math.abs(((a >> 16) & 0xff) - ((b >> 16) & 0xff));
      int dg = Math.abs(((a >> 8) & 0xff) - ((b >> 8) & 0xff));
      int db = Math.abs((a & 0xff) - (b & 0xff));
      return Math.max(dr, Math.max(dg, db));
    }
  }

  record Drawn(Canvas prefill, Canvas decode, String prefillScale) {}

  /**
   * Opens {@code html} as a file:// URL, waits for report.js to finish, checks the page made no
   * request and ran no injected script, and keeps a full-page screenshot under {@code shots}.
   */
  static Drawn open(Path html, Path shots, int charts) throws Exception {
    try (Chromium chromium = new Chromium(1280, 1000)) {
      return open(chromium.driver, html, shots, charts);
    }
  }

  /** {@link #open(Path, Path, int)} in a browser the caller holds (to look further at the page). */
  static Drawn open(ChromeDriver driver, Path html, Path shots, int charts) throws Exception {
    {
      driver.get(html.toUri().toString());
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .until(
              d -> d.findElement(By.tagName("body")).getDomAttribute("data-charts-drawn") != null);
      assertThat(driver.findElement(By.tagName("body")).getDomAttribute("data-charts-drawn"))
          .isEqualTo(Integer.toString(charts));
      // Nothing was fetched: no resource timing entries, and no script from the data ran.
      assertThat(driver.executeScript("return performance.getEntriesByType('resource').length"))
          .isEqualTo(0L);
      assertThat(driver.executeScript("return typeof window.pwned")).isEqualTo("undefined");
      Files.createDirectories(shots);
      Files.write(shots.resolve("page.png"), fullPage(driver));
      for (String id :
          java.util.List.of(
              "top", "bottom-line", "summary", "curves", "kernels", "capacity", "methodology")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> r =
            (Map<String, Object>)
                driver.executeScript(
                    "var r = document.getElementById(arguments[0]).getBoundingClientRect();"
                        + " return {y: r.top + window.scrollY, h: Math.min(r.height, 2400)};",
                    id);
        int y = ((Number) r.get("y")).intValue();
        int h = ((Number) r.get("h")).intValue();
        Files.write(shots.resolve("section-" + id + ".png"), region(driver, 0, y, 1280, h));
      }
      Canvas prefill = canvas(driver, "chart-prefill");
      Canvas decode = canvas(driver, "chart-decode");
      ImageIO.write(prefill.image(), "png", shots.resolve("chart-prefill.png").toFile());
      ImageIO.write(decode.image(), "png", shots.resolve("chart-decode.png").toFile());
      return new Drawn(
          prefill,
          decode,
          driver.findElement(By.id("chart-prefill")).getDomAttribute("data-scale"));
    }
  }

  static Canvas canvas(ChromeDriver driver, String id) throws Exception {
    WebElement e = driver.findElement(By.id(id));
    // An element screenshot is clipped to the viewport: bring the whole canvas into it first.
    driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", e);
    byte[] png = e.getScreenshotAs(OutputType.BYTES);
    return new Canvas(ImageIO.read(new ByteArrayInputStream(png)));
  }

  /** The whole page as one image, for a person to look at (not asserted on). */
  private static byte[] fullPage(ChromeDriver driver) {
    Object h = driver.executeScript("return document.documentElement.scrollHeight");
    return region(driver, 0, 0, 1280, ((Number) h).intValue());
  }

  /** One part of the page (CSS pixels), for a person to look at. */
  private static byte[] region(ChromeDriver driver, int x, int y, int w, int h) {
    Map<String, Object> shot =
        driver.executeCdpCommand(
            "Page.captureScreenshot",
            Map.of(
                "captureBeyondViewport",
                true,
                "clip",
                Map.of("x", x, "y", y, "width", w, "height", h, "scale", 1)));
    return Base64.getDecoder().decode((String) shot.get("data"));
  }
}
