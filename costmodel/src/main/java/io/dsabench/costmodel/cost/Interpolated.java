package io.dsabench.costmodel.cost;

/**
 * A value read off measured points.
 *
 * @param value the value
 * @param extrapolated true when the position lay outside the measured range
 */
public record Interpolated(double value, boolean extrapolated) {}
