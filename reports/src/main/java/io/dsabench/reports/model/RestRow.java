package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One component of the rest of the model for one curve: its estimate and its measurement side by
 * side, in seconds per token on the report's hardware.
 *
 * @param curve e.g. {@code decode_v3.2}
 * @param component e.g. {@code moe_experts}, or {@code total}
 * @param estimateSeconds the estimate (a roofline; the network component at the NIC rate)
 * @param measuredSeconds the measurement moved to the report's hardware, or null when not measured
 * @param pricedSeconds what the curves use: the measurement where there is one, else the estimate
 * @param source {@code estimate}, or where the measurement comes from ({@code measured (H200,
 *     tokens 256, uniform)})
 * @param measurement how the measured time follows from the stage, or why none was used; null when
 *     there is nothing to say
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestRow(
    String curve,
    String component,
    double estimateSeconds,
    Double measuredSeconds,
    double pricedSeconds,
    String source,
    String measurement) {
  public RestRow {
    Checks.notBlank("curve", curve);
    Checks.notBlank("component", component);
    Checks.notBlank("source", source);
  }
}
