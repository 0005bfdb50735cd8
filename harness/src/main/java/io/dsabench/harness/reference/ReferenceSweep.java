package io.dsabench.harness.reference;

import io.dsabench.harness.BuildInfo;
import io.dsabench.harness.DeviceNames;
import io.dsabench.harness.Interruption;
import io.dsabench.harness.RunExtra;
import io.dsabench.harness.SweepListener;
import io.dsabench.harness.SweepSpec;
import io.dsabench.harness.stats.SampleStats;
import io.dsabench.harness.stats.StopRule;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.results.StageProblem;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.OpWork;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A sweep of the reference implementations (FlashMLA, PyTorch) over the same points as {@code
 * bench}, written as a results file with {@code run.backend = "reference"}: every stage carries the
 * implementation that ran, FLOPs and bytes come from the {@link WorkloadModel} so throughputs
 * compare stage by stage with ours. The file is rewritten atomically after every point, so an
 * interrupted run keeps what it finished. A runner that dies fails the stages it had not finished
 * and is started again for the next point.
 */
public final class ReferenceSweep {
  private static final System.Logger LOG = System.getLogger(ReferenceSweep.class.getName());

  /** Backend name of reference runs in results files. */
  public static final String BACKEND = "reference";

  /** Starts a runner; a new one after a runner dies. */
  @FunctionalInterface
  public interface Launcher {
    RunnerChannel start() throws IOException;
  }

  private final SweepSpec spec;
  private final StopRule stop;
  private final Path resultsFile;
  private final Launcher launcher;
  private final String command;
  private final WorkloadModel model = WorkloadModel.deepseekV32();
  private final List<SweepListener> listeners = new CopyOnWriteArrayList<>();
  private Results written;
  private String interruptedBy;
  private List<RestCalls> rest = List.of();
  private java.util.function.Consumer<RestResult> onRest = r -> {};

  public ReferenceSweep(
      SweepSpec spec, StopRule stop, Path resultsFile, Launcher launcher, String command) {
    this.spec = spec;
    this.stop = stop;
    this.resultsFile = resultsFile;
    this.launcher = launcher;
    this.command = command;
  }

  public ReferenceSweep listen(SweepListener l) {
    listeners.add(l);
    return this;
  }

  /**
   * The rest of the model to time after the attention points, one layer of each rest op at each
   * deployment's batch: with {@code torch._scaled_mm} (per-tensor scales: a lower bound of the
   * work, not the 1×128 / 128×128 recipe), and with DeepGEMM where the runner can call it (else a
   * skipped point that says why).
   *
   * @param onEach called with each rest point as it is written (progress)
   */
  public ReferenceSweep rest(
      List<RestCalls> batches, java.util.function.Consumer<RestResult> onEach) {
    this.rest = List.copyOf(batches);
    this.onRest = onEach == null ? r -> {} : onEach;
    return this;
  }

  /** The libraries a rest point is timed with, in order. */
  public static final List<String> REST_LIBRARIES = List.of("torch", "deep_gemm");

  /** The reference stages of a point: what the reference libraries offer for its variant. */
  public static List<Op> ops(Phase phase, Variant variant) {
    if (variant == Variant.DENSE && phase == Phase.PREFILL) {
      return List.of(Op.DENSE_PREFILL, Op.DENSE_PREFILL_MASKED);
    }
    return WorkloadModel.stages(phase, variant);
  }

