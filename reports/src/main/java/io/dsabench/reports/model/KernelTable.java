package io.dsabench.reports.model;

import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.util.List;

/**
 * The measured stages of one phase and variant, one row per (point, stage), and the reference run's
 * figures for them (empty without a reference run), keyed by the same position, tokens and stage.
 */
public record KernelTable(
    Phase phase, Variant variant, List<KernelRow> rows, List<ReferenceRow> reference) {
  public KernelTable {
    Checks.notNull("kernels.phase", phase);
    Checks.notNull("kernels.variant", variant);
    rows = List.copyOf(rows);
    reference = List.copyOf(reference == null ? List.of() : reference);
  }

  /** A table without reference figures. */
  public KernelTable(Phase phase, Variant variant, List<KernelRow> rows) {
    this(phase, variant, rows, List.of());
  }

  /** The reference's figures for one of our rows, in the order they were paired. */
  public List<ReferenceRow> referenceFor(KernelRow row) {
    return reference.stream()
        .filter(
            r ->
                r.position() == row.position()
                    && r.tokens() == row.tokens()
                    && r.stage().equals(row.stage()))
        .toList();
  }
}
