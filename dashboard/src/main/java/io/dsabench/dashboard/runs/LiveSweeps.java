package io.dsabench.dashboard.runs;

import io.dsabench.harness.DeviceLock;
import io.dsabench.harness.RunExtra;
import io.dsabench.harness.SweepListener;
import io.dsabench.harness.SweepSpec;
import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sweeps running now, from two sources. A sweep in this JVM reports through the harness's
 * {@link SweepListener} (attach {@link #listener()} to it) and so is known exactly: its planned
 * total, each point as it finishes, an ETA. A sweep in another process (a {@code make bench} in
 * another terminal) holds its device's lock, whose file names the results file it flushes after
 * every point ({@link DeviceLock#holders}): that run counts as running, with its points so far and
 * the total its plan records. A file's age says nothing: a copied or touched file is not a sweep.
 */
public final class LiveSweeps {
  private final Clock clock;
  private final Duration window;
  private final Path lockDir;
  private final Map<String, Tracked> tracked = new LinkedHashMap<>();
  private final SweepListener listener = new Listener();

  /**
   * @param clock time source
   * @param window how long a finished sweep of this JVM stays listed
   * @param lockDir the harness's device-lock folder, read (never locked) to find running sweeps
   */
  public LiveSweeps(Clock clock, Duration window, Path lockDir) {
    this.clock = clock;
    this.window = window;
    this.lockDir = lockDir;
  }

  /**
   * Whether a sweep is writing this run now: one of this JVM's, not finished, or one in another
   * process whose device lock names the run's file.
   */
  public boolean running(Run r) {
    synchronized (this) {
      Tracked t = tracked.get(r.results().run().id());
      if (t != null && t.finishedAt == null) {
        return true;
      }
    }
    return !r.published() && lockedFiles().contains(real(r.file()));
  }

  private Set<Path> lockedFiles() {
    Set<Path> files = new HashSet<>();
    for (DeviceLock.Holder h : DeviceLock.holders(lockDir)) {
      files.add(real(h.results()));
    }
    return files;
  }

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }

  /** Attach to a {@code Sweep} in this JVM ({@code sweep.listen(live.listener())}). */
  public SweepListener listener() {
    return listener;
  }

  /** How long a finished sweep of this JVM stays listed. */
  public Duration window() {
    return window;
  }

  /**
   * One live sweep.
   *
   * @param id the run id (as the harness gave it; the store's id for file-based sweeps)
   * @param device the measured device, when the run recorded one
   * @param deviceName display name of the device or backend
   * @param total planned points, or null when only the results file is known
   * @param points finished points by status id
   * @param last the last finished point, or null
   * @param secondsSinceUpdate since the last point finished
   * @param etaSeconds estimated seconds left, or null when unknown
   * @param finished whether the sweep has ended (listener only; listed for the window after)
   * @param source {@code listener} or {@code results-file}
   */
  public record Sweep(
      String id,
      DeviceRecord device,
      String deviceName,
      Integer total,
      Map<String, Integer> points,
      PointResult last,
      double secondsSinceUpdate,
      Double etaSeconds,
      boolean finished,
      String source) {}

  /** The sweeps live now: tracked ones first, then local runs whose sweep holds a device lock. */
  public List<Sweep> live(List<Run> runs) {
    Instant now = clock.instant();
    List<Sweep> out = new ArrayList<>();
    Set<String> known = new HashSet<>();
    synchronized (this) {
      tracked
          .values()
          .removeIf(
              t -> t.finishedAt != null && age(t.finishedAt, now) > window.toMillis() / 1000.0);
      for (Tracked t : tracked.values()) {
        known.add(t.results.run().id());
        Map<String, Integer> points = new LinkedHashMap<>();
        t.byStatus.forEach((s, n) -> points.put(s.id(), n));
        int done = t.byStatus.values().stream().mapToInt(Integer::intValue).sum();
        double elapsed = age(t.startedAt, now);
        Double eta =
            t.finishedAt != null
                ? Double.valueOf(0)
                : done == 0 ? null : elapsed / done * (t.total - done);
        var run = t.results.run();
        out.add(
            new Sweep(
                run.id(),
                run.device(),
                run.device() == null || run.device().name() == null
                    ? run.backend()
                    : run.device().name(),
                t.total,
                points,
                t.last,
                age(t.updatedAt, now),
                eta,
                t.finishedAt != null,
                "listener"));
      }
    }
    Set<Path> locked = lockedFiles();
    for (Run r : runs) {
      if (r.published()
          || known.contains(r.results().run().id())
          || !locked.contains(real(r.file()))) {
        continue;
      }
      Map<String, Integer> points = new LinkedHashMap<>();
      for (PointStatus s : PointStatus.values()) {
        points.put(s.id(), (int) r.count(s));
      }
      List<PointResult> ps = r.results().points();
      out.add(
          new Sweep(
              r.id(),
              r.results().run().device(),
              r.deviceName(),
              plannedTotal(r),
              points,
              ps.isEmpty() ? null : ps.get(ps.size() - 1),
              age(r.modified(), now),
              null,
              false,
              "results-file"));
    }
    return out;
  }

  /**
   * The planned point count of a run the harness started, from the sweep it records in {@code
   * run.extra.sweep}; null for a shard (it measures only part of the sweep) or when absent.
   */
  static Integer plannedTotal(Run r) {
    Map<String, String> extra = r.results().run().extra();
    if (extra == null || extra.get(RunExtra.SWEEP) == null || extra.get(RunExtra.SHARD) != null) {
      return null;
    }
    try {
      return SweepSpec.parseCanonical(extra.get(RunExtra.SWEEP)).points().size();
    } catch (RuntimeException e) {
      return null; // written by another version of the harness: progress without a total
    }
  }

  private static double age(Instant then, Instant now) {
    return Duration.between(then, now).toMillis() / 1000.0;
  }

  private static final class Tracked {
    final Results results;
    final int total;
    final Instant startedAt;
    final Map<PointStatus, Integer> byStatus = new EnumMap<>(PointStatus.class);
    Instant updatedAt;
    Instant finishedAt;
    PointResult last;

    Tracked(Results results, int total, Instant startedAt) {
      this.results = results;
      this.total = total;
      this.startedAt = startedAt;
      this.updatedAt = startedAt;
      for (PointStatus s : PointStatus.values()) {
        byStatus.put(s, 0);
      }
    }
  }

  /** Called from the sweep's threads: every method takes the monitor and returns at once. */
  private final class Listener implements SweepListener {
    // One sweep per listener at a time (a Sweep calls sweepStarted once): remember the current.
    private String current;

    @Override
    public void sweepStarted(Results results, int total) {
      synchronized (LiveSweeps.this) {
        current = results.run().id();
        tracked.put(current, new Tracked(results, total, clock.instant()));
      }
    }

    @Override
    public void pointFinished(PointResult result, int done, int total, double seconds) {
      synchronized (LiveSweeps.this) {
        Tracked t = current == null ? null : tracked.get(current);
        if (t != null) {
          t.byStatus.merge(result.status(), 1, Integer::sum);
          t.last = result;
          t.updatedAt = clock.instant();
        }
      }
    }

    @Override
    public void sweepFinished(Results results) {
      synchronized (LiveSweeps.this) {
        Tracked t = tracked.get(results.run().id());
        if (t != null) {
          t.finishedAt = clock.instant();
          t.updatedAt = t.finishedAt;
        }
      }
    }
  }
}
