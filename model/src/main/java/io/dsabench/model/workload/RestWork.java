package io.dsabench.model.workload;

import io.dsabench.model.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls one layer's rest-of-model op makes at a batch, and the op's work: what {@code bench
 * --phases rest} issues and times, and the FLOPs and bytes its throughputs come from.
 *
 * <ul>
 *   <li>{@link Op#MLA_PROJECTIONS}: q_a (n = q_lora, k = hidden), kv_a (n = kv_lora + rope), q_b (n
 *       = heads · (nope + rope), k = q_lora), kv_b and o (n = hidden, k = heads · v). kv_b in
 *       prefill is the up-projection, n = heads · (nope + v) = 128 · 256, k = kv_lora; in decode it
 *       is absorbed into two grouped GEMMs of {@code heads} groups of {@code tokens} rows: q_nope
 *       into the latent (n = kv_lora, k = nope) before attention, and the latent output back to
 *       each head's value (n = v, k = kv_lora) after.
 *   <li>{@link Op#INDEXER_PROJECTIONS}: wq_b (n = index heads · index dim, k = q_lora), wk (n =
 *       index dim, k = hidden) and the head weights (n = index heads, k = hidden).
 *   <li>{@link Op#MOE_EXPERTS}: the router (bf16) over the GPU's tokens; the grouped gate/up (n = 2
 *       · moe_inter, k = hidden), SwiGluQuant (width moe_inter) and grouped down (n = hidden, k =
 *       moe_inter) over the local experts' rows; then the shared expert, the same three calls plain
 *       over the GPU's own tokens.
 *   <li>{@link Op#DENSE_FFN}: gate/up (n = 2 · inter), SwiGluQuant (width inter), down.
 *   <li>{@link Op#LM_HEAD}: n = vocab, k = hidden, over every token of the batch (the cost model
 *       scales by the share of tokens that need logits).
 * </ul>
 *
 * <p>Left out, as smaller than the GEMMs they sit between: the activation quantization before each
 * GEMM (its input is taken as already e4m3 with scales), the RMS norms, rope, the residual adds,
 * the combine of expert outputs and the all-to-all (the cost model prices that over the network).
 * Work counts follow {@link RestCall}: FLOPs 2·m·n·k per GEMM, bytes of operands, output and scales
 * once.
 */
public final class RestWork {
  private final RestShape shape;

  public RestWork(RestShape shape) {
    if (shape == null) {
      throw new BadInputException("shape: null is not a model shape");
    }
    this.shape = shape;
  }

  public RestShape shape() {
    return shape;
  }

  /** The calls of one layer of {@code op} (the head: once) at {@code batch}, in issue order. */
  public List<RestCall> calls(Op op, RestBatch batch) {
    if (op == null || !op.rest()) {
      throw new BadInputException(
          "op: " + (op == null ? "null" : op.id()) + " is not a rest-of-model op " + Op.REST);
    }
    RestShape s = shape;
    int t = batch.tokens();
    List<RestCall> calls = new ArrayList<>();
    switch (op) {
      case MLA_PROJECTIONS -> {
        calls.add(RestCall.Gemm.plain("q_a", t, s.qLoraRank(), s.hidden()));
        calls.add(RestCall.Gemm.plain("kv_a", t, s.kvLoraRank() + s.ropeDim(), s.hidden()));
        calls.add(
            RestCall.Gemm.plain(
                "q_b", t, s.heads() * (s.qkNopeDim() + s.ropeDim()), s.qLoraRank()));
        if (batch.phase() == Phase.PREFILL) {
          calls.add(
              RestCall.Gemm.plain(
                  "kv_b", t, s.heads() * (s.qkNopeDim() + s.vHeadDim()), s.kvLoraRank()));
        } else {
          List<Integer> perHead = List.copyOf(java.util.Collections.nCopies(s.heads(), t));
          calls.add(new RestCall.Gemm("kv_b.absorb_k", perHead, s.kvLoraRank(), s.qkNopeDim()));
          calls.add(new RestCall.Gemm("kv_b.absorb_v", perHead, s.vHeadDim(), s.kvLoraRank()));
        }
        calls.add(RestCall.Gemm.plain("o", t, s.hidden(), s.heads() * s.vHeadDim()));
      }
      case INDEXER_PROJECTIONS -> {
        calls.add(
            RestCall.Gemm.plain("index.wq_b", t, s.indexHeads() * s.indexDim(), s.qLoraRank()));
        calls.add(RestCall.Gemm.plain("index.wk", t, s.indexDim(), s.hidden()));
        calls.add(RestCall.Gemm.plain("index.weights", t, s.indexHeads(), s.hidden()));
      }
      case MOE_EXPERTS -> {
        calls.add(
            new RestCall.Route(
                "router",
                t,
                s.hidden(),
                s.routedExperts(),
                s.expertGroups(),
                s.topKGroups(),
                s.activeExperts()));
        List<Integer> rows = batch.expertRows();
        int inter = s.moeIntermediate();
        calls.add(new RestCall.Gemm("experts.gate_up", rows, 2 * inter, s.hidden()));
        calls.add(new RestCall.Activation("experts.swiglu", batch.routedRows(), inter));
        calls.add(new RestCall.Gemm("experts.down", rows, s.hidden(), inter));
        for (int e = 0; e < s.sharedExperts(); e++) {
          String name = s.sharedExperts() == 1 ? "shared" : "shared" + e;
          calls.add(RestCall.Gemm.plain(name + ".gate_up", t, 2 * inter, s.hidden()));
          calls.add(new RestCall.Activation(name + ".swiglu", t, inter));
          calls.add(RestCall.Gemm.plain(name + ".down", t, s.hidden(), inter));
        }
      }
      case DENSE_FFN -> {
        int inter = s.denseIntermediate();
        calls.add(RestCall.Gemm.plain("ffn.gate_up", t, 2 * inter, s.hidden()));
        calls.add(new RestCall.Activation("ffn.swiglu", t, inter));
        calls.add(RestCall.Gemm.plain("ffn.down", t, s.hidden(), inter));
      }
      case LM_HEAD -> calls.add(RestCall.Gemm.plain("head", t, s.vocab(), s.hidden()));
      default -> throw new IllegalStateException(op.id());
    }
    return List.copyOf(calls);
  }

  /** The op's work at {@code batch}: the sum over its calls. */
  public OpWork work(Op op, RestBatch batch) {
    double flops = 0;
    double bytes = 0;
    for (RestCall c : calls(op, batch)) {
      flops += c.flops();
      bytes += c.bytes();
    }
    return new OpWork(op, flops, bytes);
  }
}
