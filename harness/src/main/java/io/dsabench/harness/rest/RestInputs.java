package io.dsabench.harness.rest;

import io.dsabench.harness.stage.StageWork;
import io.dsabench.kernels.Backend;
import io.dsabench.kernels.DType;
import io.dsabench.kernels.DeviceBuffer;
import io.dsabench.kernels.Ops;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.RestBatch;
import io.dsabench.model.workload.RestCall;
import io.dsabench.model.workload.RestWork;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The device buffers of every call the rest of a layer makes at one batch, allocated once, and the
 * ops that issue them. Values are what a served model's look like: e4m3 activations and weights
 * over the format's range with positive block scales of the size quantization gives (activations of
 * amax ~4 → 4/448, weights of amax ~0.1 → 0.1/448), bf16 router inputs whose logits are of order
 * one. An activation (SwiGluQuant) reads the gate/up GEMM's output and writes the down GEMM's
 * operand and scales, as the layer chains them.
 *
 * <p>Each op reuses its weights sample after sample: a layer's weights are larger than the L2 of
 * the GPUs measured (tens to hundreds of MB), except the smallest projections in decode; {@code
 * --l2-flush} flushes between samples where that matters.
 */
final class RestInputs implements StageWork, AutoCloseable {
  /** Outputs validated (downloaded and scanned for NaN) only up to this size. */
  private static final long VALIDATE_ELEMENTS = 1L << 22;

  private final Backend backend;
  private final List<DeviceBuffer> held = new ArrayList<>();
  private final Map<Op, List<Runnable>> issue = new EnumMap<>(Op.class);
  private final Map<Op, List<DeviceBuffer>> outputs = new EnumMap<>(Op.class);
  private final SplittableRandom rnd;
  private long seed;

  private RestInputs(Backend backend, long seed) {
    this.backend = backend;
    this.seed = seed;
    this.rnd = new SplittableRandom(seed);
  }

  /** Allocates and fills the inputs of {@code ops} at {@code batch}; frees them on failure. */
  static RestInputs allocate(
      Backend backend, RestWork work, List<Op> ops, RestBatch batch, long seed) {
    RestInputs in = new RestInputs(backend, seed);
    try {
      for (Op op : ops) {
        in.prepare(op, work.calls(op, batch));
      }
      return in;
    } catch (RuntimeException | Error e) {
      in.close();
      throw e;
    }
  }

  private void prepare(Op op, List<RestCall> calls) {
    List<Runnable> runs = new ArrayList<>();
    List<DeviceBuffer> outs = new ArrayList<>();
    DeviceBuffer lastOut = null;
    for (int i = 0; i < calls.size(); i++) {
      RestCall call = calls.get(i);
      RestCall next = i + 1 < calls.size() ? calls.get(i + 1) : null;
      if (call instanceof RestCall.Gemm g) {
        int m = (int) g.rows();
        int kBlocks = g.k() / 128;
        DeviceBuffer a;
        DeviceBuffer aScales;
        if (pendingA != null) {
          a = pendingA;
          aScales = pendingScales;
          pendingA = null;
          pendingScales = null;
        } else {
          a = random(DType.FP8_E4M3, (long) m * g.k(), 448f);
          aScales = scales((long) kBlocks * m, 4f / 448);
        }
        DeviceBuffer b = random(DType.FP8_E4M3, (long) g.groups() * g.n() * g.k(), 448f);
        DeviceBuffer bScales =
            scales((long) g.groups() * ((g.n() + 127) / 128) * kBlocks, 0.1f / 448);
        DeviceBuffer out = alloc(DType.BF16, (long) m * g.n());
        Ops.Fp8Gemm args =
            new Ops.Fp8Gemm(a, aScales, b, bScales, out, g.groupRows(), g.n(), g.k());
        runs.add(() -> backend.fp8Gemm(args));
        lastOut = out;
        if (!(next instanceof RestCall.Activation)) {
          outs.add(out);
        }
      } else if (call instanceof RestCall.Activation act) {
        DeviceBuffer in =
            lastOut != null && lastOut.elements() >= 2L * act.m() * act.width()
                ? lastOut
                : random(DType.BF16, 2L * act.m() * act.width(), 4f);
        DeviceBuffer out = alloc(DType.FP8_E4M3, (long) act.m() * act.width());
        DeviceBuffer outScales = alloc(DType.FP32, (long) (act.width() / 128) * act.m());
        Ops.SwiGluQuant args = new Ops.SwiGluQuant(in, out, outScales, act.m(), act.width());
        runs.add(() -> backend.swiGluQuant(args));
        pendingA = out;
        pendingScales = outScales;
      } else if (call instanceof RestCall.Route r) {
        DeviceBuffer x = random(DType.BF16, (long) r.m() * r.hidden(), 1f);
        DeviceBuffer w =
            random(
                DType.BF16, (long) r.experts() * r.hidden(), (float) (2 / Math.sqrt(r.hidden())));
        DeviceBuffer bias = random(DType.FP32, r.experts(), 0.05f);
        DeviceBuffer weights = alloc(DType.FP32, (long) r.m() * r.topK());
        DeviceBuffer indices = alloc(DType.INT32, (long) r.m() * r.topK());
        Ops.Router args =
            new Ops.Router(
                x,
                w,
                bias,
                weights,
                indices,
                r.m(),
                r.hidden(),
                r.experts(),
                r.groups(),
                r.topKGroups(),
                r.topK());
        runs.add(() -> backend.router(args));
        outs.add(weights);
        lastOut = null;
      }
    }
    issue.put(op, List.copyOf(runs));
    outputs.put(op, List.copyOf(outs));
  }

  // The activation's output waits here for the GEMM that reads it.
  private DeviceBuffer pendingA;
  private DeviceBuffer pendingScales;

  private DeviceBuffer alloc(DType type, long elements) {
    DeviceBuffer b = backend.allocate(type, elements);
    held.add(b);
    return b;
  }

  private DeviceBuffer random(DType type, long elements, float scale) {
    DeviceBuffer b = alloc(type, elements);
    backend.fillRandom(b, seed++, scale);
    return b;
  }

  /** Positive scales in [lo, 2·lo), uploaded (fillRandom would give negative ones). */
  private DeviceBuffer scales(long elements, float lo) {
    DeviceBuffer b = alloc(DType.FP32, elements);
    float[] v = new float[Math.toIntExact(elements)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo * (1 + rnd.nextDouble()));
    }
    backend.upload(b, v);
    return b;
  }

  @Override
  public void issue(Op op, int index) {
    List<Runnable> runs = issue.get(op);
    if (runs == null) {
      throw new IllegalArgumentException("op: " + op.id() + " has no inputs here");
    }
    for (Runnable r : runs) {
      r.run();
    }
  }

  @Override
  public String validate(Op op, int index) {
    for (DeviceBuffer out : outputs.getOrDefault(op, List.of())) {
      if (out.elements() > VALIDATE_ELEMENTS) {
        continue;
      }
      float[] v = backend.download(out);
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          return op.id() + ": output element " + i + " is " + v[i];
        }
      }
    }
    return null;
  }

  @Override
  public int sets() {
    return 1;
  }

  /** Frees every buffer; never throws. */
  @Override
  public void close() {
    for (DeviceBuffer b : held) {
      try {
        b.close();
      } catch (RuntimeException e) {
        // Freeing is best effort: a dead context has freed them already.
      }
    }
    held.clear();
  }
}
