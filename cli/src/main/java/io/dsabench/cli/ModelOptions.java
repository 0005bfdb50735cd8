package io.dsabench.cli;

import io.dsabench.costmodel.cost.CostParameters;
import io.dsabench.costmodel.cost.Curve;
import io.dsabench.costmodel.cost.Extrapolation;
import io.dsabench.costmodel.cost.ParameterOverrides;
import io.dsabench.costmodel.cost.RestCalibration;
import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.costmodel.hardware.HardwareProfiles;
import io.dsabench.costmodel.hardware.Price;
import io.dsabench.costmodel.reference.Figure3Reference;
import io.dsabench.model.BadInputException;
import io.dsabench.reports.render.Fmt;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The cost model's options, which {@code cost} and {@code report} share, so that a report is priced
 * exactly as {@code cost} prices the same run with the same flags.
 */
final class ModelOptions {
  @Option(
      names = "--hardware",
      paramLabel = "H",
      description = "GPU to price on: h800, h100, h200, b200 (default: h800, the paper's)")
  String hardware;

  @Option(
      names = "--price",
      paramLabel = "USD",
      description =
          "USD per GPU-hour, above 0 and at most 1000 (default: the hardware's default price;"
              + " h800: 2)")
  String price;

  @Option(
      names = "--source-hardware",
      paramLabel = "H",
      description =
          "GPU the results were measured on, when the run's device name does not say (default:"
              + " from run.device.name; a cpu run is costed untranslated)")
  String sourceHardware;

  @Option(
      names = "--extrapolation",
      paramLabel = "E",
      description =
          "outside the measured positions: flag (extend linearly, mark '*') or error (default:"
              + " flag)")
  String extrapolation = "flag";

  @Option(
      names = "--calibrate",
      description =
          "scale the rest-of-model estimate so V3.1's curves start at the paper's intercepts"
              + " (a printed, named step)")
  boolean calibrate;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "edit one number of the model, e.g. deployment.decode.gemmEfficiency=0.3,"
              + " model.activeExperts=8, hardware.bytesPerSecond=3.35e12 (repeatable; unknown keys"
              + " list the known ones)")
  LinkedHashMap<String, String> set = new LinkedHashMap<>();

  /** The hardware priced on: {@code --hardware}, else the paper's H800. */
  HardwareProfile target() {
    return hardware == null ? HardwareProfiles.H800 : HardwareProfiles.byId(hardware);
  }

  /**
   * The parameters these options give on {@link #target()}, sampled at {@code positions} (null: the
   * cost model's default, every 1K).
   */
  CostParameters parameters(List<Integer> positions) {
    return parameters(target(), price, positions);
  }

  /**
   * The parameters these options give on {@code target} at {@code usd} per GPU-hour (null: the
   * target's default price); every other option applies as given.
   */
  CostParameters parameters(HardwareProfile target, String usd, List<Integer> positions) {
    CostParameters.Builder b = CostParameters.builder(target);
    if (usd != null) {
      b.usdPerGpuHour(Price.parse(usd));
    }
    if (sourceHardware != null) {
      b.source(HardwareProfiles.byId(sourceHardware));
    }
    b.extrapolation(extrapolationPolicy(extrapolation));
    if (positions != null) {
      b.positions(positions);
    }
    CostParameters params = ParameterOverrides.apply(b.build(), set);
    if (calibrate) {
      Figure3Reference paper = Figure3Reference.load();
      params =
          params.toBuilder()
              .calibration(
                  RestCalibration.fromUsd(
                      paper.curve(Curve.PREFILL_V31).usdPerMillionAt(0),
                      paper.curve(Curve.DECODE_V31).usdPerMillionAt(0),
                      Figure3Reference.USD_PER_GPU_HOUR,
                      "paper Figure 3 intercepts at position 0 (prefill_v3.1, decode_v3.1), "
                          + Figure3Reference.HARDWARE.toUpperCase(Locale.ROOT)
                          + " at "
                          + Fmt.sig(Figure3Reference.USD_PER_GPU_HOUR, 6)
                          + " USD/GPU-hour"))
              .build();
    }
    return params;
  }

  static Extrapolation extrapolationPolicy(String s) {
    switch (s.toLowerCase(Locale.ROOT)) {
      case "flag":
        return Extrapolation.FLAG;
      case "error":
        return Extrapolation.ERROR;
      default:
        throw new BadInputException("extrapolation: '" + s + "' is not one of flag, error");
    }
  }
}
