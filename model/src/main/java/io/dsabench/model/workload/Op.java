package io.dsabench.model.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.dsabench.model.BadInputException;
import java.util.Locale;

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
  TOTAL;

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
            + "' is not one of dense_prefill, dense_decode, indexer, topk, sparse_prefill,"
            + " sparse_decode, dense_prefill_masked, total");
  }
}
