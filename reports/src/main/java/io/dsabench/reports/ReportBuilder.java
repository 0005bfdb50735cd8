package io.dsabench.reports;

import io.dsabench.costmodel.capacity.CapacityPlanner;
import io.dsabench.costmodel.capacity.LengthDistribution;
import io.dsabench.costmodel.capacity.TrafficMix;
import io.dsabench.costmodel.capacity.VariantPlan;
import io.dsabench.costmodel.cost.CalibrationStep;
import io.dsabench.costmodel.cost.Component;
import io.dsabench.costmodel.cost.CostCurve;
import io.dsabench.costmodel.cost.CostDelta;
import io.dsabench.costmodel.cost.CostModel;
import io.dsabench.costmodel.cost.CostParameters;
import io.dsabench.costmodel.cost.CostReport;
import io.dsabench.costmodel.cost.RestEstimate;
import io.dsabench.costmodel.hardware.CeilingCheck;
import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.costmodel.hardware.HardwareProfiles;
import io.dsabench.costmodel.hardware.Precision;
import io.dsabench.costmodel.reference.ComparisonRow;
import io.dsabench.costmodel.reference.Figure3Comparison;
import io.dsabench.costmodel.reference.Figure3Reference;
import io.dsabench.costmodel.reference.ReferenceCurve;
import io.dsabench.costmodel.reference.ReferencePoint;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.results.StageProblem;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import io.dsabench.reports.model.CapacityPlan;
import io.dsabench.reports.model.CapacityRow;
import io.dsabench.reports.model.Ceilings;
import io.dsabench.reports.model.Curve;
import io.dsabench.reports.model.CurvePoint;
import io.dsabench.reports.model.KernelRow;
import io.dsabench.reports.model.KernelSeries;
import io.dsabench.reports.model.KernelTable;
import io.dsabench.reports.model.Methodology;
import io.dsabench.reports.model.PaperComparison;
import io.dsabench.reports.model.PaperComparisonRow;
import io.dsabench.reports.model.Parameter;
import io.dsabench.reports.model.Pricing;
import io.dsabench.reports.model.Provenance;
import io.dsabench.reports.model.ReferenceRow;
import io.dsabench.reports.model.ReferenceRun;
import io.dsabench.reports.model.ReportData;
import io.dsabench.reports.model.RestRow;
import io.dsabench.reports.model.RunComparison;
import io.dsabench.reports.model.SummaryRow;
import io.dsabench.reports.render.Fmt;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a {@link ReportInput} into a {@link ReportData} through the cost model. Every number here
 * is the cost model's (curves, capacity plan, parameters) or the results file's (kernel times);
 * this class only selects, groups and labels them, and divides throughput by the device's ceilings.
 */
final class ReportBuilder {
  private static final String EXTRAPOLATED = "extrapolated";

  private static final WorkloadModel WORKLOAD = WorkloadModel.deepseekV32();

  private ReportBuilder() {}

  /** The cost model's parameters for the input: its hardware at its price, all else default. */
  static CostParameters parameters(ReportInput in) {
    if (in.parameters() != null) {
      return in.parameters();
    }
    CostParameters p =
        in.hardware() == null
            ? CostParameters.defaults()
            : CostParameters.forHardware(HardwareProfiles.byId(in.hardware()));
    return in.usdPerGpuHour() == null ? p : p.toBuilder().usdPerGpuHour(in.usdPerGpuHour()).build();
  }

