package io.dsabench.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.print.PageSize;
import org.openqa.selenium.print.PrintOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The report printed by Chromium to A4 PDF: one section per page, charts kept on the page. */
class PrintTest {
  private static final Pattern PAGE = Pattern.compile("/Type\\s*/Page(?![s\\w])");

  @Test
  @Timeout(120)
  void printsOnA4WithEachSectionOnItsOwnPage(@TempDir Path dir) throws Exception {
    ReportFiles files = ReportWriter.write(SyntheticReport.data(), dir.resolve("report.html"));
    try (Chromium chromium = new Chromium(1280, 1000)) {
      var driver = chromium.driver;
      driver.get(files.html().toUri().toString());
      new WebDriverWait(driver, Duration.ofSeconds(30))
          .until(
              d -> d.findElement(By.tagName("body")).getDomAttribute("data-charts-drawn") != null);
      PrintOptions a4 = new PrintOptions();
      a4.setPageSize(new PageSize(29.7, 21.0)); // centimetres: A4 portrait
      a4.setBackground(false);
      byte[] pdf = Base64.getDecoder().decode(driver.print(a4).getContent());
      Path shots = Path.of("target", "screenshots", "print");
      Files.createDirectories(shots);
      Files.write(shots.resolve("report.pdf"), pdf);
      // Seven sections, each starting a page; the kernel tables take more than one.
      long pages = PAGE.matcher(new String(pdf, StandardCharsets.ISO_8859_1)).results().count();
      assertThat(pages).isGreaterThanOrEqualTo(7);

      // What the print layout looks like, for a person: the page under print media rules.
      driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
      String bg =
          (String) driver.executeScript("return getComputedStyle(document.body).backgroundColor");
      assertThat(bg).isIn("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)");
      String breakBefore =
          (String)
              driver.executeScript(
                  "return getComputedStyle(document.getElementById('kernels')).breakBefore");
      assertThat(breakBefore).isEqualTo("page");
      driver.executeScript("document.getElementById('curves').scrollIntoView()");
      Files.write(
          shots.resolve("print-media-curves.png"),
          driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }
  }
}
