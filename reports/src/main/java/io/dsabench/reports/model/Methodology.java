package io.dsabench.reports.model;

import java.util.List;

/**
 * How the numbers were computed.
 *
 * @param formulas the formulas, as plain text, in the order they are applied
 * @param parameters every cost-model parameter with its value and source
 */
public record Methodology(List<String> formulas, List<Parameter> parameters) {
  public Methodology {
    formulas = List.copyOf(formulas);
    parameters = List.copyOf(parameters);
  }
}
