package io.dsabench.reports.model;

import java.util.List;

/**
 * How the numbers were computed.
 *
 * @param formulas the formulas, as plain text, in the order they are applied
 * @param parameters every cost-model parameter with its value and source
 * @param rest the rest of the model per curve and component, estimate beside measurement (empty
 *     when the report prices no curve)
 */
public record Methodology(List<String> formulas, List<Parameter> parameters, List<RestRow> rest) {
  public Methodology {
    formulas = List.copyOf(formulas);
    parameters = List.copyOf(parameters);
    rest = List.copyOf(rest == null ? List.of() : rest);
  }

  /** Formulas and parameters without a rest-of-model table. */
  public Methodology(List<String> formulas, List<Parameter> parameters) {
    this(formulas, parameters, List.of());
  }
}
