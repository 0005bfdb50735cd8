package io.dsabench.dashboard;

import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.dashboard.runs.Run;
import java.util.List;

/** The cost side of the API: measured curves of a run, and the paper's reference curves. */
interface CostCurves {
  /**
   * Cost curves of {@code runs} costed together on {@code hardware} at {@code usdPerGpuHour}: the
   * first run, and others priced with it (each (phase, variant) from the run that has it).
   */
  Object curves(List<Run> runs, HardwareProfile hardware, double usdPerGpuHour);

  /** The paper's Figure 3 curves. */
  Object reference();
}
