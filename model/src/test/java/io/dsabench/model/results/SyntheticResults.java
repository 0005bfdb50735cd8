package io.dsabench.model.results;

import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SYNTHETIC results for tests only: stage times are made up so that per-token times are round
 * numbers a test can check by hand. They are not measurements and must never be published.
 */
public final class SyntheticResults {
  private SyntheticResults() {}

  /** Per-token, per-layer seconds of a stage at a position. */
  @FunctionalInterface
  public interface PerToken {
    double seconds(Op op, double position);
  }

  public static final List<Integer> POSITIONS = List.of(1024, 32768, 65536, 131072);

  /**
   * Results on {@code device} (backend cuda, or cpu when device is null) with every stage at each
   * of {@link #POSITIONS}; prefill chunks of min(p, 1024) tokens, decode of 64 sequences. A point's
   * stage takes {@code perToken} at the point's mean position, times n: the per-token cost the cost
   * model reads back is then exactly {@code perToken} along the curve.
   */
  public static Results of(String backend, String deviceName, PerToken perToken) {
    WorkloadModel wm = WorkloadModel.deepseekV32();
    List<PointResult> pts = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      for (Variant v : Variant.values()) {
        for (int p : POSITIONS) {
          int n = phase == Phase.PREFILL ? Math.min(p, 1024) : 64;
          SweepPoint sp = new SweepPoint(phase, v, p, n);
          List<StageResult> stages = new ArrayList<>();
          for (Op op : WorkloadModel.stages(phase, v)) {
            double t = perToken.seconds(op, sp.meanPosition()) * n;
            var w = wm.work(op, sp);
            stages.add(StageResult.of(op, t, t, t, 5, w.flops(), w.bytes()));
          }
          pts.add(PointResult.ok(sp, stages));
        }
      }
    }
    DeviceRecord dev =
        deviceName == null ? null : new DeviceRecord(deviceName, "9.0", "580", 132, 141L << 30);
    RunInfo run =
        new RunInfo(
            "synthetic-test-run",
            "2026-11-29T00:00:00Z",
            "unknown",
            backend,
            "test",
            "test",
            "test",
            dev,
            Map.of());
    return new Results(run, pts);
  }

  /**
   * Per-token times linear in p: dense prefill 1 µs + p·1e-10, dense decode 2 µs + p·4e-10, indexer
   * 0.1 µs + p·2e-11, top-k 0.05 µs, sparse 0.5 µs + min(p, 2048)·1e-10.
   */
  public static double linear(Op op, double p) {
    switch (op) {
      case DENSE_PREFILL:
        return 1e-6 + p * 1e-10;
      case DENSE_DECODE:
        return 2e-6 + p * 4e-10;
      case INDEXER:
        return 0.1e-6 + p * 2e-11;
      case TOPK:
        return 0.05e-6;
      default:
        return 0.5e-6 + Math.min(p, 2048) * 1e-10;
    }
  }
}
