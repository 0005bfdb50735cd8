package io.dsabench.harness.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.harness.stage.StageSamples;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.WorkloadModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the {@link StageBenchmarks} of one sweep point through JMH, programmatically ({@link Runner}
 * and {@link OptionsBuilder}), and collects what the forks measured. Per point: a session
 * directory, the point's stage benchmarks plus its end-to-end benchmark, each in its own fork (by
 * default one fork, one warm-up and one measurement session: the session's stop rule does the
 * sampling), JMH's raw JSON appended to {@code jmh.json} and its text log to {@code jmh.log} in the
 * output directory.
 *
 * <p>Forks are the default. When this JVM has no launcher to fork with ({@code java.home/bin/java}
 * missing, as in a runtime image built without it), the engine runs JMH in-process ({@code forks =
 * 0}) and {@link #note()} says why; the results file records it.
 */
public final class JmhEngine {
  /** What the forks of one point reported, stage by stage. */
  public record PointRun(Map<Op, StageSamples> stages) {}

  private static final ObjectMapper MAPPER = ResultsIO.mapper();

  private final Path outDir;
  private final SessionConfig config;
  private final int forks;
  private final int warmupIterations;
  private final int measurementIterations;
  private final List<String> jvmArgs;
  private final int decodeTokensPerSeq;
  private final String note;
  private final Path jmhJson;
  private final Path jmhLog;
  private final ArrayNode allResults = MAPPER.createArrayNode();
  private boolean logStarted;

  /**
   * @param outDir where {@code jmh.json}, {@code jmh.log} and the session directories go
   * @param forks JMH forks per benchmark (0 runs in-process)
   * @param warmupIterations warm-up sessions per fork
   * @param measurementIterations sampling sessions per fork (their samples are pooled)
   * @param jvmArgs arguments of the forked JVMs
   */
  public JmhEngine(
      Path outDir,
      SessionConfig config,
      int forks,
      int warmupIterations,
      int measurementIterations,
      List<String> jvmArgs) {
    this(outDir, config, forks, warmupIterations, measurementIterations, jvmArgs, 1);
  }

  /**
   * @param decodeTokensPerSeq query tokens per decode sequence, passed to every benchmark as the
   *     {@code decodeTokensPerSeq} parameter (the other constructor: 1)
   */
  public JmhEngine(
      Path outDir,
      SessionConfig config,
      int forks,
      int warmupIterations,
      int measurementIterations,
      List<String> jvmArgs,
      int decodeTokensPerSeq) {
    if (decodeTokensPerSeq < 1) {
      throw new BadInputException(
          "decode-tokens-per-seq: " + decodeTokensPerSeq + " is not a positive count");
    }
    this.decodeTokensPerSeq = decodeTokensPerSeq;
    if (forks < 0) {
      throw new BadInputException("forks: " + forks + " is negative");
    }
    if (warmupIterations < 0) {
      throw new BadInputException("warmup-iterations: " + warmupIterations + " is negative");
    }
    if (measurementIterations < 1) {
      throw new BadInputException(
          "iterations: " + measurementIterations + " is not a positive count");
    }
    this.outDir = outDir;
    this.config = config;
    // JMH takes a host-wide lock (/tmp/jmh.lock) so that two JMH runs never share a machine. Ours
    // share it on purpose: one worker per GPU of a host, each measuring its own device, and the
    // device is what DeviceLock guards. JMH reads this switch in the process that runs Runner.
    System.setProperty("jmh.ignoreLock", "true");
    Path launcher = Path.of(System.getProperty("java.home"), "bin", "java");
    if (forks > 0 && !Files.isExecutable(launcher)) {
      this.forks = 0;
      this.note =
          "JMH ran in-process (no forks): this runtime has no launcher at "
              + launcher
              + " to fork with";
    } else {
      this.forks = forks;
      this.note = forks == 0 ? "JMH ran in-process (no forks), as asked" : null;
    }
    this.warmupIterations = warmupIterations;
    this.measurementIterations = measurementIterations;
    this.jvmArgs = List.copyOf(jvmArgs);
    this.jmhJson = outDir.resolve("jmh.json");
    this.jmhLog = outDir.resolve("jmh.log");
  }

  /** {@code jmh-fork} or {@code jmh-in-process}. */
  public String engine() {
    return forks > 0 ? "jmh-fork" : "jmh-in-process";
  }

  /** Why the engine is not the default, or null. */
  public String note() {
    return note;
  }

  public Path jmhJson() {
    return jmhJson;
  }

  public Path jmhLog() {
    return jmhLog;
  }

  /** Where point {@code index}'s session files go. */
  public Path sessionDir(int index, SweepPoint point) {
    return outDir
        .resolve("sessions")
        .resolve(String.format("%03d-%s", index, point.key().replaceAll("[^A-Za-z0-9=.-]", "_")));
  }

  /**
   * Measures every stage of the point and its end-to-end total. Never throws for a fault of the
   * point: stages that could not be measured come back skipped or failed with the reason.
   */
  public PointRun run(int index, SweepPoint point) throws IOException {
    List<Op> ops = new ArrayList<>(WorkloadModel.stages(point.phase(), point.variant()));
    ops.add(Op.TOTAL);
    Path session = sessionDir(index, point);
    deleteTree(session); // samples left by an interrupted earlier run must not be pooled in
    Files.createDirectories(session);
    if (!logStarted) {
      Files.deleteIfExists(jmhLog); // the log is of this run only
      logStarted = true;
    }
    SessionFiles.writeConfig(session, config);
    Path json = session.resolve("jmh.json");
    Path log = session.resolve("jmh.log");
    StringBuilder methods = new StringBuilder();
    for (Op op : ops) {
      methods
          .append(methods.length() == 0 ? "" : "|")
          .append(StageBenchmarks.methodOf(op, point.variant()));
    }
    ChainedOptionsBuilder b =
        new OptionsBuilder()
            .include("^" + Pattern.quote(StageBenchmarks.class.getName()) + "\\.(" + methods + ")$")
            .param("phase", point.phase().id())
            .param("variant", point.variant().id())
            .param("position", String.valueOf(point.position()))
            .param("tokens", String.valueOf(point.tokens()))
            .param("decodeTokensPerSeq", String.valueOf(decodeTokensPerSeq))
            .param("session", session.toAbsolutePath().toString())
            .forks(forks)
            .warmupIterations(warmupIterations)
            .measurementIterations(measurementIterations)
            .warmupBatchSize(1)
            .measurementBatchSize(1)
            .threads(1)
            .shouldFailOnError(false)
            .timeout(TimeValue.minutes(10))
            .resultFormat(ResultFormatType.JSON)
            .result(json.toString())
            .output(log.toString());
    if (forks > 0) {
      b = b.jvmArgs(jvmArgs.toArray(new String[0]));
    }
    String runnerError = null;
    try {
      new Runner(b.build()).run();
    } catch (RunnerException | RuntimeException e) {
      runnerError = e.toString();
    }
    appendLog(point, log);
    appendJson(json);
    Map<Op, List<StageSamples>> byOp = new EnumMap<>(Op.class);
    for (StageSamples s : SessionFiles.readSamples(session)) {
      byOp.computeIfAbsent(s.op(), o -> new ArrayList<>()).add(s);
    }
    Map<Op, StageSamples> stages = new EnumMap<>(Op.class);
    for (Op op : ops) {
      List<StageSamples> parts = byOp.get(op);
      if (parts == null || parts.isEmpty()) {
        stages.put(
            op,
            StageSamples.notOk(
                op,
                PointStatus.FAILED,
                "the JMH fork of "
                    + op.id()
                    + " reported no samples (crashed?)"
                    + (runnerError == null ? "" : ": " + runnerError)
                    + lastError(log)
                    + "; see "
                    + jmhLog));
      } else {
        stages.put(op, pool(op, parts));
      }
    }
    return new PointRun(stages);
  }

  /** Pools the samples of several forks; the first fault wins. */
  private static StageSamples pool(Op op, List<StageSamples> parts) {
    List<Double> device = new ArrayList<>();
    List<Double> host = new ArrayList<>();
    String stop = null;
    int sets = 0;
    for (StageSamples s : parts) {
      if (s.status() != PointStatus.OK) {
        return s;
      }
      device.addAll(s.deviceSeconds());
      host.addAll(s.hostOverheadSeconds());
      stop = s.stopReason();
      sets = s.inputSets();
    }
    return new StageSamples(op, PointStatus.OK, null, device, host, stop, sets);
  }

  private static String lastError(Path log) {
    try {
      if (!Files.exists(log)) {
        return "";
      }
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        String l = lines.get(i);
        if (l.contains("Exception") || l.contains("Error") || l.contains("<failure>")) {
          return " (" + l.trim() + ")";
        }
      }
    } catch (IOException e) {
      // The reason without the log line is still accurate.
    }
    return "";
  }

  private void appendLog(SweepPoint point, Path log) throws IOException {
    String header = "\n######## " + point.key() + "\n";
    Files.writeString(
        jmhLog,
        header,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    if (Files.exists(log)) {
      Files.write(jmhLog, Files.readAllBytes(log), StandardOpenOption.APPEND);
    }
  }

  /** Adds the point's JMH results to {@code jmh.json}, rewritten atomically after every point. */
  private synchronized void appendJson(Path json) throws IOException {
    if (Files.exists(json) && Files.size(json) > 0) {
      JsonNode node = MAPPER.readTree(json.toFile());
      if (node.isArray()) {
        node.forEach(allResults::add);
      }
    }
    ResultsIO.writeAtomically(jmhJson, MAPPER.writeValueAsBytes(allResults));
  }

  /**
   * Removes the session directories: their samples are in the results, their JMH output in jmh.json
   * and jmh.log, their profiles in the merged flame graph.
   */
  public void cleanSessions() {
    deleteTree(outDir.resolve("sessions"));
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Leftover session files are harmless.
    }
  }

  /** Every collapsed-stack file the forks wrote (for {@code --profile}). */
  public List<Path> profiles() throws IOException {
    Path dir = outDir.resolve("sessions");
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.toString().endsWith(".collapsed")).sorted().toList();
    }
  }
}
