package io.dsabench.costmodel.reference;

import io.dsabench.costmodel.cost.CostCurve;
import io.dsabench.costmodel.cost.CostReport;
import io.dsabench.costmodel.cost.Curve;
import io.dsabench.costmodel.cost.CurvePoint;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link CostReport} compares with the paper's Figure 3: the relative error of each curve at
 * 8K, 16K, 32K, 64K, 96K and 128K, and our prefill crossover against the paper's ~6.6K. Only
 * meaningful at the paper's setting (H800, 2 USD per GPU-hour); {@link #samePricing()} says whether
 * it is. A position a curve was not priced at (outside the measured range under {@code
 * --extrapolation error}) is listed in {@code notCompared}, not guessed.
 *
 * @param rows one per curve and position
 * @param oursCrossover our prefill crossover position, or null when there is none
 * @param paperCrossover the paper's (6590)
 * @param crossoverRelativeError (ours − paper) / paper, or null
 * @param samePricing true when the report is on h800 at 2 USD per GPU-hour
 * @param notCompared curve and position pairs with no row, and why
 */
public record Figure3Comparison(
    List<ComparisonRow> rows,
    Double oursCrossover,
    int paperCrossover,
    Double crossoverRelativeError,
    boolean samePricing,
    List<String> notCompared) {

  /** Positions compared: 8K, 16K, 32K, 64K, 96K, 128K. */
  public static final List<Integer> POSITIONS = List.of(8192, 16384, 32768, 65536, 98304, 131072);

  public Figure3Comparison {
    rows = List.copyOf(rows);
    notCompared = notCompared == null ? List.of() : List.copyOf(notCompared);
  }

  /** Compares {@code report} with {@code reference}. */
  public static Figure3Comparison compare(CostReport report, Figure3Reference reference) {
    List<ComparisonRow> rows = new ArrayList<>();
    List<String> notCompared = new ArrayList<>();
    for (CostCurve ours : report.curves()) {
      Curve c = ours.curve();
      for (int p : POSITIONS) {
        if (p < ours.minPosition() || p > ours.maxPosition()) {
          notCompared.add(
              c.id()
                  + " at "
                  + p
                  + ": not priced (measured "
                  + ours.minPosition()
                  + ".."
                  + ours.maxPosition()
                  + ", --extrapolation error)");
          continue;
        }
        double o = ours.usdPerMillionAt(p);
        double paper = reference.curve(c).usdPerMillionAt(p);
        rows.add(new ComparisonRow(c, p, o, paper, (o - paper) / paper, extrapolatedNear(ours, p)));
      }
    }
    Double x = report.prefillCrossoverPosition();
    int paperX = Figure3Reference.PAPER_CROSSOVER_POSITION;
    boolean same =
        report.parameters().target().id().equals(Figure3Reference.HARDWARE)
            && report.parameters().usdPerGpuHour() == Figure3Reference.USD_PER_GPU_HOUR;
    return new Figure3Comparison(
        rows, x, paperX, x == null ? null : (x - paperX) / paperX, same, notCompared);
  }

  /** True when a sample at or around {@code p} was extrapolated. */
  private static boolean extrapolatedNear(CostCurve curve, int p) {
    List<CurvePoint> pts = curve.points();
    for (int i = 0; i < pts.size(); i++) {
      CurvePoint a = pts.get(i);
      if (a.position() == p) {
        return a.extrapolated();
      }
      if (i + 1 < pts.size() && a.position() < p && pts.get(i + 1).position() > p) {
        return a.extrapolated() || pts.get(i + 1).extrapolated();
      }
    }
    return false;
  }
}
