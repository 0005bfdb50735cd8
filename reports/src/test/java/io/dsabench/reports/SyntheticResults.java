package io.dsabench.reports;

import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.OpWork;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SYNTHETIC results for tests only — not measurements. Each stage's "time" is a made-up roofline of
 * its declared work (FLOPs at 40% of an H200's bf16 peak, bytes at 60% of its bandwidth, the
 * larger), so the cost model has something of the right shape to cost. The run says what it is in
 * its id, command and host, and the report shows those.
 */
final class SyntheticResults {
  private SyntheticResults() {}

  static final List<Integer> POSITIONS = List.of(1024, 2048, 4096, 8192, 16384, 32768, 65536);

  /** A run "on" an H200 (its profile gives ceilings), positions up to 64K, one skipped point. */
  static Results gpuLike() {
    return build(
        "cuda",
        new DeviceRecord("NVIDIA H200 (SYNTHETIC test data)", "9.0", "580.00", 132, 150L << 30));
  }

  /** The same shape labelled as a cpu-backend run. */
  static Results cpuLike() {
    return build("cpu", new DeviceRecord("cpu (SYNTHETIC test data)", null, null, 0, 0));
  }

  private static Results build(String backend, DeviceRecord device) {
    WorkloadModel model = WorkloadModel.deepseekV32();
    List<PointResult> points = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      for (Variant variant : Variant.values()) {
        for (int p : POSITIONS) {
          int n = phase == Phase.PREFILL ? Math.min(p, 1024) : 64;
          SweepPoint point = new SweepPoint(phase, variant, p, n);
          List<StageResult> stages = new ArrayList<>();
          for (OpWork w : model.work(point)) {
            double t = Math.max(w.flops() / (0.4 * 989e12), w.bytes() / (0.6 * 4.8e12)) + 4e-6;
            stages.add(StageResult.of(w.op(), t, 0.97 * t, 1.05 * t, 25, w.flops(), w.bytes()));
          }
          points.add(PointResult.ok(point, stages));
        }
      }
    }
    points.add(
        PointResult.notOk(
            new SweepPoint(Phase.DECODE, Variant.DENSE, 131072, 64),
            PointStatus.SKIPPED,
            "SYNTHETIC: out of device memory"));
    RunInfo run =
        new RunInfo(
            "synthetic-" + backend + "-test-run",
            "2026-11-29T12:00:00Z",
            "0000000",
            backend,
            "SYNTHETIC test fixture, not a measurement",
            "test",
            "test-host",
            device,
            Map.of());
    return new Results(run, points);
  }
}
