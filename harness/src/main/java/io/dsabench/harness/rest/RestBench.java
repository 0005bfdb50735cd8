package io.dsabench.harness.rest;

import io.dsabench.harness.jmh.PointMeasurer;
import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.harness.stage.StageMeasurement;
import io.dsabench.harness.stage.StageSamples;
import io.dsabench.kernels.Backend;
import io.dsabench.kernels.BackendUnavailableException;
import io.dsabench.kernels.Backends;
import io.dsabench.kernels.KernelException;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.RestBatch;
import io.dsabench.model.workload.RestWork;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Times the rest of a layer at deployment batches: for each (phase, routing) of a {@link RestSpec},
 * opens the backend, allocates every call's inputs once ({@link RestInputs}), and measures each
 * {@link Op#REST} op — all its calls issued back to back — with the attention stages' own {@link
 * StageMeasurement} (first run checked, warm-up, sampling sessions on the backend's timer: CUDA
 * events on a GPU); statistics and throughput come from {@link PointMeasurer#stage} over the {@link
 * RestWork} of the op, never from arithmetic here.
 *
 * <p>A point that cannot be prepared (out of memory, a kernel the backend lacks) or whose op fails
 * becomes a {@code failed} {@link RestResult} with the reason, and the next point goes on; the ops
 * that did measure stay in it.
 */
public final class RestBench {
  /** Follows the points as they finish; called on the measuring thread. */
  public interface Listener {
    /** A point is about to be measured. */
    default void restStarted(RestBatch batch) {}

    /** A point is done and handed to the sink. */
    default void restFinished(RestResult result, double seconds) {}
  }

  private final SessionConfig config;
  private final RestWork work;
  private final int sessions;

  /**
   * @param config the sampling rule and backend (the sweep's)
   * @param work the shapes and calls of the rest
   * @param sessions sampling sessions per op (the sweep's iterations)
   */
  public RestBench(SessionConfig config, RestWork work, int sessions) {
    if (sessions < 1) {
      throw new IllegalArgumentException("sessions: " + sessions + " is not a positive count");
    }
    this.config = config;
    this.work = work;
    this.sessions = sessions;
  }

  /** Measures every point of {@code spec}, handing each result to {@code sink} as it finishes. */
  public void run(RestSpec spec, Consumer<RestResult> sink, Listener listener) {
    for (Phase phase : spec.phases()) {
      for (String routing : spec.routings()) {
        RestBatch batch =
            RestBatch.of(
                work.shape(),
                phase,
                spec.tokens().get(phase),
                spec.expertParallel().get(phase),
                routing);
        listener.restStarted(batch);
        long t0 = System.nanoTime();
        RestResult r = measure(batch);
        sink.accept(r);
        listener.restFinished(r, (System.nanoTime() - t0) * 1e-9);
      }
    }
  }

  /** One point: every rest op at {@code batch}; faults become a failed result. */
  public RestResult measure(RestBatch batch) {
    List<StageResult> stages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    try (Backend backend = Backends.open(config.backend());
        RestInputs inputs = RestInputs.allocate(backend, work, Op.REST, batch, config.seed())) {
      for (Op op : Op.REST) {
        StageSamples s;
        try (StageMeasurement m = StageMeasurement.on(config, backend, inputs, op)) {
          m.warmup();
          for (int i = 0; i < sessions; i++) {
            m.sampleSession();
          }
          s = m.result();
        }
        if (s.status() != PointStatus.OK) {
          problems.add(op.id() + ": " + s.reason());
        } else if (s.deviceSeconds().isEmpty()) {
          problems.add(op.id() + ": no samples were taken");
        } else {
          stages.add(PointMeasurer.stage(work.work(op, batch), s));
        }
      }
    } catch (KernelException e) {
      problems.add((e.outOfMemory() ? "out of memory: " : "") + e.getMessage());
    } catch (OutOfMemoryError e) {
      problems.add("out of memory: " + e.getMessage());
    } catch (RuntimeException e) {
      problems.add(e.toString());
    } catch (BackendUnavailableException e) {
      // The backend started for the sweep, so this is a fault of the point.
      problems.add("backend " + config.backend() + " unavailable: " + e.getMessage());
    }
    return RestResult.of(
        batch,
        problems.isEmpty() ? PointStatus.OK : PointStatus.FAILED,
        problems.isEmpty() ? null : String.join("; ", problems),
        stages);
  }
}
