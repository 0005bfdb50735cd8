package io.dsabench.reports.model;

import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.util.List;

/**
 * One USD-per-million-tokens curve over token position.
 *
 * @param id the curve's name in the {@code dsabench cost --format csv} vocabulary, e.g. {@code
 *     prefill_v3.2}
 * @param phase prefill or decode
 * @param variant dense (V3.1) or DSA (V3.2)
 * @param source {@code measured} (this run, through the cost model), {@code compared} (the run it
 *     is compared with, priced the same way) or {@code paper} (Figure 3)
 * @param label legend text
 * @param points in increasing position
 */
public record Curve(
    String id, Phase phase, Variant variant, String source, String label, List<CurvePoint> points) {
  public static final String MEASURED = "measured";
  public static final String PAPER = "paper";
  public static final String COMPARED = "compared";

  public Curve {
    Checks.notBlank("curve.id", id);
    Checks.notNull("curve.phase", phase);
    Checks.notNull("curve.variant", variant);
    if (!MEASURED.equals(source) && !PAPER.equals(source) && !COMPARED.equals(source)) {
      throw new IllegalArgumentException(
          "curve.source: '" + source + "' is not one of measured, compared, paper");
    }
    points = List.copyOf(points);
    for (int i = 1; i < points.size(); i++) {
      if (points.get(i).position() <= points.get(i - 1).position()) {
        throw new IllegalArgumentException(
            "curve "
                + id
                + ": position "
                + points.get(i).position()
                + " does not increase after "
                + points.get(i - 1).position());
      }
    }
  }
}