  /**
   * Runs every point.
   *
   * @throws ReferenceRunner.UnavailableException when the first runner cannot start (no Python,
   *     torch or GPU), before any point is measured
   */
  public Results run() throws IOException, ReferenceRunner.UnavailableException {
    ReferenceRunner runner = open();
    Results results = null;
    Interruption interruption = null;
    try {
      ReferenceRunner.Hello hello = runner.hello();
      String started = Instant.now().toString();
      String commit = BuildInfo.gitCommit();
      String id =
          DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                  .withZone(ZoneOffset.UTC)
                  .format(Instant.now())
              + "-"
              + DeviceNames.slug("cuda", hello.device().name())
              + "-reference-"
              + (commit.length() >= 7 ? commit.substring(0, 7) : commit);
      Map<String, String> extra = new LinkedHashMap<>();
      if (spec != null) {
        extra.put(RunExtra.SWEEP, spec.canonical());
      }
      extra.put(
          RunExtra.SAMPLING,
          String.format(
              java.util.Locale.ROOT,
              "reference runner; CUDA events around each call behind a stream hold; warm-up %d runs"
                  + " and %.2f s; %d-%d samples, noise %.3f, cap %.1f s",
              stop.warmupRuns(),
              stop.warmupSeconds(),
              stop.minSamples(),
              stop.maxSamples(),
              stop.maxNoise(),
              stop.maxSeconds()));
      extra.put("python", hello.python());
      extra.put("torch", hello.torch());
      hello
          .libraries()
          .forEach(
              (name, info) ->
                  extra.put(
                      "library." + name,
                      info.containsKey("unavailable")
                          ? "unavailable: " + info.get("unavailable")
                          : info.getOrDefault("version", "?")
                              + (info.containsKey("commit")
                                  ? " (commit " + info.get("commit") + ")"
                                  : "")));
      RunInfo run =
          new RunInfo(
              id,
              started,
              commit,
              BACKEND,
              command,
              BuildInfo.jvm(),
              BuildInfo.host(),
              hello.device(),
              extra);
      results = save(new Results(run, List.of()));
      interruption = Interruption.onShutdown(this::interrupted);
      Results begun = results;
      // No spec: the rest of the model alone (reference --phases rest).
      List<SweepPoint> points = spec == null ? List.of() : spec.points();
      if (!points.isEmpty()) {
        fire(l -> l.sweepStarted(begun, points.size()));
      }
      long seed = 1;
      for (SweepPoint p : points) {
        fire(l -> l.pointStarted(p, -1));
        long t0 = System.nanoTime();
        if (runner == null || runner.dead()) {
          if (runner != null) {
            runner.close();
          }
          runner = reopen();
        }
        PointResult r;
        if (runner == null) {
          r =
              PointResult.notOk(
                  p, PointStatus.FAILED, "the reference runner could not be restarted");
        } else {
          int tps = p.phase() == Phase.DECODE ? p.tokensPerSeq() : 1;
          r = toResult(p, runner.measure(p, tps, ops(p.phase(), p.variant()), stop, seed++), model);
        }
        results = save(results.with(r));
        int done = results.points().size();
        double seconds = (System.nanoTime() - t0) * 1e-9;
        fire(l -> l.pointFinished(r, done, points.size(), seconds));
      }
      for (RestCalls batch : rest) {
        for (String library : REST_LIBRARIES) {
          if (runner == null || runner.dead()) {
            if (runner != null) {
              runner.close();
            }
            runner = reopen();
          }
          RestResult r =
              runner == null
                  ? RestResult.of(
                      batch.batch(),
                      PointStatus.FAILED,
                      library + ": the reference runner could not be restarted",
                      List.of())
                  : toRestResult(
                      batch, library, runner.measureRest(batch, library, Op.REST, stop, seed++));
          results = save(results.with(r));
          onRest.accept(r);
        }
      }
      return results;
    } finally {
      if (interruption != null) {
        interruption.close();
      }
      if (runner != null) {
        runner.close();
      }
      Results last = results;
      if (last != null) {
        fire(l -> l.sweepFinished(last));
      }
    }
  }

  /** Writes the results file, keeping the interruption's note once there is one. */
  private synchronized Results save(Results r) throws IOException {
    if (interruptedBy != null) {
      r = withInterruption(r, interruptedBy);
    }
    ResultsIO.write(resultsFile, r);
    written = r;
    return r;
  }

