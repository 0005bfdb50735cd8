package io.dsabench.reports;

import io.dsabench.model.BadInputException;
import java.nio.file.Path;

/** The three files one report writes: the page and the same numbers as CSV and JSON beside it. */
public record ReportFiles(Path html, Path csv, Path json) {
  /** {@code dir/name.html} → {@code dir/name.csv} and {@code dir/name.json}. */
  public static ReportFiles beside(Path html) {
    String name = html.getFileName().toString();
    if (!name.endsWith(".html")) {
      throw new BadInputException("out: '" + html + "' does not end in .html");
    }
    String stem = name.substring(0, name.length() - ".html".length());
    if (stem.isEmpty()) {
      throw new BadInputException("out: '" + html + "' has no name before .html");
    }
    return new ReportFiles(
        html, html.resolveSibling(stem + ".csv"), html.resolveSibling(stem + ".json"));
  }
}
