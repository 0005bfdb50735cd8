package io.dsabench.cli;

import io.dsabench.costmodel.cost.Deployment;
import io.dsabench.harness.BuildInfo;
import io.dsabench.harness.DeviceLock;
import io.dsabench.harness.DeviceNames;
import io.dsabench.harness.ProgressBar;
import io.dsabench.harness.PublishedRuns;
import io.dsabench.harness.Shard;
import io.dsabench.harness.Sweep;
import io.dsabench.harness.SweepSpec;
import io.dsabench.harness.compare.CompareRule;
import io.dsabench.harness.compare.Comparison;
import io.dsabench.harness.compare.ReferenceComparison;
import io.dsabench.harness.compare.Verdict;
import io.dsabench.harness.fleet.Gpus;
import io.dsabench.harness.metrics.MetricsExport;
import io.dsabench.harness.metrics.SweepMetrics;
import io.dsabench.harness.rest.RestSpec;
import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.harness.stats.StopRule;
import io.dsabench.kernels.Backend;
import io.dsabench.kernels.BackendUnavailableException;
import io.dsabench.kernels.Backends;
import io.dsabench.kernels.DeviceInfo;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsFormatException;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.RestBatch;
import io.dsabench.model.workload.RestShape;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dsabench bench}: a sweep through the harness (JMH forks, device-time samples, results
 * flushed after every point), then a regression verdict against a baseline.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Sweeps kernels across positions and writes a results file; compares against the published"
          + " run for this device.",
      "",
      "Default sweep: phases prefill,decode x variants dense,dsa x positions"
          + " 1K,2K,4K,8K,16K,32K,64K,96K,128K with 4096 prefill tokens (a chunk ending at the"
          + " position, at most the position) and 64 decode sequences of 2 query tokens on cuda; on cpu, positions"
          + " 1K,4K,16K with 1 token, so that the pure-Java reference finishes in minutes on two"
          + " cores.",
      "Each stage is timed on the backend's clock (CUDA events on GPUs) in a JMH fork: warm-up,"
          + " then samples until the median's 95%% confidence half-width is under --max-noise or"
          + " --max-time passes.",
      "--phases rest (alone, or with prefill,decode) also times the rest of a layer — MLA and"
          + " indexer projections, MoE experts (router, grouped gate/up, SwiGLU, down, shared"
          + " expert), dense FFN, head — as FP8 GEMMs at each phase's deployment batch"
          + " (--rest-tokens, --rest-ep; defaults: the cost model's deployments, prefill 16384"
          + " tokens at EP32, decode 128 sequences x 2 tokens = 256 at EP144), one result per"
          + " phase and routing in the results file's rest section.",
      "Exit: 0 ok, 1 regression against the baseline or a failed point, 2 bad input."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SweepOptions sweepOptions = new SweepOptions();

  @Option(
      names = "--rest-tokens",
      paramLabel = "prefill=N,decode=M",
      description =
          "tokens per GPU per step for --phases rest: N for both, or prefill=N,decode=M (default:"
              + " the cost model's deployments, prefill 16384, decode 128 sequences x 2 = 256)")
  String restTokens;

  @Option(
      names = "--rest-ep",
      paramLabel = "prefill=N,decode=M",
      description =
          "expert parallelism for --phases rest; experts per GPU = ceil(256 / EP), rows per expert"
              + " = tokens x 8 / experts per GPU (default: prefill 32, decode 144, DeepSeek's"
              + " V3/R1 inference system)")
  String restEp;

  @Option(
      names = "--rest-routing",
      paramLabel = "uniform|skewed|both",
      description =
          "how rows spread over a GPU's experts for --phases rest: uniform, skewed (the hottest"
              + " expert at 2x the mean, same total) or both (default: uniform)")
  String restRouting;

  // Tests only: the pure-Java backend cannot run DeepSeek-V3.2's widths in a test's time.
  @Option(names = "--rest-shape", hidden = true, paramLabel = "NAME")
  String restShape;

  @Option(
      names = "--backend",
      defaultValue = "auto",
      paramLabel = "B",
      description =
          "auto (cuda when it can start, else cpu), cuda or cpu (default: ${DEFAULT-VALUE})")
  String backend;

  @Option(
      names = "--out",
      defaultValue = "out/bench",
      paramLabel = "DIR",
      description = "output directory: results.json, jmh.json, jmh.log (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(
      names = "--baseline",
      paramLabel = "FILE",
      description =
          "results to compare against, or 'none' (default: <published>/<device>/results.json"
              + " when it exists, e.g. h200)")
  String baseline;

  @Option(
      names = "--summary-md",
      paramLabel = "FILE",
      description =
          "also write the verdict against the baseline as markdown to FILE (e.g."
              + " $GITHUB_STEP_SUMMARY): verdict line, regressed points, a compact table")
  Path summaryMd;

  @Option(
      names = "--published",
      paramLabel = "DIR",
      description =
          "folder of the published runs, <device>/results.json and reference.json (default: the"
              + " installation's reports/published, whatever the working directory)")
  Path published;

  @Option(
      names = "--reference",
      paramLabel = "FILE",
      description =
          "reference run (dsabench reference) to set ours against, or 'none' (default:"
              + " out/reference/results.json when it was measured on this GPU, else"
              + " <published>/<device>/reference.json)")
  String reference;

  @Option(
      names = "--min-effect",
      defaultValue = "0.05",
      paramLabel = "F",
      description = "smallest relative change of a median that counts (default: ${DEFAULT-VALUE})")
  double minEffect;

  @Option(
      names = "--shard",
      paramLabel = "I/N",
      description = "measure only shard I of N (0-based; round-robin over the sweep's points)")
  String shard;

  @Option(
      names = "--devices",
      paramLabel = "all|0,1",
      description = "one worker process per GPU (CUDA_VISIBLE_DEVICES pinned), one queue of points")
  String devices;

  @Option(
      names = "--l2-flush",
      description = "overwrite a 256 MiB scratch buffer before every sample (cold L2)")
  boolean l2Flush;

  @Option(
      names = "--no-rotate",
      description = "do not rotate copies of inputs smaller than the L2 budget (cuda rotates)")
  boolean noRotate;

  @Option(
      names = "--forks",
      defaultValue = "1",
      paramLabel = "N",
      description = "JMH forks per benchmark; 0 runs in this JVM (default: ${DEFAULT-VALUE})")
  int forks;

  @Option(
      names = "--iterations",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "JMH measurement iterations (sampling sessions) per fork (default: ${DEFAULT-VALUE})")
  int iterations;

  @Option(
      names = "--jvm-args",
      paramLabel = "ARGS",
      description = "extra arguments for the forked JVMs, space-separated")
  String jvmArgs;

  @Option(names = "--profile", description = "async-profiler flame graph of the host side")
  boolean profile;

  @Option(
      names = "--metrics-port",
      paramLabel = "P",
      description = "serve live Prometheus metrics on 127.0.0.1:P/metrics during the run")
  Integer metricsPort;

  @Option(
      names = "--metrics-bind",
      defaultValue = MetricsExport.DEFAULT_BIND,
      paramLabel = "ADDR",
      description =
          "address --metrics-port listens on (default: ${DEFAULT-VALUE}, this host only; a pod's"
              + " address or 0.0.0.0 where Prometheus scrapes it over the network)")
  String metricsBind;

  @Option(
      names = "--allow-different-devices",
      description =
          "compare against a baseline measured on another GPU model (refused by default: the"
              + " verdict would measure the GPU, not the change)")
  boolean allowDifferentDevices;

  @Option(
      names = "--pushgateway",
      paramLabel = "URL",
      description = "push a summary to this Prometheus Pushgateway when the run ends")
  String pushgateway;

  @Option(names = "--lock-dir", hidden = true, paramLabel = "DIR")
  Path lockDir;

  @Override
  public Integer call() throws IOException {
    PrintWriter outW = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // Every check on the command line comes before any work on a device: a bad flag found after
    // a sweep of minutes loses the minutes.
    if (!"auto".equals(backend) && !Backends.names().contains(backend)) {
      throw new BadInputException(
          "backend: '" + backend + "' is not one of auto, " + String.join(", ", Backends.names()));
    }
    Shard sh = shard == null ? Shard.ALL : Shard.parse(shard);
    if (pushgateway != null) {
      MetricsExport.parse(pushgateway);
    }
    if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
      throw new BadInputException("metrics-port: " + metricsPort + " is not a TCP port (0-65535)");
    }
    MetricsExport.checkBind(metricsBind);
    CompareRule rule = new CompareRule(minEffect);
    // Every sweep and sampling option as given (the backend's defaults come later).
    sweepOptions.restAllowed = true;
    sweepOptions.check();
    RestSpec rest = restSpec();
    boolean attention = sweepOptions.attention();
    // The sweep's own settings, each checked as it is set; the rest once the backend is known.
    Sweep.Options.Builder opts =
        Sweep.Options.builder()
            .shard(sh)
            .forks(forks)
            .iterations(iterations)
            .lockDir(lockDir)
            .command(commandLine())
            .explicitPositions(sweepOptions.explicitPositions())
            .attention(attention)
            .rest(rest)
            .jvmArgs(
                jvmArgs == null || jvmArgs.isBlank()
                    ? List.of()
                    : List.of(jvmArgs.trim().split("\\s+")));
    if (reference != null && !"none".equals(reference)) {
      readReference(Path.of(reference));
    }
    Results baseResults = null;
    Path base = null;
    if (baseline != null && !"none".equals(baseline)) {
      base = Path.of(baseline);
      baseResults = readBaseline(base);
      if (!"auto".equals(backend) && !backend.equals(baseResults.run().backend())) {
        // Comparison.of's own refusal, before the sweep rather than after it.
        throw new BadInputException(
            Comparison.differentBackends(baseResults.run().backend(), backend));
      }
    }
    OutputPaths.directory("out", out);
    OutputPaths.file("out", out.resolve("results.json"));
    List<Integer> devs = devices == null ? null : Gpus.parseDevices(devices, Gpus.list());
    String resolved;
    DeviceInfo device;
    try (Backend b =
        Backends.open(backend, why -> err.println("dsabench: " + why + "; running on cpu"))) {
      resolved = b.name();
      device = b.device();
    } catch (BackendUnavailableException e) {
      return unavailable(err, backend, e);
    }
    if (baseResults != null) {
      if (!resolved.equals(baseResults.run().backend())) {
        throw new BadInputException(
            Comparison.differentBackends(baseResults.run().backend(), resolved));
      }
      String bd = baseResults.run().device() == null ? null : baseResults.run().device().name();
      if (!allowDifferentDevices && bd != null && !bd.equals(device.name())) {
        throw new BadInputException(Comparison.differentDevices(bd, device.name()));
      }
    }
    if (devs != null && "cpu".equals(resolved) && !"cpu".equals(backend)) {
      err.println("dsabench: --devices needs GPUs, and none can start here; running on cpu");
    }
    SweepSpec sweep = sweepOptions.spec(resolved);
    SessionConfig session = SessionConfig.defaults(resolved);
    StopRule stop = sweepOptions.stop(session.stop());
    session =
        session
            .withStop(stop)
            .withL2Flush(l2Flush)
            .withRotateInputs(session.rotateInputs() && !noRotate)
            .withProfile(profile);
    Sweep s =
        new Sweep(opts.spec(sweep).outDir(out).session(session).devices(devs).build())
            .listen(ProgressBar.stderr());
    PrometheusRegistry registry = null;
    SweepMetrics sweepMetrics = null;
    if (metricsPort != null || pushgateway != null) {
      registry = new PrometheusRegistry();
      sweepMetrics = new SweepMetrics(registry);
      s.listen(sweepMetrics);
    }
    HTTPServer server = null;
    if (metricsPort != null) {
      server = MetricsExport.serve(registry, metricsBind, metricsPort);
      err.println(
          "dsabench: metrics on http://"
              + (metricsBind.contains(":") ? "[" + metricsBind + "]" : metricsBind)
              + ":"
              + server.getPort()
              + "/metrics");
    }
    Results results;
    try {
      results = s.run();
    } catch (DeviceLock.BusyException e) {
      err.println("dsabench: " + e.getMessage());
      return Main.FAILED;
    } catch (BackendUnavailableException e) {
      return unavailable(err, resolved, e);
    } finally {
      if (server != null) {
        server.close();
      }
    }
    outW.println("results: " + s.resultsFile());
    Map<String, String> extra = results.run().extra();
    if (extra != null) {
      outW.println("raw JMH JSON: " + out.resolve(extra.getOrDefault("jmhJson", "jmh.json")));
      if (extra.containsKey("engineNote")) {
        outW.println("note: " + extra.get("engineNote"));
      }
      if (extra.containsKey("profile")) {
        outW.println("profile: " + extra.get("profile"));
      }
    }
    printRest(outW, results);
    long failed =
        results.points().stream().filter(p -> p.status() == PointStatus.FAILED).count()
            + results.restPoints().stream().filter(p -> p.status() == PointStatus.FAILED).count();
    int code = failed > 0 ? Main.FAILED : Main.OK;
    if (failed > 0) {
      outW.println(failed + " point(s) failed; see their reasons in " + s.resultsFile());
    }
    Comparison c = null;
    if (attention) {
      printAgainstReference(results);
      c = verdict(results, base, baseResults, rule, sweepMetrics, s.resultsFile());
    } else {
      // The published runs hold attention points; a run of the rest alone has none to compare.
      outW.println("no verdict: --phases rest measures no attention points to compare");
    }
    if (pushgateway != null) {
      try {
        MetricsExport.push(registry, pushgateway, BuildInfo.host());
        err.println("dsabench: pushed the summary to " + pushgateway);
      } catch (IOException e) {
        err.println("dsabench: could not push to " + pushgateway + ": " + e.getMessage());
      }
    }
    outW.flush();
    return c != null && c.regressed() ? Main.FAILED : code;
  }

  /** The verdict against the baseline (printed), or null when there is none (says why). */
  private Comparison verdict(
      Results results,
      Path base,
      Results baseResults,
      CompareRule rule,
      SweepMetrics metrics,
      Path resultsFile)
      throws IOException {
    PrintWriter outW = spec.commandLine().getOut();
    if (baseResults == null) {
      base = baselineFile(results);
      if (base == null) {
        if (summaryMd != null) {
          appendSummary("### dsabench: no verdict (no baseline for " + resultsFile + ")\n");
        }
        return null;
      }
      baseResults = readBaseline(base);
    }
    outW.println("compared against " + base);
    Comparison c;
    try {
      c =
          Comparison.of(
              baseResults,
              results,
              rule,
              Comparison.Options.DEFAULT.withAllowDifferentDevices(allowDifferentDevices));
    } catch (BadInputException e) {
      // The published run of this device's slug, but another backend or model: no verdict.
      outW.println("no verdict: " + e.getMessage());
      if (summaryMd != null) {
        appendSummary("### dsabench: no verdict (" + e.getMessage() + ")\n");
      }
      return null;
    }
    outW.print(c.table());
    if (summaryMd != null) {
      // Appended, as CI job summaries are: one file can gather several steps' verdicts.
      appendSummary(
          c.markdown(
              base + " (" + baseResults.run().id() + ")",
              resultsFile + " (" + results.run().id() + ")"));
      outW.println("markdown summary: " + summaryMd);
    }
    if (metrics != null) {
      metrics.verdict(
          baseResults.run().id(),
          c.regressed(),
          c.count(Verdict.REGRESSION) + c.count(Verdict.LOST));
    }
    return c;
  }

  /**
   * Ours against the reference run for this GPU, when there is one: a comparison for the kernel
   * engineer, never part of the exit code.
   */
  private void printAgainstReference(Results results) {
    PrintWriter outW = spec.commandLine().getOut();
    if ("none".equals(reference) || "cpu".equals(results.run().backend())) {
      return;
    }
    String device = results.run().device() == null ? null : results.run().device().name();
    Path file;
    if (reference != null) {
      file = Path.of(reference);
    } else {
      Path local = Path.of("out", "reference", "results.json");
      Path publishedRef =
          PublishedRuns.of(published)
              .file(DeviceNames.slug(results.run().backend(), device), "reference.json");
      file = null;
      if (Files.isRegularFile(local)) {
        Results r = readReference(local);
        if (r.run().device() != null && java.util.Objects.equals(r.run().device().name(), device)) {
          file = local;
        }
      }
      if (file == null && Files.isRegularFile(publishedRef)) {
        file = publishedRef;
      }
      if (file == null) {
        outW.println(
            "no reference run for " + device + " (dsabench reference measures FlashMLA and cuDNN)");
        return;
      }
    }
    outW.println("against the reference implementations in " + file + ":");
    outW.print(ReferenceComparison.of(results, readReference(file)).table());
  }

  private static Results readReference(Path file) {
    try {
      Results r = ResultsIO.read(file);
      if (!"reference".equals(r.run().backend())) {
        throw new BadInputException(
            "reference: "
                + file
                + " holds a '"
                + r.run().backend()
                + "' run, not a reference run (dsabench reference writes those)");
      }
      return r;
    } catch (ResultsFormatException e) {
      throw new BadInputException("reference: " + e.getMessage(), e);
    }
  }

  private static Results readBaseline(Path file) {
    try {
      return ResultsIO.read(file);
    } catch (ResultsFormatException e) {
      throw new BadInputException("baseline: " + e.getMessage(), e);
    }
  }

  /**
   * A backend that cannot start: one line saying why (native loaders append pages of nested traces
   * to their messages); the whole of it with {@code --verbose}.
   */
  private int unavailable(PrintWriter err, String name, BackendUnavailableException e) {
    boolean verbose = Main.verbose(spec);
    err.println(
        "dsabench: backend "
            + name
            + " cannot start here: "
            + Backends.firstLine(e.getMessage())
            + (verbose ? "" : " (--verbose prints the loader's full report)"));
    if (verbose) {
      err.println(e.getMessage());
      e.printStackTrace(err);
    }
    err.flush();
    return Main.FAILED;
  }

  private void appendSummary(String markdown) throws IOException {
    Files.writeString(
        summaryMd,
        markdown,
        java.nio.charset.StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }

  /** The baseline to compare with, or null (then says why not). */
  private Path baselineFile(Results results) {
    PrintWriter outW = spec.commandLine().getOut();
    if ("none".equals(baseline)) {
      return null;
    }
    if (baseline != null) {
      return Path.of(baseline);
    }
    String slug =
        DeviceNames.slug(
            results.run().backend(),
            results.run().device() == null ? null : results.run().device().name());
    Path file = PublishedRuns.of(published).file(slug, "results.json");
    if (!Files.isRegularFile(file)) {
      outW.println("no baseline: " + file + " does not exist (no published run for " + slug + ")");
      return null;
    }
    return file;
  }

  /**
   * The rest of the model asked for by {@code --phases ..,rest}, or null; its options without it
   * are bad input, as they would silently do nothing.
   */
  RestSpec restSpec() {
    if (!sweepOptions.rest()) {
      for (String[] o :
          new String[][] {
            {"rest-tokens", restTokens},
            {"rest-ep", restEp},
            {"rest-routing", restRouting},
            {"rest-shape", restShape}
          }) {
        if (o[1] != null) {
          throw new BadInputException(
              o[0] + ": '" + o[1] + "' is given but --phases does not include rest");
        }
      }
      return null;
    }
    List<Phase> phases = List.of(Phase.PREFILL, Phase.DECODE);
    Map<Phase, Integer> tokens = new EnumMap<>(Phase.class);
    Map<Phase, Integer> ep = new EnumMap<>(Phase.class);
    for (Phase ph : phases) {
      Deployment d = Deployment.defaults(ph);
      tokens.put(ph, (int) Math.round(d.tokensPerStep()));
      ep.put(ph, d.expertParallel());
    }
    perPhase("rest-tokens", restTokens, tokens);
    perPhase("rest-ep", restEp, ep);
    String routing = restRouting == null ? RestBatch.UNIFORM : restRouting.trim();
    List<String> routings =
        switch (routing) {
          case "uniform", "skewed" -> List.of(routing);
          case "both" -> List.of(RestBatch.UNIFORM, RestBatch.SKEWED);
          default ->
              throw new BadInputException(
                  "rest-routing: '" + restRouting + "' is not one of uniform, skewed, both");
        };
    RestShape shape =
        restShape == null ? RestShape.DEEPSEEK_V3_2 : RestShape.named(restShape.trim());
    RestSpec spec = new RestSpec(phases, tokens, ep, routings, shape);
    // The batch of each point, checked now rather than after the attention sweep.
    for (Phase ph : phases) {
      RestBatch.of(shape, ph, tokens.get(ph), ep.get(ph), routings.get(0));
    }
    return spec;
  }

  /** {@code N} (both phases) or {@code prefill=N,decode=M} into {@code into}. */
  private static void perPhase(String option, String text, Map<Phase, Integer> into) {
    java.util.function.ToIntFunction<String> parse =
        "rest-ep".equals(option) ? BenchCommand::gpuCount : v -> SweepSpec.parseCount(option, v);
    if (text == null) {
      return;
    }
    if (!text.contains("=")) {
      int n = parse.applyAsInt(text.trim());
      into.replaceAll((ph, v) -> n);
      return;
    }
    for (String part : text.split(",")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2) {
        throw new BadInputException(
            option + ": '" + part + "' is not phase=N (like prefill=16384,decode=256)");
      }
      Phase ph;
      try {
        ph = Phase.of(kv[0].trim());
      } catch (BadInputException e) {
        throw new BadInputException(
            option + ": '" + kv[0].trim() + "' is not one of prefill, decode", e);
      }
      into.put(ph, parse.applyAsInt(kv[1].trim()));
    }
  }

  private static int gpuCount(String raw) {
    int n;
    try {
      n = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new BadInputException("rest-ep: '" + raw + "' is not a GPU count (like 32)", e);
    }
    if (n <= 0) {
      throw new BadInputException("rest-ep: " + n + " is not a positive GPU count");
    }
    return n;
  }

  /** Each rest point's components: time, TFLOP/s and TB/s (one layer; the head once). */
  private static void printRest(PrintWriter outW, Results results) {
    if (results.restPoints().isEmpty()) {
      return;
    }
    outW.println("rest of the model, per GPU (one layer of each; the head once):");
    for (RestResult r : results.restPoints()) {
      outW.println(
          "  "
              + ProgressBar.restKey(r)
              + (r.status() == PointStatus.OK ? "" : ": " + r.status().id() + ": " + r.reason()));
      for (StageResult st : r.stages()) {
        outW.println("    " + ProgressBar.restStage(st));
      }
    }
  }

  /** {@code N} or {@code prefill=N,decode=M}; the phases not named keep the backend's default. */
  static Map<Phase, Integer> parseTokens(String text, String backend) {
    Map<Phase, Integer> t = new EnumMap<>(SweepSpec.defaultTokens(backend));
    if (text == null) {
      return t;
    }
    if (!text.contains("=")) {
      int n = SweepSpec.parseCount("tokens", text.trim());
      t.put(Phase.PREFILL, n);
      t.put(Phase.DECODE, n);
      return t;
    }
    for (String part : text.split(",")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2) {
        throw new BadInputException(
            "tokens: '" + part + "' is not phase=N (like prefill=4096,decode=64)");
      }
      t.put(Phase.of(kv[0].trim()), SweepSpec.parseCount("tokens", kv[1].trim()));
    }
    return t;
  }

  private String commandLine() {
    return "dsabench " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
  }
}
