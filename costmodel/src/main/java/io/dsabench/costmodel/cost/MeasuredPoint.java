package io.dsabench.costmodel.cost;

import io.dsabench.costmodel.hardware.Translation;
import io.dsabench.costmodel.workload.Phase;
import io.dsabench.costmodel.workload.Variant;
import java.util.List;

/**
 * One measured point as the cost model uses it: per-token, per-layer attention time of a set of
 * stages at a position, on the source GPU and moved to the target.
 *
 * @param phase prefill or decode
 * @param variant dense or dsa
 * @param position p: the chunk's end (prefill) or the context (decode); the per-token time is
 *     attributed to p
 * @param tokens n: the chunk's query tokens (prefill) or sequences (decode)
 * @param sourceSecondsPerToken sum of the stages' medians / n, as measured
 * @param secondsPerToken the same after translation to the target (equal when untranslated)
 * @param stages each stage's translation (factor 1 when untranslated)
 */
public record MeasuredPoint(
    Phase phase,
    Variant variant,
    int position,
    int tokens,
    double sourceSecondsPerToken,
    double secondsPerToken,
    List<Translation> stages) {
  public MeasuredPoint {
    stages = List.copyOf(stages);
  }
}
