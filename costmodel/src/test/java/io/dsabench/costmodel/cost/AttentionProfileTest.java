package io.dsabench.costmodel.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.dsabench.costmodel.workload.Op;
import io.dsabench.costmodel.workload.Phase;
import io.dsabench.costmodel.workload.Variant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AttentionProfileTest {
  private static MeasuredPoint pt(int p, double s) {
    return new MeasuredPoint(Phase.DECODE, Variant.DENSE, p, 64, s, s, List.of());
  }

  // 2 µs at 1024, 4 µs at 3072, 10 µs at 9216.
  private static final AttentionProfile PROFILE =
      AttentionProfile.of(
          Phase.DECODE,
          Variant.DENSE,
          Set.of(Op.DENSE_DECODE),
          List.of(pt(9216, 10e-6), pt(1024, 2e-6), pt(3072, 4e-6)));

  @Test
  void linearBetweenMeasuredPositions() {
    assertThat(PROFILE.at(2048, Extrapolation.ERROR).value()).isCloseTo(3e-6, within(1e-18));
    // 4 + (6144 - 3072) / 6144 · 6 = 7 µs.
    Interpolated v = PROFILE.at(6144, Extrapolation.ERROR);
    assertThat(v.value()).isCloseTo(7e-6, within(1e-18));
    assertThat(v.extrapolated()).isFalse();
    assertThat(PROFILE.at(9216, Extrapolation.ERROR).value()).isEqualTo(10e-6);
  }

  @Test
  void outsideTheRangeIsFlaggedOrAnError() {
    // First segment: 2 µs more over 2048 tokens, so 1 µs less 1024 tokens before 1024: 1 µs.
    Interpolated low = PROFILE.at(0, Extrapolation.FLAG);
    assertThat(low.value()).isCloseTo(1e-6, within(1e-18));
    assertThat(low.extrapolated()).isTrue();
    Interpolated high = PROFILE.at(12288, Extrapolation.FLAG);
    assertThat(high.value()).isCloseTo(13e-6, within(1e-18));
    assertThat(high.extrapolated()).isTrue();
    assertThatThrownBy(() -> PROFILE.at(12288, Extrapolation.ERROR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "position: 12288 is outside the measured range 1024..9216 of decode/dense"
                + " (extrapolation: error)");
  }

  @Test
  void extrapolationNeverGoesBelowZero() {
    AttentionProfile steep =
        AttentionProfile.of(
            Phase.DECODE,
            Variant.DENSE,
            Set.of(Op.DENSE_DECODE),
            List.of(pt(1024, 1e-6), pt(2048, 5e-6)));
    assertThat(steep.at(0, Extrapolation.FLAG).value()).isZero();
  }
}
