package io.dsabench.costmodel.cost;

/**
 * A calibration that was applied, printed with its inputs and result.
 *
 * @param name the step's name
 * @param phase prefill or decode
 * @param targetSeconds what V3.1's GPU-seconds per token at position 0 should be
 * @param attentionSeconds attention at position 0 (all layers), kept as measured
 * @param modelRestSeconds the rest-of-model estimate before the step
 * @param scale (target − attention) / modelRest, applied to both versions' rest
 * @param source where the target comes from
 */
public record CalibrationStep(
    String name,
    String phase,
    double targetSeconds,
    double attentionSeconds,
    double modelRestSeconds,
    double scale,
    String source) {}
