package io.dsabench.costmodel.cost;

import io.dsabench.costmodel.hardware.Translation;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.util.List;

/**
 * One measured point as the cost model uses it: per-token, per-layer attention time of a set of
 * stages, on the source GPU and moved to the target, and the position it belongs to.
 *
 * @param phase prefill or decode
 * @param variant dense or dsa
 * @param position p: the chunk's end (prefill) or the context (decode)
 * @param tokens n: the point's query tokens
 * @param tokensPerSeq t: query tokens per sequence (prefill: n; decode: 1, or 2 with an MTP draft)
 * @param meanPosition p − (t − 1)/2: the mean number of keys the point's query tokens see, where
 *     its per-token time is placed on the curve
 * @param sourceSecondsPerToken sum of the stages' medians / n, as measured
 * @param secondsPerToken the same after translation to the target (equal when untranslated)
 * @param stages each stage's translation (factor 1 when untranslated)
 */
public record MeasuredPoint(
    Phase phase,
    Variant variant,
    int position,
    int tokens,
    int tokensPerSeq,
    double meanPosition,
    double sourceSecondsPerToken,
    double secondsPerToken,
    List<Translation> stages) {
  public MeasuredPoint {
    stages = List.copyOf(stages);
  }

  /** The first position the point's chunks cover: p − t (its first query token's position). */
  public int coveredFrom() {
    return position - tokensPerSeq;
  }
}
