package io.dsabench.harness.jmh;

import io.dsabench.harness.profile.HostProfiler;
import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.harness.stage.StageMeasurement;
import io.dsabench.harness.stage.StageSamples;
import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The JMH benchmarks: one per op and one per end-to-end variant, over the sweep point's phase,
 * variant, position and tokens, and the sweep's query tokens per decode sequence.
 *
 * <p>Each JMH invocation is one sampling session of {@link StageMeasurement} (mode {@code
 * SingleShotTime}): a warm-up iteration runs the stop rule's warm-up, a measurement iteration takes
 * device-time samples until the median is known well enough or the time cap is hit. That is how an
 * adaptive, nvbench-style stopping rule fits JMH, whose iterations are fixed in number: JMH owns
 * the forks (a clean JVM and a fresh CUDA context per stage and point), the parameters and the
 * warm-up of the host code; the session owns the device clock. JMH's own score for an invocation is
 * the wall time of a whole session (kept in the raw JSON as a host-side sanity figure, not a kernel
 * time).
 *
 * <p>The device samples leave the fork through a side file: at tear-down (or at the first fault)
 * the fork writes {@link StageSamples} as JSON into the {@code session} directory the sweep gave
 * it, named after the stage and the fork's pid, and the sweep reads every such file of the point. A
 * side file rather than {@code @AuxCounters} because counters are sums per iteration, and we need
 * every sample for medians, percentiles and rank tests.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 1)
@Fork(1)
public class StageBenchmarks {
  @Param("decode")
  public String phase;

  @Param("dsa")
  public String variant;

  @Param("1024")
  public int position;

  @Param("1")
  public int tokens;

  /** Query tokens per decode sequence: a decode point is tokens/N sequences of N tokens. */
  @Param("1")
  public int decodeTokensPerSeq;

  /** Directory holding {@code config.json}; side files are written into it. */
  @Param("")
  public String session;

  private StageMeasurement measurement;
  private Op op;
  private boolean warmup;
  private boolean reported;
  private HostProfiler profiler;

  @Setup(Level.Trial)
  public void setup(BenchmarkParams params) {
    String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
    op = opOf(method);
    Phase ph = Phase.of(phase);
    SweepPoint point =
        ph == Phase.PREFILL
            ? new SweepPoint(ph, Variant.of(variant), position, tokens)
            : new SweepPoint(ph, Variant.of(variant), position, tokens, decodeTokensPerSeq);
    Path dir = Path.of(session);
    SessionConfig config = SessionFiles.readConfig(dir);
    if (config.profile()) {
      profiler = HostProfiler.start(dir.resolve("profile-" + method + "-" + pid() + ".collapsed"));
    }
    measurement =
        StageMeasurement.open(config, point, op, WorkloadModel.deepseekV32(), decodeTokensPerSeq);
    abortIfFaulted();
  }

  @Setup(Level.Iteration)
  public void iteration(IterationParams params) {
    warmup = params.getType() == IterationType.WARMUP;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    report();
    if (profiler != null) {
      profiler.stop();
    }
    measurement.close();
  }

  private void session() {
    if (warmup) {
      measurement.warmup();
    } else {
      measurement.sampleSession();
    }
    abortIfFaulted();
  }

  /** Reports a fault at once and makes JMH record the benchmark as failed too. */
  private void abortIfFaulted() {
    if (!measurement.ok()) {
      report();
      StageSamples r = measurement.result();
      throw new IllegalStateException(op.id() + " " + r.status().id() + ": " + r.reason());
    }
  }

  private void report() {
    if (!reported) {
      reported = true;
      SessionFiles.writeSamples(Path.of(session), measurement.result(), pid());
    }
  }

  private static long pid() {
    return ProcessHandle.current().pid();
  }

  /** The op a benchmark method measures. */
  static Op opOf(String method) {
    return switch (method) {
      case "densePrefill" -> Op.DENSE_PREFILL;
      case "denseDecode" -> Op.DENSE_DECODE;
      case "indexer" -> Op.INDEXER;
      case "topk" -> Op.TOPK;
      case "sparsePrefill" -> Op.SPARSE_PREFILL;
      case "sparseDecode" -> Op.SPARSE_DECODE;
      case "denseTotal", "dsaTotal" -> Op.TOTAL;
      default -> throw new BadInputException("benchmark: '" + method + "' is not known");
    };
  }

  /** The benchmark method that measures {@code op} of a point of {@code variant}. */
  static String methodOf(Op op, Variant variant) {
    return switch (op) {
      case DENSE_PREFILL -> "densePrefill";
      case DENSE_DECODE -> "denseDecode";
      case INDEXER -> "indexer";
      case TOPK -> "topk";
      case SPARSE_PREFILL -> "sparsePrefill";
      case SPARSE_DECODE -> "sparseDecode";
      case TOTAL -> variant == Variant.DENSE ? "denseTotal" : "dsaTotal";
      case DENSE_PREFILL_MASKED ->
          throw new BadInputException(
              "op: dense_prefill_masked is measured by reference runs only");
      case MLA_PROJECTIONS, INDEXER_PROJECTIONS, MOE_EXPERTS, DENSE_FFN, LM_HEAD ->
          throw new BadInputException(
              "op: " + op.id() + " is rest of the model, not an attention point's stage");
    };
  }

  @Benchmark
  public void densePrefill() {
    session();
  }

  @Benchmark
  public void denseDecode() {
    session();
  }

  @Benchmark
  public void indexer() {
    session();
  }

  @Benchmark
  public void topk() {
    session();
  }

  @Benchmark
  public void sparsePrefill() {
    session();
  }

  @Benchmark
  public void sparseDecode() {
    session();
  }

  /** Dense MLA end to end (its one op, timed as the variant). */
  @Benchmark
  public void denseTotal() {
    session();
  }

  /** DSA end to end: indexer, top-k and sparse attention back to back. */
  @Benchmark
  public void dsaTotal() {
    session();
  }
}
