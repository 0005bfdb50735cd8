package io.dsabench.reports.model;

import java.util.List;

/**
 * What a workload needs, dense against DSA.
 *
 * @param workload the workload's name or file
 * @param inputs the workload's parameters as given (traffic, lengths, ...)
 * @param rows one row per variant
 * @param verdict the comparison in words ("DSA saves 154 GPUs, 7,392 USD per day, 70%")
 * @param defaultWorkload true when nobody gave a workload and the report planned its default one
 */
public record CapacityPlan(
    String workload,
    List<Parameter> inputs,
    List<CapacityRow> rows,
    String verdict,
    boolean defaultWorkload) {
  /** A plan for a workload someone gave. */
  public CapacityPlan(
      String workload, List<Parameter> inputs, List<CapacityRow> rows, String verdict) {
    this(workload, inputs, rows, verdict, false);
  }

  public CapacityPlan {
    Checks.notBlank("capacity.workload", workload);
    Checks.notBlank("capacity.verdict", verdict);
    inputs = List.copyOf(inputs);
    rows = List.copyOf(rows);
  }
}
