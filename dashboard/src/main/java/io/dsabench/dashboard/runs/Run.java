package io.dsabench.dashboard.runs;

import io.dsabench.model.BadInputException;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One results file the store has read.
 *
 * @param id the id requests use: the harness's run id ({@code 20261130T100938Z-h200-d51ebef}), made
 *     URL-safe, with a suffix when two files hold the same run
 * @param file where it was read from (never shown to clients beyond its path under its root)
 * @param relativePath the file's path under its scan root, with forward slashes
 * @param publishedDevice the device directory of a published run ({@code h200}), else null
 * @param modified when the file was last written
 * @param results its contents
 */
public record Run(
    String id,
    Path file,
    String relativePath,
    String publishedDevice,
    Instant modified,
    Results results) {
  public Run {
    if (id == null || id.isBlank()) {
      throw new BadInputException("id: must not be blank");
    }
    if (file == null || results == null || modified == null) {
      throw new BadInputException("run " + id + ": file, modified and results must be set");
    }
  }

  /** Whether this run was published (reports/published/&lt;device&gt;/). */
  public boolean published() {
    return publishedDevice != null;
  }

  /**
   * Whether this is a reference run ({@code dsabench reference}: DeepSeek's FlashMLA, PyTorch's
   * cuDNN attention, ... on the same GPU), not one of dsabench's own kernels.
   */
  public boolean reference() {
    return "reference".equals(results.run().backend());
  }

  /** Published device directory, if any. */
  public Optional<String> publishedDeviceKey() {
    return Optional.ofNullable(publishedDevice);
  }

  /** When the run started (its {@code startedAt}), else when its file was last written. */
  public Instant started() {
    String at = results.run().startedAt();
    if (at != null) {
      try {
        return Instant.parse(at);
      } catch (java.time.format.DateTimeParseException e) {
        // written by hand or by another tool: fall back to the file
      }
    }
    return modified;
  }

  /** {@link #started} in ISO-8601 to the second, UTC: {@code 2026-11-30T10:09:38Z}. */
  public String startedIso() {
    return started().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  /** Points with the given status. */
  public long count(PointStatus status) {
    return results.points().stream().filter(p -> p.status() == status).count();
  }

  /** The measured device's name, or the backend when the run recorded none. */
  public String deviceName() {
    var d = results.run().device();
    return d == null || d.name() == null ? results.run().backend() : d.name();
  }
}
