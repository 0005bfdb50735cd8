package io.dsabench.model.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Op;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stage's timing at a point: device time from the backend's own clock (CUDA events on GPUs),
 * median and spread over {@code samples}, and throughput derived from the declared work. {@code
 * sampleSeconds} (optional) keeps the raw samples for rank tests; {@code hostOverheadSeconds}
 * (optional) is the median host-side cost of issuing the stage (launch, JNI). {@code
 * implementation} (reference runs) names what ran: library, function, version, commit, backend.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "op",
  "medianSeconds",
  "p10Seconds",
  "p90Seconds",
  "samples",
  "flops",
  "bytes",
  "flopsPerSecond",
  "bytesPerSecond",
  "hostOverheadSeconds",
  "implementation",
  "sampleSeconds"
})
public record StageResult(
    Op op,
    double medianSeconds,
    double p10Seconds,
    double p90Seconds,
    int samples,
    double flops,
    double bytes,
    double flopsPerSecond,
    double bytesPerSecond,
    Double hostOverheadSeconds,
    List<Double> sampleSeconds,
    Map<String, String> implementation) {
  public StageResult {
    if (op == null) {
      throw new BadInputException("op: null is not an op");
    }
    if (!(medianSeconds > 0) || !Double.isFinite(medianSeconds)) {
      throw new BadInputException(
          "medianSeconds of " + op.id() + ": " + medianSeconds + " is not a positive time");
    }
    if (!(p10Seconds <= medianSeconds && medianSeconds <= p90Seconds)) {
      throw new BadInputException(
          "p10/median/p90 of "
              + op.id()
              + ": "
              + p10Seconds
              + " <= "
              + medianSeconds
              + " <= "
              + p90Seconds
              + " does not hold");
    }
    if (samples <= 0) {
      throw new BadInputException(
          "samples of " + op.id() + ": " + samples + " is not a positive count");
    }
    sampleSeconds = sampleSeconds == null ? null : List.copyOf(sampleSeconds);
    implementation =
        implementation == null
            ? null
            : Collections.unmodifiableMap(new LinkedHashMap<>(implementation));
  }

  /** A stage measured by dsabench's own kernels (no implementation record). */
  public StageResult(
      Op op,
      double medianSeconds,
      double p10Seconds,
      double p90Seconds,
      int samples,
      double flops,
      double bytes,
      double flopsPerSecond,
      double bytesPerSecond,
      Double hostOverheadSeconds,
      List<Double> sampleSeconds) {
    this(
        op,
        medianSeconds,
        p10Seconds,
        p90Seconds,
        samples,
        flops,
        bytes,
        flopsPerSecond,
        bytesPerSecond,
        hostOverheadSeconds,
        sampleSeconds,
        null);
  }

  /** The same timing, recording which implementation produced it. */
  public StageResult withImplementation(Map<String, String> what) {
    return new StageResult(
        op,
        medianSeconds,
        p10Seconds,
        p90Seconds,
        samples,
        flops,
        bytes,
        flopsPerSecond,
        bytesPerSecond,
        hostOverheadSeconds,
        sampleSeconds,
        what);
  }

  /** A stage whose throughput is derived from its declared work and median time. */
  public static StageResult of(
      Op op,
      double medianSeconds,
      double p10Seconds,
      double p90Seconds,
      int samples,
      double flops,
      double bytes) {
    return new StageResult(
        op,
        medianSeconds,
        p10Seconds,
        p90Seconds,
        samples,
        flops,
        bytes,
        flops / medianSeconds,
        bytes / medianSeconds,
        null,
        null);
  }
}
