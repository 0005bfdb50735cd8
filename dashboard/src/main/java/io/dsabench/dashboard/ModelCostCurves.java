package io.dsabench.dashboard;

import io.dsabench.costmodel.cost.Component;
import io.dsabench.costmodel.cost.CostCurve;
import io.dsabench.costmodel.cost.CostModel;
import io.dsabench.costmodel.cost.CostParameters;
import io.dsabench.costmodel.cost.CostReport;
import io.dsabench.costmodel.cost.CurvePoint;
import io.dsabench.costmodel.cost.RestEstimate;
import io.dsabench.costmodel.hardware.CeilingCheck;
import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.costmodel.reference.Figure3Reference;
import io.dsabench.costmodel.reference.ReferenceCurve;
import io.dsabench.costmodel.reference.ReferencePoint;
import io.dsabench.dashboard.runs.Run;
import io.dsabench.model.results.MeasurementSet;
import io.dsabench.model.workload.Phase;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cost curves from the costmodel module, exactly as {@code dsabench cost} computes them (same
 * defaults: DeepSeek's serving layout, flagged extrapolation), so the page and the CLI agree.
 */
final class ModelCostCurves implements CostCurves {
  private final Map<String, Object> reference;

  private ModelCostCurves(Figure3Reference figure3) {
    List<Map<String, Object>> curves = new ArrayList<>();
    for (ReferenceCurve c : figure3.curves()) {
      List<Map<String, Object>> pts = new ArrayList<>();
      for (ReferencePoint p : c.vertices()) {
        pts.add(point(p.position(), p.usdPerMillionTokens()));
      }
      curves.add(curve(c.curve().id(), c.curve().phase().id(), c.curve().version().id(), pts));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", "DeepSeek-V3.2 paper, Figure 3");
    m.put("hardware", Figure3Reference.HARDWARE);
    m.put("priceUsdPerGpuHour", Figure3Reference.USD_PER_GPU_HOUR);
    m.put("prefillCrossoverPosition", Figure3Reference.PAPER_CROSSOVER_POSITION);
    m.put("notes", figure3.notes());
    m.put("curves", curves);
    this.reference = Map.copyOf(m);
  }

  static CostCurves create() {
    return new ModelCostCurves(Figure3Reference.load());
  }

  @Override
  public Object curves(List<Run> runs, HardwareProfile hardware, double usdPerGpuHour) {
    CostParameters params = CostParameters.builder(hardware).usdPerGpuHour(usdPerGpuHour).build();
    Run run = runs.get(0);
    MeasurementSet set;
    try {
      set =
          MeasurementSet.of(
              runs.stream().map(r -> new MeasurementSet.Source(r.id(), r.results())).toList());
    } catch (IllegalArgumentException e) {
      // Two runs that measured the same series: the request names them, so it is the request's.
      throw ApiException.badParameter(
          "run",
          String.join(",", runs.stream().map(Run::id).toList()),
          e.getMessage().replaceFirst("^results: ", "cannot be priced together: "));
    }
    List<CostReport> reports = new ArrayList<>();
    List<Map<String, Object>> missing = new ArrayList<>();
    try {
      reports.add(CostModel.compute(set, params));
    } catch (IllegalArgumentException whole) {
      // A run whose points of one phase all failed still costs the other, as `dsabench cost
      // --phases decode` does; the page says which phase is missing and why.
      for (Phase phase : Phase.values()) {
        try {
          reports.add(CostModel.compute(set, params, EnumSet.of(phase)));
        } catch (IllegalArgumentException e) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("phase", phase.id());
          m.put("reason", e.getMessage());
          missing.add(m);
        }
      }
      if (reports.isEmpty()) {
        // The run lacks what the curves need (a phase, a variant, a stage): the request was fine.
        throw ApiException.unavailable(
            422, "run: '" + run.id() + "' cannot be costed: " + whole.getMessage());
      }
    }
    List<Map<String, Object>> curves = new ArrayList<>();
    Double crossover = null;
    for (CostReport report : reports) {
      for (CostCurve c : report.curves()) {
        List<Map<String, Object>> pts = new ArrayList<>();
        for (CurvePoint p : c.points()) {
          Map<String, Object> m = point(p.position(), p.usdPerMillionTokens());
          m.put("gpuSecondsPerToken", p.gpuSecondsPerToken());
          m.put("attentionSeconds", p.attentionSeconds());
          m.put("restSeconds", p.restSeconds());
          m.put("extrapolated", p.extrapolated());
          m.put("mode", p.mode());
          pts.add(m);
        }
        curves.add(curve(c.curve().id(), c.curve().phase().id(), c.curve().version().id(), pts));
      }
      if (report.prefillCrossoverPosition() != null) {
        crossover = report.prefillCrossoverPosition();
      }
    }
    CostReport first = reports.get(0);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run", run.id());
    m.put("pricedWith", runs.subList(1, runs.size()).stream().map(Run::id).toList());
    m.put("measurements", first.inputs());
    Map<String, Object> hw = new LinkedHashMap<>();
    hw.put("id", hardware.id());
    hw.put("name", hardware.name());
    m.put("hardware", hw);
    m.put("priceUsdPerGpuHour", usdPerGpuHour);
    m.put("measuredOn", first.measuredOn());
    m.put("translated", first.translated());
    m.put("attention", first.attentionLabel());
    m.put("prefillCrossoverPosition", crossover);
    m.put("curves", curves);
    m.put("missing", missing);
    // The rest of the model per curve: each component's estimate beside its measurement (where
    // the run measured it at the deployment's batch), and the line that says which it priced.
    List<Map<String, Object>> rest = new ArrayList<>();
    for (CostReport report : reports) {
      for (RestEstimate e : report.rest()) {
        List<Map<String, Object>> parts = new ArrayList<>();
        for (Component c : e.components()) {
          Map<String, Object> p = new LinkedHashMap<>();
          p.put("name", c.name());
          p.put("estimateSeconds", c.estimateSeconds());
          p.put("measuredSeconds", c.measuredSeconds());
          p.put("pricedSeconds", c.seconds());
          p.put("source", c.source());
          p.put("measurement", c.measurement());
          parts.add(p);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("curve", e.curve().id());
        r.put("secondsPerToken", e.secondsPerToken());
        r.put("estimateSecondsPerToken", e.estimateModelSeconds() * e.calibrationScale());
        r.put("measurement", e.measurement());
        r.put("components", parts);
        rest.add(r);
      }
    }
    m.put("rest", rest);
    m.put("parameters", first.parameterTable());
    m.put(
        "aboveCeiling",
        first.aboveCeiling().stream().map(CeilingCheck.Violation::message).toList());
    return m;
  }

  @Override
  public Object reference() {
    return reference;
  }

  private static Map<String, Object> point(int position, double usd) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("position", position);
    m.put("usdPerMillionTokens", usd);
    return m;
  }

  private static Map<String, Object> curve(
      String id, String phase, String model, List<Map<String, Object>> points) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("phase", phase);
    m.put("model", model);
    m.put("points", points);
    return m;
  }
}