  static ReportData build(ReportInput in) {
    Results results = in.results();
    CostParameters params = parameters(in);
    for (int pos : in.summaryPositions()) {
      if (pos > CostParameters.MAX_POSITION) {
        throw new BadInputException(
            "positions: "
                + pos
                + " is beyond the cost curves' last position "
                + CostParameters.MAX_POSITION);
      }
    }
    List<String> warnings = new ArrayList<>();
    RunInfo run = results.run();
    if ("cpu".equals(run.backend())) {
      warnings.add(
          "CPU RUN: these times come from the pure-Java reference backend, not a GPU. They are"
              + " far slower than any GPU, so every cost below describes the reference"
              + " implementation priced as "
              + params.target().id()
              + ", not what "
              + params.target().id()
              + " would cost. Use it to check the pipeline, not to plan capacity.");
    }
    long notOk = results.points().stream().filter(p -> p.status() != PointStatus.OK).count();
    if (notOk > 0) {
      warnings.add(
          notOk
              + " of "
              + results.points().size()
              + " sweep points did not run (skipped or failed); their reasons are in the kernel"
              + " tables.");
    }

    CostReport cost = null;
    String costRefusal = null;
    try {
      cost = CostModel.compute(in.measurements(), params);
    } catch (IllegalArgumentException e) {
      costRefusal = e.getMessage();
      // A run too small to cost (one phase only, say) still has kernel tables worth reading.
      warnings.add("No cost curves: the cost model cannot cost this run: " + e.getMessage());
      if (in.workload() != null) {
        warnings.add("No capacity plan: it needs the cost curves this run could not give.");
      }
    }
    Figure3Reference paper = Figure3Reference.load();

    List<SummaryRow> summary = new ArrayList<>();
    List<Curve> curves = new ArrayList<>();
    Double crossover = null;
    CapacityPlan capacity = null;
    if (cost != null) {
      // Position 0 is never measured, so the low end is always extrapolated a little; only
      // extrapolation past the largest measured position changes what the report can claim.
      int top = cost.measured().stream().mapToInt(m -> m.position()).max().orElse(0);
      List<String> beyond = new ArrayList<>();
      for (CostCurve c : cost.curves()) {
        if (c.points().stream().anyMatch(p -> p.extrapolated() && p.position() > top)) {
          beyond.add(c.curve().id());
        }
      }
      if (!beyond.isEmpty()) {
        warnings.add(
            "EXTRAPOLATED: "
                + String.join(", ", beyond)
                + " go beyond the largest measured position ("
                + measuredRange(cost)
                + "); every value past "
                + Fmt.tokens(top)
                + " extends the last measured segment, and is marked and drawn dotted.");
      }
      summary = summary(cost, paper, in.summaryPositions());
      curves = curves(cost, paper);
      crossover = cost.prefillCrossoverPosition();
      capacity = capacity(in, cost);
    }
    HardwareProfile measuredOn =
        "cpu".equals(run.backend()) ? null : HardwareProfiles.forDevice(run.device()).orElse(null);
    io.dsabench.costmodel.hardware.Ceilings c =
        measuredOn == null ? null : CeilingCheck.ceilingsOf(measuredOn);
    Ceilings ceilings =
        c == null
            ? null
            : new Ceilings(
                measuredOn.id(),
                c.bf16FlopsPerSecond(),
                c.fp8FlopsPerSecond(),
                c.bytesPerSecond(),
                c.source(),
                CeilingCheck.basisOf(measuredOn));
    List<CeilingCheck.Violation> above = new ArrayList<>();
    for (Results r : allResults(in)) {
      above.addAll(CeilingCheck.violations(r, WORKLOAD));
    }
    if (!above.isEmpty()) {
      List<String> lines = new ArrayList<>();
      for (CeilingCheck.Violation v : above) {
        lines.add(v.message());
      }
      warnings.add(
          0,
          "ABOVE CEILING: "
              + above.size()
              + " stage(s) run faster than the device can, so their work or time was counted"
              + " wrong and every number built on them is wrong too: "
              + String.join("; ", lines)
              + ".");
    }
    RunComparison comparison = null;
    if (cost != null && in.compared().isPresent()) {
      comparison = comparison(in, cost, params);
    }
    return new ReportData(
        ReportData.SCHEMA,
        title(run, params),
        in.generatedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
        provenance(in),
        new Pricing(
            params.target().id(),
            params.usdPerGpuHour(),
            cost == null ? "not costed" : cost.attentionLabel()),
        warnings,
        summary,
        crossover,
        curves,
        cost == null
            ? absentComparison(params, costRefusal)
            : paperComparison(Figure3Comparison.compare(cost, paper), params),
        ceilings,
        kernels(allResults(in)),
        capacity,
        methodology(cost, paper),
        in.verdict(),
        null,
        null,
        comparison);
  }

  /**
   * "… — priced on H800 from a run on NVIDIA H200": the hardware the costs are for first, then what
   * measured them, because the two differ whenever a run is priced on another GPU.
   */
  static String title(RunInfo run, CostParameters params) {
    DeviceRecord d = run.device();
    String name = d == null || d.name() == null ? "an unnamed device" : d.name();
    String backend = "cuda".equals(run.backend()) ? "" : " (" + run.backend() + " backend)";
    return "DeepSeek Sparse Attention cost report — priced on "
        + params.target().id().toUpperCase(Locale.ROOT)
        + " from a run on "
        + name
        + backend;
  }

  /**
   * The second run priced with this run's parameters, and the dashboard's "A vs B" table: each of
   * this run's curves at {@link CostDelta#POSITIONS}.
   */
  private static RunComparison comparison(ReportInput in, CostReport a, CostParameters params) {
    io.dsabench.model.results.MeasurementSet set = in.compared().orElseThrow();
    CostReport b;
    try {
      b = CostModel.compute(set, params);
    } catch (BadInputException e) {
      // A second run that cannot be priced (no ok points for a curve) is the user's input, named
      // as --compare's; anything else the cost model throws is a bug and travels as it is.
      throw new BadInputException("compare: " + e.getMessage(), e);
    }
    List<RunComparison.Row> rows = new ArrayList<>();
    for (CostDelta x : CostDelta.between(a, b, CostDelta.POSITIONS)) {
      rows.add(
          new RunComparison.Row(
              x.curve().id(),
              x.curve().phase(),
              x.curve().version().variant(),
              x.position(),
              x.a(),
              x.b(),
              x.change()));
    }
    List<Curve> curves = new ArrayList<>();
    Results bRun = in.compare().get(0).results();
    for (CostCurve c : b.curves()) {
      Variant v = c.curve().version().variant();
      List<CurvePoint> pts = new ArrayList<>();
      for (var p : c.points()) {
        pts.add(
            new CurvePoint(
                p.position(), p.usdPerMillionTokens(), p.extrapolated() ? EXTRAPOLATED : null));
      }
      curves.add(
          new Curve(
              c.curve().id(),
              c.curve().phase(),
              v,
              Curve.COMPARED,
              "B: " + bRun.run().id() + ", " + versionLabel(v),
              pts));
    }
    String aLabel =
        "run "
            + in.results().run().id()
            + (in.resultsFile() == null ? "" : " (" + in.resultsFile() + ")");
    DeviceRecord bd = bRun.run().device();
    String bLabel =
        "run "
            + bRun.run().id()
            + " ("
            + in.compare().get(0).label()
            + (in.compare().size() > 1 ? " and " + (in.compare().size() - 1) + " more" : "")
            + "), measured on "
            + (bd == null || bd.name() == null ? "an unnamed device" : bd.name())
            + " ("
            + bRun.run().backend()
            + ")";
    String note =
        "Both priced on "
            + params.target().id()
            + " at "
            + Fmt.sig(params.usdPerGpuHour(), 6)
            + " USD/GPU-hour with the same cost-model parameters, so a difference is the runs'"
            + " own. B vs A = B / A − 1: below 0, B is cheaper.";
    return new RunComparison(aLabel, bLabel, note, curves, rows);
  }

