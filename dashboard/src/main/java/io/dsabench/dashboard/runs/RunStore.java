package io.dsabench.dashboard.runs;

import io.dsabench.costmodel.results.Results;
import io.dsabench.costmodel.results.ResultsFormatException;
import io.dsabench.costmodel.results.ResultsIO;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scans result directories for {@code results.json} files (and the {@code reference.json} a
 * reference run is published under) and keeps what it read. Rescans at most once per {@code
 * rescanInterval} (a page polls, a load test hammers, the disk should not notice) and re-reads a
 * file only when its size or modification time changed. Thread-safe.
 */
public final class RunStore {
  /** The file name a run is stored under. */
  public static final String RESULTS_FILE = "results.json";

  /**
   * The file name a reference run is published under, beside its device's {@code results.json}
   * ({@code dsabench reference} itself writes {@code out/reference/results.json}).
   */
  public static final String REFERENCE_FILE = "reference.json";

  /** How deep below a root a results file may be: out/&lt;name&gt;/&lt;sub&gt;/results.json. */
  private static final int MAX_DEPTH = 5;

  private final List<Path> roots;
  private final Clock clock;
  private final Duration rescanInterval;
  private final Map<Path, Cached> cache = new HashMap<>();
  private Snapshot snapshot = new Snapshot(List.of(), List.of(), Instant.EPOCH);

  /**
   * @param roots directories to scan; missing ones are fine (no results yet)
   * @param clock time source for the rescan interval
   * @param rescanInterval minimum time between two directory walks
   */
  public RunStore(List<Path> roots, Clock clock, Duration rescanInterval) {
    if (roots == null || roots.isEmpty()) {
      throw new IllegalArgumentException("roots: no directory given to scan for results.json");
    }
    this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    this.clock = clock;
    this.rescanInterval = rescanInterval;
  }

  /** The scanned roots, absolute. */
  public List<Path> roots() {
    return roots;
  }

  /** Every readable run, newest first (by when it started, not when its file was written). */
  public List<Run> runs() {
    return current().runs();
  }

  /** Files that look like results but could not be read, with the reason. */
  public List<Problem> problems() {
    return current().problems();
  }

  /**
   * The run with this id, if any. {@code published-<device>} and {@code
   * published-<device>-reference} name the device's published run and reference run, whichever they
   * are now (the ids earlier versions gave them, so links made then still open).
   */
  public Optional<Run> find(String id) {
    Optional<Run> exact = runs().stream().filter(r -> r.id().equals(id)).findFirst();
    if (exact.isPresent() || !id.startsWith(PUBLISHED_ALIAS)) {
      return exact;
    }
    String device = id.substring(PUBLISHED_ALIAS.length());
    return device.endsWith(REFERENCE_ALIAS)
        ? publishedReference(device.substring(0, device.length() - REFERENCE_ALIAS.length()))
        : published(device);
  }

  private static final String PUBLISHED_ALIAS = "published-";
  private static final String REFERENCE_ALIAS = "-reference";

  /** The published run for a device directory ({@code h200}), if any. */
  public Optional<Run> published(String deviceKey) {
    return runs().stream()
        .filter(r -> deviceKey.equals(r.publishedDevice()) && !r.reference())
        .findFirst();
  }

  /** The published reference run for a device directory ({@code h200}), if any. */
  public Optional<Run> publishedReference(String deviceKey) {
    return runs().stream()
        .filter(r -> deviceKey.equals(r.publishedDevice()) && r.reference())
        .findFirst();
  }

  /** Rescans now, ignoring the interval (tests, and after a run finishes). */
  public synchronized void refresh() {
    snapshot = scan();
  }

  private synchronized Snapshot current() {
    if (Duration.between(snapshot.at(), clock.instant()).compareTo(rescanInterval) >= 0) {
      snapshot = scan();
    }
    return snapshot;
  }

