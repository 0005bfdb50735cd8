package io.dsabench.cli;

import io.dsabench.costmodel.capacity.CapacityPlan;
import io.dsabench.costmodel.capacity.CapacityPlanner;
import io.dsabench.costmodel.capacity.TrafficMix;
import io.dsabench.costmodel.capacity.WorkloadFile;
import io.dsabench.costmodel.cost.CostDelta;
import io.dsabench.costmodel.cost.CostModel;
import io.dsabench.costmodel.cost.CostParameters;
import io.dsabench.costmodel.cost.CostReport;
import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.costmodel.hardware.HardwareProfiles;
import io.dsabench.costmodel.reference.Figure3Comparison;
import io.dsabench.costmodel.reference.Figure3Reference;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.MeasurementSet;
import io.dsabench.model.results.MissingStagesException;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsFormatException;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.workload.Phase;
import io.dsabench.reports.render.CostCsvRenderer;
import io.dsabench.reports.render.TerminalRenderer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dsabench cost}: Figure 3's four curves (USD per million tokens vs position) from a results
 * file, every parameter used, the comparison with the paper, and with {@code --workload} a capacity
 * plan. The math lives in costmodel's {@code cost}, {@code reference} and {@code capacity}
 * packages; this class only parses options and prints.
 */
@Command(
    name = "cost",
    mixinStandardHelpOptions = true,
    description = {
      "USD per million tokens per position (the paper's Figure 3) from measured attention times,",
      "with the parameters used and the comparison with the paper; --workload adds a capacity plan."
    })
