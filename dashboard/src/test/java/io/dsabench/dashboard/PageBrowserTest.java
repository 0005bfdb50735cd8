package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in real headless Chromium (Debian's, through its chromedriver), served by a real
 * dashboard on a loopback port: over a real run measured here on the cpu backend ({@link
 * RealCpuRun}), and over synthetic GPU-like results for the verdict and ceilings ({@link
 * SyntheticResults}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class PageBrowserTest {
  /** Where the screenshot of the page with results goes (module directory = working dir). */
  static final Path SCREENSHOT = Path.of("target", "dashboard-screenshot.png");

  private WebDriver driver;
  private JavascriptExecutor js;
  private Path realRun;

  @BeforeAll
  void startBrowser(@TempDir Path profile, @TempDir Path measured) throws Exception {
    ExternalTools.require(ExternalTools.CHROMIUM, ExternalTools.CHROMEDRIVER);
    ChromeOptions o = new ChromeOptions();
    o.setBinary(ExternalTools.CHROMIUM.toString());
    o.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + profile.toAbsolutePath(),
        "--window-size=1400,2300");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(ExternalTools.CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(60))
            .build();
    // The page tests draw a real run: measured here on the cpu backend before the browser starts.
    realRun = measured.resolve("cpu");
    RealCpuRun.measure(realRun, measured.resolve("locks"));
    driver = new ChromeDriver(service, o);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    js = (JavascriptExecutor) driver;
  }

  @AfterAll
  void stopBrowser() {
    if (driver != null) {
      driver.quit();
    }
  }

  private void open(TestDashboard d) {
    driver.get(d.uri("/").toString());
    new WebDriverWait(driver, Duration.ofSeconds(60))
        .until(
            x ->
                Boolean.TRUE.equals(
                    js.executeScript(
                        "return !!(window.dsabench && window.dsabench.state.ready);")));
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> datasets(String chart) {
    return (List<Map<String, Object>>)
        js.executeScript(
            "const c = window.dsabench.charts[arguments[0]];"
                + "return c.data.datasets.map((d, i) => ({label: d.label,"
                + " ys: d.data.map(p => p.y), drawn: c.getDatasetMeta(i).data.length}));",
            chart);
  }

  /** Pixels of the canvas that are not transparent, and how many are the measured V3.2 blue. */
  @SuppressWarnings("unchecked")
  private Map<String, Long> pixels(String canvasId) {
    return (Map<String, Long>)
        js.executeScript(
            "const cv = document.getElementById(arguments[0]);"
                + "const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;"
                + "let ink = 0, blue = 0, hash = 0;"
                + "for (let i = 0; i < d.length; i += 4) {"
                + "  if (d[i + 3] > 0) ink++;"
                + "  if (d[i + 3] > 200 && Math.abs(d[i] - 31) < 20 && Math.abs(d[i + 1] - 111) < 20"
                + "      && Math.abs(d[i + 2] - 235) < 20) blue++;"
                + "  hash = (hash * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2] + d[i + 3]) | 0; }"
                + "return {ink: ink, blue: blue, total: d.length / 4, hash: hash};",
            canvasId);
  }

  private static double y(Map<String, Object> dataset, int i) {
    return ((Number) ((List<?>) dataset.get("ys")).get(i)).doubleValue();
  }

  @Test
  void costChartsRenderMeasuredCurvesAndRedrawWhenThePriceChanges(@TempDir Path tmp)
      throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.copy(
        realRun.resolve("results.json"),
        Files.createDirectories(out.resolve("cpu")).resolve("results.json"));
    try (TestDashboard d = TestDashboard.over(tmp, List.of(out))) {
      open(d);
      assertThat(driver.findElement(By.id("empty")).isDisplayed()).isFalse();
      String id = d.server.runs().runs().get(0).id();
      assertThat(driver.findElement(By.id("run")).getAttribute("value")).isEqualTo(id);
      assertThat(driver.findElement(By.id("price")).getAttribute("value")).isEqualTo("2");
      assertThat(js.executeScript("return window.dsabench.state.lastCost.run;")).isEqualTo(id);

      Map<String, List<Map<String, Object>>> before = new java.util.HashMap<>();
      Map<String, Long> hashBefore = new java.util.HashMap<>();
      for (String chart : List.of("cost-prefill", "cost-decode")) {
        List<Map<String, Object>> ds = datasets(chart);
        // Two measured curves (V3.1 dense, V3.2 DSA) and the paper's two, dashed.
        assertThat(ds).hasSize(4);
        assertThat(ds.get(0).get("label")).isEqualTo("V3.1 dense (measured)");
        assertThat(ds.get(1).get("label")).isEqualTo("V3.2 DSA (measured)");
        assertThat((String) ds.get(2).get("label")).startsWith("Figure 3 V3.1 (paper");
        for (var set : ds.subList(0, 2)) {
          assertThat((List<?>) set.get("ys")).hasSize(129);
          assertThat(((Number) set.get("drawn")).intValue()).isEqualTo(129);
          for (int i = 0; i < 129; i++) {
            assertThat(y(set, i)).isPositive();
          }
        }
        Map<String, Long> px = pixels(chart);
        assertThat(px.get("ink")).as(chart + " ink").isGreaterThan(px.get("total") / 100);
        assertThat(px.get("blue")).as(chart + " V3.2 line pixels").isGreaterThan(100);
        before.put(chart, ds);
        hashBefore.put(chart, px.get("hash"));
      }
      // The kernel view drew something too.
      assertThat(datasets("kernels-prefill")).isNotEmpty();

      Files.createDirectories(SCREENSHOT.getParent());
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
      System.out.println("[dashboard] screenshot: " + SCREENSHOT.toAbsolutePath());

      WebElement price = driver.findElement(By.id("price"));
      price.clear();
      price.sendKeys("4");
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .until(
              x ->
                  Boolean.TRUE.equals(
                      js.executeScript(
                          "const s = window.dsabench.state;"
                              + " return !!s.lastCost && s.lastCost.priceUsdPerGpuHour === 4"
                              + " && s.lastError === null;")));
      for (String chart : List.of("cost-prefill", "cost-decode")) {
        List<Map<String, Object>> after = datasets(chart);
        for (int s = 0; s < 2; s++) {
          for (int i = 0; i < 129; i++) {
            assertThat(y(after.get(s), i) / y(before.get(chart).get(s), i))
                .as(chart + " dataset " + s + " point " + i)
                .isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
          }
        }
        // The paper's curves do not move with our price: they are Figure 3 at 2 USD.
        assertThat(after.get(2).get("ys")).isEqualTo(before.get(chart).get(2).get("ys"));
        assertThat(pixels(chart).get("hash"))
            .as(chart + " redrawn")
            .isNotEqualTo(hashBefore.get(chart));
      }
    }
  }

  @Test
  void syntheticRunsShowTheVerdictAndTheKernelCeilings(@TempDir Path tmp) throws Exception {
    try (TestDashboard d = TestDashboard.withRuns(tmp)) {
      open(d);
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .until(x -> driver.findElements(By.cssSelector("#kernel-table tbody tr")).size() > 0);
      assertThat(driver.findElement(By.id("runs")).getText())
          .contains("REGRESSION vs published synthetic-baseline")
          .contains("published: the run others of its GPU are judged against");
      assertThat(driver.findElement(By.id("kernel-table")).getText()).contains("744 TFLOP/s");
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(
          shot,
          SCREENSHOT.resolveSibling("dashboard-synthetic-screenshot.png"),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Pixels of a canvas within 24 of {@code rgb} per channel (a line's colour, anti-aliased). */
  private long pixelsOf(String canvasId, int rgb) {
    return ((Number)
            js.executeScript(
                "const cv = document.getElementById(arguments[0]);"
                    + "const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;"
                    + "const r = arguments[1] >> 16, g = (arguments[1] >> 8) & 255, b = arguments[1] & 255;"
                    + "let n = 0;"
                    + "for (let i = 0; i < d.length; i += 4) {"
                    + "  if (d[i + 3] > 200 && Math.abs(d[i] - r) < 24 && Math.abs(d[i + 1] - g) < 24"
                    + "      && Math.abs(d[i + 2] - b) < 24) n++; }"
                    + "return n;",
                canvasId,
                rgb))
        .longValue();
  }

  private void select(String runId) {
    js.executeScript(
        "const s = document.getElementById('run'); s.value = arguments[0];"
            + " s.dispatchEvent(new Event('change'));",
        runId);
  }

  /**
   * The published H200 run beside a real H200 reference run (FlashMLA, cuDNN), laid out as
   * published: the kernel charts draw the reference dashed, the table shows ours ÷ reference, and
   * the reference run itself is a run whose cost curves (Figure 3 from DeepSeek's kernels) draw.
   */
  @Test
  void referenceRunsAreDrawnDashedAndTheirCostCurvesCanBeViewed(@TempDir Path tmp)
      throws Exception {
    Path published = ReferenceRunsTest.publish(tmp, true);
    try (TestDashboard d = TestDashboard.over(tmp, List.of(published))) {
      open(d);
      // The default view: our GPU run, although the reference run beside it started later.
      assertThat(driver.findElement(By.id("run")).getAttribute("value"))
          .isEqualTo(ReferenceRunsTest.OURS_ID);
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .until(
              x ->
                  driver.findElement(By.id("kernel-reference")).getText().startsWith("Dashed")
                      && driver.findElements(By.cssSelector("#kernel-table tbody tr")).size() > 0);
      assertThat(driver.findElement(By.id("kernel-reference")).getText())
          .startsWith(
              "Dashed: the reference run "
                  + ReferenceRunsTest.REFERENCE_RUN_ID
                  + " (h200/reference.json,")
          .contains("flash_mla 1.0.0 (commit 9241ae3ef9bac614dd25e45e507e089f888280e0)");
      for (String chart : List.of("kernels-prefill", "kernels-decode")) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sets =
            (List<Map<String, Object>>)
                js.executeScript(
                    "const c = window.dsabench.charts[arguments[0]];"
                        + "return c.data.datasets.map((d, i) => ({label: d.label,"
                        + " dash: (d.borderDash || []).length, reference: !!d.reference,"
                        + " drawn: c.getDatasetMeta(i).data.length}));",
                    chart);
        List<Map<String, Object>> refs =
            sets.stream().filter(x -> Boolean.TRUE.equals(x.get("reference"))).toList();
        assertThat(refs).as(chart + " reference lines").hasSizeGreaterThanOrEqualTo(4);
        for (Map<String, Object> r : refs) {
          assertThat((String) r.get("label")).startsWith("reference ");
          assertThat(((Number) r.get("dash")).intValue())
              .as(r.get("label") + " dashed")
              .isPositive();
          assertThat(((Number) r.get("drawn")).intValue())
              .as(r.get("label") + " drawn")
              .isPositive();
        }
      }
      // The sparse stages' reference lines show, in their paler blue.
      assertThat(pixelsOf("kernels-prefill", 0x86b3f7))
          .as("prefill reference pixels")
          .isGreaterThan(100);
      assertThat(pixelsOf("kernels-decode", 0x86b3f7))
          .as("decode reference pixels")
          .isGreaterThan(100);
      String table = driver.findElement(By.id("kernel-table")).getText();
      assertThat(table).contains("ours ÷ reference").contains("masked").contains("×");
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(
          shot,
          SCREENSHOT.resolveSibling("dashboard-reference-screenshot.png"),
          StandardCopyOption.REPLACE_EXISTING);

      // The reference run is a run: listed with its backend, its cost curves drawn.
      assertThat(driver.findElement(By.id("runs")).getText())
          .contains(ReferenceRunsTest.REFERENCE_RUN_ID)
          .contains("2026-11-30T09:01:42Z")
          .contains("reference implementations (dsabench reference): no verdict");
      select(ReferenceRunsTest.REFERENCE_RUN_ID);
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .until(
              x ->
                  Boolean.TRUE.equals(
                          js.executeScript(
                              "const s = window.dsabench.state;"
                                  + " return !!s.lastCost && s.lastCost.run === arguments[0];",
                              ReferenceRunsTest.REFERENCE_RUN_ID))
                      && driver
                          .findElement(By.id("kernel-reference"))
                          .getText()
                          .startsWith("No reference run"));
      for (String chart : List.of("cost-prefill", "cost-decode")) {
        List<Map<String, Object>> ds = datasets(chart);
        assertThat(ds.get(0).get("label")).isEqualTo("V3.1 dense (DeepSeek's kernels)");
        assertThat(ds.get(1).get("label")).isEqualTo("V3.2 DSA (DeepSeek's kernels)");
        assertThat(((Number) ds.get(1).get("drawn")).intValue()).isEqualTo(129);
        assertThat(pixels(chart).get("blue")).as(chart + " V3.2 line pixels").isGreaterThan(100);
      }
      assertThat(driver.findElement(By.id("kernel-reference")).getText())
          .isEqualTo(
              "No reference run: this is a reference run: it is what the others are set against.");
      Path shot2 = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(
          shot2,
          SCREENSHOT.resolveSibling("dashboard-reference-run-screenshot.png"),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void aRunWithoutAReferenceSaysSoOnThePage(@TempDir Path tmp) throws Exception {
    Path published = ReferenceRunsTest.publish(tmp, false);
    try (TestDashboard d = TestDashboard.over(tmp, List.of(published))) {
      open(d);
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .until(x -> !driver.findElement(By.id("kernel-reference")).getText().isEmpty());
      assertThat(driver.findElement(By.id("kernel-reference")).getText())
          .isEqualTo(
              "No reference run: no reference run for NVIDIA H200: dsabench reference measures"
                  + " FlashMLA and cuDNN on it (out/reference/), or publish one as"
                  + " published/h200/reference.json.");
      assertThat(datasets("kernels-prefill")).isNotEmpty();
      assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();
    }
  }

  /**
   * The kernel charts over the frozen H200 run and a reference: position on a log2 axis with
   * 1K…128K ticks, each stage drawn once, the ceilings each in its own style with its name on the
   * chart, p10–p90 around every point, and a tooltip that lists every series at the position with
   * units.
   */
  @Test
  @SuppressWarnings("unchecked")
  void kernelChartsUseALog2AxisDrawEachStageOnceAndListEverySeriesInTheTooltip(@TempDir Path tmp)
      throws Exception {
    Path published = ReferenceRunsTest.publish(tmp, true);
    try (TestDashboard d = TestDashboard.over(tmp, List.of(published))) {
      open(d);
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .until(x -> driver.findElements(By.cssSelector("#kernel-table tbody tr")).size() > 0);
      for (String chart : List.of("kernels-prefill", "kernels-decode")) {
        Map<String, Object> c =
            (Map<String, Object>)
                js.executeScript(
                    "const c = window.dsabench.charts[arguments[0]];"
                        + "const sets = c.data.datasets;"
                        + "const ours = sets.filter(d => !d.reference && !d.ceiling);"
                        + "const bars = ours.every(d => d.data.every(p => p.low <= p.y * (1 + 1e-9)"
                        + "  && p.y <= p.high * (1 + 1e-9)));"
                        + "const i = sets.indexOf(ours[0]);"
                        + "const el = c.getDatasetMeta(i).data[1];"
                        // An event with "native" set is read at its own x, y (Chart.js's rule).
                        + "const items = c.getElementsAtEventForMode({type: 'mousemove', native:"
                        + " {type: 'mousemove'}, x: el.x, y: el.y}, 'x', {intersect: false}, false);"
                        + "c.tooltip.setActiveElements(items, {x: el.x, y: el.y}); c.update();"
                        + "const lines = c.tooltip.body.map(b => b.lines.join(' '));"
                        + "const atX = sets.filter(d => !d.ceiling && d.data.some(p =>"
                        + "  Math.abs(p.x - ours[0].data[1].x) < 1e-9)).length;"
                        + "return {ticks: c.scales.x.ticks.map(t => t.label), ours: ours.map(d =>"
                        + " d.label), ceilings: sets.filter(d => d.ceiling).map(d => d.ceiling + '|'"
                        + " + d.borderColor + '|' + d.borderDash.join(',')), bars: bars,"
                        + " lines: lines, atX: atX, title: c.tooltip.title.join(' ')};",
                    chart);
        assertThat((List<String>) c.get("ticks"))
            .as(chart)
            .containsExactly("1K", "2K", "4K", "8K", "16K", "32K", "64K", "128K");
        List<String> ours = (List<String>) c.get("ours");
        assertThat(ours).as(chart + ": each stage once").doesNotHaveDuplicates().isNotEmpty();
        assertThat(ours.stream().map(l -> l.replaceAll(" \\((TFLOP|TB)/s\\)$", "")))
            .as(chart + ": each stage once, whatever its unit")
            .doesNotHaveDuplicates();
        List<String> ceilings = (List<String>) c.get("ceilings");
        assertThat(ceilings).as(chart + " ceilings").isNotEmpty();
        assertThat(ceilings).allMatch(x -> x.contains("measured ceiling"));
        assertThat(ceilings.stream().map(x -> x.substring(x.indexOf('|'))))
            .as(chart + ": ceilings drawn distinct")
            .doesNotHaveDuplicates();
        assertThat(c.get("bars")).as(chart + ": p10-p90 around every point").isEqualTo(true);
        List<String> lines = (List<String>) c.get("lines");
        assertThat(lines)
            .as(chart + " tooltip")
            .hasSize(((Number) c.get("atX")).intValue())
            .hasSizeGreaterThanOrEqualTo(3)
            .allMatch(
                l -> l.matches(".*\\d (TFLOP|TB)/s( \\(p10–p90 .*\\))?$"), "a value with its unit");
        assertThat((String) c.get("title")).startsWith("position ");
      }
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(
          shot,
          SCREENSHOT.resolveSibling("dashboard-kernels-screenshot.png"),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void openAt(TestDashboard d, String pathAndQuery) {
    driver.get(d.uri(pathAndQuery).toString());
    new WebDriverWait(driver, Duration.ofSeconds(60))
        .until(
            x ->
                Boolean.TRUE.equals(
                    js.executeScript(
                        "return !!(window.dsabench && window.dsabench.state.ready);")));
  }

  private String value(String id) {
    return driver.findElement(By.id(id)).getAttribute("value");
  }

  private void set(String id, String v) {
    js.executeScript(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
            + " e.dispatchEvent(new Event(e.tagName === 'SELECT' ? 'change' : 'input'));",
        id,
        v);
  }

  /**
   * The view is in the URL: set run, hardware, price and a comparison with the controls, copy the
   * address, open it fresh, and the same view comes back; B is overlaid dotted on both cost charts
   * with a delta table of B against A.
   */
  @Test
  void aCopiedUrlOpensTheSameViewWithItsComparison(@TempDir Path tmp) throws Exception {
    Path published = ReferenceRunsTest.publish(tmp, true);
    try (TestDashboard d = TestDashboard.over(tmp, List.of(published))) {
      open(d);
      set("run", ReferenceRunsTest.REFERENCE_RUN_ID);
      set("hardware", "h200");
      set("price", "3.5");
      set("cmp-run", ReferenceRunsTest.OURS_ID);
      set("cmp-hardware", "b200");
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .until(
              x ->
                  Boolean.TRUE.equals(
                      js.executeScript(
                          "const s = window.dsabench.state; return !!s.lastCost && !!s.lastComparison"
                              + " && s.lastCost.priceUsdPerGpuHour === 3.5"
                              + " && s.lastComparison.hardware.id === 'b200';")));
      String url = (String) js.executeScript("return location.pathname + location.search;");
      assertThat(url)
          .isEqualTo(
              "/?run="
                  + ReferenceRunsTest.REFERENCE_RUN_ID
                  + "&hardware=h200&price=3.5&cmpRun="
                  + ReferenceRunsTest.OURS_ID
                  + "&cmpHardware=b200");
      assertThat(driver.findElement(By.id("share")).getAttribute("href")).endsWith(url);

      // A fresh page at the copied address: the same controls, the same curves.
      driver.get("about:blank");
      openAt(d, url);
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .until(
              x ->
                  Boolean.TRUE.equals(
                      js.executeScript(
                          "const s = window.dsabench.state;"
                              + " return !!s.lastCost && !!s.lastComparison;")));
      assertThat(value("run")).isEqualTo(ReferenceRunsTest.REFERENCE_RUN_ID);
      assertThat(value("hardware")).isEqualTo("h200");
      assertThat(value("price")).isEqualTo("3.5");
      assertThat(value("cmp-run")).isEqualTo(ReferenceRunsTest.OURS_ID);
      assertThat(value("cmp-hardware")).isEqualTo("b200");
      assertThat(value("cmp-price")).isEmpty();
      assertThat(js.executeScript("return window.dsabench.state.lastCost.run;"))
          .isEqualTo(ReferenceRunsTest.REFERENCE_RUN_ID);
      // B on the B200 without a price of its own: the B200's default price.
      double b200Price =
          ((Number)
                  js.executeScript(
                      "return window.dsabench.state.hardware.find(h => h.id === 'b200')"
                          + ".usdPerGpuHour;"))
              .doubleValue();
      assertThat(
              ((Number)
                      js.executeScript(
                          "return window.dsabench.state.lastComparison.priceUsdPerGpuHour;"))
                  .doubleValue())
          .isEqualTo(b200Price);

      // The overlay: A's two curves, B's two (dotted), the paper's two, on each chart.
      for (String chart : List.of("cost-prefill", "cost-decode")) {
        List<Map<String, Object>> ds = datasets(chart);
        assertThat(ds)
            .extracting(x -> x.get("label"))
            .hasSize(6)
            .contains("V3.1 dense (B)", "V3.2 DSA (B)");
        for (Map<String, Object> set : ds) {
          assertThat(((Number) set.get("drawn")).intValue())
              .as(set.get("label") + " drawn")
              .isPositive();
        }
      }
      // The delta table: each curve at 8K, 32K, 64K, 128K, B against A.
      assertThat(driver.findElement(By.id("compare")).isDisplayed()).isTrue();
      List<WebElement> rows = driver.findElements(By.cssSelector("#delta-table tbody tr"));
      assertThat(rows).hasSize(16);
      @SuppressWarnings("unchecked")
      Map<String, Object> check =
          (Map<String, Object>)
              js.executeScript(
                  "const s = window.dsabench.state;"
                      + "const a = s.lastCost.curves.find(c => c.id === 'decode_v3.2')"
                      + "  .points.find(p => p.position === 131072).usdPerMillionTokens;"
                      + "const b = s.lastComparison.curves.find(c => c.id === 'decode_v3.2')"
                      + "  .points.find(p => p.position === 131072).usdPerMillionTokens;"
                      + "const tr = document.querySelector('#delta-table tr[data-curve=\"decode_v3.2\"]"
                      + "[data-position=\"131072\"]');"
                      + "return {a: a, b: b, cells: [...tr.cells].map(c => c.textContent)};");
      double a = ((Number) check.get("a")).doubleValue();
      double b = ((Number) check.get("b")).doubleValue();
      @SuppressWarnings("unchecked")
      List<String> cells = (List<String>) check.get("cells");
      String change =
          (b >= a ? "+" : "−")
              + String.format(java.util.Locale.ROOT, "%.1f%%", Math.abs(100 * (b / a - 1)));
      assertThat(cells)
          .containsExactly("decode", "V3.2 DSA", "128K", cells.get(3), cells.get(4), change);
      assertThat(driver.findElement(By.id("compare-note")).getText())
          .startsWith("A: " + ReferenceRunsTest.REFERENCE_RUN_ID + " on NVIDIA H200")
          .contains("B: " + ReferenceRunsTest.OURS_ID + " on NVIDIA B200");
      Files.copy(
          ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(),
          SCREENSHOT.resolveSibling("dashboard-compare-screenshot.png"),
          StandardCopyOption.REPLACE_EXISTING);

      // A link to a run that is not here says so and shows the default instead.
      driver.get("about:blank");
      openAt(d, "/?run=no-such-run&price=3");
      assertThat(value("run")).isEqualTo(ReferenceRunsTest.OURS_ID);
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .until(x -> driver.findElement(By.id("error")).isDisplayed());
      assertThat(driver.findElement(By.id("error")).getText())
          .isEqualTo(
              "run: 'no-such-run' from the link is not a run here; showing "
                  + ReferenceRunsTest.OURS_ID
                  + " instead");
      assertThat(value("price")).isEqualTo("3");
    }
  }

  /**
   * What the page's layout promises at a phone's 390 × 844 and a laptop's 1440 × 1000: the document
   * never scrolls sideways (wide tables scroll inside their own box), every control is on screen,
   * and every chart is drawn inside its column.
   */
  @SuppressWarnings("unchecked")
  private Map<String, Object> layout() {
    return (Map<String, Object>)
        js.executeScript(
            "const w = window.innerWidth, doc = document.documentElement;"
                + "const off = [];"
                + "for (const el of document.querySelectorAll('select, input, .controls label,"
                + " figure, h1, header nav')) {"
                + "  const r = el.getBoundingClientRect();"
                + "  if (r.width > 0 && (r.left < -0.5 || r.right > w + 0.5)) off.push(el.id ||"
                + " el.tagName + ' ' + el.textContent.slice(0, 30)); }"
                + "const charts = {};"
                + "for (const [id, c] of Object.entries(window.dsabench.charts)) {"
                + "  const box = c.canvas.parentElement.getBoundingClientRect();"
                + "  const drawn = c.data.datasets.reduce((n, d, i) =>"
                + "    n + c.getDatasetMeta(i).data.length, 0);"
                + "  charts[id] = {width: c.width, box: Math.round(box.width), drawn: drawn,"
                + "    right: Math.round(c.canvas.getBoundingClientRect().right)}; }"
                + "return {inner: w, scroll: doc.scrollWidth, body: document.body.scrollWidth,"
                + " off: off, charts: charts};");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theLayoutFitsAPhoneAndAWideScreen(@TempDir Path tmp) throws Exception {
    Path published = ReferenceRunsTest.publish(tmp, true);
    org.openqa.selenium.Dimension before = driver.manage().window().getSize();
    try (TestDashboard d = TestDashboard.over(tmp, List.of(published))) {
      for (int[] size : new int[][] {{390, 844}, {1440, 1000}}) {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(size[0], size[1]));
        open(d);
        new WebDriverWait(driver, Duration.ofSeconds(30))
            .until(x -> driver.findElements(By.cssSelector("#kernel-table tbody tr")).size() > 0);
        Map<String, Object> l = layout();
        String at = size[0] + "x" + size[1];
        long inner = ((Number) l.get("inner")).longValue();
        assertThat(inner).as(at + " viewport").isBetween(size[0] - 20L, (long) size[0]);
        assertThat(((Number) l.get("scroll")).longValue())
            .as(at + ": the document is no wider than the window")
            .isLessThanOrEqualTo(inner);
        assertThat((List<?>) l.get("off")).as(at + ": elements off screen").isEmpty();
        Map<String, Map<String, Object>> charts =
            (Map<String, Map<String, Object>>) l.get("charts");
        assertThat(charts.keySet())
            .containsExactlyInAnyOrder(
                "cost-prefill", "cost-decode", "kernels-prefill", "kernels-decode");
        charts.forEach(
            (id, c) -> {
              assertThat(((Number) c.get("drawn")).intValue())
                  .as(at + " " + id + " drawn")
                  .isPositive();
              assertThat(((Number) c.get("width")).intValue())
                  .as(at + " " + id + " width")
                  .isPositive()
                  .isLessThanOrEqualTo(((Number) c.get("box")).intValue() + 1);
              assertThat(((Number) c.get("right")).longValue())
                  .as(at + " " + id + " inside the window")
                  .isLessThanOrEqualTo(inner);
            });
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(
            shot,
            SCREENSHOT.resolveSibling("dashboard-" + at + ".png"),
            StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      driver.manage().window().setSize(before);
    }
  }

  @Test
  void badPriceShowsTheApisMessage(@TempDir Path tmp) throws Exception {
    try (TestDashboard d = TestDashboard.withRuns(tmp)) {
      open(d);
      js.executeScript(
          "const p = document.getElementById('price'); p.value = '5000';"
              + " p.dispatchEvent(new Event('input'));");
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .until(x -> driver.findElement(By.id("error")).isDisplayed());
      assertThat(driver.findElement(By.id("error")).getText())
          .isEqualTo(
              "price: '5000' is not a price: a plain decimal of USD per GPU-hour above 0 and at"
                  + " most 1000");
    }
  }

  @Test
  void withNoResultsThePageSaysHowToGetSome(@TempDir Path tmp) throws Exception {
    try (TestDashboard d = TestDashboard.empty(tmp)) {
      open(d);
      WebElement empty = driver.findElement(By.id("empty"));
      assertThat(empty.isDisplayed()).isTrue();
      assertThat(empty.getText()).contains("make bench");
      // Only the paper's curves, but still drawn.
      for (String chart : List.of("cost-prefill", "cost-decode")) {
        List<Map<String, Object>> ds = datasets(chart);
        assertThat(ds).hasSize(2);
        assertThat((String) ds.get(0).get("label")).startsWith("Figure 3");
        assertThat(pixels(chart).get("ink")).isGreaterThan(1000);
      }
      assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(
          shot,
          SCREENSHOT.resolveSibling("dashboard-empty-screenshot.png"),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
