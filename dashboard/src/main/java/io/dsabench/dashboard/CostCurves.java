package io.dsabench.dashboard;

import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.dashboard.runs.Run;

/** The cost side of the API: measured curves of a run, and the paper's reference curves. */
interface CostCurves {
  /** Cost curves of {@code run} costed on {@code hardware} at {@code usdPerGpuHour}. */
  Object curves(Run run, HardwareProfile hardware, double usdPerGpuHour);

  /** The paper's Figure 3 curves. */
  Object reference();
}
