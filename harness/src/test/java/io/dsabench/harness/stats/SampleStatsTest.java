package io.dsabench.harness.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SampleStatsTest {
  @Test
  void quantilesInterpolateBetweenOrderStatistics() {
    SampleStats s = SampleStats.of(new double[] {5, 1, 4, 2, 3});
    assertThat(s.median()).isEqualTo(3);
    assertThat(s.p10()).isCloseTo(1.4, within(1e-12));
    assertThat(s.p90()).isCloseTo(4.6, within(1e-12));
    assertThat(s.count()).isEqualTo(5);
  }

  @Test
  void medianIntervalNarrowsAsSamplesGrow() {
    SplittableRandom r = new SplittableRandom(1);
    double[] few = new double[10];
    double[] many = new double[1000];
    for (int i = 0; i < many.length; i++) {
      double x = 1e-3 * (1 + 0.02 * r.nextGaussian());
      many[i] = x;
      if (i < few.length) {
        few[i] = x;
      }
    }
    double wide = SampleStats.of(few).relativeMedianHalfWidth();
    double narrow = SampleStats.of(many).relativeMedianHalfWidth();
    assertThat(narrow).isLessThan(wide).isLessThan(0.005);
  }

  @Test
  void rejectsNoSamplesAndNonFiniteOnes() {
    assertThatThrownBy(() -> SampleStats.of(new double[0]))
        .hasMessage("samples: none; at least one is needed for statistics");
    assertThatThrownBy(() -> SampleStats.of(new double[] {1, Double.NaN}))
        .hasMessage("samples: NaN is not a finite time");
  }

  @Test
  void stopRuleStopsOnNoiseOnTimeOrOnCount() {
    StopRule rule = new StopRule(0, 0, 3, 50, 0.01, 1.0);
    assertThat(rule.stopReason(new double[] {1, 1}, 0)).isNull();
    assertThat(rule.stopReason(new double[] {1, 1, 1, 1, 1, 1, 1}, 0)).isEqualTo("noise");
    assertThat(rule.stopReason(new double[] {1, 2, 3}, 2.0)).isEqualTo("time cap");
    assertThat(rule.stopReason(new double[] {1, 2, 3}, 0.1)).isNull();
    assertThat(rule.stopReason(new double[50], 0)).isEqualTo("max samples");
    assertThatThrownBy(() -> new StopRule(0, 0, 0, 5, 0.01, 1))
        .hasMessage("minSamples: 0 is not a positive count");
    assertThatThrownBy(() -> new StopRule(0, 0, 3, 5, 0, 1))
        .hasMessage("maxNoise: 0.0 is not a positive relative spread");
  }
}
