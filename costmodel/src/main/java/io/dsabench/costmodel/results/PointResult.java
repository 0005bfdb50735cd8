package io.dsabench.costmodel.results;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.dsabench.costmodel.workload.Op;
import io.dsabench.costmodel.workload.Phase;
import io.dsabench.costmodel.workload.SweepPoint;
import io.dsabench.costmodel.workload.Variant;
import java.util.List;
import java.util.Optional;

/**
 * One sweep point's outcome. {@code reason} says why a point was skipped or failed; {@code device}
 * is set when a multi-GPU run records which GPU measured it. {@code skippedStages} (optional) lists
 * stages of an ok point that have no timing, with the reason (a reference library that is not
 * installed, say).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "phase",
  "variant",
  "position",
  "tokens",
  "status",
  "reason",
  "stages",
  "skippedStages",
  "device"
})
public record PointResult(
    Phase phase,
    Variant variant,
    int position,
    int tokens,
    PointStatus status,
    @JsonInclude(JsonInclude.Include.ALWAYS) String reason,
    List<StageResult> stages,
    DeviceRecord device,
    List<StageProblem> skippedStages) {
  public PointResult {
    new SweepPoint(phase, variant, position, tokens); // validates the coordinates
    if (status == null) {
      throw new IllegalArgumentException("status: null is not one of ok, skipped, failed");
    }
    if (status != PointStatus.OK && (reason == null || reason.isBlank())) {
      throw new IllegalArgumentException("reason: a " + status.id() + " point must say why");
    }
    stages = stages == null ? List.of() : List.copyOf(stages);
    skippedStages =
        skippedStages == null || skippedStages.isEmpty() ? null : List.copyOf(skippedStages);
  }

  public PointResult(
      Phase phase,
      Variant variant,
      int position,
      int tokens,
      PointStatus status,
      String reason,
      List<StageResult> stages,
      DeviceRecord device) {
    this(phase, variant, position, tokens, status, reason, stages, device, null);
  }

  public static PointResult ok(SweepPoint p, List<StageResult> stages) {
    return new PointResult(
        p.phase(), p.variant(), p.position(), p.tokens(), PointStatus.OK, null, stages, null);
  }

  public static PointResult notOk(SweepPoint p, PointStatus status, String reason) {
    return new PointResult(
        p.phase(), p.variant(), p.position(), p.tokens(), status, reason, List.of(), null);
  }

  @JsonIgnore
  public SweepPoint point() {
    return new SweepPoint(phase, variant, position, tokens);
  }

  public Optional<StageResult> stage(Op op) {
    return stages.stream().filter(s -> s.op() == op).findFirst();
  }
}
