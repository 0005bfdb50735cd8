package io.dsabench.costmodel.cost;

import java.util.ArrayList;
import java.util.List;

/**
 * One curve at one position under two pricings, A and B (another run, other hardware, another
 * price): the dashboard's "A vs B" table, which {@code report --compare} and {@code cost
 * --compare-hardware} print too.
 *
 * @param curve the Figure 3 curve
 * @param position token position
 * @param a USD per million tokens under A
 * @param b USD per million tokens under B; null where B does not price the curve or position
 * @param change B / A − 1 (below 0, B is cheaper); null where B is
 */
public record CostDelta(Curve curve, int position, double a, Double b, Double change) {
  /** The positions the comparisons show: 8K, 32K, 64K and 128K, as the dashboard does. */
  public static final List<Integer> POSITIONS = List.of(8192, 32768, 65536, 131072);

  public CostDelta {
    if (curve == null) {
      throw new IllegalArgumentException("curve: missing");
    }
    if (!(a > 0) || !Double.isFinite(a)) {
      throw new IllegalArgumentException("a: " + a + " is not a positive USD per million tokens");
    }
  }

  /**
   * Every curve A prices, at each of {@code positions} inside its curve, against B at the same
   * curve and position; in A's curve order, then by position.
   */
  public static List<CostDelta> between(CostReport a, CostReport b, List<Integer> positions) {
    List<CostDelta> out = new ArrayList<>();
    for (CostCurve ca : a.curves()) {
      CostCurve cb = b.has(ca.curve()) ? b.curve(ca.curve()) : null;
      for (int p : positions) {
        if (!covers(ca, p)) {
          continue;
        }
        double ua = ca.usdPerMillionAt(p);
        Double ub = cb != null && covers(cb, p) ? cb.usdPerMillionAt(p) : null;
        out.add(new CostDelta(ca.curve(), p, ua, ub, ub == null ? null : ub / ua - 1));
      }
    }
    return out;
  }

  private static boolean covers(CostCurve c, int p) {
    return p >= c.minPosition() && p <= c.maxPosition();
  }
}
