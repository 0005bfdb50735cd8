package io.dsabench.dashboard.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.dashboard.runs.LiveSweeps;
import io.dsabench.dashboard.runs.RunStore;
import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel series: DCGM labels from the GPU that measured each point, and a hard bound. */
class DashboardMetricsTest {
  private static String scrape(Path root) throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    RunStore store = new RunStore(List.of(root), Clock.systemUTC(), Duration.ZERO);
    new DashboardMetrics(
        registry,
        store,
        new LiveSweeps(Clock.systemUTC(), Duration.ofSeconds(60), root.resolve("no-locks")));
    var out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static StageResult stage(Op op) {
    return StageResult.of(op, 1e-3, 0.9e-3, 1.1e-3, 5, 1e9, 1e6);
  }

  /** SYNTHETIC run (test data): points at the given positions, each on the given GPU. */
  private static Results run(String id, List<Integer> positions, DeviceRecord pointDevice) {
    List<PointResult> points = new ArrayList<>();
    for (int p : positions) {
      var sp = new SweepPoint(Phase.DECODE, Variant.DSA, p, 1);
      points.add(
          new PointResult(
              sp.phase(),
              sp.variant(),
              p,
              1,
              PointStatus.OK,
              null,
              List.of(stage(Op.INDEXER), stage(Op.TOPK), stage(Op.SPARSE_DECODE), stage(Op.TOTAL)),
              pointDevice));
    }
    return new Results(
        new RunInfo(
            id, "2026-11-29T00:00:00Z", "unknown", "cuda", "test", "jvm", "host", null, null),
        points);
  }

  @Test
  void pointsCarryTheLabelsOfTheGpuThatMeasuredThem(@TempDir Path tmp) throws Exception {
    var gpu1 = new DeviceRecord("NVIDIA H200", "9.0", "580", 132, 1L << 37, 1, "GPU-1111");
    ResultsIO.write(tmp.resolve("multi/results.json"), run("multi", List.of(1024, 2048), gpu1));
    String text = scrape(tmp);
    assertThat(text)
        .contains(
            "dsabench_kernel_median_seconds{UUID=\"GPU-1111\",gpu=\"1\",modelName=\"NVIDIA H200\","
                + "op=\"indexer\",phase=\"decode\",position=\"1024\",tokens_per_seq=\"1\","
                + "variant=\"dsa\"} 0.001");
  }

  @Test
  void kernelSeriesAreBoundedWhateverTheRunsHold(@TempDir Path tmp) throws Exception {
    List<Integer> positions = new ArrayList<>();
    for (int p = 1; p <= 700; p++) {
      positions.add(p); // 700 positions x 4 stages = 2800 candidate series
    }
    ResultsIO.write(tmp.resolve("big/results.json"), run("big", positions, null));
    long series =
        scrape(tmp).lines().filter(l -> l.startsWith("dsabench_kernel_median_seconds{")).count();
    assertThat(series).isEqualTo(DashboardMetrics.MAX_KERNEL_SERIES);
  }
}
