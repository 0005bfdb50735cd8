package io.dsabench.harness;

import io.dsabench.harness.fleet.FleetRunner;
import io.dsabench.harness.fleet.Gpus;
import io.dsabench.harness.fleet.WorkerConfig;
import io.dsabench.harness.jmh.JmhEngine;
import io.dsabench.harness.jmh.PointMeasurer;
import io.dsabench.harness.profile.FlameGraph;
import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.harness.stage.StageInputs;
import io.dsabench.kernels.Backend;
import io.dsabench.kernels.BackendUnavailableException;
import io.dsabench.kernels.Backends;
import io.dsabench.kernels.DeviceInfo;
import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.WorkloadModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A sweep: every point of a {@link SweepSpec} (or of one {@link Shard} of it) measured on one
 * backend, results flushed atomically to {@code <out>/results.json} after every point, so that
 * Ctrl-C keeps what finished. Faults lose nothing: a point that runs out of memory is {@code
 * skipped}, a kernel error or NaN output {@code failed}, each with the reason, and the sweep goes
 * on. One sweep per device at a time ({@link DeviceLock}).
 *
 * <p>With {@link Options#devices()} set, one worker process per GPU ({@code CUDA_VISIBLE_DEVICES}
 * pinned) takes points from one queue ({@link FleetRunner}); each point records the GPU that
 * measured it.
 */
public final class Sweep {
  /**
   * Everything a sweep needs.
   *
   * @param spec the declared sweep
   * @param shard the part of it this process measures ({@link Shard#ALL} for all)
   * @param session sampling rule and input options
   * @param outDir where results.json, jmh.json, jmh.log and the profile go
   * @param forks JMH forks per benchmark (0: in-process)
   * @param warmupIterations JMH warm-up sessions per fork
   * @param iterations JMH sampling sessions per fork
   * @param jvmArgs arguments of forked JVMs (and device workers)
   * @param lockDir directory of the per-device lock files
   * @param command the command line, for provenance and the lock file
   * @param explicitPositions whether the user chose the positions: then a point that cannot fit in
   *     the device's memory is bad input (exit 2 before any work); with default positions it is
   *     recorded as skipped
   * @param devices GPU indexes for one worker each, or null to measure in this process
   * @param deviceIndex the GPU index this process is pinned to (set for device workers), or null
   * @param deviceUuid that GPU's UUID, or null
   */
  public record Options(
      SweepSpec spec,
      Shard shard,
      SessionConfig session,
      Path outDir,
      int forks,
      int warmupIterations,
      int iterations,
      List<String> jvmArgs,
      Path lockDir,
      String command,
      boolean explicitPositions,
      List<Integer> devices,
      Integer deviceIndex,
      String deviceUuid) {
    public Options {
      if (spec == null || shard == null || session == null || outDir == null) {
        throw new IllegalArgumentException("sweep: spec, shard, session and out must be given");
      }
      jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
      devices = devices == null ? null : List.copyOf(devices);
      lockDir = lockDir == null ? DeviceLock.defaultDir() : lockDir;
      command = command == null ? "dsabench bench" : command;
    }

    /** Defaults for a backend: one fork, one warm-up and one sampling session per benchmark. */
    public static Options defaults(SweepSpec spec, String backend, Path outDir) {
      return new Options(
          spec,
          Shard.ALL,
          SessionConfig.defaults(backend),
          outDir,
          1,
          1,
          1,
          List.of(),
          null,
          null,
          false,
          null,
          null,
          null);
    }

    public Options withSession(SessionConfig s) {
      return new Options(
          spec,
          shard,
          s,
          outDir,
          forks,
          warmupIterations,
          iterations,
          jvmArgs,
          lockDir,
          command,
          explicitPositions,
          devices,
          deviceIndex,
          deviceUuid);
    }

    public Options withForks(int f) {
      return new Options(
          spec,
          shard,
          session,
          outDir,
          f,
          warmupIterations,
          iterations,
          jvmArgs,
          lockDir,
          command,
          explicitPositions,
          devices,
          deviceIndex,
          deviceUuid);
    }

    public Options withShard(Shard s) {
      return new Options(
          spec,
          s,
          session,
          outDir,
          forks,
          warmupIterations,
          iterations,
          jvmArgs,
          lockDir,
          command,
          explicitPositions,
          devices,
          deviceIndex,
          deviceUuid);
    }

    public Options withJvmArgs(List<String> a) {
      return new Options(
          spec,
          shard,
          session,
          outDir,
          forks,
          warmupIterations,
          iterations,
          a,
          lockDir,
          command,
          explicitPositions,
          devices,
          deviceIndex,
          deviceUuid);
    }

    public Options withLockDir(Path d) {
      return new Options(
          spec,
          shard,
          session,
          outDir,
          forks,
          warmupIterations,
          iterations,
          jvmArgs,
          d,
          command,
          explicitPositions,
          devices,
          deviceIndex,
          deviceUuid);
    }

    public Options withExplicitPositions(boolean e) {
      return new Options(
          spec,
          shard,
          session,
          outDir,
          forks,
          warmupIterations,
          iterations,
          jvmArgs,
          lockDir,
          command,
          e,
          devices,
          deviceIndex,
          deviceUuid);
    }

    public Options withDevices(List<Integer> d) {
      return new Options(
          spec,
          shard,
          session,
          outDir,
          forks,
          warmupIterations,
          iterations,
          jvmArgs,
          lockDir,
          command,
          explicitPositions,
          d,
          deviceIndex,
          deviceUuid);
    }

    public Options withCommand(String c) {
      return new Options(
          spec,
          shard,
          session,
          outDir,
          forks,
          warmupIterations,
          iterations,
          jvmArgs,
          lockDir,
          c,
          explicitPositions,
          devices,
          deviceIndex,
          deviceUuid);
    }

    public Options withDevice(Integer index, String uuid) {
      return new Options(
          spec,
          shard,
          session,
          outDir,
          forks,
          warmupIterations,
          iterations,
          jvmArgs,
          lockDir,
          command,
          explicitPositions,
          devices,
          index,
          uuid);
    }
  }

