package io.dsabench.harness.stage;

import io.dsabench.model.results.PointStatus;
import io.dsabench.model.workload.Op;
import java.util.List;

/**
 * What one measuring process reports for one stage of one point: the status, and on success the
 * device-time samples and host overheads (seconds). A JMH fork writes it as JSON into the point's
 * session directory; the sweep reads every such file of the point.
 *
 * @param op the stage (or {@link Op#TOTAL})
 * @param status ok, skipped (out of memory) or failed
 * @param reason why, when not ok
 * @param deviceSeconds device time of each sample
 * @param hostOverheadSeconds host time beyond device time of each sample (launch, JNI, sync)
 * @param stopReason why the last session stopped: noise, time cap or max samples
 * @param inputSets how many input copies the samples rotated through
 */
public record StageSamples(
    Op op,
    PointStatus status,
    String reason,
    List<Double> deviceSeconds,
    List<Double> hostOverheadSeconds,
    String stopReason,
    int inputSets) {
  public StageSamples {
    deviceSeconds = deviceSeconds == null ? List.of() : List.copyOf(deviceSeconds);
    hostOverheadSeconds =
        hostOverheadSeconds == null ? List.of() : List.copyOf(hostOverheadSeconds);
  }

  public static StageSamples notOk(Op op, PointStatus status, String reason) {
    return new StageSamples(op, status, reason, List.of(), List.of(), null, 0);
  }
}
