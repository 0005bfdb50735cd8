package io.dsabench.costmodel.cost;

import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.costmodel.hardware.HardwareProfiles;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the cost curves depend on besides the measurements. {@link #defaults()} is the paper's
 * setting (H800 at 2 USD per GPU-hour) with DeepSeek's serving layout; the {@code with} copies
 * change one thing.
 *
 * @param target GPU to cost on: attention times move to it, the rest of the model runs on it
 * @param usdPerGpuHour price
 * @param source GPU the results were measured on, or null to take it from the run's device name
 * @param model the model's shapes
 * @param prefill how prefill is served
 * @param decode how decode is served
 * @param maskedMhaIncludesIndexer V3.2's masked-MHA prefill also pays indexer + top-k (to build the
 *     mask); the paper's V3.2 prefill slope below its crossover is about 1.26× V3.1's, close to
 *     dense + indexer FLOPs (1.2×), which says it does
 * @param extrapolation what to do outside the measured positions
 * @param positions where to sample the curves, increasing, from 0 to at most 131072
 * @param calibration targets for the optional calibration step, or null for none
 */
public record CostParameters(
    HardwareProfile target,
    double usdPerGpuHour,
    HardwareProfile source,
    ModelConfig model,
    Deployment prefill,
    Deployment decode,
    boolean maskedMhaIncludesIndexer,
    Extrapolation extrapolation,
    List<Integer> positions,
    RestCalibration calibration) {

  /** The largest position the curves go to (Figure 3's 128K). */
  public static final int MAX_POSITION = 131072;

  public CostParameters {
    if (target == null) {
      throw new IllegalArgumentException("hardware: null is not one of " + HardwareProfiles.ids());
    }
    HardwareProfile.checkPrice(usdPerGpuHour);
    if (model == null || extrapolation == null) {
      throw new IllegalArgumentException("cost parameters: model and extrapolation must be given");
    }
    if (prefill == null || prefill.phase() != io.dsabench.model.workload.Phase.PREFILL) {
      throw new IllegalArgumentException("prefill: a prefill deployment must be given");
    }
    if (decode == null || decode.phase() != io.dsabench.model.workload.Phase.DECODE) {
      throw new IllegalArgumentException("decode: a decode deployment must be given");
    }
    positions = List.copyOf(positions);
    if (positions.size() < 2) {
      throw new IllegalArgumentException(
          "positions: " + positions + " needs at least two positions");
    }
    for (int i = 0; i < positions.size(); i++) {
      int p = positions.get(i);
      if (p < 0 || p > MAX_POSITION) {
        throw new IllegalArgumentException(
            "positions: " + p + " is not between 0 and " + MAX_POSITION);
      }
      if (i > 0 && p <= positions.get(i - 1)) {
        throw new IllegalArgumentException(
            "positions: " + p + " does not increase after " + positions.get(i - 1));
      }
    }
  }

  /** 0, 1024, 2048, ..., 131072. */
  public static List<Integer> defaultPositions() {
    List<Integer> ps = new ArrayList<>();
    for (int p = 0; p <= MAX_POSITION; p += 1024) {
      ps.add(p);
    }
    return ps;
  }

  /** H800 at 2 USD per GPU-hour, DeepSeek's serving layout, flagged extrapolation. */
  public static CostParameters defaults() {
    return forHardware(HardwareProfiles.H800);
  }

  /** Defaults on {@code target} at its default price. */
  public static CostParameters forHardware(HardwareProfile target) {
    return new CostParameters(
        target,
        target.usdPerGpuHour(),
        null,
        ModelConfig.DEEPSEEK_V3_2,
        Deployment.PREFILL,
        Deployment.DECODE,
        true,
        Extrapolation.FLAG,
        defaultPositions(),
        null);
  }

  public CostParameters withTarget(HardwareProfile v) {
    return new CostParameters(
        v,
        usdPerGpuHour,
        source,
        model,
        prefill,
        decode,
        maskedMhaIncludesIndexer,
        extrapolation,
        positions,
        calibration);
  }

  public CostParameters withPrice(double v) {
    return new CostParameters(
        target,
        v,
        source,
        model,
        prefill,
        decode,
        maskedMhaIncludesIndexer,
        extrapolation,
        positions,
        calibration);
  }

  public CostParameters withSource(HardwareProfile v) {
    return new CostParameters(
        target,
        usdPerGpuHour,
        v,
        model,
        prefill,
        decode,
        maskedMhaIncludesIndexer,
        extrapolation,
        positions,
        calibration);
  }

  public CostParameters withModel(ModelConfig v) {
    return new CostParameters(
        target,
        usdPerGpuHour,
        source,
        v,
        prefill,
        decode,
        maskedMhaIncludesIndexer,
        extrapolation,
        positions,
        calibration);
  }

  public CostParameters withDeployments(Deployment p, Deployment d) {
    return new CostParameters(
        target,
        usdPerGpuHour,
        source,
        model,
        p,
        d,
        maskedMhaIncludesIndexer,
        extrapolation,
        positions,
        calibration);
  }

  public CostParameters withMaskedMhaIncludesIndexer(boolean v) {
    return new CostParameters(
        target,
        usdPerGpuHour,
        source,
        model,
        prefill,
        decode,
        v,
        extrapolation,
        positions,
        calibration);
  }

  public CostParameters withExtrapolation(Extrapolation v) {
    return new CostParameters(
        target,
        usdPerGpuHour,
        source,
        model,
        prefill,
        decode,
        maskedMhaIncludesIndexer,
        v,
        positions,
        calibration);
  }

  public CostParameters withPositions(List<Integer> v) {
    return new CostParameters(
        target,
        usdPerGpuHour,
        source,
        model,
        prefill,
        decode,
        maskedMhaIncludesIndexer,
        extrapolation,
        v,
        calibration);
  }

  public CostParameters withCalibration(RestCalibration v) {
    return new CostParameters(
        target,
        usdPerGpuHour,
        source,
        model,
        prefill,
        decode,
        maskedMhaIncludesIndexer,
        extrapolation,
        positions,
        v);
  }

  /** The deployment of a phase. */
  public Deployment deployment(io.dsabench.model.workload.Phase phase) {
    return phase == io.dsabench.model.workload.Phase.PREFILL ? prefill : decode;
  }
}
