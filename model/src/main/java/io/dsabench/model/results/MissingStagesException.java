package io.dsabench.model.results;

import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.util.Set;

/**
 * A results file has no ok point of a phase and variant with every stage a computation needs (e.g.
 * a decode-only run asked for the prefill curves). A caller that can do with less (cost one phase
 * alone) catches this type and says how.
 */
public final class MissingStagesException extends BadInputException {
  private static final long serialVersionUID = 1L;

  private final Phase phase;
  private final Variant variant;
  private final Set<Op> stages;

  /**
   * @param where what was searched, appended to the message in parentheses (e.g. "run 'x'"), or
   *     null
   */
  public MissingStagesException(Phase phase, Variant variant, Set<Op> stages, String where) {
    super(
        "results: no ok "
            + phase.id()
            + "/"
            + variant.id()
            + " point with stages "
            + stages.stream().map(Op::id).sorted().toList()
            + (where == null ? "" : " (" + where + ")"));
    this.phase = phase;
    this.variant = variant;
    this.stages = Set.copyOf(stages);
  }

  public Phase phase() {
    return phase;
  }

  public Variant variant() {
    return variant;
  }

  public Set<Op> stages() {
    return stages;
  }
}
