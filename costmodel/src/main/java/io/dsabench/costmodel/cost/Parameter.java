package io.dsabench.costmodel.cost;

/**
 * One number the cost model used, as printed beside its output.
 *
 * @param name dotted name, e.g. {@code deployment.prefill.gemmEfficiency}
 * @param value the value with its unit
 * @param source where it comes from (datasheet, config, paper, assumption, command line)
 */
public record Parameter(String name, String value, String source) {}
