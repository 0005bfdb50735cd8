package io.dsabench.harness.reference;

import io.dsabench.model.BadInputException;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.RestBatch;
import io.dsabench.model.workload.RestCall;
import io.dsabench.model.workload.RestShape;
import io.dsabench.model.workload.RestWork;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The calls the reference runner makes for one layer of the rest of the model at a deployment's
 * batch: {@link RestWork}'s calls for DeepSeek-V3.2 ({@link RestShape#DEEPSEEK_V3_2}), the same
 * list {@code bench --phases rest} issues, each flattened to what the runner needs — every matrix
 * product as an {@code m × k} by {@code k × n} GEMM (a grouped one as {@code groups} of them), the
 * router as a bf16 GEMM and a top-8, SwiGLU over its rows. FLOPs and bytes are the work model's, so
 * the reference's throughputs and ours count the same work. Uniform routing only (every group of a
 * grouped call has the same rows).
 *
 * @param batch the deployment's batch (phase, tokens per GPU, EP, rows per local expert)
 */
public record RestCalls(RestBatch batch) {
  private static final RestWork WORK = new RestWork(RestShape.DEEPSEEK_V3_2);

  /**
   * One call.
   *
   * @param name what it is in the layer, e.g. {@code q_a}
   * @param kind {@code gemm} (fp8), {@code router} (bf16 GEMM then top-8) or {@code swiglu}
   *     (SiLU(gate)·up over m rows of width n)
   * @param m rows (of each group)
   * @param n output columns
   * @param k the inner dimension (0 for swiglu)
   * @param groups independent GEMMs of this shape (1 unless grouped)
   */
  public record Call(String name, String kind, int m, int n, int k, int groups) {}

  public RestCalls {
    if (batch == null) {
      throw new BadInputException("rest: null is not a batch");
    }
    if (!RestBatch.UNIFORM.equals(batch.routing())) {
      throw new BadInputException(
          "rest.routing: '" + batch.routing() + "' — reference runs time uniform routing only");
    }
  }

  /**
   * The deployment's batch: {@code tokens} per GPU, routed experts over {@code expertParallel} GPUs
   * (256 / EP rounded up per GPU, as served with redundant experts), uniform routing (rows per
   * expert = tokens × 8 / experts per GPU, the contract of {@link RestResult}).
   */
  public static RestCalls of(Phase phase, int tokens, int expertParallel) {
    return new RestCalls(
        RestBatch.of(RestShape.DEEPSEEK_V3_2, phase, tokens, expertParallel, RestBatch.UNIFORM));
  }

  public Phase phase() {
    return batch.phase();
  }

  public int tokens() {
    return batch.tokens();
  }

  public int expertParallel() {
    return batch.expertParallel();
  }

  public int expertsPerGpu() {
    return batch.expertsPerGpu();
  }

  public int rowsPerExpert() {
    return batch.rowsPerExpert();
  }

  /** The calls of each rest op, in {@link Op#REST} order. */
  public Map<Op, List<Call>> calls() {
    Map<Op, List<Call>> out = new EnumMap<>(Op.class);
    for (Op op : Op.REST) {
      List<Call> calls = new ArrayList<>();
      for (RestCall c : WORK.calls(op, batch)) {
        calls.add(flatten(c));
      }
      out.put(op, List.copyOf(calls));
    }
    return out;
  }

  /** FLOPs of an op's calls (the work model's). */
  public double flops(Op op) {
    return WORK.work(op, batch).flops();
  }

  /** Bytes of an op's calls (the work model's). */
  public double bytes(Op op) {
    return WORK.work(op, batch).bytes();
  }

  /** {@code decode rest, 256 tokens, EP144}: how progress lines name it. */
  public String label() {
    return phase().id() + " rest, " + tokens() + " tokens, EP" + expertParallel();
  }

  private static Call flatten(RestCall c) {
    if (c instanceof RestCall.Gemm g) {
      return new Call(g.name(), "gemm", g.groupRows().get(0), g.n(), g.k(), g.groups());
    }
    if (c instanceof RestCall.Activation a) {
      return new Call(a.name(), "swiglu", a.m(), a.width(), 0, 1);
    }
    RestCall.Route r = (RestCall.Route) c;
    return new Call(r.name(), "router", r.m(), r.experts(), r.hidden(), 1);
  }
}
