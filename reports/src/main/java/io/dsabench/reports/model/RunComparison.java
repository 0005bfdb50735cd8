package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import io.dsabench.reports.model.Summary.Hint;
import java.util.List;

/**
 * This run (A) against a second run (B, {@code report --compare}) priced on the same hardware at
 * the same price: B's cost curves, drawn over A's, and the dashboard's "A vs B" table.
 *
 * @param a what A is (run id and file)
 * @param b what B is (run id, file and device)
 * @param note how to read the table, and how B was priced
 * @param curves B's cost curves, source {@link Curve#COMPARED}
 * @param rows each curve of A at 8K, 32K, 64K and 128K against B
 */
public record RunComparison(
    String a, String b, String note, List<Curve> curves, List<RunComparison.Row> rows) {
  public RunComparison {
    Checks.notBlank("comparison.a", a);
    Checks.notBlank("comparison.b", b);
    curves = List.copyOf(curves);
    rows = List.copyOf(rows);
  }

  /**
   * One curve at one position.
   *
   * @param curve e.g. {@code decode_v3.2}
   * @param phase prefill or decode
   * @param variant dense (V3.1) or DSA (V3.2)
   * @param position token position
   * @param a A's USD per million tokens
   * @param b B's, or null where B does not price the curve there
   * @param change B / A − 1 (below 0, B is cheaper), or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Row(
      String curve, Phase phase, Variant variant, int position, double a, Double b, Double change) {
    public Row {
      Checks.notBlank("comparison.curve", curve);
      Checks.positive("comparison.position", position);
    }

    /** A's and B's price and B's change against A. */
    public List<Summary> summaries() {
      return List.of(
          new Summary("a_usd_per_million_tokens", "a", a, "USD/Mtok", Hint.USD, null),
          new Summary("b_usd_per_million_tokens", "b", b, "USD/Mtok", Hint.USD, null),
          new Summary(
              "b_over_a_minus_1",
              "change",
              change,
              "",
              Hint.SIGNED_PERCENT,
              "below 0, B is cheaper"));
    }
  }
}
