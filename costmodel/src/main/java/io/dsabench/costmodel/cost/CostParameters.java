package io.dsabench.costmodel.cost;

import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.costmodel.hardware.HardwareProfiles;
import io.dsabench.model.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the cost curves depend on besides the measurements. {@link #defaults()} is the paper's
 * setting (H800 at 2 USD per GPU-hour) with DeepSeek's serving layout; {@link #toBuilder()} changes
 * some of it.
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
    checkTarget(target);
    HardwareProfile.checkPrice(usdPerGpuHour);
    required("model", model);
    checkDeployment("prefill", io.dsabench.model.workload.Phase.PREFILL, prefill);
    checkDeployment("decode", io.dsabench.model.workload.Phase.DECODE, decode);
    required("extrapolation", extrapolation);
    positions = checkPositions(positions);
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
    return builder().build();
  }

  /** Defaults on {@code target} at its default price. */
  public static CostParameters forHardware(HardwareProfile target) {
    return builder(target).build();
  }

  /** A builder from {@link #defaults()}: the paper's setting. */
  public static Builder builder() {
    return builder(HardwareProfiles.H800);
  }

  /** A builder from the defaults on {@code target} at its default price. */
  public static Builder builder(HardwareProfile target) {
    return new Builder()
        .target(target)
        .usdPerGpuHour(target.usdPerGpuHour())
        .model(ModelConfig.DEEPSEEK_V3_2)
        .prefill(Deployment.PREFILL)
        .decode(Deployment.DECODE)
        .maskedMhaIncludesIndexer(true)
        .extrapolation(Extrapolation.FLAG)
        .positions(defaultPositions());
  }

  /** A builder holding these parameters, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .target(target)
        .usdPerGpuHour(usdPerGpuHour)
        .source(source)
        .model(model)
        .prefill(prefill)
        .decode(decode)
        .maskedMhaIncludesIndexer(maskedMhaIncludesIndexer)
        .extrapolation(extrapolation)
        .positions(positions)
        .calibration(calibration);
  }

  /**
   * Builds {@link CostParameters}, JMH-style: each setter checks its value against the same rule
   * the record's constructor applies and names the field, the value and the rule.
   */
  public static final class Builder {
    private HardwareProfile target;
    private double usdPerGpuHour;
    private HardwareProfile source;
    private ModelConfig model;
    private Deployment prefill;
    private Deployment decode;
    private boolean maskedMhaIncludesIndexer;
    private Extrapolation extrapolation;
    private List<Integer> positions;
    private RestCalibration calibration;

    private Builder() {}

    /** The GPU to cost on (its price is not taken: set {@link #usdPerGpuHour} for that). */
    public Builder target(HardwareProfile v) {
      target = checkTarget(v);
      return this;
    }

    public Builder usdPerGpuHour(double v) {
      HardwareProfile.checkPrice(v);
      usdPerGpuHour = v;
      return this;
    }

    /** The GPU the results were measured on; null takes it from the run's device name. */
    public Builder source(HardwareProfile v) {
      source = v;
      return this;
    }

    public Builder model(ModelConfig v) {
      model = required("model", v);
      return this;
    }

    public Builder prefill(Deployment v) {
      prefill = checkDeployment("prefill", io.dsabench.model.workload.Phase.PREFILL, v);
      return this;
    }

    public Builder decode(Deployment v) {
      decode = checkDeployment("decode", io.dsabench.model.workload.Phase.DECODE, v);
      return this;
    }

    public Builder maskedMhaIncludesIndexer(boolean v) {
      maskedMhaIncludesIndexer = v;
      return this;
    }

    public Builder extrapolation(Extrapolation v) {
      extrapolation = required("extrapolation", v);
      return this;
    }

    /** Where to sample the curves: at least two, increasing, from 0 to {@link #MAX_POSITION}. */
    public Builder positions(List<Integer> v) {
      positions = checkPositions(v);
      return this;
    }

    /** Targets of the optional calibration step; null for none. */
    public Builder calibration(RestCalibration v) {
      calibration = v;
      return this;
    }

    public CostParameters build() {
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
          calibration);
    }
  }

  private static HardwareProfile checkTarget(HardwareProfile v) {
    if (v == null) {
      throw new BadInputException("hardware: null is not one of " + HardwareProfiles.ids());
    }
    return v;
  }

  private static <T> T required(String field, T v) {
    if (v == null) {
      throw new BadInputException(field + ": null is not a value (it must be given)");
    }
    return v;
  }

  private static Deployment checkDeployment(
      String field, io.dsabench.model.workload.Phase phase, Deployment v) {
    if (v == null || v.phase() != phase) {
      throw new BadInputException(
          field
              + ": "
              + (v == null ? "null" : v.phase().id())
              + " is not a "
              + phase.id()
              + " deployment");
    }
    return v;
  }

  private static List<Integer> checkPositions(List<Integer> v) {
    if (v == null) {
      throw new BadInputException("positions: null needs at least two positions");
    }
    List<Integer> positions = List.copyOf(v);
    if (positions.size() < 2) {
      throw new BadInputException("positions: " + positions + " needs at least two positions");
    }
    for (int i = 0; i < positions.size(); i++) {
      int p = positions.get(i);
      if (p < 0 || p > MAX_POSITION) {
        throw new BadInputException("positions: " + p + " is not between 0 and " + MAX_POSITION);
      }
      if (i > 0 && p <= positions.get(i - 1)) {
        throw new BadInputException(
            "positions: " + p + " does not increase after " + positions.get(i - 1));
      }
    }
    return positions;
  }

  /** The deployment of a phase. */
  public Deployment deployment(io.dsabench.model.workload.Phase phase) {
    return phase == io.dsabench.model.workload.Phase.PREFILL ? prefill : decode;
  }
}
