package io.dsabench.model.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.RestBatch;
import java.util.List;

/**
 * The rest of the model (the non-attention work of a layer) measured at one deployment's batch on
 * one GPU: what {@code bench --phases rest} records beside the attention points.
 *
 * <p>Each stage is one call's device time: one layer of {@link Op#MLA_PROJECTIONS}, {@link
 * Op#INDEXER_PROJECTIONS}, {@link Op#MOE_EXPERTS} or {@link Op#DENSE_FFN}, or the head ({@link
 * Op#LM_HEAD}) once, for {@code tokens} tokens; flops and bytes are the work model's for that call.
 * The cost model multiplies by the layers of each kind and divides by the tokens.
 *
 * @param phase the phase whose deployment set the batch
 * @param tokens tokens the GPU processes per step (prefill: prompt tokens in flight; decode:
 *     sequences × query tokens per step)
 * @param expertParallel the EP degree the expert rows were drawn from
 * @param expertsPerGpu routed experts one GPU holds (256 / EP, rounded up, as served with redundant
 *     experts)
 * @param rowsPerExpert mean rows each local expert multiplies: tokens × active experts / experts
 *     per GPU under uniform routing
 * @param routing {@link RestBatch#UNIFORM} or {@link RestBatch#SKEWED} (how rows were spread over
 *     the local experts)
 * @param status ok, skipped or failed
 * @param reason why a point was skipped or failed (null when ok)
 * @param stages the measured components, {@link Op#rest()} ops only
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "phase",
  "tokens",
  "expertParallel",
  "expertsPerGpu",
  "rowsPerExpert",
  "routing",
  "status",
  "reason",
  "stages"
})
public record RestResult(
    Phase phase,
    int tokens,
    int expertParallel,
    int expertsPerGpu,
    int rowsPerExpert,
    String routing,
    PointStatus status,
    @JsonInclude(JsonInclude.Include.ALWAYS) String reason,
    List<StageResult> stages) {
  public RestResult {
    if (phase == null) {
      throw new BadInputException("rest.phase: null is not one of prefill, decode");
    }
    positive("rest.tokens", tokens);
    positive("rest.expertParallel", expertParallel);
    positive("rest.expertsPerGpu", expertsPerGpu);
    positive("rest.rowsPerExpert", rowsPerExpert);
    RestBatch.requireRouting("rest.routing", routing);
    if (status == null) {
      throw new BadInputException("rest.status: null is not one of ok, skipped, failed");
    }
    if (status != PointStatus.OK && (reason == null || reason.isBlank())) {
      throw new BadInputException("rest.reason: a " + status.id() + " rest point must say why");
    }
    stages = stages == null ? List.of() : List.copyOf(stages);
    for (StageResult s : stages) {
      if (!s.op().rest()) {
        throw new BadInputException(
            "rest.stages: " + s.op().id() + " is not a rest-of-model op (" + Op.REST + ")");
      }
    }
  }

  /** The outcome of timing {@code batch}: its coordinates, with the status, reason and stages. */
  public static RestResult of(
      RestBatch batch, PointStatus status, String reason, List<StageResult> stages) {
    return new RestResult(
        batch.phase(),
        batch.tokens(),
        batch.expertParallel(),
        batch.expertsPerGpu(),
        batch.rowsPerExpert(),
        batch.routing(),
        status,
        reason,
        stages);
  }

  /** The stage of {@code op}, or null when this point did not measure it. */
  public StageResult stage(Op op) {
    return stages.stream().filter(s -> s.op() == op).findFirst().orElse(null);
  }

  private static void positive(String field, int v) {
    if (v <= 0) {
      throw new BadInputException(field + ": " + v + " is not a positive count");
    }
  }
}
