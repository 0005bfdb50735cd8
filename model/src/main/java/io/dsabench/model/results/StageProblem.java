package io.dsabench.model.results;

import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Op;

/**
 * A stage of an ok point that has no timing, and why: in a reference run a library can be missing
 * (DeepGEMM not built) while the point's other stages ran.
 *
 * @param op the stage
 * @param status skipped (not available, out of memory) or failed (it ran and broke)
 * @param reason what the library or the runner said
 */
public record StageProblem(Op op, PointStatus status, String reason) {
  public StageProblem {
    if (op == null) {
      throw new BadInputException("skippedStages.op: null is not an op");
    }
    if (status == null || status == PointStatus.OK) {
      throw new BadInputException(
          "skippedStages.status of " + op.id() + ": " + status + " is not skipped or failed");
    }
    if (reason == null || reason.isBlank()) {
      throw new BadInputException(
          "skippedStages.reason of " + op.id() + ": a " + status.id() + " stage must say why");
    }
  }
}