  private final Options options;
  private final List<SweepListener> listeners = new CopyOnWriteArrayList<>();
  private final WorkloadModel model = WorkloadModel.deepseekV32();
  private Results results;

  public Sweep(Options options) {
    this.options = options;
  }

  public Sweep listen(SweepListener l) {
    listeners.add(l);
    return this;
  }

  public Path resultsFile() {
    return options.outDir().resolve("results.json");
  }

  /**
   * Runs the sweep and returns what the results file holds.
   *
   * @throws IllegalArgumentException for a bad sweep (a position that cannot fit), before any work
   * @throws DeviceLock.BusyException when another sweep holds the device
   * @throws BackendUnavailableException when the backend cannot start here
   */
  public Results run() throws IOException, DeviceLock.BusyException, BackendUnavailableException {
    DeviceInfo info;
    String backendName;
    try (Backend b = Backends.open(options.session().backend())) {
      info = b.device();
      backendName = b.name();
    }
    SessionConfig session = options.session();
    if (!session.backend().equals(backendName)) {
      // "auto" resolved: the forks must open the same backend, and cpu gets its own defaults.
      session =
          SessionConfig.defaults(backendName)
              .withL2Flush(session.l2Flush())
              .withInputScale(session.inputScale())
              .withProfile(session.profile());
    }
    List<SweepPoint> points = options.shard().select(options.spec().points());
    Map<SweepPoint, String> tooBig = new LinkedHashMap<>();
    long memory = info.memoryBytes();
    for (SweepPoint p : points) {
      long need =
          StageInputs.footprintBytes(p, model, options.spec().decodeTokensPerSeq(), backendName);
      if (need > memory) {
        String why =
            String.format(
                Locale.ROOT,
                "needs %.2f GB of inputs, more than the %.2f GB %s holds",
                need / 1e9,
                memory / 1e9,
                backendName);
        if (options.explicitPositions()) {
          throw new IllegalArgumentException(
              "positions: " + p.position() + " does not fit: " + p.key() + " " + why);
        }
        tooBig.put(p, why);
      }
    }
    boolean cuda = !"cpu".equals(backendName);
    List<Gpus.Gpu> gpus = cuda ? Gpus.list() : List.of();
    Integer index = options.deviceIndex();
    String uuid = options.deviceUuid();
    if (cuda && options.devices() == null && uuid == null) {
      Gpus.Gpu g = Gpus.visibleFirst(gpus);
      if (g != null) {
        index = g.index();
        uuid = g.uuid();
      }
    }
    DeviceRecord device =
        new DeviceRecord(
            info.name(),
            info.computeCapability(),
            info.driverVersion(),
            info.smCount(),
            info.memoryBytes(),
            index,
            uuid);
    // Lock ids: a GPU's UUID where nvidia-smi knows it (the same id whichever way a sweep reaches
    // the GPU), else its index; the cpu is one device per host.
    List<String> lockIds = new ArrayList<>();
    if (options.devices() == null) {
      lockIds.add(
          !cuda
              ? "cpu"
              : uuid != null ? uuid : "cuda-" + (index != null ? index : visibleDevices()));
    } else {
      for (int d : options.devices()) {
        Gpus.Gpu g = Gpus.byIndex(gpus, d);
        lockIds.add(!cuda ? "cpu-worker" + d : g != null ? g.uuid() : "cuda-" + d);
      }
    }
    List<DeviceLock> locks = new ArrayList<>();
    try {
      for (String lockId : lockIds) {
        locks.add(DeviceLock.acquire(options.lockDir(), lockId, options.command(), resultsFile()));
      }
    } catch (DeviceLock.BusyException | IOException e) {
      locks.forEach(DeviceLock::close);
      throw e;
    }
    JmhEngine engine =
        new JmhEngine(
            options.outDir(),
            session,
            options.forks(),
            options.warmupIterations(),
            options.iterations(),
            forkJvmArgs(),
            options.spec().decodeTokensPerSeq());
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put(RunExtra.SWEEP, options.spec().canonical());
    if (options.shard().count() > 1) {
      extra.put(RunExtra.SHARD, options.shard().toString());
    }
    extra.put(RunExtra.ENGINE, engine.engine());
    if (engine.note() != null) {
      extra.put(RunExtra.ENGINE_NOTE, engine.note());
    }
    extra.put(RunExtra.SAMPLING, session.describe());
    extra.put(RunExtra.JMH_JSON, "jmh.json");
    extra.put(RunExtra.JMH_LOG, "jmh.log");
    String started = Instant.now().toString();
    String commit = BuildInfo.gitCommit();
    String id =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now())
            + "-"
            + DeviceNames.slug(backendName, info.name())
            + "-"
            + (commit.length() >= 7 ? commit.substring(0, 7) : commit)
            + (options.shard().count() > 1
                ? "-shard" + options.shard().index() + "of" + options.shard().count()
                : "");
    RunInfo run =
        new RunInfo(
            id,
            started,
            commit,
            backendName,
            options.command(),
            BuildInfo.jvm(),
            BuildInfo.host(),
            device,
            extra);
    results = new Results(run, List.of());
    Interruption interruption = Interruption.onShutdown(this::interrupted);
    try {
      flush();
      fire(l -> l.sweepStarted(results, points.size()));
      List<SweepPoint> toMeasure = new ArrayList<>();
      for (SweepPoint p : points) {
        if (tooBig.containsKey(p)) {
          record(PointResult.notOk(p, PointStatus.SKIPPED, tooBig.get(p)), 0);
        } else {
          toMeasure.add(p);
        }
      }
      if (options.devices() == null) {
        PointMeasurer measurer = new PointMeasurer(engine, model);
        int next = 0;
        int gpu = index == null ? -1 : index;
        for (SweepPoint p : toMeasure) {
          fire(l -> l.pointStarted(p, gpu));
          long t0 = System.nanoTime();
          PointResult r = measurer.measure(next++, p);
          record(r, (System.nanoTime() - t0) * 1e-9);
        }
      } else {
        WorkerConfig workers =
            new WorkerConfig(
                session,
                null,
                options.forks(),
                options.warmupIterations(),
                options.iterations(),
                forkJvmArgs(),
                -1,
                null,
                options.spec().decodeTokensPerSeq());
        String devices =
            new FleetRunner(
                    workers,
                    options.outDir(),
                    options.devices(),
                    this::record,
                    (p, gpu) -> fire(l -> l.pointStarted(p, gpu)))
                .run(toMeasure);
        extra.put(RunExtra.DEVICES, devices);
        results = new Results(results.schema(), results.run().withExtra(extra), results.points());
      }
      if (session.profile()) {
        Path html = options.outDir().resolve("profile").resolve("flamegraph.html");
        if (FlameGraph.merge(engine.profiles(), html, "dsabench host side: " + id)) {
          extra.put(RunExtra.PROFILE, "profile/flamegraph.html");
        } else {
          extra.put(RunExtra.PROFILE, "none: async-profiler recorded no samples (see stderr)");
        }
        results = new Results(results.schema(), results.run().withExtra(extra), results.points());
      }
      flush();
      engine.cleanSessions();
      return results;
    } finally {
      interruption.close();
      for (DeviceLock l : locks) {
        l.close();
      }
      Results last = results;
      fire(l -> l.sweepFinished(last));
    }
  }

  /** Adds a finished point and flushes the results file; called from worker threads too. */
  private synchronized void record(PointResult r, double seconds) {
    results = results.with(r);
    try {
      flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + resultsFile(), e);
    }
    int done = results.points().size();
    int total = options.shard().select(options.spec().points()).size();
    fire(l -> l.pointFinished(r, done, total, seconds));
  }

  /**
   * The JVM is going down before the sweep finished (Ctrl-C, SIGTERM): the file says so, and by
   * what, beside the points it kept.
   */
  private synchronized void interrupted(String cause) {
    Map<String, String> extra = new LinkedHashMap<>(results.run().extra());
    extra.put(RunExtra.INTERRUPTED, cause);
    results = new Results(results.schema(), results.run().withExtra(extra), results.points());
    try {
      flush();
    } catch (IOException e) {
      System.err.println(
          "dsabench: could not record the interruption in " + resultsFile() + ": " + e);
    }
  }

  private void flush() throws IOException {
    ResultsIO.write(resultsFile(), results);
  }

  private List<String> forkJvmArgs() {
    List<String> args = new ArrayList<>();
    // Forks get the heap this JVM has, so the memory check above speaks for them too.
    args.add("-Xmx" + (Runtime.getRuntime().maxMemory() >> 20) + "m");
    args.addAll(options.jvmArgs());
    return args;
  }

  private static String visibleDevices() {
    String v = System.getenv("CUDA_VISIBLE_DEVICES");
    return v == null || v.isBlank() ? "all" : v.replace(',', '+');
  }

  private void fire(java.util.function.Consumer<SweepListener> event) {
    for (SweepListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        System.err.println("dsabench: a sweep listener failed: " + e);
      }
    }
  }
}
