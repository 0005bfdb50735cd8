package io.dsabench.harness;

import io.dsabench.harness.fleet.FleetRunner;
import io.dsabench.harness.fleet.Gpus;
import io.dsabench.harness.fleet.WorkerConfig;
import io.dsabench.harness.jmh.JmhEngine;
import io.dsabench.harness.jmh.PointMeasurer;
import io.dsabench.harness.profile.FlameGraph;
import io.dsabench.harness.rest.RestBench;
import io.dsabench.harness.rest.RestSpec;
import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.harness.stage.StageInputs;
import io.dsabench.kernels.Backend;
import io.dsabench.kernels.BackendUnavailableException;
import io.dsabench.kernels.Backends;
import io.dsabench.kernels.DeviceInfo;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.RestWork;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.WorkloadModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A sweep: every point of a {@link SweepSpec} (or of one {@link Shard} of it) measured on one
 * backend, results flushed atomically to {@code <out>/results.json} after every point, so that
 * Ctrl-C keeps what finished. Faults lose nothing: a point that runs out of memory is {@code
 * skipped}, a kernel error or NaN output {@code failed}, each with the reason, and the sweep goes
 * on. One sweep per device at a time ({@link DeviceLock}).
 *
 * <p>With {@link Options#rest()} set, the rest of the model follows the attention points ({@link
 * RestBench}), one {@link RestResult} per (phase, routing), each flushed as it finishes.
 *
 * <p>With {@link Options#devices()} set, one worker process per GPU ({@code CUDA_VISIBLE_DEVICES}
 * pinned) takes points from one queue ({@link FleetRunner}); each point records the GPU that
 * measured it.
 */
public final class Sweep {
  private static final System.Logger LOG = System.getLogger(Sweep.class.getName());

  /**
   * Everything a sweep needs; made by {@link #builder()}, whose setters check each value as it is
   * set.
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
   * @param attention whether to measure the attention points of {@code spec} ({@code false} for
   *     {@code bench --phases rest} alone)
   * @param rest the rest of the model to measure after the attention points, or null for none;
   *     measured in this process, by shard 0 only
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
      boolean attention,
      RestSpec rest) {
    public Options {
      if (spec == null || shard == null || session == null || outDir == null) {
        throw new BadInputException("sweep: spec, shard, session and out must be given");
      }
      jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
      devices = devices == null ? null : List.copyOf(devices);
    }

    /**
     * A builder with the defaults: all of the sweep, one fork, one warm-up and one sampling session
     * per benchmark, the default lock directory; spec, session and out are to be set.
     */
    public static Builder builder() {
      return new Builder();
    }

    /**
     * Builds {@link Options} as JMH's {@code OptionsBuilder} does: each setter checks its value and
     * names the field, the value and the rule before storing it, so a bad value fails where it is
     * given, not at the start of a run.
     */
    public static final class Builder {
      private SweepSpec spec;
      private Shard shard = Shard.ALL;
      private SessionConfig session;
      private Path outDir;
      private int forks = 1;
      private int warmupIterations = 1;
      private int iterations = 1;
      private List<String> jvmArgs = List.of();
      private Path lockDir = DeviceLock.defaultDir();
      private String command = "dsabench bench";
      private boolean explicitPositions;
      private List<Integer> devices;
      private boolean attention = true;
      private RestSpec rest;

      private Builder() {}

      /** Whether the attention points of the spec are measured (default true). */
      public Builder attention(boolean v) {
        attention = v;
        return this;
      }

      /** The rest of the model to measure, or null for none. */
      public Builder rest(RestSpec v) {
        rest = v;
        return this;
      }

      public Builder spec(SweepSpec v) {
        spec = required("spec", v);
        return this;
      }

      public Builder shard(Shard v) {
        shard = required("shard", v);
        return this;
      }

      public Builder session(SessionConfig v) {
        session = required("session", v);
        return this;
      }

      public Builder outDir(Path v) {
        outDir = required("out", v);
        return this;
      }

      /** JMH forks per benchmark, 0 to run in this JVM. */
      public Builder forks(int v) {
        forks = atLeast("forks", v, 0, "is not 0 or a positive count");
        return this;
      }

      public Builder warmupIterations(int v) {
        warmupIterations = atLeast("warmupIterations", v, 0, "is not 0 or a positive count");
        return this;
      }

      public Builder iterations(int v) {
        iterations = atLeast("iterations", v, 1, "is not a positive count");
        return this;
      }

      public Builder jvmArgs(List<String> v) {
        jvmArgs = List.copyOf(required("jvm-args", v));
        return this;
      }

      /** The lock directory; null keeps the default. */
      public Builder lockDir(Path v) {
        lockDir = v == null ? DeviceLock.defaultDir() : v;
        return this;
      }

      public Builder command(String v) {
        if (v == null || v.isBlank()) {
          throw new BadInputException("command: '" + v + "' is not a command line");
        }
        command = v;
        return this;
      }

      public Builder explicitPositions(boolean v) {
        explicitPositions = v;
        return this;
      }

