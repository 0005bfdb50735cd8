package io.dsabench.cli;

import io.dsabench.costmodel.capacity.WorkloadFile;
import io.dsabench.harness.DeviceNames;
import io.dsabench.harness.PublishedRuns;
import io.dsabench.harness.compare.CompareRule;
import io.dsabench.harness.compare.Comparison;
import io.dsabench.harness.compare.ReferenceComparison;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.MeasurementSet;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsFormatException;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.reports.ReferenceInput;
import io.dsabench.reports.ReportFiles;
import io.dsabench.reports.ReportInput;
import io.dsabench.reports.ReportWriter;
import io.dsabench.reports.model.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dsabench report}: one self-contained HTML file (Chart.js inlined, data embedded, prints on
 * A4) with {@code report.csv} and {@code report.json} beside it. The regression verdict and the
 * pairing with the reference run are computed here, with the harness's compare rule and its
 * reference comparison, because reports depend on the cost model only.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a self-contained HTML cost report, with the same numbers as CSV and JSON beside it.",
      "The page opens from disk with no network and prints on A4."
    })
final class ReportCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--results",
      required = true,
      paramLabel = "FILE|DIR",
      description = {
        "results file, or a folder of them; repeatable: the first is the run the report is about",
        "(provenance, verdict), the others companions priced with it (each (phase, variant) from",
        "the file that has it; two files with the same one are refused by name)"
      })
  List<Path> results;

  @Option(
      names = "--workload",
      paramLabel = "FILE",
      description = "traffic to plan capacity for (YAML or JSON); no capacity plan without it")
  Path workload;

  @Mixin ModelOptions model = new ModelOptions();

  @Option(
      names = "--compare",
      paramLabel = "FILE|DIR",
      description = {
        "a second run (B) to draw over this one (A) on the cost charts and table against it at",
        "8K, 32K, 64K and 128K, priced the same way; repeatable, as --results is"
      })
  List<Path> compare;

  @Option(
      names = "--positions",
      paramLabel = "P,..",
      split = ",",
      description = "positions for the summary table (default: 8K,32K,64K,128K)")
  List<String> positions;

  @Option(
      names = "--baseline",
      paramLabel = "FILE",
      description =
          "results to judge regressions against (default: the published run of the device,"
              + " <published>/<device>/results.json, when there is one)")
  Path baseline;

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
          "reference run (dsabench reference) to set the kernels against, or 'none' (default:"
              + " <published>/<device>/reference.json when there is one)")
  String reference;

  @Option(
      names = "--out",
      paramLabel = "FILE.html",
      defaultValue = "out/report/report.html",
      description = "the page; .csv and .json are written beside it (default: ${DEFAULT-VALUE})")
  Path out;

  @Override
  public Integer call() throws IOException {
    ReportFiles beside = ReportFiles.beside(out);
    for (Path p : List.of(beside.html(), beside.csv(), beside.json())) {
      OutputPaths.file("out", p);
    }
    List<Path> inputs = new ArrayList<>();
    for (Path p : results) {
      if (Files.isDirectory(p)) {
        try {
          inputs.addAll(io.dsabench.model.results.ResultsIO.resultsFilesIn(p));
        } catch (ResultsFormatException e) {
          throw new BadInputException("results: " + e.getMessage(), e);
        }
      } else {
        inputs.add(p);
      }
    }
    Path primary = inputs.get(0);
    Results run = read(primary, "results");
    List<MeasurementSet.Source> companions = new ArrayList<>();
    for (Path f : inputs.subList(1, inputs.size())) {
      companions.add(new MeasurementSet.Source(f.toString(), read(f, "results")));
    }
    List<MeasurementSet.Source> compared = new ArrayList<>();
    if (compare != null) {
      try {
        compared.addAll(CostCommand.readAll(compare).sources());
      } catch (IllegalArgumentException e) {
        throw new BadInputException(
            e.getMessage().startsWith("results: ")
                ? "compare: " + e.getMessage().substring("results: ".length())
                : e.getMessage(),
            e);
      }
    }
    ReportInput input =
        new ReportInput(
            run,
            primary.toString(),
            null,
            null,
            positions == null ? null : parsePositions(positions),
            workload == null ? null : WorkloadFile.read(workload),
            workload == null ? null : workload.toString(),
            verdict(run, primary),
            "dsabench " + String.join(" ", spec.commandLine().getParseResult().originalArgs()),
            Instant.now(),
            companions,
            model.parameters(null),
            compared);
    ReferenceInput ref = reference(run);
    ReportFiles files = ReportWriter.write(input, ref, out);
    var o = spec.commandLine().getOut();
    o.println("report: " + files.html());
    o.println(
        "reference: "
            + (ref.run() == null
                ? "none (" + ref.absentReason() + ")"
                : ref.file() + " (" + ref.pairs().size() + " stage(s) paired)"));
    o.println("data:   " + files.csv() + ", " + files.json());
    o.flush();
    return Main.OK;
  }

  /** The verdict against the baseline, or why there is none; the report shows it as given. */
  private Verdict verdict(Results run, Path primary) {
    Path base = baseline != null ? baseline : publishedFor(run);
    if (base == null) {
      return Verdict.none(
          "no published run for this device ("
              + deviceName(run)
              + " in "
              + publishedRuns().dir()
              + "); pass --baseline FILE to compare with one");
    }
    if (baseline == null && sameFile(base, primary)) {
      // Named as the user gave it: a published report should not carry this machine's paths.
      return Verdict.none(
          "this is the published run for " + deviceName(run) + " (" + primary + ")");
    }
    Results published = read(base, "baseline");
    Comparison c;
    try {
      c = Comparison.of(published, run, CompareRule.DEFAULT);
    } catch (IllegalArgumentException e) {
      return Verdict.none("not comparable with " + base + ": " + e.getMessage());
    }
    List<String> details = new ArrayList<>(c.warnings());
    for (Comparison.Row r : c.rows()) {
      if (r.verdict().fails()) {
        details.add(
            r.verdict().id()
                + " "
                + r.point()
                + (r.op() == null ? "" : " " + r.op().id())
                + (Double.isNaN(r.change())
                    ? ""
                    : String.format(Locale.ROOT, " %+.1f%% median", 100 * r.change()))
                + (r.note() == null ? "" : " (" + r.note() + ")"));
      }
    }
    String counts =
        String.format(
            Locale.ROOT,
            "%d same, %d faster, %d ambiguous, %d regressed, %d lost (rule: median change ≥ %.0f%%"
                + " with non-overlapping p10–p90)",
            c.count(io.dsabench.harness.compare.Verdict.SAME),
            c.count(io.dsabench.harness.compare.Verdict.FASTER),
            c.count(io.dsabench.harness.compare.Verdict.AMBIGUOUS),
            c.count(io.dsabench.harness.compare.Verdict.REGRESSION),
            c.count(io.dsabench.harness.compare.Verdict.LOST),
            100 * CompareRule.DEFAULT.minEffect());
    return new Verdict(
        c.regressed() ? Verdict.REGRESSION : Verdict.PASS,
        "against " + base + ", run " + published.run().id() + ": " + counts,
        details);
  }

  /**
   * The reference run to set {@code run} against, paired by the harness's {@link
   * ReferenceComparison} (what {@code compare --reference} prints), or why there is none.
   */
  private ReferenceInput reference(Results run) {
    if ("none".equals(reference)) {
      return ReferenceInput.none("--reference none");
    }
    if ("reference".equals(run.run().backend())) {
      return ReferenceInput.none("this run is itself a reference run");
    }
    Path file = reference != null ? Path.of(reference) : publishedFor(run, "reference.json");
    if (file == null) {
      return ReferenceInput.none(
          "no reference run for "
              + deviceName(run)
              + " ("
              + publishedRuns().file(slug(run), "reference.json")
              + " does not exist; pass --reference FILE)");
    }
    Results ref = read(file, "reference");
    if (!"reference".equals(ref.run().backend())) {
      throw new BadInputException(
          "reference: "
              + file
              + " holds a '"
              + ref.run().backend()
              + "' run, not a reference run (dsabench reference writes those)");
    }
    ReferenceComparison c = ReferenceComparison.of(run, ref);
    List<ReferenceInput.Pair> pairs = new ArrayList<>();
    for (ReferenceComparison.Row r : c.rows()) {
      pairs.add(
          new ReferenceInput.Pair(
              r.point(), r.op(), r.referenceOp(), r.referenceSeconds(), r.implementation()));
    }
    return ReferenceInput.of(ref, file.toString(), pairs, c.warnings());
  }

  private PublishedRuns publishedRuns() {
    return PublishedRuns.of(published);
  }

  /** &lt;published&gt;/&lt;device&gt;/results.json for the run's GPU, if it exists. */
  private Path publishedFor(Results run) {
    return publishedFor(run, "results.json");
  }

  /** &lt;published&gt;/&lt;device&gt;/{@code name} for the run's GPU, if it exists. */
  private Path publishedFor(Results run, String name) {
    Path p = publishedRuns().file(slug(run), name);
    return Files.isRegularFile(p) ? p : null;
  }

  private static String slug(Results run) {
    String device = run.run().device() == null ? null : run.run().device().name();
    return DeviceNames.slug(run.run().backend(), device);
  }

  private static String deviceName(Results run) {
    return run.run().device() == null ? run.run().backend() : run.run().device().name();
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private static Results read(Path file, String field) {
    try {
      return ResultsIO.read(file);
    } catch (ResultsFormatException e) {
      throw new BadInputException(field + ": " + e.getMessage(), e);
    }
  }

  /** 8K → 8192, 128k → 131072, 6590 → 6590; the message names the value and the rule. */
  static List<Integer> parsePositions(List<String> values) {
    List<Integer> out = new ArrayList<>();
    for (String raw : values) {
      String v = raw.strip();
      long mult = 1;
      if (v.endsWith("K") || v.endsWith("k")) {
        mult = 1024;
        v = v.substring(0, v.length() - 1);
      }
      long n;
      try {
        n = Long.parseLong(v) * mult;
      } catch (NumberFormatException e) {
        throw new BadInputException(
            "positions: '" + raw + "' is not a token count (e.g. 8192 or 8K)", e);
      }
      if (n <= 0 || n > Integer.MAX_VALUE) {
        throw new BadInputException("positions: " + raw + " is not a positive token count");
      }
      out.add((int) n);
    }
    return out;
  }
}
