package io.dsabench.costmodel.cost;

/**
 * The cost of a token at one position.
 *
 * @param position token position p
 * @param usdPerMillionTokens 1e6 · price / 3600 · gpuSecondsPerToken
 * @param gpuSecondsPerToken attentionSeconds + restSeconds
 * @param attentionSeconds layers · attention time per token and layer (measured, translated)
 * @param restSeconds rest of the model per token (estimate)
 * @param extrapolated true when an attention time came from outside the measured range
 * @param mode the attention path: {@code dense_mha}, {@code dense_mqa}, {@code masked_mha}, {@code
 *     sparse}
 */
public record CurvePoint(
    int position,
    double usdPerMillionTokens,
    double gpuSecondsPerToken,
    double attentionSeconds,
    double restSeconds,
    boolean extrapolated,
    String mode) {}
