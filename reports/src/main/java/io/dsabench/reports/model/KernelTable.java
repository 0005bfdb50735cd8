package io.dsabench.reports.model;

import io.dsabench.costmodel.workload.Phase;
import io.dsabench.costmodel.workload.Variant;
import java.util.List;

/** The measured stages of one phase and variant, one row per (point, stage). */
public record KernelTable(Phase phase, Variant variant, List<KernelRow> rows) {
  public KernelTable {
    Checks.notNull("kernels.phase", phase);
    Checks.notNull("kernels.variant", variant);
    rows = List.copyOf(rows);
  }
}
