package io.dsabench.harness.jmh;

import io.dsabench.harness.stage.StageSamples;
import io.dsabench.harness.stats.SampleStats;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.OpWork;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.WorkloadModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns one point into a {@link PointResult}: its stages through the {@link JmhEngine}, statistics
 * of the device samples, and work (FLOPs, bytes) from the {@link WorkloadModel} — never from
 * arithmetic at the call site. A stage that was skipped or failed makes the point skipped or failed
 * (failed wins), with the stage and its reason.
 */
public final class PointMeasurer {
  private final JmhEngine engine;
  private final WorkloadModel model;

  public PointMeasurer(JmhEngine engine, WorkloadModel model) {
    this.engine = engine;
    this.model = model;
  }

  public JmhEngine engine() {
    return engine;
  }

  public PointResult measure(int index, SweepPoint point) {
    JmhEngine.PointRun run;
    try {
      run = engine.run(index, point);
    } catch (IOException | RuntimeException e) {
      return PointResult.notOk(point, PointStatus.FAILED, "harness: " + e);
    }
    return toResult(point, run.stages(), model);
  }

  /** Statistics and work of every stage, or the point's fault. */
  public static PointResult toResult(
      SweepPoint point, Map<Op, StageSamples> stages, WorkloadModel model) {
    StageSamples skipped = null;
    for (StageSamples s : stages.values()) {
      if (s.status() == PointStatus.FAILED) {
        return PointResult.notOk(point, PointStatus.FAILED, s.op().id() + ": " + s.reason());
      }
      if (s.status() == PointStatus.SKIPPED && skipped == null) {
        skipped = s;
      }
    }
    if (skipped != null) {
      return PointResult.notOk(
          point, PointStatus.SKIPPED, skipped.op().id() + ": " + skipped.reason());
    }
    List<StageResult> out = new ArrayList<>();
    for (OpWork w : model.work(point)) {
      StageSamples s = stages.get(w.op());
      if (s == null || s.deviceSeconds().isEmpty()) {
        return PointResult.notOk(
            point, PointStatus.FAILED, w.op().id() + ": no samples were taken");
      }
      out.add(stage(w, s));
    }
    return PointResult.ok(point, out);
  }

  /** Statistics of a stage's device samples with its declared work (median, p10, p90, rates). */
  public static StageResult stage(OpWork w, StageSamples s) {
    SampleStats st = SampleStats.of(s.deviceSeconds());
    double median = st.median();
    if (!(median > 0)) {
      // A zero device time is a timer that did not see the work; never report infinite throughput.
      median = Math.ulp(0.0);
    }
    Double host =
        s.hostOverheadSeconds().isEmpty() ? null : SampleStats.of(s.hostOverheadSeconds()).median();
    return new StageResult(
        w.op(),
        median,
        Math.min(st.p10(), median),
        Math.max(st.p90(), median),
        st.count(),
        w.flops(),
        w.bytes(),
        w.flops() / median,
        w.bytes() / median,
        host,
        s.deviceSeconds());
  }
}