  /** The JVM is going down mid-sweep (Ctrl-C, SIGTERM): the file says so, and by what. */
  private synchronized void interrupted(String cause) {
    interruptedBy = cause;
    if (written == null) {
      return;
    }
    try {
      save(written);
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "could not record the interruption in " + resultsFile + ": " + e);
    }
  }

  private static Results withInterruption(Results r, String cause) {
    Map<String, String> extra = new LinkedHashMap<>(r.run().extra());
    extra.put(RunExtra.INTERRUPTED, cause);
    return new Results(r.schema(), r.run().withExtra(extra), r.points(), r.rest());
  }

  private ReferenceRunner open() throws IOException, ReferenceRunner.UnavailableException {
    return ReferenceRunner.open(launcher.start());
  }

  private ReferenceRunner reopen() {
    try {
      return open();
    } catch (IOException | ReferenceRunner.UnavailableException e) {
      return null;
    }
  }

  /**
   * The point's result: ok when at least one stage was measured (the others listed as skipped
   * stages with their reasons), else skipped or failed (failed wins) with every stage's reason.
   */
  static PointResult toResult(
      SweepPoint p, List<ReferenceRunner.StageOutcome> outcomes, WorkloadModel model) {
    List<StageResult> stages = new ArrayList<>();
    List<StageProblem> problems = new ArrayList<>();
    for (ReferenceRunner.StageOutcome o : outcomes) {
      if (o.status() != PointStatus.OK) {
        problems.add(new StageProblem(o.op(), o.status(), o.reason()));
        continue;
      }
      OpWork w = model.work(o.op(), p);
      stages.add(measuredStage(o, w.flops(), w.bytes()));
    }
    if (!stages.isEmpty()) {
      return new PointResult(
          p.phase(),
          p.variant(),
          p.position(),
          p.tokens(),
          p.tokensPerSeq(),
          PointStatus.OK,
          null,
          stages,
          null,
          problems);
    }
    boolean failed = problems.stream().anyMatch(s -> s.status() == PointStatus.FAILED);
    StringBuilder why = new StringBuilder();
    for (StageProblem s : problems) {
      why.append(why.length() == 0 ? "" : "; ").append(s.op().id()).append(": ").append(s.reason());
    }
    return new PointResult(
        p.phase(),
        p.variant(),
        p.position(),
        p.tokens(),
        p.tokensPerSeq(),
        failed ? PointStatus.FAILED : PointStatus.SKIPPED,
        why.toString(),
        List.of(),
        null,
        problems);
  }

  /**
   * A rest point: ok when at least one op was measured (ops not measured named in its reason), else
   * skipped or failed (failed wins) with every op's reason. FLOPs and bytes are those of the calls
   * the runner made ({@link RestCalls}).
   */
  static RestResult toRestResult(
      RestCalls batch, String library, List<ReferenceRunner.StageOutcome> outcomes) {
    List<StageResult> stages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    boolean failed = false;
    for (ReferenceRunner.StageOutcome o : outcomes) {
      if (o.status() != PointStatus.OK) {
        problems.add(o.op().id() + ": " + o.reason());
        failed |= o.status() == PointStatus.FAILED;
        continue;
      }
      stages.add(measuredStage(o, batch.flops(o.op()), batch.bytes(o.op())));
    }
    String why = problems.isEmpty() ? null : library + ": " + String.join("; ", problems);
    PointStatus status =
        !stages.isEmpty() ? PointStatus.OK : failed ? PointStatus.FAILED : PointStatus.SKIPPED;
    return RestResult.of(batch.batch(), status, why, stages);
  }

  /**
   * A measured outcome as a stage: the samples' median (p10 / p90 clamped around it) and the rates
   * of {@code flops} and {@code bytes} of work over it.
   */
  private static StageResult measuredStage(
      ReferenceRunner.StageOutcome o, double flops, double bytes) {
    SampleStats st = SampleStats.of(o.samples());
    double median = st.median();
    return new StageResult(
        o.op(),
        median,
        Math.min(st.p10(), median),
        Math.max(st.p90(), median),
        st.count(),
        flops,
        bytes,
        flops / median,
        bytes / median,
        null,
        o.samples(),
        o.implementation());
  }

  private void fire(java.util.function.Consumer<SweepListener> event) {
    for (SweepListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a sweep listener failed: " + e, e);
      }
    }
  }
}
