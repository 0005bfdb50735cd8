package io.dsabench.harness.stage;

import io.dsabench.model.workload.Op;

/**
 * What {@link StageMeasurement} times: inputs already on the device that can issue an op and check
 * its outputs. {@link StageInputs} is an attention point's; the rest of the model has its own.
 */
public interface StageWork {
  /** Issues {@code op} on input set {@code index % sets()}, asynchronously where the backend is. */
  void issue(Op op, int index);

  /**
   * Why the outputs of {@code op} on set {@code index % sets()} are bad, or null when they are ok.
   */
  String validate(Op op, int index);

  /** Input copies the samples rotate through. */
  int sets();
}
