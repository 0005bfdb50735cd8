package io.dsabench.reports.render;

import io.dsabench.costmodel.capacity.CapacityPlan;
import io.dsabench.costmodel.capacity.VariantPlan;
import io.dsabench.costmodel.cost.Component;
import io.dsabench.costmodel.cost.CostCurve;
import io.dsabench.costmodel.cost.CostDelta;
import io.dsabench.costmodel.cost.CostParameters;
import io.dsabench.costmodel.cost.CostReport;
import io.dsabench.costmodel.cost.CurvePoint;
import io.dsabench.costmodel.cost.RestEstimate;
import io.dsabench.costmodel.reference.ComparisonRow;
import io.dsabench.costmodel.reference.Figure3Comparison;
import java.util.List;
import java.util.Locale;

/**
 * {@code dsabench cost --format csv}'s tables, one table per file (curves, the comparison with
 * Figure 3, the rest of the model estimate vs measurement, the capacity plan) and {@code
 * --compare-hardware}'s, beside the report's CSV. Six significant digits, as a spreadsheet reads
 * them; {@code report.csv} has full precision.
 */
public final class CostCsvRenderer {
  private CostCsvRenderer() {}

  /** One row per curve, position and profile: its price, and its change against the first. */
  public static String hardwareComparison(List<CostReport> reports, List<List<CostDelta>> deltas) {
    StringBuilder b =
        new StringBuilder(
            "curve,position_tokens,hardware,usd_per_gpu_hour,usd_per_million_tokens,change_vs_first\n");
    CostParameters a = reports.get(0).parameters();
    for (int i = 0; i < deltas.get(0).size(); i++) {
      CostDelta first = deltas.get(0).get(i);
      b.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%s,%s,%.6g,%n",
              first.curve().id(),
              first.position(),
              a.target().id(),
              plain(a.usdPerGpuHour()),
              first.a()));
      for (int k = 0; k < deltas.size(); k++) {
        CostDelta d = deltas.get(k).get(i);
        CostParameters p = reports.get(k + 1).parameters();
        b.append(
            String.format(
                Locale.ROOT,
                "%s,%d,%s,%s,%s,%s%n",
                d.curve().id(),
                d.position(),
                p.target().id(),
                plain(p.usdPerGpuHour()),
                d.b() == null ? "" : String.format(Locale.ROOT, "%.6g", d.b()),
                d.change() == null ? "" : String.format(Locale.ROOT, "%.6g", d.change())));
      }
    }
    return b.toString();
  }

  /** The curves as one CSV table: Figure 3's three columns, then whether and how. */
  public static String curves(CostReport r) {
    StringBuilder b = new StringBuilder("curve,position_tokens,usd_per_million_tokens,");
    b.append("extrapolated,mode\n");
    for (CostCurve c : r.curves()) {
      for (CurvePoint p : c.points()) {
        b.append(
            String.format(
                Locale.ROOT,
                "%s,%d,%.6g,%b,%s%n",
                c.curve().id(),
                p.position(),
                p.usdPerMillionTokens(),
                p.extrapolated(),
                p.mode()));
      }
    }
    return b.toString();
  }

  /**
   * The rest of the model as one CSV table: a row per curve and component, its estimate and its
   * measurement side by side (seconds per token on the target; measured empty where the results
   * hold none), what the curves priced, and where that comes from.
   */
  public static String rest(CostReport r) {
    StringBuilder b =
        new StringBuilder(
            "curve,component,estimate_seconds_per_token,measured_seconds_per_token,"
                + "priced_seconds_per_token,source,measurement\n");
    for (RestEstimate e : r.rest()) {
      for (Component c : e.components()) {
        b.append(
            String.format(
                Locale.ROOT,
                "%s,%s,%.6g,%s,%.6g,%s,%s%n",
                e.curve().id(),
                c.name(),
                c.estimateSeconds(),
                c.measured() ? String.format(Locale.ROOT, "%.6g", c.measuredSeconds()) : "",
                c.seconds(),
                quoted(c.source()),
                c.measurement() == null ? "" : quoted(c.measurement())));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "%s,total,%.6g,,%.6g,%s,%s%n",
              e.curve().id(),
              e.estimateModelSeconds() * e.calibrationScale(),
              e.secondsPerToken(),
              e.anyMeasured() ? "measured in part" : "estimate",
              quoted(e.measurement())));
    }
    return b.toString();
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  /**
   * The comparison with Figure 3 as one CSV table: a row per curve and position, and the prefill
   * crossover as a row in tokens.
   */
  public static String comparison(Figure3Comparison cmp) {
    StringBuilder b =
        new StringBuilder("quantity,position_tokens,ours,paper,relative_error,unit,extrapolated\n");
    for (ComparisonRow row : cmp.rows()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%.6g,%.6g,%.6g,usd_per_million_tokens,%b%n",
              row.curve().id(),
              row.position(),
              row.oursUsdPerMillion(),
              row.paperUsdPerMillion(),
              row.relativeError(),
              row.extrapolated()));
    }
    b.append("prefill_crossover,,")
        .append(
            cmp.oursCrossover() == null
                ? ""
                : String.format(Locale.ROOT, "%.1f", cmp.oursCrossover()))
        .append(',')
        .append(cmp.paperCrossover())
        .append(',')
        .append(
            cmp.crossoverRelativeError() == null
                ? ""
                : String.format(Locale.ROOT, "%.6g", cmp.crossoverRelativeError()))
        .append(",tokens,false\n");
    return b.toString();
  }

  /** The capacity plan as one CSV table: a row per model version. */
  public static String capacity(CapacityPlan plan) {
    StringBuilder b =
        new StringBuilder(
            "model,gpus,prefill_gpus,decode_gpus,busy_prefill_gpus,busy_decode_gpus,usd_per_day,"
                + "usd_per_million_input,usd_per_million_output,decode_sequences_per_gpu,"
                + "sequences_that_fit,kv_bytes_per_token,extrapolated,verdict\n");
    for (VariantPlan v : List.of(plan.dense(), plan.dsa())) {
      b.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%d,%d,%.4f,%.4f,%.2f,%.6g,%.6g,%.0f,%d,%.0f,%b,\"%s\"%n",
              v.version().id(),
              v.gpusNeeded(),
              v.prefillGpusProvisioned(),
              v.decodeGpusProvisioned(),
              v.prefillGpus(),
              v.decodeGpus(),
              v.usdPerDay(),
              v.usdPerMillionInput(),
              v.usdPerMillionOutput(),
              v.decodeBatch(),
              v.sequencesThatFit(),
              v.kvBytesPerToken(),
              v.extrapolated(),
              plan.verdict().replace("\"", "\"\"")));
    }
    return b.toString();
  }

  /** 2, 3.5: a price as it would be typed. */
  private static String plain(double usd) {
    return new java.math.BigDecimal(Double.toString(usd)).stripTrailingZeros().toPlainString();
  }
}
