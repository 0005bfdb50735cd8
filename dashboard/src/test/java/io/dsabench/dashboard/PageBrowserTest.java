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
          .contains("REGRESSION vs published-h200")
          .contains("published reference run");
      assertThat(driver.findElement(By.id("kernel-table")).getText()).contains("744 TFLOP/s");
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(
          shot,
          SCREENSHOT.resolveSibling("dashboard-synthetic-screenshot.png"),
          StandardCopyOption.REPLACE_EXISTING);
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
          .isEqualTo("price: '5000' is not between 0 and 1000 USD per GPU-hour");
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
