package io.dsabench.dashboard.runs;

import io.dsabench.costmodel.results.PointStatus;
import io.dsabench.costmodel.results.Results;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One results file the store has read.
 *
 * @param id the id requests use ({@code published-h200}, or the harness's run id)
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
      throw new IllegalArgumentException("id: must not be blank");
    }
    if (file == null || results == null || modified == null) {
      throw new IllegalArgumentException("run " + id + ": file, modified and results must be set");
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
