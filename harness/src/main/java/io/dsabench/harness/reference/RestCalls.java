package io.dsabench.harness.reference;

import io.dsabench.model.BadInputException;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The calls the reference runner makes for one layer of the rest of the model at a deployment's
 * batch, in DeepSeek-V3.2's shapes ({@code config_671B_v3.2.json}): every matrix product as an
 * {@code m × k} by {@code k × n} GEMM (a grouped one as {@code groups} of them), the router as a
 * bf16 GEMM and a top-8, SwiGLU over its rows. The runner builds exactly these; their FLOPs and
 * bytes (inputs read once, output written once, fp8 operands and bf16 results) are what the
 * reference's throughputs are derived from.
 *
 * @param phase the phase whose deployment set the batch
 * @param tokens tokens per GPU per step
 * @param expertParallel the EP degree
 * @param expertsPerGpu routed experts one GPU holds
 * @param rowsPerExpert rows each local expert multiplies (uniform routing)
 */
public record RestCalls(
    Phase phase, int tokens, int expertParallel, int expertsPerGpu, int rowsPerExpert) {
  static final int HIDDEN = 7168;
  static final int Q_LORA = 1536;
  static final int KV_LORA = 512;
  static final int ROPE = 64;
  static final int NOPE = 128;
  static final int V = 128;
  static final int HEADS = 128;
  static final int INDEX_HEADS = 64;
  static final int INDEX_DIM = 128;
  static final int ROUTED = 256;
  static final int ACTIVE = 8;
  static final int MOE_INTER = 2048;
  static final int DENSE_INTER = 18432;
  static final int VOCAB = 129280;

  /**
   * One call.
   *
   * @param name what it is in the layer, e.g. {@code q_a}
   * @param kind {@code gemm} (fp8), {@code router} (bf16 GEMM then top-8) or {@code swiglu}
   *     (SiLU(gate)·up over m rows of width n)
   * @param m rows
   * @param n output columns
   * @param k the inner dimension (0 for swiglu)
   * @param groups independent GEMMs of this shape (1 unless grouped)
   */
  public record Call(String name, String kind, int m, int n, int k, int groups) {
    /** FLOPs: 2 per multiply-add; SwiGLU's few per element are counted as none. */
    public double flops() {
      return kind.equals("swiglu") ? 0 : 2.0 * groups * m * n * k;
    }

    /** Unique bytes: fp8 inputs and weights (bf16 for the router), bf16 outputs. */
    public double bytes() {
      if (kind.equals("swiglu")) {
        return (double) m * n * 2 * 2 + (double) m * n; // bf16 gate and up in, fp8 out
      }
      double in = kind.equals("router") ? 2 : 1;
      return groups * ((double) m * k * in + (double) n * k * in + (double) m * n * 2);
    }
  }

  public RestCalls {
    if (phase == null) {
      throw new BadInputException("rest.phase: null is not one of prefill, decode");
    }
    for (int v : new int[] {tokens, expertParallel, expertsPerGpu, rowsPerExpert}) {
      if (v <= 0) {
        throw new BadInputException("rest: " + v + " is not a positive count");
      }
    }
  }

  /**
   * The deployment's batch: {@code tokens} per GPU, routed experts over {@code expertParallel} GPUs
   * (256 / EP rounded up per GPU, as served with redundant experts), rows per expert under uniform
   * routing = tokens × 8 / experts per GPU (the contract of {@link RestResult}).
   */
  public static RestCalls of(Phase phase, int tokens, int expertParallel) {
    int experts = (ROUTED + expertParallel - 1) / expertParallel;
    return new RestCalls(
        phase, tokens, expertParallel, experts, Math.max(1, tokens * ACTIVE / experts));
  }

  /** The calls of each rest op, in {@link Op#REST} order. */
  public Map<Op, List<Call>> calls() {
    Map<Op, List<Call>> out = new EnumMap<>(Op.class);
    int t = tokens;
    List<Call> mla = new ArrayList<>();
    mla.add(gemm("q_a", t, Q_LORA, HIDDEN));
    mla.add(gemm("q_b", t, HEADS * (NOPE + ROPE), Q_LORA));
    mla.add(gemm("kv_a", t, KV_LORA + ROPE, HIDDEN));
    if (phase == Phase.PREFILL) {
      mla.add(gemm("kv_b (up-projection, MHA mode)", t, HEADS * (NOPE + V), KV_LORA));
    } else {
      // MQA mode: q_nope into the latent and the latent output back out, one GEMM per head.
      mla.add(new Call("kv_b absorbed: q_nope -> latent", "gemm", t, KV_LORA, NOPE, HEADS));
      mla.add(new Call("kv_b absorbed: latent -> v", "gemm", t, V, KV_LORA, HEADS));
    }
    mla.add(gemm("o", t, HIDDEN, HEADS * V));
    out.put(Op.MLA_PROJECTIONS, mla);
    out.put(
        Op.INDEXER_PROJECTIONS,
        List.of(
            gemm("wq_b", t, INDEX_HEADS * INDEX_DIM, Q_LORA),
            gemm("wk", t, INDEX_DIM, HIDDEN),
            gemm("weights_proj", t, INDEX_HEADS, HIDDEN)));
    out.put(
        Op.MOE_EXPERTS,
        List.of(
            new Call("router", "router", t, ROUTED, HIDDEN, 1),
            new Call(
                "gate_up (routed)", "gemm", rowsPerExpert, 2 * MOE_INTER, HIDDEN, expertsPerGpu),
            new Call("swiglu (routed)", "swiglu", rowsPerExpert * expertsPerGpu, MOE_INTER, 0, 1),
            new Call("down (routed)", "gemm", rowsPerExpert, HIDDEN, MOE_INTER, expertsPerGpu),
            gemm("gate_up (shared)", t, 2 * MOE_INTER, HIDDEN),
            new Call("swiglu (shared)", "swiglu", t, MOE_INTER, 0, 1),
            gemm("down (shared)", t, HIDDEN, MOE_INTER)));
    out.put(
        Op.DENSE_FFN,
        List.of(
            gemm("gate_up", t, 2 * DENSE_INTER, HIDDEN),
            new Call("swiglu", "swiglu", t, DENSE_INTER, 0, 1),
            gemm("down", t, HIDDEN, DENSE_INTER)));
    out.put(Op.LM_HEAD, List.of(gemm("head", t, VOCAB, HIDDEN)));
    return out;
  }

  /** FLOPs of an op's calls. */
  public double flops(Op op) {
    return calls().get(op).stream().mapToDouble(Call::flops).sum();
  }

  /** Bytes of an op's calls. */
  public double bytes(Op op) {
    return calls().get(op).stream().mapToDouble(Call::bytes).sum();
  }

  /** {@code decode rest, 256 tokens, EP144}: how progress lines name it. */
  public String label() {
    return phase.id() + " rest, " + tokens + " tokens, EP" + expertParallel;
  }

  private static Call gemm(String name, int m, int n, int k) {
    return new Call(name, "gemm", m, n, k, 1);
  }
}
