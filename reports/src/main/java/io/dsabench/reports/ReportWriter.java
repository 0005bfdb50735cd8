package io.dsabench.reports;

import io.dsabench.model.results.ResultsIO;
import io.dsabench.reports.model.ReportData;
import io.dsabench.reports.render.CsvRenderer;
import io.dsabench.reports.render.HtmlRenderer;
import io.dsabench.reports.render.JsonRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Writes reports. {@link #write(ReportInput, Path)} is what {@code dsabench report} calls; {@link
 * #html(ReportData)} renders a page in memory (the dashboard serves it).
 */
public final class ReportWriter {
  private ReportWriter() {}

  /**
   * Costs the input's results and writes {@code html} with its CSV and JSON beside it (see {@link
   * ReportFiles#beside}). Each file is written atomically.
   */
  public static ReportFiles write(ReportInput input, Path html) throws IOException {
    return write(input, ReferenceInput.none(ReportData.NO_REFERENCE), html);
  }

  /**
   * As {@link #write(ReportInput, Path)}, with our kernels set against a reference run (DeepSeek's
   * FlashMLA, PyTorch's cuDNN attention, ... on the same GPU) that the caller paired, or with the
   * reason there is none, shown where the reference column would be.
   */
  public static ReportFiles write(ReportInput input, ReferenceInput reference, Path html)
      throws IOException {
    return write(ReportBuilder.build(input, reference), html);
  }

  /** Writes an already computed report. */
  public static ReportFiles write(ReportData data, Path html) throws IOException {
    ReportFiles files = ReportFiles.beside(html);
    // Data files first: a reader who sees the page can rely on the numbers beside it.
    ResultsIO.writeAtomically(
        files.json(), JsonRenderer.pretty(data).getBytes(StandardCharsets.UTF_8));
    ResultsIO.writeAtomically(
        files.csv(), CsvRenderer.render(data).getBytes(StandardCharsets.UTF_8));
    ResultsIO.writeAtomically(files.html(), html(data).getBytes(StandardCharsets.UTF_8));
    for (Path p : List.of(files.json(), files.csv(), files.html())) {
      readableByAll(p);
    }
    return files;
  }

  // Temp files are created owner-only; a report is meant to be passed around and served.
  private static void readableByAll(Path p) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: its default permissions apply.
    }
  }

  /** The report's numbers, computed by the cost model. */
  public static ReportData data(ReportInput input) {
    return data(input, ReferenceInput.none(ReportData.NO_REFERENCE));
  }

  /** The report's numbers, with our kernels set against {@code reference}. */
  public static ReportData data(ReportInput input, ReferenceInput reference) {
    return ReportBuilder.build(input, reference);
  }

  /** The self-contained page for {@code data}. */
  public static String html(ReportData data) {
    return HtmlRenderer.render(data);
  }
}
