package io.dsabench.cli;

import io.dsabench.costmodel.cost.Deployment;
import io.dsabench.harness.DeviceLock;
import io.dsabench.harness.ProgressBar;
import io.dsabench.harness.SweepListener;
import io.dsabench.harness.SweepSpec;
import io.dsabench.harness.fleet.Gpus;
import io.dsabench.harness.reference.ProcessChannel;
import io.dsabench.harness.reference.ReferenceRunner;
import io.dsabench.harness.reference.ReferenceSweep;
import io.dsabench.harness.reference.RestCalls;
import io.dsabench.harness.stats.StopRule;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dsabench reference}: DeepSeek's FlashMLA and PyTorch (cuDNN attention) timed on this GPU
 * at the sweep points of {@code bench}, written in the same results schema.
 */
@Command(
    name = "reference",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures the reference implementations on the local GPU at the same sweep points as bench"
          + " and writes DIR/results.json (run.backend = reference; each stage names the library,"
          + " function and version that ran).",
      "References: FlashMLA (flash_mla_with_kvcache for dense decode and FP8 sparse decode,"
          + " flash_mla_sparse_fwd for sparse prefill); PyTorch scaled_dot_product_attention on"
          + " cuDNN for dense prefill (dense_prefill: the chunk's marginal cost T(p) - T(p-n) of the"
          + " causal kernel; dense_prefill_masked: one call with a bottom-right causal mask);"
          + " torch._scaled_mm for the indexer (GEMM only, a lower bound); torch.topk for top-k.",
      "--phases rest (alone or with prefill/decode) also times one layer of the rest of the model"
          + " at each deployment's batch (prefill 16384 tokens EP32, decode 256 EP144):"
          + " torch._scaled_mm with per-tensor scales for every fp8 GEMM (a lower bound of the work:"
          + " not the 1x128/128x128 recipe; grouped GEMMs as one call per group), the router as a"
          + " bf16 matmul + topk, SwiGLU as torch ops; DeepGEMM recorded as skipped with its reason"
          + " where it is not installed.",
      "Build FlashMLA first with scripts/build-references.sh FLASHMLA_SRC (into out/references);"
          + " a reference that is not installed is recorded as a skipped stage with the reason.",
      "Sampling: dsabench's rule (warm-up, then samples until the median's 95%% CI half-width is"
          + " under --max-noise or --max-time passes), CUDA events around each call.",
      "Exit: 0 ok, 1 a point failed, 2 bad input or no Python/torch/GPU here."
    })
final class ReferenceCommand implements Callable<Integer> {
  static final String RUNNER_RESOURCE = "io/dsabench/harness/reference/dsabench_reference.py";

  @Spec CommandSpec spec;

  @Mixin SweepOptions sweepOptions = new SweepOptions();

  @Option(
      names = "--out",
      defaultValue = "out/reference",
      paramLabel = "DIR",
      description = "output directory: results.json, runner.log (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(
      names = "--python",
      paramLabel = "EXE",
      description = "the Python that has PyTorch (default: $DSABENCH_PYTHON, else python3)")
  String python;

  @Option(
      names = "--references",
      paramLabel = "DIR",
      description =
          "folder scripts/build-references.sh built into (default: $DSABENCH_REFERENCES, else"
              + " out/references)")
  Path references;

  @Option(names = "--lock-dir", hidden = true, paramLabel = "DIR")
  Path lockDir;

