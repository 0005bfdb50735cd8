package io.dsabench.costmodel.cost;

import com.fasterxml.jackson.annotation.JsonValue;
import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Phase;

/** The four curves of the paper's Figure 3, named as in CSV output and the reference file. */
public enum Curve {
  PREFILL_V31(Phase.PREFILL, ModelVersion.V3_1),
  PREFILL_V32(Phase.PREFILL, ModelVersion.V3_2),
  DECODE_V31(Phase.DECODE, ModelVersion.V3_1),
  DECODE_V32(Phase.DECODE, ModelVersion.V3_2);

  private final Phase phase;
  private final ModelVersion version;

  Curve(Phase phase, ModelVersion version) {
    this.phase = phase;
    this.version = version;
  }

  public Phase phase() {
    return phase;
  }

  public ModelVersion version() {
    return version;
  }

  /** {@code prefill_v3.1}, {@code prefill_v3.2}, {@code decode_v3.1}, {@code decode_v3.2}. */
  @JsonValue
  public String id() {
    return phase.id() + "_" + version.id();
  }

  /** The curve for a phase and version. */
  public static Curve of(Phase phase, ModelVersion version) {
    for (Curve c : values()) {
      if (c.phase == phase && c.version == version) {
        return c;
      }
    }
    throw new AssertionError(phase + " " + version);
  }

  /**
   * Parses a curve id.
   *
   * @throws IllegalArgumentException "curve: 'x' is not one of prefill_v3.1, ..."
   */
  public static Curve ofId(String id) {
    for (Curve c : values()) {
      if (c.id().equals(id)) {
        return c;
      }
    }
    throw new BadInputException(
        "curve: '" + id + "' is not one of prefill_v3.1, prefill_v3.2, decode_v3.1, decode_v3.2");
  }
}
