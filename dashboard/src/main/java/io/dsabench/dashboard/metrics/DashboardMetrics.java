package io.dsabench.dashboard.metrics;

import io.dsabench.dashboard.runs.LiveSweeps;
import io.dsabench.dashboard.runs.Run;
import io.dsabench.dashboard.runs.RunStore;
import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.StageResult;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** The dashboard's own series, its view of the runs, and the JVM's, in one registry. */
public final class DashboardMetrics {
  /** Upper bound on kernel series, whatever the runs hold. */
  public static final int MAX_KERNEL_SERIES = 2000;

  /** Methods outside this set are counted as "other" so that a scanner cannot grow the labels. */
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE");

  private final Histogram requestDuration;

  /**
   * Registers the dashboard's metrics and the JVM's into {@code registry}.
   *
   * @param registry where to register (the caller's, never the global default)
   * @param store the runs, read at scrape time
   * @param live the sweeps running now
   */
  public DashboardMetrics(PrometheusRegistry registry, RunStore store, LiveSweeps live) {
    this(registry, store, live, r -> Optional.empty());
  }

  /**
   * As {@link #DashboardMetrics(PrometheusRegistry, RunStore, LiveSweeps)}, and the regression
   * verdict of each device's newest local run, as {@code dsabench_dashboard_run_regressed}.
   *
   * @param regressed a run's verdict against the published run of its device: true regressed (a
   *     stage slower, a point lost), false passed, empty for no verdict
   */
  public DashboardMetrics(
      PrometheusRegistry registry,
      RunStore store,
      LiveSweeps live,
      Function<Run, Optional<Boolean>> regressed) {
    requestDuration =
        Histogram.builder()
            .name("dsabench_http_server_request_duration_seconds")
            .help("Time to answer an HTTP request of the dashboard, by route template and status")
            .unit(Unit.SECONDS)
            .labelNames("route", "method", "status")
            .classicOnly()
            .classicUpperBounds(
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
            .register(registry);

    GaugeWithCallback.builder()
        .name("dsabench_dashboard_runs")
        .help(
            "Readable results files the dashboard knows, by kind (published or local runs of"
                + " dsabench's kernels, or reference runs of DeepSeek's)")
        .labelNames("kind")
        .callback(
            cb -> {
              List<Run> runs = store.runs();
              long reference = runs.stream().filter(Run::reference).count();
              long published = runs.stream().filter(r -> r.published() && !r.reference()).count();
              cb.call((double) published, "published");
              cb.call((double) (runs.size() - published - reference), "local");
              cb.call((double) reference, "reference");
            })
        .register(registry);

    GaugeWithCallback.builder()
        .name("dsabench_dashboard_run_regressed")
        .help(
            "1 when the newest local run of a device regressed against the published run of that"
                + " device (a stage slower or a point lost), 0 when it passed; no series without a"
                + " verdict")
        .labelNames("gpu", "UUID", "modelName", "run")
        .callback(
            cb -> {
              Set<String> devicesSeen = new HashSet<>();
              for (Run r : store.runs()) { // newest first
                if (r.reference() || r.published()) {
                  continue;
                }
                String[] dev = deviceLabels(r.results().run().device(), r.deviceName());
                if (!devicesSeen.add(String.join("\u0000", dev))) {
                  continue;
                }
                Optional<Boolean> v = regressed.apply(r);
                if (v.isPresent()) {
                  cb.call(v.get() ? 1 : 0, dev[0], dev[1], dev[2], r.id());
                }
              }
            })
        .register(registry);

    GaugeWithCallback.builder()
        .name("dsabench_dashboard_results_unreadable")
        .help("Files named results.json that could not be read (truncated, wrong schema, ...)")
        .callback(cb -> cb.call(store.problems().size()))
        .register(registry);

    // Not dsabench_sweep_points: that is the harness's own gauge, exported by a running sweep.
    GaugeWithCallback.builder()
        .name("dsabench_dashboard_live_sweep_points")
        .help(
            "Finished points of each sweep the dashboard sees running, by status (a sweep in this"
                + " JVM, or one in another process that holds its device lock)")
        .labelNames("gpu", "UUID", "modelName", "run", "status")
        .callback(
            cb -> {
              for (LiveSweeps.Sweep s : live.live(store.runs())) {
                String[] dev = deviceLabels(s.device(), s.deviceName());
                s.points()
                    .forEach((status, n) -> cb.call(n, dev[0], dev[1], dev[2], s.id(), status));
              }
            })
        .register(registry);

    GaugeWithCallback.builder()
        .name("dsabench_kernel_median_seconds")
        .help(
            "Median device time of one kernel stage at a sweep point, from the newest run of"
                + " each device")
        .unit(Unit.SECONDS)
        .labelNames(
            "gpu", "UUID", "modelName", "op", "phase", "variant", "position", "tokens_per_seq")
        .callback(
            cb -> {
              for (KernelSample k : kernelSamples(store.runs())) {
                cb.call(k.seconds(), k.labels());
              }
            })
        .register(registry);

    JvmMetrics.builder().register(registry);
  }

  /** One series of dsabench_kernel_median_seconds: its label values and its value. */
  @SuppressWarnings("ArrayRecordComponent") // label values, passed on as they are, never compared
  private record KernelSample(double seconds, String[] labels) {}

  private record KernelSeries(List<Object> key, List<KernelSample> samples) {}

  // The kernel series change only when a results file does; a scrape (or eight at once) reuses
  // them instead of walking every point of every run again.
  private final AtomicReference<KernelSeries> kernelSeries = new AtomicReference<>();

  private List<KernelSample> kernelSamples(List<Run> runs) {
    List<Object> key = new ArrayList<>();
    for (Run r : runs) {
      key.add(r.id());
      key.add(r.modified());
      key.add(System.identityHashCode(r.results()));
    }
    KernelSeries cached = kernelSeries.get();
    if (cached != null && cached.key().equals(key)) {
      return cached.samples();
    }
    List<KernelSample> out = new ArrayList<>();
    Set<String> devicesSeen = new HashSet<>();
    Set<String> emitted = new HashSet<>();
    // runs are newest first: the first run of a device is its newest.
    runs:
    for (Run r : runs) {
      if (r.reference()) {
        continue; // not our kernels: their times must not stand in for ours
      }
      String[] dev = deviceLabels(r.results().run().device(), r.deviceName());
      if (!devicesSeen.add(dev[0] + "\u0000" + dev[1] + "\u0000" + dev[2])) {
        continue;
      }
      Set<String> pointsSeen = new HashSet<>();
      for (var p : r.results().points()) {
        if (p.status() != PointStatus.OK) {
          continue;
        }
        // One series per (phase, variant, position, tokens per sequence): the first measured
        // token count.
        String perSeq = Integer.toString(p.point().tokensPerSeq());
        if (!pointsSeen.add(
            p.phase().id() + "/" + p.variant().id() + "/" + p.position() + "/" + perSeq)) {
          continue;
        }
        // A multi-GPU run records which GPU measured each point: label with that one.
        String[] pd = p.device() == null ? dev : deviceLabels(p.device(), r.deviceName());
        for (StageResult st : p.stages()) {
          String[] labels = {
            pd[0],
            pd[1],
            pd[2],
            st.op().id(),
            p.phase().id(),
            p.variant().id(),
            Integer.toString(p.position()),
            perSeq
          };
          if (!emitted.add(String.join("\u0000", labels))) {
            continue; // one series per label set, whatever the runs hold
          }
          if (out.size() >= MAX_KERNEL_SERIES) {
            break runs;
          }
          out.add(new KernelSample(st.medianSeconds(), labels));
        }
      }
    }
    List<KernelSample> samples = List.copyOf(out);
    kernelSeries.set(new KernelSeries(List.copyOf(key), samples));
    return samples;
  }

  /** Records one answered request. */
  public void observeRequest(String route, String method, int status, double seconds) {
    String m = method == null ? "other" : method.toUpperCase(Locale.ROOT);
    requestDuration
        .labelValues(route, METHODS.contains(m) ? m : "other", Integer.toString(status))
        .observe(seconds);
  }

  /** DCGM's labels: gpu (index), UUID, modelName; empty where the run did not record them. */
  static String[] deviceLabels(DeviceRecord d, String fallbackName) {
    if (d == null) {
      return new String[] {"", "", fallbackName};
    }
    return new String[] {
      d.index() == null ? "" : d.index().toString(),
      d.uuid() == null ? "" : d.uuid(),
      d.name() == null ? fallbackName : d.name()
    };
  }
}
