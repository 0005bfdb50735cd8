package io.dsabench.reports.model;

/**
 * A named input of the calculation, shown with its unit and where its value comes from.
 *
 * @param name e.g. {@code price}
 * @param value as displayed (numbers already in their unit)
 * @param unit e.g. {@code USD/GPU-hour}; empty when unitless
 * @param source where the value comes from: a flag, a profile, a paper, a measurement
 */
public record Parameter(String name, String value, String unit, String source) {
  public Parameter {
    Checks.notBlank("parameter.name", name);
    Checks.notNull("parameter " + name + " value", value);
    unit = unit == null ? "" : unit;
    source = source == null ? "" : source;
  }
}
