package io.dsabench.costmodel.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.dsabench.costmodel.cost.CostModel;
import io.dsabench.costmodel.cost.CostParameters;
import io.dsabench.costmodel.cost.CostReport;
import io.dsabench.costmodel.cost.Curve;
import io.dsabench.model.results.SyntheticResults;
import org.junit.jupiter.api.Test;

class Figure3ReferenceTest {
  private static final Figure3Reference PAPER = Figure3Reference.load();

  @Test
  void loadsTheBundledCurvesWithTheirSource() {
    assertThat(PAPER.curves()).hasSize(4);
    assertThat(PAPER.notes()).anyMatch(n -> n.contains("vector paths"));
    assertThat(PAPER.curve(Curve.PREFILL_V32).usdPerMillionAt(6590)).isEqualTo(0.0999);
    // Halfway along prefill_v3.1: (0.0529 + 0.6658) / 2.
    assertThat(PAPER.curve(Curve.PREFILL_V31).usdPerMillionAt(65536))
        .isCloseTo(0.35935, within(1e-12));
    assertThatThrownBy(() -> PAPER.curve(Curve.DECODE_V31).usdPerMillionAt(200000))
        .hasMessage("position: 200000.0 is outside the paper's decode_v3.1 range 0..131072");
  }

  @Test
  void badReferenceLinesAreNamed() {
    assertThatThrownBy(() -> Figure3Reference.parse("prefill_v9,1,2\n", "x.csv"))
        .hasMessage(
            "x.csv line 1: curve: 'prefill_v9' is not one of prefill_v3.1, prefill_v3.2,"
                + " decode_v3.1, decode_v3.2");
  }

  @Test
  void comparisonGivesRelativeErrorsAtSixPositions() {
    CostReport r =
        CostModel.compute(
            SyntheticResults.of("cpu", null, SyntheticResults::linear), CostParameters.defaults());
    Figure3Comparison c = Figure3Comparison.compare(r, PAPER);
    assertThat(c.rows()).hasSize(24);
    assertThat(c.rows().stream().map(ComparisonRow::position).distinct().toList())
        .containsExactly(8192, 16384, 32768, 65536, 98304, 131072);
    assertThat(c.notCompared()).isEmpty();
    assertThat(c.samePricing()).isTrue();
    assertThat(c.paperCrossover()).isEqualTo(6590);
    var row = c.rows().get(5);
    assertThat(row.curve()).isEqualTo(Curve.PREFILL_V31);
    assertThat(row.position()).isEqualTo(131072);
    assertThat(row.paperUsdPerMillion()).isEqualTo(0.6658);
    assertThat(row.relativeError())
        .isCloseTo((row.oursUsdPerMillion() - 0.6658) / 0.6658, within(1e-15));
    assertThat(
            Figure3Comparison.compare(
                    CostModel.compute(
                        SyntheticResults.of("cpu", null, SyntheticResults::linear),
                        CostParameters.builder().usdPerGpuHour(3).build()),
                    PAPER)
                .samePricing())
        .isFalse();
  }
}