      /** GPU indexes, one worker each; null measures in this process. */
      public Builder devices(List<Integer> v) {
        if (v != null) {
          if (v.isEmpty()) {
            throw new BadInputException("devices: empty; give all or indexes like 0,1");
          }
          Set<Integer> seen = new HashSet<>();
          for (Integer d : v) {
            if (d == null || d < 0) {
              throw new BadInputException("devices: " + d + " is not a GPU index (>= 0)");
            }
            if (!seen.add(d)) {
              throw new BadInputException("devices: " + d + " appears twice");
            }
          }
        }
        devices = v == null ? null : List.copyOf(v);
        return this;
      }

      public Options build() {
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
            attention,
            rest);
      }

      private static <T> T required(String field, T v) {
        if (v == null) {
          throw new BadInputException(field + ": null is not a value (it must be given)");
        }
        return v;
      }

      private static int atLeast(String field, int v, int min, String rule) {
        if (v < min) {
          throw new BadInputException(field + ": " + v + " " + rule);
        }
        return v;
      }
    }
  }

  private final Options options;
  private final List<SweepListener> listeners = new CopyOnWriteArrayList<>();
  private final WorkloadModel model = WorkloadModel.deepseekV32();
  private Results results;
  private int total;

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
    List<SweepPoint> points =
        options.attention() ? options.shard().select(options.spec().points()) : List.of();
    // The rest of the model is a few points measured in this process: shard 0 takes them.
    RestSpec rest = options.shard().index() == 0 ? options.rest() : null;
    total = points.size() + (rest == null ? 0 : rest.size());
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
          throw new BadInputException(
              "positions: " + p.position() + " does not fit: " + p.key() + " " + why);
        }
        tooBig.put(p, why);
      }
    }
    boolean cuda = !"cpu".equals(backendName);
    List<Gpus.Gpu> gpus = cuda ? Gpus.list() : List.of();
    Integer index = null;
    String uuid = null;
    if (cuda && options.devices() == null) {
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
    if (options.attention()) {
      extra.put(RunExtra.SWEEP, options.spec().canonical());
    }
    if (rest != null) {
      extra.put(RunExtra.REST, describe(rest));
    }
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
      fire(l -> l.sweepStarted(results, total));
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
        FleetRunner.Outcome fleet =
            new FleetRunner(
                    workers,
                    options.outDir(),
                    options.devices(),
                    this::record,
                    (p, gpu) -> fire(l -> l.pointStarted(p, gpu)))
                .run(toMeasure);
        extra.put(RunExtra.DEVICES, fleet.devices());
        if (!fleet.lost().isEmpty()) {
          extra.put(RunExtra.WORKERS_LOST, String.join("; ", fleet.lost()));
        }
        results =
            new Results(
                results.schema(), results.run().withExtra(extra), results.points(), results.rest());
      }
      if (rest != null) {
        new RestBench(session, new RestWork(rest.shape()), options.iterations())
            .run(
                rest,
                this::recordRest,
                new RestBench.Listener() {
                  @Override
                  public void restFinished(RestResult r, double seconds) {
                    int done = results.points().size() + results.restPoints().size();
                    fire(l -> l.restFinished(r, done, total, seconds));
                  }
                });
      }
      if (session.profile()) {
        Path html = options.outDir().resolve("profile").resolve("flamegraph.html");
        if (FlameGraph.merge(engine.profiles(), html, "dsabench host side: " + id)) {
          extra.put(RunExtra.PROFILE, "profile/flamegraph.html");
        } else {
          extra.put(RunExtra.PROFILE, "none: async-profiler recorded no samples (see stderr)");
        }
        results =
            new Results(
                results.schema(), results.run().withExtra(extra), results.points(), results.rest());
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
    int done = results.points().size() + results.restPoints().size();
    fire(l -> l.pointFinished(r, done, total, seconds));
  }

  /** Adds a finished rest-of-model point and flushes the results file. */
  private synchronized void recordRest(RestResult r) {
    results = results.with(r);
    try {
      flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + resultsFile(), e);
    }
  }

  /** {@link RunExtra#REST}'s value. */
  static String describe(RestSpec rest) {
    java.util.function.Function<Map<Phase, Integer>, String> each =
        m ->
            rest.phases().stream()
                .map(ph -> ph.id() + ":" + m.get(ph))
                .collect(java.util.stream.Collectors.joining(","));
    return "phases="
        + rest.phases().stream().map(Phase::id).collect(java.util.stream.Collectors.joining(","))
        + " tokens="
        + each.apply(rest.tokens())
        + " ep="
        + each.apply(rest.expertParallel())
        + " routing="
        + String.join(",", rest.routings())
        + " shape="
        + rest.shape().name();
  }

  /**
   * The JVM is going down before the sweep finished (Ctrl-C, SIGTERM): the file says so, and by
   * what, beside the points it kept.
   */
  private synchronized void interrupted(String cause) {
    Map<String, String> extra = new LinkedHashMap<>(results.run().extra());
    extra.put(RunExtra.INTERRUPTED, cause);
    results =
        new Results(
            results.schema(), results.run().withExtra(extra), results.points(), results.rest());
    try {
      flush();
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "could not record the interruption in " + resultsFile() + ": " + e);
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
        // A listener's bug must not stop the sweep; its trace goes to the log.
        LOG.log(System.Logger.Level.WARNING, "a sweep listener failed: " + e, e);
      }
    }
  }
}
