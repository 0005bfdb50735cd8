package io.dsabench.harness;

import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.OpWork;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.WorkloadModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Results files for tests of compare and merge, shaped as a sweep writes them: every stage of every
 * point, work from the workload model, a spread of ±{@code spread} around the median.
 */
public final class TestResults {
  private TestResults() {}

  public static Results run(
      String id,
      SweepSpec spec,
      List<SweepPoint> points,
      ToDoubleFunction<SweepPoint> scale,
      double spread) {
    WorkloadModel model = WorkloadModel.deepseekV32();
    List<PointResult> out = new ArrayList<>();
    for (SweepPoint p : points) {
      List<StageResult> stages = new ArrayList<>();
      for (OpWork w : model.work(p)) {
        // A plausible time: the work at 100 TFLOP/s, at least 5 µs.
        double t = Math.max(5e-6, w.flops() / 1e14) * scale.applyAsDouble(p);
        stages.add(
            new StageResult(
                w.op(),
                t,
                t * (1 - spread),
                t * (1 + spread),
                20,
                w.flops(),
                w.bytes(),
                w.flops() / t,
                w.bytes() / t,
                null,
                null));
      }
      out.add(PointResult.ok(p, stages));
    }
    RunInfo run =
        new RunInfo(
            id,
            "2026-11-29T00:00:00Z",
            "abc",
            "cuda",
            "dsabench bench",
            "jvm",
            "host",
            new DeviceRecord("NVIDIA H200", "9.0", "580", 132, 150_000_000_000L),
            Map.of(RunExtra.SWEEP, spec.canonical()));
    return new Results(run, out);
  }
}
