package io.dsabench.costmodel.cost;

import io.dsabench.costmodel.hardware.CeilingCheck;
import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.model.BadInputException;
import java.util.List;

/**
 * The four curves of Figure 3 from one results file, with everything that went into them.
 *
 * @param parameters what was asked for
 * @param runId the results' run id (several joined by " + ")
 * @param measuredOn the device name (or backend) the results come from
 * @param source the source GPU profile, or null when the device has none (e.g. cpu)
 * @param translated true when attention times were moved from the source to the target GPU
 * @param attentionLabel one line saying where the attention times come from and how they moved
 * @param curves prefill_v3.1, prefill_v3.2, decode_v3.1, decode_v3.2
 * @param prefillCrossoverPosition the first position where V3.2's sparse prefill beats masked MHA,
 *     or null when it does not within the curves
 * @param rest the rest-of-model estimate of each curve
 * @param measured the measured points behind the attention times
 * @param calibration calibration steps applied (empty when none)
 * @param parameterTable every number used, with its source
 * @param aboveCeiling stages of the measurements used that run above their device's ceilings
 *     ({@link CeilingCheck}): a counting error, shown wherever the report is
 * @param inputs which file each set of attention times came from
 */
public record CostReport(
    CostParameters parameters,
    String runId,
    String measuredOn,
    HardwareProfile source,
    boolean translated,
    String attentionLabel,
    List<CostCurve> curves,
    Double prefillCrossoverPosition,
    List<RestEstimate> rest,
    List<MeasuredPoint> measured,
    List<CalibrationStep> calibration,
    List<Parameter> parameterTable,
    List<CeilingCheck.Violation> aboveCeiling,
    List<SeriesUsed> inputs) {
  public CostReport {
    curves = List.copyOf(curves);
    rest = List.copyOf(rest);
    measured = List.copyOf(measured);
    calibration = List.copyOf(calibration);
    parameterTable = List.copyOf(parameterTable);
    aboveCeiling = List.copyOf(aboveCeiling);
    inputs = List.copyOf(inputs);
  }

  /**
   * The curve with this id.
   *
   * @throws IllegalArgumentException when the report was computed without its phase
   */
  public CostCurve curve(Curve c) {
    return curves.stream()
        .filter(x -> x.curve() == c)
        .findFirst()
        .orElseThrow(
            () ->
                new BadInputException(
                    "curve: " + c.id() + " was not computed (its phase was left out)"));
  }

  /** True when the report has this curve (it has all four unless phases were left out). */
  public boolean has(Curve c) {
    return curves.stream().anyMatch(x -> x.curve() == c);
  }

  /** The rest-of-model estimate of a curve. */
  public RestEstimate restOf(Curve c) {
    return rest.stream()
        .filter(x -> x.curve() == c)
        .findFirst()
        .orElseThrow(
            () ->
                new BadInputException(
                    "curve: " + c.id() + " was not computed (its phase was left out)"));
  }
}
