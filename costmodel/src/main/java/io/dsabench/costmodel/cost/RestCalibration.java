package io.dsabench.costmodel.cost;

import io.dsabench.model.BadInputException;

/**
 * Targets for the optional calibration step {@value CostModel#CALIBRATION_STEP}: the GPU-seconds
 * per token at position 0 that V3.1 takes (e.g. the paper's Figure 3 intercepts converted at its
 * price). A token at position 0 has no context, so the step scales each phase's rest-of-model
 * estimate so that rest + the attention roofline of a context-free token hits the target, prints
 * inputs and the factor, and applies the same factor to V3.2. The factor depends on the model and
 * the target only, not on how our kernels behave at small contexts: two runs of the same kernels
 * get the same factor. Our curves then start above the target by what our attention costs at 0.
 *
 * @param prefillSecondsAtZero target GPU-seconds per prefill token at position 0 (V3.1)
 * @param decodeSecondsAtZero target GPU-seconds per decode token at position 0 (V3.1)
 * @param source where the targets come from
 */
public record RestCalibration(
    double prefillSecondsAtZero, double decodeSecondsAtZero, String source) {
  public RestCalibration {
    if (!(prefillSecondsAtZero > 0) || !(decodeSecondsAtZero > 0)) {
      throw new BadInputException(
          "calibration: targets "
              + prefillSecondsAtZero
              + " and "
              + decodeSecondsAtZero
              + " must be positive seconds");
    }
  }

  /** Targets from USD per million tokens at a price: seconds = usd · 3600 / (1e6 · price). */
  public static RestCalibration fromUsd(
      double prefillUsdAtZero, double decodeUsdAtZero, double usdPerGpuHour, String source) {
    return new RestCalibration(
        CostModel.gpuSecondsPerToken(usdPerGpuHour, prefillUsdAtZero),
        CostModel.gpuSecondsPerToken(usdPerGpuHour, decodeUsdAtZero),
        source);
  }
}
