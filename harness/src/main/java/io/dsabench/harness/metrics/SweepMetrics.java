package io.dsabench.harness.metrics;

import io.dsabench.harness.SweepListener;
import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.SweepPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A sweep's live Prometheus metrics, registered in the registry it is given (never the global one).
 * Names follow Prometheus conventions (a {@code dsabench_} prefix, base units, {@code _total} on
 * counters); GPU labels are the DCGM exporter's ({@code gpu} index, {@code UUID}, {@code
 * modelName}), so kernel times join DCGM's utilisation and power series on the same labels.
 *
 * <ul>
 *   <li>{@code dsabench_sweep_points}: points this process will measure
 *   <li>{@code dsabench_sweep_points_finished_total{status}}: points done, by ok/skipped/failed
 *   <li>{@code dsabench_sweep_failures_total}: points that failed (kernel error or NaN)
 *   <li>{@code dsabench_sweep_eta_seconds}: estimated time to the end of the sweep
 *   <li>{@code
 *       dsabench_kernel_seconds{phase,variant,position,tokens,tokens_per_seq,op,gpu,UUID,modelName}}:
 *       median device time of the last measurement of each series
 *   <li>{@code dsabench_sweep_info{run_id,backend}}: which run this is
 * </ul>
 */
public final class SweepMetrics implements SweepListener {
  private final Gauge points;
  private final Counter finished;
  private final Counter failures;
  private final Gauge eta;
  private final Gauge kernelSeconds;
  private final Info info;
  private final Gauge regressed;
  private final Gauge regressedStages;
  private final long startNanos = System.nanoTime();
  private volatile DeviceRecord runDevice;

  public SweepMetrics(PrometheusRegistry registry) {
    points =
        Gauge.builder()
            .name("dsabench_sweep_points")
            .help("Sweep points this process will measure")
            .register(registry);
    finished =
        Counter.builder()
            .name("dsabench_sweep_points_finished_total")
            .help("Sweep points finished, by status (ok, skipped, failed)")
            .labelNames("status")
            .register(registry);
    failures =
        Counter.builder()
            .name("dsabench_sweep_failures_total")
            .help("Sweep points that failed (kernel error or NaN output)")
            .register(registry);
    eta =
        Gauge.builder()
            .name("dsabench_sweep_eta_seconds")
            .help("Estimated seconds until the sweep ends")
            .register(registry);
    kernelSeconds =
        Gauge.builder()
            .name("dsabench_kernel_seconds")
            .help("Median device time of the last measurement of a kernel series")
            .labelNames(
                "phase",
                "variant",
                "position",
                "tokens",
                "tokens_per_seq",
                "op",
                "gpu",
                "UUID",
                "modelName")
            .register(registry);
    info =
        Info.builder()
            .name("dsabench_sweep_info")
            .help("The run being measured")
            .labelNames("run_id", "backend")
            .register(registry);
    regressed =
        Gauge.builder()
            .name("dsabench_sweep_regressed")
            .help(
                "1 when the sweep regressed (a stage slower or a point lost) against its baseline"
                    + " run (by default the published run of its device), 0 when it passed; no"
                    + " series without a verdict")
            .labelNames("baseline")
            .register(registry);
    regressedStages =
        Gauge.builder()
            .name("dsabench_sweep_regressed_stages")
            .help("Stages slower, plus points lost, against the baseline run")
            .labelNames("baseline")
            .register(registry);
    for (PointStatus s : PointStatus.values()) {
      finished.labelValues(s.id()); // every status series exists from the start, at 0
    }
  }

  @Override
  public void sweepStarted(Results results, int total) {
    points.set(total);
    runDevice = results.run().device();
    info.setLabelValues(results.run().id(), results.run().backend());
  }

  @Override
  public void pointStarted(SweepPoint point, int gpu) {}

  @Override
  public void pointFinished(PointResult result, int done, int total, double seconds) {
    finished.labelValues(result.status().id()).inc();
    if (result.status() == PointStatus.FAILED) {
      failures.inc();
    }
    double elapsed = (System.nanoTime() - startNanos) * 1e-9;
    eta.set(done == 0 ? Double.NaN : elapsed / done * Math.max(0, total - done));
    DeviceRecord d = result.device() != null ? result.device() : runDevice;
    String gpu = d == null || d.index() == null ? "" : String.valueOf(d.index());
    String uuid = d == null || d.uuid() == null ? "" : d.uuid();
    String model = d == null ? "" : d.name();
    for (StageResult s : result.stages()) {
      kernelSeconds
          .labelValues(
              result.phase().id(),
              result.variant().id(),
              String.valueOf(result.position()),
              String.valueOf(result.tokens()),
              String.valueOf(result.point().tokensPerSeq()),
              s.op().id(),
              gpu,
              uuid,
              model)
          .set(s.medianSeconds());
    }
  }

  /**
   * The regression verdict against the baseline, once {@code bench} has it (before it pushes to a
   * Pushgateway, so that an alert can page on it).
   */
  public void verdict(String baselineRunId, boolean regression, long stagesRegressedOrLost) {
    regressed.labelValues(baselineRunId).set(regression ? 1 : 0);
    regressedStages.labelValues(baselineRunId).set((double) stagesRegressedOrLost);
  }

  @Override
  public void sweepFinished(Results results) {
    eta.set(0);
  }
}
