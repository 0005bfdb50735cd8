package io.dsabench.harness;

import io.dsabench.model.BadInputException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;

/**
 * Where the published runs are: {@code <dir>/<device>/results.json} (and the device's reference run
 * as {@code reference.json} beside it), the folder that ships with the tool. {@code bench}, {@code
 * report} and {@code serve} look here for the run a verdict is against, so they must find the same
 * folder from any working directory: by default it is found from the installation itself, the
 * folder that holds the running jar or classes ({@code <checkout>/cli/target/dsabench.jar}, a
 * bundle's {@code dist/lib/dsabench.jar}, a module's {@code target/classes}), walking up to the
 * first {@code reports/published}. {@code -Ddsabench.published=DIR} or a command's {@code
 * --published DIR} names another.
 */
public final class PublishedRuns {
  /** System property naming the folder; a command's {@code --published} wins over it. */
  public static final String PROPERTY = "dsabench.published";

  /** How far up from the code's location the walk looks for {@code reports/published}. */
  private static final int MAX_UP = 5;

  private final Path dir;
  private final String foundBy;

  private PublishedRuns(Path dir, String foundBy) {
    this.dir = dir.toAbsolutePath().normalize();
    this.foundBy = foundBy;
  }

  /** The runs published in {@code dir} (as a {@code --published DIR} names it). */
  public static PublishedRuns at(Path dir) {
    if (dir == null) {
      throw new BadInputException("published: no folder given");
    }
    return new PublishedRuns(dir, "--published");
  }

  /** {@code option} when given, else {@link #installed()}. */
  public static PublishedRuns of(Path option) {
    return option != null ? at(option) : installed();
  }

  /**
   * The installation's: {@code -Ddsabench.published}, else the {@code reports/published} found
   * upward from this code's location, else {@code reports/published} under the working directory
   * (which may not exist: then nothing is published).
   */
  public static PublishedRuns installed() {
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      return new PublishedRuns(Path.of(property), "-D" + PROPERTY);
    }
    Optional<Path> found = fromCodeLocation();
    return found
        .map(p -> new PublishedRuns(p, "the installation"))
        .orElseGet(
            () -> new PublishedRuns(Path.of("reports", "published"), "the working directory"));
  }

  private static Optional<Path> fromCodeLocation() {
    CodeSource source = PublishedRuns.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    Path at;
    try {
      at = Path.of(source.getLocation().toURI()).toAbsolutePath();
    } catch (URISyntaxException
        | IllegalArgumentException
        | java.nio.file.FileSystemNotFoundException e) {
      return Optional.empty(); // not a file (a custom class loader): fall back
    }
    for (int up = 0; at != null && up <= MAX_UP; up++, at = at.getParent()) {
      Path candidate = at.resolve("reports").resolve("published");
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The folder, absolute. */
  public Path dir() {
    return dir;
  }

  /** How the folder was chosen, for messages: {@code --published}, {@code the installation}… */
  public String foundBy() {
    return foundBy;
  }

  /** {@code <dir>/<device>/<name>}, whether or not it exists. */
  public Path file(String device, String name) {
    return dir.resolve(device).resolve(name);
  }

  /** The published run of a device ({@code h200}), if there is one. */
  public Optional<Path> results(String device) {
    return existing(file(device, "results.json"));
  }

  /** The published reference run of a device, if there is one. */
  public Optional<Path> reference(String device) {
    return existing(file(device, "reference.json"));
  }

  private static Optional<Path> existing(Path p) {
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  @Override
  public String toString() {
    return dir + " (from " + foundBy + ")";
  }
}
