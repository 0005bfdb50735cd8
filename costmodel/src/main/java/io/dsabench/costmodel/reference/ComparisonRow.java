package io.dsabench.costmodel.reference;

import io.dsabench.costmodel.cost.Curve;

/**
 * Ours against the paper at one position of one curve.
 *
 * @param curve the curve
 * @param position token position
 * @param oursUsdPerMillion our value
 * @param paperUsdPerMillion the paper's value (linear between its vertices)
 * @param relativeError (ours − paper) / paper
 * @param extrapolated true when our value at this position rests on extrapolated attention
 */
public record ComparisonRow(
    Curve curve,
    int position,
    double oursUsdPerMillion,
    double paperUsdPerMillion,
    double relativeError,
    boolean extrapolated) {}
