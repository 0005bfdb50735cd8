package io.dsabench.costmodel.hardware;

import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Op;

/**
 * One measured time moved from a source GPU to a target GPU.
 *
 * @param op the op timed
 * @param precision the arithmetic its matrix products use
 * @param bound the resource that sets the op's roofline on the target (vendor peaks); null when the
 *     time was not translated (no GPU profile for the source, factor 1)
 * @param sourceSeconds measured time on the source
 * @param factor target time / source time: roofline time on the target over roofline time on the
 *     source ({@link Translator})
 * @param targetSeconds {@code sourceSeconds · factor}
 */
public record Translation(
    Op op,
    Precision precision,
    Bound bound,
    double sourceSeconds,
    double factor,
    double targetSeconds) {
  public Translation {
    if (!(factor > 0)) {
      throw new BadInputException("factor: " + factor + " is not a positive ratio");
    }
  }
}