  private Snapshot scan() {
    Instant now = clock.instant();
    List<Problem> problems = new ArrayList<>();
    List<Found> found = new ArrayList<>();
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      Path realRoot;
      try {
        realRoot = root.toRealPath();
      } catch (IOException e) {
        problems.add(new Problem(root.toString(), "cannot resolve: " + e.getMessage()));
        continue;
      }
      List<Path> files = new ArrayList<>();
      try {
        // No FOLLOW_LINKS: the walk stays in the tree it was given.
        Files.walkFileTree(
            root,
            EnumSet.noneOf(FileVisitOption.class),
            MAX_DEPTH,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                String name = f.getFileName().toString();
                if (a.isRegularFile()
                    && (name.equals(RESULTS_FILE) || name.equals(REFERENCE_FILE))) {
                  files.add(f);
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path f, IOException e) {
                // A sweep's temp file can vanish between listing and visiting: not a problem.
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        problems.add(new Problem(root.toString(), "cannot be scanned: " + e.getMessage()));
        continue;
      }
      files.sort(null);
      for (Path file : files) {
        try {
          Path real = file.toRealPath();
          if (!real.startsWith(realRoot)) {
            problems.add(new Problem(relative(root, file), "leads outside " + root + "; not read"));
            continue;
          }
          BasicFileAttributes attrs =
              Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          Cached c = cache.get(real);
          if (c == null
              || c.size() != attrs.size()
              || !c.modified().equals(attrs.lastModifiedTime().toInstant())) {
            c = read(real);
            cache.put(real, c);
          }
          if (c.error() != null) {
            problems.add(new Problem(relative(root, file), c.error()));
          } else {
            found.add(new Found(root, file, c));
          }
        } catch (IOException e) {
          problems.add(new Problem(relative(root, file), "cannot be read: " + e.getMessage()));
        }
      }
    }
    return new Snapshot(assignIds(found), List.copyOf(problems), now);
  }

  private static Cached read(Path file) throws IOException {
    var attrs = Files.readAttributes(file, BasicFileAttributes.class);
    try {
      return new Cached(attrs.size(), attrs.lastModifiedTime().toInstant(), ResultsIO.read(file));
    } catch (ResultsFormatException e) {
      // The message already names the file; keep only the problem for the page.
      String m = e.getMessage();
      int colon = m.indexOf(": ");
      return new Cached(
          attrs.size(),
          attrs.lastModifiedTime().toInstant(),
          colon >= 0 ? m.substring(colon + 2) : m);
    }
  }

  private static List<Run> assignIds(List<Found> found) {
    Map<String, Run> byId = new LinkedHashMap<>();
    // Each run is known by the id the harness gave it. Published runs first, so that a local copy
    // of a published file is the one that gets a suffix.
    List<Found> ordered = new ArrayList<>(found);
    ordered.sort(Comparator.comparing((Found f) -> publishedDevice(f.file()) == null));
    for (Found f : ordered) {
      String device = publishedDevice(f.file());
      String base = sanitize(f.cached().results().run().id());
      String id = base;
      for (int i = 2; byId.containsKey(id); i++) {
        id = base + "-" + i;
      }
      byId.put(
          id,
          new Run(
              id,
              f.file(),
              relative(f.root(), f.file()),
              device,
              f.cached().modified(),
              f.cached().results()));
    }
    List<Run> runs = new ArrayList<>(byId.values());
    // A copied file is new on disk but not a new run: order by when the run started.
    runs.sort(
        Comparator.comparing(Run::started)
            .thenComparing(Run::modified)
            .reversed()
            .thenComparing(Run::id));
    return List.copyOf(runs);
  }

  /**
   * {@code .../published/<device>/results.json} (or {@code reference.json}) → device, else null.
   */
  static String publishedDevice(Path file) {
    Path dir = file.getParent();
    if (dir == null || dir.getParent() == null || dir.getParent().getFileName() == null) {
      return null;
    }
    return dir.getParent().getFileName().toString().equals("published")
        ? dir.getFileName().toString()
        : null;
  }

  /** Ids appear in URLs: keep them to characters that need no encoding. */
  static String sanitize(String raw) {
    String s = raw.replaceAll("[^A-Za-z0-9._-]", "-");
    if (s.isEmpty() || s.chars().allMatch(ch -> ch == '.')) {
      return "run";
    }
    return s;
  }

  private static String relative(Path root, Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }

  /** A results file that could not be read. */
  public record Problem(String path, String reason) {}

  private record Found(Path root, Path file, Cached cached) {}

  private record Snapshot(List<Run> runs, List<Problem> problems, Instant at) {}

  private record Cached(long size, Instant modified, Results results, String error) {
    Cached(long size, Instant modified, Results results) {
      this(size, modified, results, null);
    }

    Cached(long size, Instant modified, String error) {
      this(size, modified, null, error);
    }
  }
}
