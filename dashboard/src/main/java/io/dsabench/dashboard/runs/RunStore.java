package io.dsabench.dashboard.runs;

import io.dsabench.model.BadInputException;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsFormatException;
import io.dsabench.model.results.ResultsIO;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Scans result directories for {@code results.json} files (and the {@code reference.json} a
 * reference run is published under) and keeps what it read. Rescans at most once per {@code
 * rescanInterval} (a page polls, a load test hammers, the disk should not notice) and re-reads a
 * file only when its size or modification time changed. Thread-safe.
 *
 * <p>Bounded: a file above {@link Limits#maxFileBytes} is listed as a problem and never read (a 200
 * MB file would hold gigabytes of objects and seconds of parsing), at most {@link Limits#maxFiles}
 * files are read, and a file that is gone leaves the cache at the next scan. A rescan runs on one
 * request's thread while every other request is answered from the previous scan, so a slow disk or
 * a large file delays one answer, not all of them.
 *
 * <p>Ids are stable: the file that got an id keeps it for as long as it holds the same run, however
 * many files are added beside it.
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

  /**
   * What the store holds at most.
   *
   * @param maxFileBytes a results file larger than this is not read (a problem says so)
   * @param maxFiles results files read over all roots; the rest are a problem
   */
  public record Limits(long maxFileBytes, int maxFiles) {
    /** 32 MiB a file (a full published sweep is about 0.3 MB), 1000 files. */
    public static final Limits DEFAULT = new Limits(32L << 20, 1000);

    public Limits {
      if (maxFileBytes < 1) {
        throw new BadInputException(
            "max-results-mb: " + maxFileBytes + " bytes is not a positive size");
      }
      if (maxFiles < 1) {
        throw new BadInputException("maxFiles: " + maxFiles + " is not a positive count");
      }
    }
  }

  private final List<Path> roots;
  private final List<String> rootNames;
  private final Clock clock;
  private final Duration rescanInterval;
  private final Limits limits;
  private final Map<Path, Cached> cache = new HashMap<>();
  // Sticky ids: the file that got one keeps it while it holds the run it was given for.
  private final Map<Path, StickyId> ids = new HashMap<>();
  private final ReentrantLock scanning = new ReentrantLock();
  private volatile Snapshot snapshot = new Snapshot(List.of(), List.of(), Instant.EPOCH);

  /**
   * @param roots directories to scan; missing ones are fine (no results yet)
   * @param clock time source for the rescan interval
   * @param rescanInterval minimum time between two directory walks
   */
  public RunStore(List<Path> roots, Clock clock, Duration rescanInterval) {
    this(roots, clock, rescanInterval, Limits.DEFAULT);
  }

  /**
   * @param roots directories to scan; missing ones are fine (no results yet)
   * @param clock time source for the rescan interval
   * @param rescanInterval minimum time between two directory walks
   * @param limits what the store reads at most
   */
  public RunStore(List<Path> roots, Clock clock, Duration rescanInterval, Limits limits) {
    if (roots == null || roots.isEmpty()) {
      throw new BadInputException("roots: no directory given to scan for results.json");
    }
    this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    // What clients see of a root: as given when relative, else its last name (never the server's
    // absolute paths).
    this.rootNames =
        roots.stream()
            .map(
                p ->
                    p.isAbsolute() || p.normalize().startsWith("..")
                        ? String.valueOf(p.toAbsolutePath().normalize().getFileName())
                        : p.normalize().toString().replace('\\', '/'))
            .toList();
    this.clock = clock;
    this.rescanInterval = rescanInterval;
    this.limits = limits;
  }

  /** The scanned roots, absolute (the server's view; clients get {@link #rootNames}). */
  public List<Path> roots() {
    return roots;
  }

  /** The roots as clients may see them: relative as given, else the folder's own name. */
  public List<String> rootNames() {
    return rootNames;
  }

  /** What the store reads at most. */
  public Limits limits() {
    return limits;
  }

  /** How many files the cache holds (tests: deleted files must leave it). */
  int cachedFiles() {
    scanning.lock();
    try {
      return cache.size();
    } finally {
      scanning.unlock();
    }
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
  public void refresh() {
    scanning.lock();
    try {
      snapshot = scan();
    } finally {
      scanning.unlock();
    }
  }

  private Snapshot current() {
    Snapshot s = snapshot;
    if (Duration.between(s.at(), clock.instant()).compareTo(rescanInterval) < 0) {
      return s;
    }
    // Before the first scan there is nothing to answer from: wait for it. After, one request
    // rescans and the others take the snapshot they have.
    if (s.at().equals(Instant.EPOCH)) {
      scanning.lock();
    } else if (!scanning.tryLock()) {
      return s;
    }
    try {
      // The very snapshot this caller saw, not an equal one: another scan may have replaced it.
      @SuppressWarnings("ReferenceEquality")
      boolean unchanged = snapshot == s;
      if (unchanged) {
        snapshot = scan();
      }
      return snapshot;
    } finally {
      scanning.unlock();
    }
  }

  private Snapshot scan() {
    Instant now = clock.instant();
    List<Problem> problems = new ArrayList<>();
    List<Found> found = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    int read = 0;
    for (int r = 0; r < roots.size(); r++) {
      Path root = roots.get(r);
      String rootName = rootNames.get(r);
      if (!Files.isDirectory(root)) {
        continue;
      }
      Path realRoot;
      try {
        realRoot = root.toRealPath();
      } catch (IOException e) {
        problems.add(new Problem(rootName, "cannot resolve: " + reason(e)));
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
        problems.add(new Problem(rootName, "cannot be scanned: " + reason(e)));
        continue;
      }
      files.sort(null);
      for (Path file : files) {
        try {
          Path real = file.toRealPath();
          if (!real.startsWith(realRoot)) {
            problems.add(
                new Problem(relative(root, file), "leads outside " + rootName + "; not read"));
            continue;
          }
          BasicFileAttributes attrs =
              Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (attrs.size() > limits.maxFileBytes()) {
            problems.add(
                new Problem(
                    relative(root, file),
                    String.format(
                        Locale.ROOT,
                        "is %.1f MB, above the dashboard's limit of %.1f MB a file (serve"
                            + " --max-results-mb); not read",
                        attrs.size() / 1048576.0,
                        limits.maxFileBytes() / 1048576.0)));
            continue;
          }
          if (read >= limits.maxFiles()) {
            problems.add(
                new Problem(
                    relative(root, file),
                    "not read: the dashboard reads at most " + limits.maxFiles() + " files"));
            continue;
          }
          read++;
          seen.add(real);
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
            found.add(new Found(root, file, real, c));
          }
        } catch (IOException e) {
          problems.add(new Problem(relative(root, file), "cannot be read: " + reason(e)));
        }
      }
    }
    // Files that are gone (or now too large) leave the cache and give up their ids.
    cache.keySet().retainAll(seen);
    ids.keySet().retainAll(seen);
    return new Snapshot(assignIds(found), List.copyOf(problems), now);
  }

  /** An I/O failure's reason without the absolute path it usually repeats. */
  private static String reason(IOException e) {
    return e instanceof java.nio.file.FileSystemException f && f.getReason() != null
        ? f.getReason()
        : e.getClass().getSimpleName();
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

  private List<Run> assignIds(List<Found> found) {
    Map<String, Found> byId = new LinkedHashMap<>();
    // By identity: two files may hold equal Found values and still need one id each.
    @SuppressWarnings("IdentityHashMapUsage")
    Map<Found, String> idOf = new java.util.IdentityHashMap<>();
    List<Found> fresh = new ArrayList<>();
    // Files that had an id keep it, as long as they hold the run it was made from.
    for (Found f : found) {
      StickyId sticky = ids.get(f.real());
      if (sticky != null && sticky.base().equals(base(f)) && !byId.containsKey(sticky.id())) {
        byId.put(sticky.id(), f);
        idOf.put(f, sticky.id());
      } else {
        fresh.add(f);
      }
    }
    // New files: published ones first, so that a local copy of a published run gets the suffix.
    fresh.sort(Comparator.comparing((Found f) -> publishedDevice(f.file()) == null));
    for (Found f : fresh) {
      String base = base(f);
      String id = base;
      for (int i = 2; byId.containsKey(id) || reserved(id, f); i++) {
        id = base + "-" + i;
      }
      byId.put(id, f);
      idOf.put(f, id);
      ids.put(f.real(), new StickyId(base, id));
    }
    List<Run> runs = new ArrayList<>();
    for (Found f : found) {
      String device = publishedDevice(f.file());
      runs.add(
          new Run(
              idOf.get(f),
              f.file(),
              relative(f.root(), f.file()),
              device,
              f.cached().modified(),
              f.cached().results()));
    }
    // A copied file is new on disk but not a new run: order by when the run started.
    runs.sort(
        Comparator.comparing(Run::started)
            .thenComparing(Run::modified)
            .reversed()
            .thenComparing(Run::id));
    return List.copyOf(runs);
  }

  /** Whether another file that is still here holds {@code id}: a new file must not take it. */
  private boolean reserved(String id, Found f) {
    for (var e : ids.entrySet()) {
      if (e.getValue().id().equals(id) && !e.getKey().equals(f.real())) {
        return true;
      }
    }
    return false;
  }

  /** A run is known by the id the harness gave it (published-<device> still finds it). */
  private static String base(Found f) {
    return sanitize(f.cached().results().run().id());
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

  private record Found(Path root, Path file, Path real, Cached cached) {}

  private record StickyId(String base, String id) {}

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