  @Override
  public Integer call() throws IOException {
    PrintWriter outW = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // 'rest' among the phases adds the rest of the model at each deployment's batch; alone, it is
    // all that runs. The attention phases go on to bench's sweep as before.
    List<RestCalls> rest = List.of();
    boolean attention = true;
    if (sweepOptions.phases != null && sweepOptions.phases.contains(REST)) {
      List<String> others = new ArrayList<>(sweepOptions.phases);
      others.removeIf(REST::equals);
      sweepOptions.phases = others.isEmpty() ? null : others;
      attention = !others.isEmpty();
      rest = restBatches();
    }
    // bench's sweep on a GPU, so that the two runs pair point for point.
    SweepSpec sweep = attention ? sweepOptions.spec("cuda") : null;
    StopRule stop = sweepOptions.stop(StopRule.GPU);
    String exe = python != null ? python : envOr("DSABENCH_PYTHON", "python3");
    Path refs =
        references != null
            ? references
            : Path.of(envOr("DSABENCH_REFERENCES", Path.of("out", "references").toString()));
    OutputPaths.directory("out", out);
    OutputPaths.file("out", out.resolve("results.json"));
    Path runnerScript = extractRunner(out);
    List<String> cmd = new ArrayList<>(List.of(exe, runnerScript.toString()));
    boolean built = Files.isDirectory(refs);
    if (built) {
      cmd.add("--references");
      cmd.add(refs.toAbsolutePath().toString());
    }
    Path log = out.resolve("runner.log");
    ReferenceSweep sweepRun =
        new ReferenceSweep(
                sweep,
                stop,
                out.resolve("results.json"),
                () -> ProcessChannel.start(cmd, log),
                commandLine())
            .listen(ProgressBar.stderr())
            .rest(
                rest,
                r -> {
                  err.println(
                      "reference rest "
                          + r.phase().id()
                          + " "
                          + r.tokens()
                          + " tokens EP"
                          + r.expertParallel()
                          + ": "
                          + r.status().id()
                          + (r.reason() == null ? "" : " (" + r.reason() + ")")
                          + r.stages().stream()
                              .map(
                                  st ->
                                      String.format(
                                          java.util.Locale.ROOT,
                                          " %s %.1f us",
                                          st.op().id(),
                                          st.medianSeconds() * 1e6))
                              .collect(java.util.stream.Collectors.joining(",")));
                  err.flush();
                });
    if (!built) {
      // Said once the runner is up: a run that cannot start at all says only why it cannot.
      sweepRun.listen(
          new SweepListener() {
            @Override
            public void sweepStarted(Results r, int total) {
              err.println(
                  "dsabench: no built references in "
                      + refs
                      + " (scripts/build-references.sh builds FlashMLA there); FlashMLA stages"
                      + " will be skipped");
            }
          });
    }
    Results results;
    DeviceLock lock;
    try {
      // One sweep per GPU, ours or the reference's: two would each time the other.
      lock =
          DeviceLock.acquire(
              lockDir == null ? DeviceLock.defaultDir() : lockDir, lockId(), commandLine());
    } catch (DeviceLock.BusyException e) {
      err.println("dsabench: " + e.getMessage());
      return Main.FAILED;
    }
    try {
      results = sweepRun.run();
    } catch (ReferenceRunner.UnavailableException e) {
      err.println("dsabench: reference runner unavailable: " + e.getMessage());
      return Main.BAD_INPUT;
    } catch (ProcessChannel.CannotStartException e) {
      err.println(
          "dsabench: cannot start '"
              + exe
              + "' (no Python here? give one with --python or DSABENCH_PYTHON): "
              + e.getMessage());
      return Main.BAD_INPUT;
    } finally {
      lock.close();
    }
    outW.println("results: " + out.resolve("results.json"));
    long failed =
        results.points().stream().filter(p -> p.status() == PointStatus.FAILED).count()
            + results.restPoints().stream().filter(p -> p.status() == PointStatus.FAILED).count();
    long skippedStages =
        results.points().stream()
            .mapToLong(p -> p.skippedStages() == null ? 0 : p.skippedStages().size())
            .sum();
    if (skippedStages > 0) {
      outW.println(skippedStages + " stage(s) skipped; their reasons are in the results file");
    }
    if (failed > 0) {
      outW.println(
          failed + " point(s) failed; see their reasons in " + out.resolve("results.json"));
    }
    outW.flush();
    return failed > 0 ? Main.FAILED : Main.OK;
  }

  /** The phase name that asks for the rest of the model. */
  static final String REST = "rest";

  /**
   * The batches the rest of the model is timed at: each phase's deployment as the cost model prices
   * it (tokens per GPU per step, EP degree), so that {@code cost} can use the points.
   */
  static List<RestCalls> restBatches() {
    List<RestCalls> out = new ArrayList<>();
    for (Deployment d : List.of(Deployment.PREFILL, Deployment.DECODE)) {
      out.add(RestCalls.of(d.phase(), (int) Math.round(d.tokensPerStep()), d.expertParallel()));
    }
    return out;
  }

  /** Copies the runner out of the jar beside the results, so the file that ran stays with them. */
  static Path extractRunner(Path dir) throws IOException {
    Path target = dir.resolve("dsabench_reference.py");
    try (InputStream in =
        ReferenceCommand.class.getClassLoader().getResourceAsStream(RUNNER_RESOURCE)) {
      if (in == null) {
        throw new IOException("the reference runner " + RUNNER_RESOURCE + " is not in this build");
      }
      ResultsIO.writeAtomically(target, in.readAllBytes());
    }
    return target;
  }

  private static String lockId() {
    Gpus.Gpu g = Gpus.visibleFirst(Gpus.list());
    if (g != null) {
      return g.uuid();
    }
    String v = System.getenv("CUDA_VISIBLE_DEVICES");
    return "cuda-" + (v == null || v.isBlank() ? "all" : v.replace(',', '+'));
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  private String commandLine() {
    return "dsabench " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
  }
}