  private static String measuredRange(CostReport cost) {
    int lo = cost.measured().stream().mapToInt(m -> m.coveredFrom()).min().orElse(0);
    int hi = cost.measured().stream().mapToInt(m -> m.position()).max().orElse(0);
    return "measured " + Fmt.tokens(lo) + " to " + Fmt.tokens(hi);
  }

  private static List<SummaryRow> summary(
      CostReport cost, Figure3Reference paper, List<Integer> positions) {
    List<SummaryRow> rows = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      CostCurve dense = cost.curve(costCurve(phase, Variant.DENSE));
      CostCurve dsa = cost.curve(costCurve(phase, Variant.DSA));
      for (int p : positions) {
        double d = dense.usdPerMillionAt(p);
        double s = dsa.usdPerMillionAt(p);
        boolean flagged = extrapolatedAt(dense, p) || extrapolatedAt(dsa, p);
        rows.add(
            new SummaryRow(
                phase,
                p,
                d,
                s,
                s > 0 ? d / s : null,
                paper.curve(costCurve(phase, Variant.DENSE)).usdPerMillionAt(p),
                paper.curve(costCurve(phase, Variant.DSA)).usdPerMillionAt(p),
                flagged ? EXTRAPOLATED : null));
      }
    }
    return rows;
  }

  /** True when either sample that brackets {@code p} rests on extrapolated attention. */
  private static boolean extrapolatedAt(CostCurve c, int p) {
    var pts = c.points();
    for (int i = 0; i < pts.size(); i++) {
      var a = pts.get(i);
      if (a.position() == p) {
        return a.extrapolated();
      }
      if (a.position() > p) {
        return a.extrapolated() || (i > 0 && pts.get(i - 1).extrapolated());
      }
    }
    return pts.get(pts.size() - 1).extrapolated();
  }

  static io.dsabench.costmodel.cost.Curve costCurve(Phase phase, Variant variant) {
    for (io.dsabench.costmodel.cost.Curve c : io.dsabench.costmodel.cost.Curve.values()) {
      if (c.phase() == phase && c.version().variant() == variant) {
        return c;
      }
    }
    throw new IllegalArgumentException("curve: no curve for " + phase.id() + "/" + variant.id());
  }

  private static List<Curve> curves(CostReport cost, Figure3Reference paper) {
    List<Curve> out = new ArrayList<>();
    for (CostCurve c : cost.curves()) {
      Variant v = c.curve().version().variant();
      List<CurvePoint> pts = new ArrayList<>();
      for (var p : c.points()) {
        pts.add(
            new CurvePoint(
                p.position(), p.usdPerMillionTokens(), p.extrapolated() ? EXTRAPOLATED : null));
      }
      out.add(
          new Curve(
              c.curve().id(),
              c.curve().phase(),
              v,
              Curve.MEASURED,
              "this run, " + versionLabel(v),
              pts));
    }
    for (ReferenceCurve r : paper.curves()) {
      Variant v = r.curve().version().variant();
      // The vertices, plus the reference's own linear reading at every 8K so that the paper sits
      // beside this run in the on-page table.
      java.util.TreeMap<Integer, Double> at = new java.util.TreeMap<>();
      for (int p = 0; p <= CostParameters.MAX_POSITION; p += 8192) {
        at.put(p, r.usdPerMillionAt(p));
      }
      for (ReferencePoint p : r.vertices()) {
        at.put(p.position(), p.usdPerMillionTokens());
      }
      List<CurvePoint> pts = new ArrayList<>();
      at.forEach((p, usd) -> pts.add(new CurvePoint(p, usd, null)));
      out.add(
          new Curve(
              r.curve().id(),
              r.curve().phase(),
              v,
              Curve.PAPER,
              "paper Fig. 3, " + versionLabel(v),
              pts));
    }
    return out;
  }

  /**
   * The cost model's own comparison with Figure 3, copied row by row. The paper is H800 at 2
   * USD/GPU-hour; at any other setting the comparison is still shown (it is what {@code dsabench
   * cost} prints), with a note that its errors then also hold the change of hardware or price.
   */
  private static PaperComparison paperComparison(Figure3Comparison cmp, CostParameters params) {
    List<PaperComparisonRow> rows = new ArrayList<>();
    for (ComparisonRow r : cmp.rows()) {
      rows.add(PaperComparisonRow.of(r));
    }
    String hardware = Figure3Reference.HARDWARE;
    String price = Fmt.sig(Figure3Reference.USD_PER_GPU_HOUR, 6);
    String paper = hardware.toUpperCase(Locale.ROOT) + " at " + price + " USD/GPU-hour";
    String note =
        cmp.samePricing()
            ? "Priced as the paper is ("
                + paper
                + "), so each error is the difference"
                + " between this run through the cost model and the paper's figure."
            : "The paper's numbers are for "
                + paper
                + "; this report is priced as "
                + params.target().id()
                + " at "
                + Fmt.sig(params.usdPerGpuHour(), 6)
                + " USD/GPU-hour, so each error mixes that change of hardware or price with the"
                + " model's own difference. For a like-for-like comparison run dsabench report"
                + " with --hardware "
                + hardware
                + " --price "
                + price
                + ".";
    if (!cmp.notCompared().isEmpty()) {
      note += " Not compared: " + String.join("; ", cmp.notCompared()) + ".";
    }
    return new PaperComparison(
        Figure3Reference.HARDWARE,
        Figure3Reference.USD_PER_GPU_HOUR,
        cmp.samePricing(),
        note,
        rows,
        cmp.oursCrossover(),
        cmp.paperCrossover(),
        cmp.crossoverRelativeError(),
        null);
  }

  private static PaperComparison absentComparison(CostParameters params, String refusal) {
    boolean same =
        params.target().id().equals(Figure3Reference.HARDWARE)
            && params.usdPerGpuHour() == Figure3Reference.USD_PER_GPU_HOUR;
    return new PaperComparison(
        Figure3Reference.HARDWARE,
        Figure3Reference.USD_PER_GPU_HOUR,
        same,
        "No comparison with Figure 3: it needs this run's cost curves, and the cost model cannot"
            + " cost this run.",
        List.of(),
        null,
        Figure3Reference.PAPER_CROSSOVER_POSITION,
        null,
        "the cost model cannot cost this run: " + refusal);
  }

  private static String versionLabel(Variant v) {
    return v == Variant.DENSE ? "V3.1 dense MLA" : "V3.2 DSA";
  }

  private static CapacityPlan capacity(ReportInput in, CostReport cost) {
    boolean byDefault = in.workload() == null;
    TrafficMix t = byDefault ? DefaultWorkload.mix() : in.workload();
    io.dsabench.costmodel.capacity.CapacityPlan plan = CapacityPlanner.plan(t, cost);
    List<Parameter> inputs = new ArrayList<>();
    inputs.add(new Parameter("requests per second", Fmt.sig(t.requestsPerSecond(), 6), "1/s", ""));
    inputs.add(new Parameter("prompt length", describe(t.prompt()), "tokens", ""));
    inputs.add(new Parameter("output length", describe(t.output()), "tokens", ""));
    inputs.add(
        new Parameter("mean prompt", Fmt.sig(plan.meanPromptTokens(), 5), "tokens", "computed"));
    inputs.add(
        new Parameter("mean output", Fmt.sig(plan.meanOutputTokens(), 5), "tokens", "computed"));
    inputs.add(new Parameter("prefix cache hit ratio", Fmt.sig(t.cacheHitRatio(), 4), "", ""));
    inputs.add(new Parameter("target utilization", Fmt.sig(t.targetUtilization(), 4), "", ""));
    inputs.add(
        new Parameter(
            "hardware, price",
            plan.hardware() + ", " + Fmt.sig(plan.usdPerGpuHour(), 6),
            "USD/GPU-hour",
            "report"));
    inputs.add(
        new Parameter(
            "tokens per decode step",
            Fmt.sig(plan.tokensPerDecodeStep(), 4)
                + " of "
                + plan.queryTokensPerStep()
                + " query tokens",
            "tokens",
            t.tokensPerDecodeStep() == null
                ? "default: 1 + 0.85 of each MTP draft (DeepSeek-V3 report §5.4.3: 85-90% accepted)"
                : "workload"));
    inputs.add(
        new Parameter(
            "deployment units",
            "prefill " + plan.prefillUnit() + ", decode " + plan.decodeUnit(),
            "GPUs",
            "each phase's expert-parallel degree: GPUs are provisioned in whole units"));
    for (VariantPlan v : List.of(plan.dense(), plan.dsa())) {
      inputs.add(
          new Parameter(
              "decode sequences per GPU (" + v.version().id() + ")",
              Fmt.sig(v.decodeBatch(), 4)
                  + (v.memoryBound() ? " (memory-bound: " : " (")
                  + v.sequencesThatFit()
                  + " fit: "
                  + Fmt.sig(v.freeMemoryBytesPerGpu() / 1e9, 4)
                  + " GB free at "
                  + Fmt.sig(v.kvBytesPerToken() / 1e3, 4)
                  + " kB per token, mean context "
                  + Fmt.sig(v.meanResidentContext(), 5)
                  + ")",
              "sequences",
              "computed"));
    }
    String name =
        byDefault
            ? DefaultWorkload.LABEL
            : (t.name() == null ? "workload" : t.name())
                + (in.workloadFile() == null ? "" : " (" + in.workloadFile() + ")");
    return new CapacityPlan(
        name, inputs, List.of(row(plan.dense()), row(plan.dsa())), plan.verdict(), byDefault);
  }

  private static CapacityRow row(VariantPlan v) {
    return new CapacityRow(
        v.version().variant(),
        v.gpusNeeded(),
        v.prefillGpus(),
        v.decodeGpus(),
        v.usdPerDay(),
        v.usdPerMillionInput(),
        v.usdPerMillionOutput(),
        v.extrapolated());
  }

  private static String describe(LengthDistribution d) {
    if (d instanceof LengthDistribution.LogNormal l) {
      return String.format(
          Locale.ROOT,
          "lognormal, median %s, sigma %s, max %d",
          Fmt.sig(l.median(), 6),
          Fmt.sig(l.sigma(), 4),
          l.max());
    }
    if (d instanceof LengthDistribution.Empirical e) {
      StringBuilder b = new StringBuilder("empirical:");
      for (var w : e.lengths()) {
        b.append(' ').append(w.length()).append(" ×").append(Fmt.sig(w.weight(), 4));
      }
      return b.toString();
    }
    return d.toString();
  }

  /** The primary results file and its companions. */
  private static List<Results> allResults(ReportInput in) {
    List<Results> all = new ArrayList<>();
    all.add(in.results());
    in.companions().forEach(s -> all.add(s.results()));
    return all;
  }

  /** The device profile a point was measured on (none for a cpu run or an unknown GPU). */
  private static HardwareProfile deviceOf(Results r, PointResult p) {
    if ("cpu".equals(r.run().backend())) {
      return null;
    }
    return HardwareProfiles.forDevice(p.device() != null ? p.device() : r.run().device())
        .orElse(null);
  }

  /**
   * One table per phase and variant that the files have; rows by position, tokens per sequence,
   * tokens, stage order.
   */
  private static List<KernelTable> kernels(List<Results> all) {
    List<KernelTable> tables = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      for (Variant variant : Variant.values()) {
        List<Object[]> points = new ArrayList<>();
        for (Results r : all) {
          for (PointResult p : r.points()) {
            if (p.phase() == phase && p.variant() == variant) {
              points.add(new Object[] {r, p});
            }
          }
        }
        points.sort(
            Comparator.comparingInt((Object[] o) -> ((PointResult) o[1]).position())
                .thenComparingInt(o -> ((PointResult) o[1]).point().tokensPerSeq())
                .thenComparingInt(o -> ((PointResult) o[1]).tokens()));
        if (points.isEmpty()) {
          continue;
        }
        List<KernelRow> rows = new ArrayList<>();
        for (Object[] o : points) {
          PointResult p = (PointResult) o[1];
          HardwareProfile measuredOn = deviceOf((Results) o[0], p);
          if (p.status() != PointStatus.OK) {
            rows.add(
                new KernelRow(
                    p.position(),
                    p.tokens(),
                    p.tokensPerSeq(),
                    null,
                    p.status().id(),
                    p.reason(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null));
            continue;
          }
          p.stages().stream()
              .sorted(Comparator.comparing((StageResult s) -> s.op()))
              .forEach(s -> rows.add(kernelRow(p, s, measuredOn)));
        }
        tables.add(new KernelTable(phase, variant, rows));
      }
    }
    return tables;
  }

  /**
   * A stage's throughput, from the workload model's FLOPs and bytes at the point (so that a file
   * written with an older count is shown as the model counts it now), and its fraction of the
   * measuring GPU's ceilings ({@link CeilingCheck#ceilingsOf}): FLOP/s against the ceiling of the
   * op's precision ({@link Precision#of}: fp8 for the indexer, bf16 otherwise), bytes/s against
   * bandwidth.
   */
  static KernelRow kernelRow(PointResult p, StageResult s, HardwareProfile measuredOn) {
    var work = WORKLOAD.work(s.op(), p.point());
    double flops = work.flops() / s.medianSeconds();
    double bytes = work.bytes() / s.medianSeconds();
    Double compute = null;
    Double bandwidth = null;
    Boolean above = null;
    if (measuredOn != null) {
      var c = CeilingCheck.ceilingsOf(measuredOn);
      compute = flops / c.flopsPerSecond(Precision.of(s.op()));
      bandwidth = bytes / c.bytesPerSecond();
      // A total adds fp8 and bf16 FLOPs; no one ceiling bounds it (CeilingCheck leaves it out).
      above = (s.op() != Op.TOTAL && (compute > 1 || bandwidth > 1)) ? Boolean.TRUE : null;
    }
    return new KernelRow(
        p.position(),
        p.tokens(),
        p.tokensPerSeq(),
        s.op().id(),
        PointStatus.OK.id(),
        null,
        s.medianSeconds(),
        s.p10Seconds(),
        s.p90Seconds(),
        s.samples(),
        flops,
        bytes,
        compute,
        bandwidth,
        above);
  }

  private static Provenance provenance(ReportInput in) {
    RunInfo r = in.results().run();
    DeviceRecord d = r.device();
    return new Provenance(
        r.id(),
        r.startedAt(),
        r.gitCommit(),
        r.backend(),
        r.command(),
        r.jvm(),
        r.host(),
        d == null ? null : d.name(),
        d == null ? null : d.computeCapability(),
        d == null ? null : d.driverVersion(),
        d == null ? null : d.smCount(),
        d == null ? null : d.memoryBytes(),
        in.resultsFile(),
        in.reportCommand(),
        in.companions().stream()
            .map(
                c ->
                    c.label()
                        + ": run "
                        + c.results().run().id()
                        + (c.results().run().command() == null
                            ? ""
                            : " (" + c.results().run().command() + ")"))
            .toList());
  }

  private static Methodology methodology(CostReport cost, Figure3Reference paper) {
    List<String> formulas =
        List.of(
            "usd_per_million_tokens(p) = 1e6 · price_per_gpu_hour / 3600 ·"
                + " gpu_seconds_per_token(p)",
            "gpu_seconds_per_token(p) = layers · attention_seconds_per_token_and_layer(p) +"
                + " rest_of_model_seconds_per_token",
            "attention_seconds_per_token_and_layer(p) = Σ stage median seconds / n of each measured"
                + " point, placed at its mean position p − (t − 1)/2 (a chunk of t query tokens"
                + " ending at p), linear in p between them; outside the positions the chunks cover"
                + " the nearest segment is extended and every such value is flagged"
                + " 'extrapolated'",
            "on another GPU: target_seconds = source_seconds · roofline(target) / roofline(source),"
                + " roofline(gpu) = max(FLOPs / peak FLOP/s at the op's precision, bytes / peak"
                + " bandwidth) with each GPU's vendor peaks: continuous, no switch at the ridge",
            "V3.1 = dense MLA (MHA-mode prefill, MQA-mode decode); V3.2 decode = indexer + top-k +"
                + " sparse MLA; V3.2 prefill = the cheaper at each p of masked MHA and indexer +"
                + " top-k + sparse MLA (hence the crossover)",
            "dense ÷ DSA = usd_per_million_tokens of V3.1 / that of V3.2 at the same position",
            "kernel throughput = the workload model's FLOPs (bytes) of the stage / its median"
                + " seconds; fraction = throughput / the measuring GPU's ceiling (measured on such"
                + " a GPU where known, else the datasheet's); above 100% is flagged: it means the"
                + " work or the time was counted wrong",
            "capacity: prefill GPU-seconds per request = ∫ from h·L to L of prefill(p) dp, decode"
                + " = ∫ from L to L+M of decode(p) dp (L prompt, M output, h cache-hit ratio);"
                + " GPUs = ⌈rate · prefill seconds / utilization⌉ + ⌈rate · decode seconds /"
                + " utilization⌉; USD per day = GPUs · 24 · price");
    List<Parameter> params = new ArrayList<>();
    if (cost != null) {
      for (var p : cost.parameterTable()) {
        params.add(new Parameter(p.name(), p.value(), "", p.source()));
      }
      for (RestEstimate r : cost.rest()) {
        params.add(
            new Parameter(
                "rest." + r.curve().id() + ".secondsPerToken",
                Fmt.sig(r.secondsPerToken(), 4),
                "s/token",
                String.format(
                    Locale.ROOT,
                    "RestOfModel: components %s s (estimates: compute %s s, weights %s s),"
                        + " all-to-all %s s (%s remote copies), calibration ×%s; %s",
                    Fmt.sig(r.onChipSeconds(), 4),
                    Fmt.sig(r.computeSeconds(), 4),
                    Fmt.sig(r.weightSeconds(), 4),
                    Fmt.sig(r.commSeconds(), 4),
                    Fmt.sig(r.remoteCopiesPerToken(), 4),
                    Fmt.sig(r.calibrationScale(), 4),
                    r.measurement())));
      }
      for (var u : cost.inputs()) {
        params.add(
            new Parameter(
                "measurements." + u.series(),
                u.file()
                    + " (run "
                    + u.runId()
                    + ")"
                    + (u.tokensPerSeq() == null ? "" : ", " + u.tokensPerSeq() + " tokens/seq"),
                "",
                u.note() == null ? u.device() : u.device() + "; " + u.note()));
      }
      for (CalibrationStep s : cost.calibration()) {
        params.add(
            new Parameter(
                "calibration." + s.name() + "." + s.phase(),
                "×" + Fmt.sig(s.scale(), 4),
                "",
                s.source()));
      }
    }
    params.add(
        new Parameter(
            "reference",
            "Figure 3, " + Figure3Reference.HARDWARE + " at " + Figure3Reference.USD_PER_GPU_HOUR,
            "USD/GPU-hour",
            String.join(" ", paper.notes())));
    List<RestRow> rest = new ArrayList<>();
    if (cost != null) {
      for (RestEstimate r : cost.rest()) {
        String curve = r.curve().id();
        for (Component c : r.components()) {
          rest.add(
              new RestRow(
                  curve,
                  c.name(),
                  c.estimateSeconds(),
                  c.measuredSeconds(),
                  c.seconds(),
                  c.source(),
                  c.measurement()));
        }
        rest.add(
            new RestRow(
                curve,
                "total",
                r.estimateModelSeconds() * r.calibrationScale(),
                null,
                r.secondsPerToken(),
                r.anyMeasured() ? "measured in part" : Component.ESTIMATE,
                r.measurement()));
      }
    }
    return new Methodology(formulas, params, rest);
  }

  /**
   * The report of {@link #build(ReportInput)} with the reference run set beside our kernels: its
   * figures in the kernel tables, its provenance, and the kernel charts' lines (ours, and the
   * reference's where there is one).
   */
  static ReportData build(ReportInput in, ReferenceInput ref) {
    ReportData d = build(in);
    List<KernelTable> tables = withReference(d.kernels(), in.results(), ref);
    return new ReportData(
        d.schema(),
        d.title(),
        d.generatedAt(),
        d.provenance(),
        d.pricing(),
        d.warnings(),
        d.summary(),
        d.prefillCrossoverPosition(),
        d.curves(),
        d.paperComparison(),
        d.ceilings(),
        tables,
        d.capacity(),
        d.methodology(),
        d.verdict(),
        referenceRun(ref, tables),
        kernelCharts(tables, ref),
        d.comparison());
  }

  /**
   * Our tables with the reference's figure for each stage the caller paired (its rates are our
   * row's declared work over the reference's median), and, where the reference has no figure for a
   * stage of ours because it skipped the stage or failed the point, that status and its reason.
   */
  private static List<KernelTable> withReference(
      List<KernelTable> tables, Results ours, ReferenceInput ref) {
    if (ref.run() == null) {
      return tables;
    }
    Map<String, List<ReferenceInput.Pair>> pairsByPoint = new LinkedHashMap<>();
    for (ReferenceInput.Pair p : ref.pairs()) {
      pairsByPoint.computeIfAbsent(p.point(), k -> new ArrayList<>()).add(p);
    }
    Map<String, PointResult> refByPoint = new LinkedHashMap<>();
    for (PointResult p : ref.run().points()) {
      refByPoint.put(p.point().key(), p);
    }
    List<KernelTable> out = new ArrayList<>();
    for (KernelTable t : tables) {
      List<ReferenceRow> rows = new ArrayList<>();
      for (PointResult p : ours.points()) {
        if (p.phase() != t.phase() || p.variant() != t.variant() || p.status() != PointStatus.OK) {
          continue;
        }
        String key = p.point().key();
        // The caller's order is worst ratio first; a row reads better with the stage's own
        // reference figure before any other (dense_prefill before dense_prefill_masked).
        List<ReferenceInput.Pair> pairs =
            pairsByPoint.getOrDefault(key, List.of()).stream()
                .sorted(Comparator.comparing((ReferenceInput.Pair x) -> x.referenceOp() != x.op()))
                .toList();
        for (ReferenceInput.Pair pair : pairs) {
          KernelRow mine = row(t, p, pair.op());
          StageResult s = p.stage(pair.op()).orElse(null);
          if (mine == null || s == null) {
            continue;
          }
          double ratio = s.medianSeconds() / pair.referenceSeconds();
          rows.add(
              new ReferenceRow(
                  p.position(),
                  p.tokens(),
                  pair.op().id(),
                  pair.referenceOp().id(),
                  PointStatus.OK.id(),
                  null,
                  pair.referenceSeconds(),
                  mine.flopsPerSecond() == null ? null : mine.flopsPerSecond() * ratio,
                  mine.bytesPerSecond() == null ? null : mine.bytesPerSecond() * ratio,
                  ratio,
                  pair.implementation()));
        }
        PointResult theirs = refByPoint.get(key);
        if (theirs == null) {
          continue;
        }
        for (StageResult s : p.stages()) {
          if (s.op() == Op.TOTAL || pairs.stream().anyMatch(x -> x.op() == s.op())) {
            continue;
          }
          String status = null;
          String reason = null;
          if (theirs.status() != PointStatus.OK) {
            status = theirs.status().id();
            reason = "the reference point " + status + ": " + theirs.reason();
          } else if (theirs.skippedStages() != null) {
            for (StageProblem sp : theirs.skippedStages()) {
              if (sp.op() == s.op()) {
                status = sp.status().id();
                reason = sp.reason();
              }
            }
          }
          if (status != null) {
            rows.add(
                new ReferenceRow(
                    p.position(),
                    p.tokens(),
                    s.op().id(),
                    s.op().id(),
                    status,
                    reason,
                    null,
                    null,
                    null,
                    null,
                    null));
          }
        }
      }
      out.add(new KernelTable(t.phase(), t.variant(), t.rows(), rows));
    }
    return out;
  }

  /** Our ok row of {@code op} at {@code p}'s position and tokens, or null. */
  private static KernelRow row(KernelTable t, PointResult p, Op op) {
    for (KernelRow r : t.rows()) {
      if (r.position() == p.position()
          && r.tokens() == p.tokens()
          && op.id().equals(r.stage())
          && PointStatus.OK.id().equals(r.status())) {
        return r;
      }
    }
    return null;
  }

  /** The reference run's provenance: file, run, device, library versions, what ran per stage. */
  private static ReferenceRun referenceRun(ReferenceInput ref, List<KernelTable> tables) {
    if (ref.run() == null) {
      return ReferenceRun.none(ref.absentReason());
    }
    RunInfo r = ref.run().run();
    List<String> libraries = new ArrayList<>();
    if (r.extra() != null) {
      r.extra().entrySet().stream()
          .filter(e -> e.getKey().startsWith("library."))
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e -> libraries.add(e.getKey().substring("library.".length()) + " " + e.getValue()));
    }
    List<ReferenceRun.StageImplementation> impls = new ArrayList<>();
    List<StageResult> stages = new ArrayList<>();
    for (PointResult p : ref.run().points()) {
      stages.addAll(p.stages());
    }
    stages.sort(Comparator.comparing((StageResult s) -> s.op()));
    for (StageResult s : stages) {
      if (s.implementation() == null) {
        continue;
      }
      var impl = new ReferenceRun.StageImplementation(s.op().id(), s.implementation());
      if (!impls.contains(impl)) {
        impls.add(impl);
      }
    }
    int paired =
        (int)
            tables.stream()
                .flatMap(t -> t.reference().stream())
                .filter(x -> PointStatus.OK.id().equals(x.status()))
                .count();
    DeviceRecord d = r.device();
    return new ReferenceRun(
        ref.file(),
        r.id(),
        r.startedAt(),
        r.gitCommit(),
        d == null ? null : d.name(),
        d == null ? null : d.driverVersion(),
        libraries,
        impls,
        paired,
        ref.warnings(),
        null);
  }

  /**
   * The kernel charts' lines: per phase, variant and stage (totals left out: they add fp8 and bf16
   * work), ours solid and the reference's dashed, in the unit of the resource that bounds the
   * stage. Points carry their token count (a prefill sweep's chunk grows with p up to its n).
   */
  private static List<KernelSeries> kernelCharts(List<KernelTable> tables, ReferenceInput ref) {
    List<KernelSeries> out = new ArrayList<>();
    for (KernelTable t : tables) {
      Map<String, List<KernelRow>> byStage = new LinkedHashMap<>();
      for (KernelRow r : t.rows()) {
        if (PointStatus.OK.id().equals(r.status())
            && r.stage() != null
            && !Op.TOTAL.id().equals(r.stage())) {
          byStage.computeIfAbsent(r.stage(), k -> new ArrayList<>()).add(r);
        }
      }
      for (var e : byStage.entrySet()) {
        String stage = e.getKey();
        List<KernelRow> rows = e.getValue();
        String unit = bytesBound(rows) ? KernelSeries.BYTES : KernelSeries.FLOPS;
        String suffix = KernelSeries.BYTES.equals(unit) ? " (TB/s)" : "";
        List<KernelSeries.Point> pts = new ArrayList<>();
        for (KernelRow r : rows) {
          Double v = KernelSeries.BYTES.equals(unit) ? r.bytesPerSecond() : r.flopsPerSecond();
          if (v != null) {
            pts.add(new KernelSeries.Point(r.position(), r.tokens(), v));
          }
        }
        out.add(
            new KernelSeries(
                t.phase(),
                t.variant(),
                stage,
                KernelSeries.OURS,
                null,
                t.variant().id() + " " + stage + suffix,
                unit,
                sorted(pts)));
        Map<String, List<KernelSeries.Point>> refPts = new LinkedHashMap<>();
        for (ReferenceRow r : t.reference()) {
          Double v = KernelSeries.BYTES.equals(unit) ? r.bytesPerSecond() : r.flopsPerSecond();
          if (r.stage().equals(stage) && v != null) {
            refPts
                .computeIfAbsent(r.referenceStage(), k -> new ArrayList<>())
                .add(new KernelSeries.Point(r.position(), r.tokens(), v));
          }
        }
        for (var re : refPts.entrySet()) {
          out.add(
              new KernelSeries(
                  t.phase(),
                  t.variant(),
                  stage,
                  KernelSeries.REFERENCE,
                  re.getKey(),
                  "reference " + re.getKey() + " (" + library(ref, re.getKey()) + ")" + suffix,
                  unit,
                  sorted(re.getValue())));
        }
      }
    }
    return out;
  }

  private static List<KernelSeries.Point> sorted(List<KernelSeries.Point> pts) {
    return pts.stream()
        .sorted(
            Comparator.comparingInt(KernelSeries.Point::position)
                .thenComparingInt(KernelSeries.Point::tokens))
        .toList();
  }

  /**
   * Whether a stage is drawn in bytes per second: when its bandwidth fraction exceeds its compute
   * fraction at most of its points (top-k, the decode indexer on a GPU), or, where no ceilings are
   * known, when it declares no FLOPs.
   */
  private static boolean bytesBound(List<KernelRow> rows) {
    int bytes = 0;
    for (KernelRow r : rows) {
      boolean b =
          (r.computeFraction() != null && r.bandwidthFraction() != null)
              ? r.bandwidthFraction() > r.computeFraction()
              : r.flopsPerSecond() == null || r.flopsPerSecond() == 0;
      bytes += b ? 1 : -1;
    }
    return bytes > 0;
  }

  /** "flash_mla", "torch/cudnn": the library (and backend) of a reference stage, for legends. */
  private static String library(ReferenceInput ref, String referenceStage) {
    for (PointResult p : ref.run().points()) {
      for (StageResult s : p.stages()) {
        if (s.op().id().equals(referenceStage) && s.implementation() != null) {
          Map<String, String> m = s.implementation();
          return Objects.requireNonNullElse(m.get("library"), "?")
              + (m.containsKey("backend") ? "/" + m.get("backend") : "");
        }
      }
    }
    return "?";
  }
}