final class CostCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ModelOptions model = new ModelOptions();

  @Option(
      names = "--results",
      required = true,
      paramLabel = "FILE|DIR",
      description = {
        "results file, or a folder of them (every *.json with the results schema); repeatable:",
        "each (phase, variant), and for decode each tokens per sequence, is taken from the file",
        "that has it, and two files with the same one are refused by name"
      })
  List<Path> results;

  @Option(names = "--format", paramLabel = "F", description = "table, csv or json (default: table)")
  String format = "table";

  @Option(
      names = "--workload",
      paramLabel = "FILE",
      description = "traffic mix (YAML or JSON, see examples/workloads/) to plan capacity for")
  Path workload;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "with --format csv: write curves.csv, comparison.csv, rest.csv and (with --workload)"
              + " capacity.csv there, one table per file (default: the curves table to stdout)")
  Path outDir;

  @Option(
      names = "--phases",
      paramLabel = "P,..",
      split = ",",
      description =
          "phases to cost: prefill, decode (default: both); one alone when the other's points"
              + " failed")
  List<String> phases = List.of("prefill", "decode");

  @Option(
      names = "--step",
      paramLabel = "TOKENS",
      description = "spacing of the curve samples from 0 to 131072 (default: 1024)")
  int step = 1024;

  @Option(
      names = "--compare-hardware",
      paramLabel = "H,H,..",
      split = ",",
      description = {
        "price the run on each of these profiles (two or more, e.g. h800,b200): the first is A,",
        "each other one B; prints A, B and B vs A for every curve at 8K, 32K, 64K and 128K, and",
        "with --workload each profile's GPUs and USD per day. Each profile at its own default",
        "price unless --price sets one for all; every other model option applies to all"
      })
  List<String> compareHardware;

  @Override
  public Integer call() throws ResultsFormatException {
    String fmt = format.toLowerCase(Locale.ROOT);
    if (!List.of("table", "csv", "json").contains(fmt)) {
      throw new BadInputException("format: '" + format + "' is not one of table, csv, json");
    }
    if (compareHardware != null) {
      return compareHardware(fmt);
    }
    if (fmt.equals("csv") && workload != null && outDir == null) {
      throw new BadInputException(
          "out: --format csv writes one table per file, and --workload adds the capacity plan's;"
              + " pass --out DIR for curves.csv, comparison.csv and capacity.csv");
    }
    if (outDir != null && !fmt.equals("csv")) {
      throw new BadInputException(
          "out: '" + outDir + "' is for --format csv (one table per file); table and json print");
    }
    if (outDir != null) {
      OutputPaths.directory("out", outDir);
    }
    if (step <= 0 || step > CostParameters.MAX_POSITION) {
      throw new BadInputException(
          "step: " + step + " is not between 1 and " + CostParameters.MAX_POSITION);
    }
    CostParameters params = model.parameters(positions(step));
    Figure3Reference paper = Figure3Reference.load();
    java.util.Set<Phase> phaseSet = java.util.EnumSet.noneOf(Phase.class);
    for (String ph : phases) {
      phaseSet.add(Phase.of(ph.trim()));
    }
    MeasurementSet res = readAll(results);
    CostReport report;
    try {
      report = CostModel.compute(res, params, phaseSet);
    } catch (MissingStagesException e) {
      if (phaseSet.size() == 2) {
        throw new BadInputException(
            e.getMessage() + "; to cost one phase alone, pass --phases decode or --phases prefill",
            e);
      }
      throw e;
    }
    Figure3Comparison cmp = Figure3Comparison.compare(report, paper);
    CapacityPlan plan = null;
    if (workload != null) {
      TrafficMix mix = WorkloadFile.read(workload);
      plan = CapacityPlanner.plan(mix, report);
    }
    PrintWriter out = spec.commandLine().getOut();
    switch (fmt) {
      case "csv":
        printCsv(out, report, cmp, plan);
        break;
      case "json":
        printJson(out, report, cmp, plan, paper);
        break;
      default:
        out.print(TerminalRenderer.cost(report, cmp, plan));
    }
    out.flush();
    return Main.OK;
  }

  /**
   * {@code --compare-hardware}: the run priced on each profile, every curve of the first (A) set
   * against each other (B) at {@link CostDelta#POSITIONS}, the dashboard's "A vs B".
   */
  private int compareHardware(String fmt) {
    if (model.hardware != null) {
      throw new BadInputException(
          "hardware: --compare-hardware names every profile priced, the first as A; drop"
              + " --hardware "
              + model.hardware);
    }
    if (outDir != null) {
      throw new BadInputException(
          "out: --compare-hardware prints one table; '" + outDir + "' is for a single pricing");
    }
    if (fmt.equals("csv") && workload != null) {
      throw new BadInputException(
          "workload: --compare-hardware --format csv prints the curves' table alone; the capacity"
              + " plans are in --format table and json");
    }
    List<HardwareProfile> profiles = new java.util.ArrayList<>();
    for (String id : compareHardware) {
      HardwareProfile h = HardwareProfiles.byId(id.strip());
      if (profiles.contains(h)) {
        throw new BadInputException(
            "compare-hardware: "
                + h.id()
                + " is named twice in "
                + String.join(",", compareHardware));
      }
      profiles.add(h);
    }
    if (profiles.size() < 2) {
      throw new BadInputException(
          "compare-hardware: '"
              + String.join(",", compareHardware)
              + "' names one profile; give two or more, e.g. h800,b200");
    }
    java.util.Set<Phase> phaseSet = java.util.EnumSet.noneOf(Phase.class);
    for (String ph : phases) {
      phaseSet.add(Phase.of(ph.trim()));
    }
    MeasurementSet res = readAll(results);
    TrafficMix mix = workload == null ? null : WorkloadFile.read(workload);
    List<CostReport> reports = new java.util.ArrayList<>();
    List<CapacityPlan> plans = new java.util.ArrayList<>();
    for (HardwareProfile h : profiles) {
      CostReport r =
          CostModel.compute(res, model.parameters(h, model.price, positions(step)), phaseSet);
      reports.add(r);
      if (mix != null) {
        plans.add(CapacityPlanner.plan(mix, r));
      }
    }
    List<List<CostDelta>> deltas = new java.util.ArrayList<>();
    for (CostReport b : reports.subList(1, reports.size())) {
      deltas.add(CostDelta.between(reports.get(0), b, CostDelta.POSITIONS));
    }
    PrintWriter out = spec.commandLine().getOut();
    switch (fmt) {
      case "csv":
        out.print(CostCsvRenderer.hardwareComparison(reports, deltas));
        break;
      case "json":
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", "dsabench.cost-comparison/v1");
        List<Map<String, Object>> priced = new java.util.ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("hardware", reports.get(i).parameters().target().id());
          m.put("usdPerGpuHour", reports.get(i).parameters().usdPerGpuHour());
          m.put("attention", reports.get(i).attentionLabel());
          if (!plans.isEmpty()) {
            m.put("capacityPlan", plans.get(i));
          }
          priced.add(m);
        }
        doc.put("priced", priced);
        doc.put("deltas", deltas);
        try {
          out.println(ResultsIO.mapper().writeValueAsString(doc));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalStateException("cost comparison cannot be written as JSON", e);
        }
        break;
      default:
        out.print(TerminalRenderer.hardwareComparison(reports, deltas, plans));
    }
    out.flush();
    return Main.OK;
  }

  /**
   * Reads every file named, or every results file of a folder named, into one set; an unreadable
   * file or two files with one series are bad input (exit 2) naming them.
   */
  static MeasurementSet readAll(List<Path> paths) {
    List<MeasurementSet.Source> sources = new java.util.ArrayList<>();
    for (Path p : paths) {
      List<Path> files;
      if (java.nio.file.Files.isDirectory(p)) {
        try {
          files = ResultsIO.resultsFilesIn(p);
        } catch (ResultsFormatException e) {
          throw new BadInputException("results: " + e.getMessage(), e);
        }
      } else {
        files = List.of(p);
      }
      for (Path f : files) {
        sources.add(new MeasurementSet.Source(f.toString(), readResults(f)));
      }
    }
    return MeasurementSet.of(sources);
  }

  /** Reads results; an unreadable file is bad input (exit 2) naming the file and problem. */
  static Results readResults(Path file) {
    try {
      return ResultsIO.read(file);
    } catch (ResultsFormatException e) {
      throw new BadInputException("results: " + e.getMessage(), e);
    }
  }

  static List<Integer> positions(int step) {
    List<Integer> ps = new java.util.ArrayList<>();
    for (int p = 0; p < CostParameters.MAX_POSITION; p += step) {
      ps.add(p);
    }
    ps.add(CostParameters.MAX_POSITION);
    return ps;
  }

  /**
   * CSV is one table per file: the curves to stdout, or with {@code --out DIR} curves.csv,
   * comparison.csv, rest.csv (the rest of the model, estimate vs measurement per component) and
   * (with a workload) capacity.csv there.
   */
  private void printCsv(PrintWriter out, CostReport r, Figure3Comparison cmp, CapacityPlan plan) {
    if (outDir == null) {
      out.print(CostCsvRenderer.curves(r));
      return;
    }
    try {
      java.nio.file.Files.createDirectories(outDir);
      List<Path> written = new java.util.ArrayList<>();
      written.add(write(outDir.resolve("curves.csv"), CostCsvRenderer.curves(r)));
      written.add(write(outDir.resolve("comparison.csv"), CostCsvRenderer.comparison(cmp)));
      written.add(write(outDir.resolve("rest.csv"), CostCsvRenderer.rest(r)));
      if (plan != null) {
        written.add(write(outDir.resolve("capacity.csv"), CostCsvRenderer.capacity(plan)));
      }
      for (Path p : written) {
        out.println("wrote " + p);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("out: cannot write under " + outDir, e);
    }
  }

  private static Path write(Path file, String text) throws java.io.IOException {
    ResultsIO.writeAtomically(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return file;
  }

  private static void printJson(
      PrintWriter out,
      CostReport r,
      Figure3Comparison cmp,
      CapacityPlan plan,
      Figure3Reference paper) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", "dsabench.cost/v1");
    doc.put("report", r);
    doc.put("paperComparison", cmp);
    doc.put("paperNotes", paper.notes());
    if (plan != null) {
      doc.put("capacityPlan", plan);
    }
    try {
      out.println(ResultsIO.mapper().writeValueAsString(doc));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cost report cannot be written as JSON", e);
    }
  }
}
