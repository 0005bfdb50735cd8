package io.dsabench.reports.model;

import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.util.List;

/**
 * One line of a kernel chart: a stage's throughput over token position, ours or the reference's.
 * Each stage is drawn in the unit of the resource that bounds it on the measuring GPU (FLOP/s, or
 * bytes per second for top-k and the decode indexer), and its reference series in the same unit
 * from the same declared work. Values are SI (the page shows TFLOP/s and TB/s).
 *
 * @param phase prefill or decode (one chart each)
 * @param variant dense or DSA
 * @param stage our stage (op id)
 * @param source {@value #OURS} or {@value #REFERENCE}
 * @param referenceStage the reference stage drawn, for a reference series; else null
 * @param label legend text
 * @param unit {@value #FLOPS} or {@value #BYTES}
 * @param points in increasing position
 */
public record KernelSeries(
    Phase phase,
    Variant variant,
    String stage,
    String source,
    String referenceStage,
    String label,
    String unit,
    List<Point> points) {
  public static final String OURS = "ours";
  public static final String REFERENCE = "reference";
  public static final String FLOPS = "FLOP/s";
  public static final String BYTES = "B/s";

  /**
   * One measured position.
   *
   * @param position token position p
   * @param tokens tokens n at the point
   * @param value throughput in the series' unit (FLOP/s or B/s)
   */
  public record Point(int position, int tokens, double value) {
    public Point {
      Checks.positive("kernelCharts.position", position);
      Checks.finiteNonNegative("kernelCharts.value", value);
    }
  }

  public KernelSeries {
    Checks.notNull("kernelCharts.phase", phase);
    Checks.notNull("kernelCharts.variant", variant);
    Checks.notBlank("kernelCharts.stage", stage);
    Checks.notBlank("kernelCharts.label", label);
    if (!OURS.equals(source) && !REFERENCE.equals(source)) {
      throw new IllegalArgumentException(
          "kernelCharts.source: '" + source + "' is not one of ours, reference");
    }
    if (!FLOPS.equals(unit) && !BYTES.equals(unit)) {
      throw new IllegalArgumentException(
          "kernelCharts.unit: '" + unit + "' is not one of FLOP/s, B/s");
    }
    points = List.copyOf(points);
  }
}
