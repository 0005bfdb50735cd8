package io.dsabench.costmodel.cost;

/**
 * A calibration that was applied, printed with its inputs and result.
 *
 * @param name the step's name
 * @param phase prefill or decode
 * @param targetSeconds what V3.1's GPU-seconds per token at position 0 should be
 * @param attentionSeconds attention of a token at position 0 (all layers): the roofline of one
 *     query over one key on the target, its query and output moved once
 * @param measuredAttentionSeconds our attention extrapolated to position 0 (all layers), for
 *     comparison; not used by the step (it rests on the two smallest measured points); null when
 *     position 0 is not priced
 * @param modelRestSeconds the rest-of-model estimate before the step
 * @param scale (target − attention) / modelRest, applied to both versions' rest
 * @param source where the target comes from
 */
public record CalibrationStep(
    String name,
    String phase,
    double targetSeconds,
    double attentionSeconds,
    Double measuredAttentionSeconds,
    double modelRestSeconds,
    double scale,
    String source) {}
