package io.dsabench.model.results;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import java.util.List;
import java.util.Optional;

/**
 * One sweep point's outcome. {@code tokensPerSeq} is the point's query tokens per sequence (the
 * chunk for prefill; 2 for decode with one MTP draft token); files written before it was recorded
 * leave it out, and {@link Results} fills it from the run's declared sweep. {@code reason} says why
 * a point was skipped or failed; {@code device} is set when a multi-GPU run records which GPU
 * measured it. {@code skippedStages} (optional) lists stages of an ok point that have no timing,
 * with the reason (a reference library that is not installed, say).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "phase",
  "variant",
  "position",
  "tokens",
  "tokensPerSeq",
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
    Integer tokensPerSeq,
    PointStatus status,
    @JsonInclude(JsonInclude.Include.ALWAYS) String reason,
    List<StageResult> stages,
    DeviceRecord device,
    List<StageProblem> skippedStages) {
  public PointResult {
    // Validates the coordinates; a missing tokensPerSeq is checked once Results has filled it.
    new SweepPoint(
        phase,
        variant,
        position,
        tokens,
        tokensPerSeq == null ? SweepPoint.defaultTokensPerSeq(phase, tokens) : tokensPerSeq);
    if (status == null) {
      throw new BadInputException("status: null is not one of ok, skipped, failed");
    }
    if (status != PointStatus.OK && (reason == null || reason.isBlank())) {
      throw new BadInputException("reason: a " + status.id() + " point must say why");
    }
    stages = stages == null ? List.of() : List.copyOf(stages);
    skippedStages =
        skippedStages == null || skippedStages.isEmpty() ? null : List.copyOf(skippedStages);
  }

  /** A point without skipped stages. */
  public PointResult(
      Phase phase,
      Variant variant,
      int position,
      int tokens,
      Integer tokensPerSeq,
      PointStatus status,
      String reason,
      List<StageResult> stages,
      DeviceRecord device) {
    this(phase, variant, position, tokens, tokensPerSeq, status, reason, stages, device, null);
  }

  /** A point as written before {@code tokensPerSeq} existed (tests and old callers). */
  public PointResult(
      Phase phase,
      Variant variant,
      int position,
      int tokens,
      PointStatus status,
      String reason,
      List<StageResult> stages,
      DeviceRecord device) {
    this(phase, variant, position, tokens, null, status, reason, stages, device, null);
  }

  public static PointResult ok(SweepPoint p, List<StageResult> stages) {
    return new PointResult(
        p.phase(),
        p.variant(),
        p.position(),
        p.tokens(),
        p.tokensPerSeq(),
        PointStatus.OK,
        null,
        stages,
        null);
  }

  public static PointResult notOk(SweepPoint p, PointStatus status, String reason) {
    return new PointResult(
        p.phase(),
        p.variant(),
        p.position(),
        p.tokens(),
        p.tokensPerSeq(),
        status,
        reason,
        List.of(),
        null);
  }

  /** A copy measured on {@code newDevice}. */
  public PointResult withDevice(DeviceRecord newDevice) {
    return new PointResult(
        phase,
        variant,
        position,
        tokens,
        tokensPerSeq,
        status,
        reason,
        stages,
        newDevice,
        skippedStages);
  }

  /** A copy with tokens per sequence set (when the file did not record it). */
  public PointResult withTokensPerSeq(int t) {
    return new PointResult(
        phase, variant, position, tokens, t, status, reason, stages, device, skippedStages);
  }

  /** The point; tokens per sequence as recorded, else the default (chunk, or 1 for decode). */
  @JsonIgnore
  public SweepPoint point() {
    return new SweepPoint(
        phase,
        variant,
        position,
        tokens,
        tokensPerSeq == null ? SweepPoint.defaultTokensPerSeq(phase, tokens) : tokensPerSeq);
  }

  public Optional<StageResult> stage(Op op) {
    return stages.stream().filter(s -> s.op() == op).findFirst();
  }
}
