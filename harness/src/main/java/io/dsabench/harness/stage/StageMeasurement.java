package io.dsabench.harness.stage;

import io.dsabench.kernels.Backend;
import io.dsabench.kernels.BackendUnavailableException;
import io.dsabench.kernels.Backends;
import io.dsabench.kernels.DType;
import io.dsabench.kernels.DeviceBuffer;
import io.dsabench.kernels.DeviceTimer;
import io.dsabench.kernels.KernelException;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.WorkloadModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures one stage (or the whole variant, {@link Op#TOTAL}) of one point on a backend of its own:
 * open, allocate and validate, then warm-up and sampling sessions under the {@link
 * io.dsabench.harness.stats.StopRule}. Each sample is one issue of the stage between the backend's
 * timer marks (CUDA events on GPUs), so the time is device time; the host time around it, less the
 * device time, is the host overhead.
 *
 * <p>Faults never escape as exceptions: an out-of-memory makes the stage {@code skipped}, any other
 * failure or a NaN output makes it {@code failed}, and {@link #result()} says so. A JMH fork owns
 * one of these for its whole life; the backend dies with the fork, which is how a broken CUDA
 * context gets rebuilt for the next point.
 */
public final class StageMeasurement implements AutoCloseable {
  private final SessionConfig config;
  private final Op op;
  private Backend backend;
  private StageWork inputs;
  // Attention points own their backend and inputs (a JMH fork opens both); the rest of the model
  // measures several ops on one backend and one set of inputs that its caller owns.
  private boolean owned = true;
  private DeviceTimer timer;
  private DeviceBuffer scratch;
  private long flushSeed = 1;
  private int issued;
  private PointStatus status = PointStatus.OK;
  private String reason;
  private String stopReason;
  private final List<Double> device = new ArrayList<>();
  private final List<Double> host = new ArrayList<>();

  private StageMeasurement(SessionConfig config, Op op) {
    this.config = config;
    this.op = op;
  }

  /**
   * {@link #open(SessionConfig, SweepPoint, Op, WorkloadModel, int)} with one decode token per
   * sequence.
   */
  public static StageMeasurement open(
      SessionConfig config, SweepPoint point, Op op, WorkloadModel model) {
    return open(config, point, op, model, 1);
  }

  /**
   * Opens the backend and prepares the inputs; a fault is recorded, not thrown.
   *
   * @param decodeTokensPerSeq query tokens per decode sequence ({@link StageInputs#tokensPerSeq})
   */
  public static StageMeasurement open(
      SessionConfig config, SweepPoint point, Op op, WorkloadModel model, int decodeTokensPerSeq) {
    StageMeasurement m = new StageMeasurement(config, op);
    try {
      m.backend = Backends.open(config.backend());
      String name = m.backend.name();
      int sets =
          config.rotateInputs()
              ? StageInputs.rotationSets(
                  StageInputs.setBytes(point, model, decodeTokensPerSeq, name),
                  config.scratchBytes())
              : 1;
      m.inputs =
          StageInputs.allocate(
              m.backend,
              point,
              model,
              decodeTokensPerSeq,
              sets,
              config.seed(),
              config.inputScale());
      if (config.l2Flush()) {
        m.scratch = m.backend.allocate(DType.FP32, config.scratchBytes() / 4);
      }
      m.timer = m.backend.timer();
      // The first run checks the outputs before anything is timed.
      m.inputs.issue(op, 0);
      m.backend.synchronize();
      m.check();
    } catch (BackendUnavailableException e) {
      m.fail(PointStatus.FAILED, "backend " + config.backend() + " unavailable: " + e.getMessage());
    } catch (KernelException e) {
      m.fail(e.outOfMemory() ? PointStatus.SKIPPED : PointStatus.FAILED, e.getMessage());
    } catch (OutOfMemoryError e) {
      m.fail(PointStatus.SKIPPED, "out of memory: " + e.getMessage());
    } catch (RuntimeException e) {
      m.fail(PointStatus.FAILED, e.toString());
    }
    return m;
  }

  /**
   * Prepares to measure {@code op} of {@code work} on {@code backend}, both owned by the caller
   * (closing this closes neither): the first issue checks the outputs before anything is timed,
   * then {@link #warmup()} and {@link #sampleSession()} run as for an attention stage. A fault is
   * recorded, not thrown.
   */
  public static StageMeasurement on(SessionConfig config, Backend backend, StageWork work, Op op) {
    StageMeasurement m = new StageMeasurement(config, op);
    m.owned = false;
    m.backend = backend;
    m.inputs = work;
    try {
      if (config.l2Flush()) {
        m.scratch = backend.allocate(DType.FP32, config.scratchBytes() / 4);
      }
      m.timer = backend.timer();
      work.issue(op, 0);
      backend.synchronize();
      m.check();
    } catch (KernelException e) {
      m.fail(e.outOfMemory() ? PointStatus.SKIPPED : PointStatus.FAILED, e.getMessage());
    } catch (OutOfMemoryError e) {
      m.fail(PointStatus.SKIPPED, "out of memory: " + e.getMessage());
    } catch (RuntimeException e) {
      m.fail(PointStatus.FAILED, e.toString());
    }
    return m;
  }

  public boolean ok() {
    return status == PointStatus.OK;
  }

  /** Untimed runs until the stop rule's warm-up is done. */
  public void warmup() {
    if (!ok()) {
      return;
    }
    long t0 = System.nanoTime();
    int runs = 0;
    try {
      while (!config.stop().warmedUp(runs, (System.nanoTime() - t0) * 1e-9)) {
        inputs.issue(op, issued++);
        backend.synchronize();
        runs++;
      }
    } catch (RuntimeException e) {
      fault(e);
    }
  }

  /** One sampling session: samples until the stop rule says enough; appends to the results. */
  public void sampleSession() {
    if (!ok()) {
      return;
    }
    long t0 = System.nanoTime();
    List<Double> session = new ArrayList<>();
    try {
      while (true) {
        if (scratch != null) {
          backend.fillRandom(scratch, flushSeed++, 1f);
        }
        long h0 = System.nanoTime();
        timer.start();
        try {
          inputs.issue(op, issued++);
        } finally {
          timer.stop(); // also releases the cuda timer's stream hold when the issue failed
        }
        double d = timer.elapsedSeconds();
        double h = (System.nanoTime() - h0) * 1e-9;
        if (!(d >= 0) || !Double.isFinite(d)) {
          fail(PointStatus.FAILED, op.id() + ": timer returned " + d + " s");
          return;
        }
        session.add(d);
        device.add(d);
        host.add(Math.max(0, h - d));
        double[] arr = session.stream().mapToDouble(Double::doubleValue).toArray();
        String why = config.stop().stopReason(arr, (System.nanoTime() - t0) * 1e-9);
        if (why != null) {
          stopReason = why;
          break;
        }
      }
      check();
    } catch (RuntimeException e) {
      fault(e);
    }
  }

  private void check() {
    String bad = inputs.validate(op, Math.max(0, issued - 1));
    if (bad != null) {
      fail(PointStatus.FAILED, bad);
    }
  }

  private void fault(RuntimeException e) {
    if (e instanceof KernelException k) {
      fail(k.outOfMemory() ? PointStatus.SKIPPED : PointStatus.FAILED, k.getMessage());
    } else {
      fail(PointStatus.FAILED, e.toString());
    }
  }

  private void fail(PointStatus s, String why) {
    if (status == PointStatus.OK) {
      status = s;
      reason = why == null || why.isBlank() ? s.id() + " without a message" : why;
    }
  }

  public StageSamples result() {
    if (!ok()) {
      return StageSamples.notOk(op, status, reason);
    }
    return new StageSamples(
        op, status, null, device, host, stopReason, inputs == null ? 0 : inputs.sets());
  }

  /** Frees inputs, timer and backend; never throws. */
  @Override
  public void close() {
    if (timer != null) {
      timer.close();
    }
    if (scratch != null) {
      scratch.close();
    }
    if (owned && inputs instanceof StageInputs own) {
      own.close();
    }
    if (owned && backend != null) {
      backend.close();
    }
  }
}
