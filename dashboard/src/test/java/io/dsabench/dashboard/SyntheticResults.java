package io.dsabench.dashboard;

import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.OpWork;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SYNTHETIC results for tests only: NOT measurements. Stage times are what a roofline at a fixed
 * fraction of H200 ceilings would give (max of FLOPs / 60% of 989 TFLOP/s and bytes / 70% of 4.8
 * TB/s), so the page has plausible shapes to draw. The run says so in its backend, host, command
 * and device name; nothing outside src/test uses this class.
 */
final class SyntheticResults {
  static final String BACKEND = "synthetic-test-data";
  static final List<Integer> POSITIONS = List.of(1024, 4096, 16384, 65536, 131072);

  private SyntheticResults() {}

  /** A synthetic run with the given id; {@code slowdown} multiplies every time (1 = baseline). */
  static Results run(String id, double slowdown) {
    var model = WorkloadModel.deepseekV32();
    List<PointResult> points = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      for (Variant variant : Variant.values()) {
        for (int p : POSITIONS) {
          int n = phase == Phase.PREFILL ? Math.min(p, 1024) : 64;
          SweepPoint sp = new SweepPoint(phase, variant, p, n);
          List<StageResult> stages = new ArrayList<>();
          double total = 0;
          double flops = 0;
          double bytes = 0;
          for (OpWork w : model.work(sp)) {
            if (w.op() == Op.TOTAL) {
              continue;
            }
            double t =
                slowdown * Math.max(w.flops() / (0.6 * 989.5e12), w.bytes() / (0.7 * 4.8e12));
            t = Math.max(t, 5e-6); // a launch costs something
            stages.add(StageResult.of(w.op(), t, t * 0.98, t * 1.02, 20, w.flops(), w.bytes()));
            total += t;
            flops += w.flops();
            bytes += w.bytes();
          }
          stages.add(StageResult.of(Op.TOTAL, total, total * 0.98, total * 1.02, 20, flops, bytes));
          points.add(PointResult.ok(sp, stages));
        }
      }
    }
    var device =
        new DeviceRecord("NVIDIA H200 (synthetic test data)", "9.0", "none", 132, 141L << 30);
    var info =
        new RunInfo(
            id,
            "2026-11-29T12:00:00Z",
            "unknown",
            BACKEND,
            "SyntheticResults (test code; not a measurement)",
            System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
            "synthetic",
            device,
            Map.of("note", "synthetic test data, not a measurement"));
    return new Results(info, points);
  }

  /** Writes {@link #run} to {@code dir/results.json} and returns the file. */
  static Path write(Path dir, String id, double slowdown) throws IOException {
    Path file = dir.resolve("results.json");
    ResultsIO.write(file, run(id, slowdown));
    return file;
  }
}
