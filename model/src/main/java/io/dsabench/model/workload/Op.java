package io.dsabench.model.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.dsabench.model.BadInputException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A timed stage of a sweep point, named as in results files. */
public enum Op {
  DENSE_PREFILL,
  DENSE_DECODE,
  INDEXER,
  TOPK,
  SPARSE_PREFILL,
  SPARSE_DECODE,
  /**
   * Dense prefill of a chunk in one call with a bottom-right-aligned causal mask: the same work as
   * {@link #DENSE_PREFILL}, recorded by reference runs beside that library's marginal-cost figure.
   */
  DENSE_PREFILL_MASKED,
  /** The whole variant at the point: the sum of its stages, timed end to end. */
  TOTAL,
  /**
   * The rest of the model, one layer's MLA projections (q_a, q_b, kv_a, kv_b — up-projection in
   * prefill, absorbed in decode — and o) as FP8 GEMMs at a deployment's tokens per GPU.
   */
  MLA_PROJECTIONS,
  /** The rest of the model, one layer's indexer projections (wq_b, wk, head weights). */
  INDEXER_PROJECTIONS,
  /**
   * The rest of the model, one MoE layer on one GPU: router, grouped FP8 expert GEMMs (gate/up,
   * SiLU·mul, down) over the experts the GPU holds, and the shared expert.
   */
  MOE_EXPERTS,
  /** The rest of the model, one dense FFN layer (the first layers of V3/V3.2). */
  DENSE_FFN,
  /** The rest of the model, the output head (vocabulary logits) for the step's tokens. */
  LM_HEAD;

  /** The ops of the rest of the model, in the cost model's component order. */
  public static final List<Op> REST =
      List.of(MLA_PROJECTIONS, INDEXER_PROJECTIONS, MOE_EXPERTS, DENSE_FFN, LM_HEAD);

  /** True for the non-attention ops measured by {@code bench --phases rest}. */
  public boolean rest() {
    return REST.contains(this);
  }

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Op of(String id) {
    for (Op o : values()) {
      if (o.id().equals(id)) {
        return o;
      }
    }
    throw new BadInputException(
        "op: '"
            + id
            + "' is not one of "
            + Arrays.stream(values()).map(Op::id).collect(Collectors.joining(", ")));
  }
}
