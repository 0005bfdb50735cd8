package io.dsabench.costmodel.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AttentionProfileTest {
  private static MeasuredPoint pt(int p, double s) {
    return new MeasuredPoint(Phase.DECODE, Variant.DENSE, p, 64, 1, p, s, s, List.of());
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
            "position: 12288 is outside the measured range 1023..9216 of decode/dense"
                + " (extrapolation: error)");
  }

  /**
   * SYNTHETIC run whose cost is known in closed form: each chunk of n queries ending at p takes c
   * seconds per (query, key) pair plus d per query, the shape of dense attention. A token that sees
   * x keys then costs c·x + d exactly, and the profile must give that at every position, 0 and 128K
   * included (the chunks cover 0..131072), from chunks of 1K, 2K, 4K and 4096 beyond.
   */
  @Test
  void aChunksCostBelongsToItsMeanPositionExactly() {
    double c = 3e-10;
    double d = 2e-6;
    WorkloadModel wm = WorkloadModel.deepseekV32();
    List<PointResult> pts = new ArrayList<>();
    for (int p : List.of(1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072)) {
      SweepPoint sp = new SweepPoint(Phase.PREFILL, Variant.DENSE, p, Math.min(p, 4096));
      double t = c * WorkloadModel.densePairs(sp) + d * sp.tokens();
      var w = wm.work(Op.DENSE_PREFILL, sp);
      pts.add(
          PointResult.ok(
              sp, List.of(StageResult.of(Op.DENSE_PREFILL, t, t, t, 3, w.flops(), w.bytes()))));
    }
    Results r =
        new Results(
            new RunInfo("synthetic-closed-form", null, null, "cpu", null, null, null, null, null),
            pts);
    AttentionProfile prof =
        AttentionProfile.from(r, Phase.PREFILL, Variant.DENSE, Set.of(Op.DENSE_PREFILL), wm, null);
    assertThat(prof.minPosition()).isZero();
    assertThat(prof.maxPosition()).isEqualTo(131072);
    for (int x : List.of(0, 512, 1000, 6144, 8192, 20000, 100000, 131072)) {
      Interpolated v = prof.at(x, Extrapolation.ERROR);
      assertThat(v.value()).as("position %d", x).isCloseTo(c * x + d, within(1e-15));
      assertThat(v.extrapolated()).isFalse();
    }
    // Placed at its end instead, the 4096-token chunk ending at 8192 would read c·(8192 − 2047.5)
    // + d at 8192: its attention 25% under the curve.
    SweepPoint at8k = new SweepPoint(Phase.PREFILL, Variant.DENSE, 8192, 4096);
    double perToken = (c * WorkloadModel.densePairs(at8k) + d * 4096) / 4096;
    assertThat((perToken - d) / (c * 8192)).isCloseTo(0.75, within(0.001));
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
