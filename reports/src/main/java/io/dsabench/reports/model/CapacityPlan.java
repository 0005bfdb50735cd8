package io.dsabench.reports.model;

import java.util.List;

/**
 * What a workload needs, dense against DSA.
 *
 * @param workload the workload's name or file
 * @param inputs the workload's parameters as given (traffic, lengths, ...)
 * @param rows one row per variant
 */
public record CapacityPlan(String workload, List<Parameter> inputs, List<CapacityRow> rows) {
  public CapacityPlan {
    Checks.notBlank("capacity.workload", workload);
    inputs = List.copyOf(inputs);
    rows = List.copyOf(rows);
  }
}
