package io.dsabench.costmodel.cost;

import io.dsabench.costmodel.hardware.Precision;
import io.dsabench.costmodel.hardware.Translation;
import io.dsabench.costmodel.hardware.Translator;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.MissingStagesException;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per-token, per-layer attention time of some stages as a function of token position, read from a
 * results file.
 *
 * <p>At each measured position the time per token is the sum of the chosen stages' medians divided
 * by the point's n, and it belongs to the point's mean position p − (t − 1)/2 ({@link
 * io.dsabench.model.workload.SweepPoint#meanPosition()}): a chunk of t query tokens ending at p
 * sees on average that many keys, and attention's work is linear in keys seen, so a cost linear in
 * position is recovered exactly (a dense chunk of 4096 at 8K placed at its end would understate the
 * curve there by 25%). Where a position was measured at several n, the largest n wins: it fills the
 * chip as serving does. Between mean positions the time is linear in position.
 *
 * <p>The measured range is what the chunks cover: from the smallest p − t (the first query token of
 * the earliest chunk) to the largest p. Within it, beyond the outermost mean positions, the nearest
 * segment is extended without a flag (those positions were measured, inside a chunk). Outside it
 * the {@link Extrapolation} policy decides: an error, or the nearest segment extended linearly,
 * clamped at zero and flagged.
 */
public final class AttentionProfile {
  private final Phase phase;
  private final Variant variant;
  private final Set<Op> ops;
  private final List<MeasuredPoint> points;

  private AttentionProfile(Phase phase, Variant variant, Set<Op> ops, List<MeasuredPoint> points) {
    this.phase = phase;
    this.variant = variant;
    this.ops = Set.copyOf(ops);
    this.points = List.copyOf(points);
  }

  /**
   * Reads the ok points of one phase and variant, summing {@code ops} at each.
   *
   * @param translator moves each stage to the target GPU, or null to use times as measured
   * @throws IllegalArgumentException when no ok point has all of {@code ops}
   */
  public static AttentionProfile from(
      Results results,
      Phase phase,
      Variant variant,
      Set<Op> ops,
      WorkloadModel model,
      Translator translator) {
    List<PointResult> mine =
        results.points().stream()
            .filter(
                r ->
                    r.status() == PointStatus.OK
                        && r.phase() == phase
                        && r.variant() == variant
                        && ops.stream().allMatch(op -> r.stage(op).isPresent()))
            .toList();
    if (mine.isEmpty()) {
      throw new MissingStagesException(phase, variant, ops, "run '" + results.run().id() + "'");
    }
    return from(mine, phase, variant, ops, model, translator);
  }

  /**
   * The profile of {@code points} (ok points of one phase and variant, all holding {@code ops}).
   *
   * @throws IllegalArgumentException when none of them qualifies
   */
  public static AttentionProfile from(
      List<PointResult> points,
      Phase phase,
      Variant variant,
      Set<Op> ops,
      WorkloadModel model,
      Translator translator) {
    TreeMap<Integer, PointResult> best = new TreeMap<>();
    for (PointResult r : points) {
      if (r.status() != PointStatus.OK || r.phase() != phase || r.variant() != variant) {
        continue;
      }
      if (!ops.stream().allMatch(op -> r.stage(op).isPresent())) {
        continue;
      }
      PointResult had = best.get(r.position());
      if (had == null || r.tokens() > had.tokens()) {
        best.put(r.position(), r);
      }
    }
    if (best.isEmpty()) {
      throw new MissingStagesException(phase, variant, ops, null);
    }
    List<MeasuredPoint> pts = new ArrayList<>();
    for (PointResult r : best.values()) {
      SweepPoint sp = r.point();
      double src = 0;
      double dst = 0;
      List<Translation> ts = new ArrayList<>();
      for (Op op : ops.stream().sorted(Comparator.comparing(Op::ordinal)).toList()) {
        StageResult s = r.stage(op).orElseThrow();
        Translation t =
            translator == null
                ? new Translation(
                    op, Precision.of(op), null, s.medianSeconds(), 1.0, s.medianSeconds())
                : translator.translate(model.work(op, sp), Precision.of(op), s.medianSeconds());
        ts.add(t);
        src += s.medianSeconds();
        dst += t.targetSeconds();
      }
      pts.add(
          new MeasuredPoint(
              phase,
              variant,
              r.position(),
              r.tokens(),
              sp.tokensPerSeq(),
              sp.meanPosition(),
              src / r.tokens(),
              dst / r.tokens(),
              ts));
    }
    return of(phase, variant, ops, pts);
  }

  /** A profile from points already per token (for tests and hand-made what-ifs). */
  public static AttentionProfile of(
      Phase phase, Variant variant, Set<Op> ops, List<MeasuredPoint> points) {
    if (points.isEmpty()) {
      throw new BadInputException("points: a profile needs at least one measured point");
    }
    List<MeasuredPoint> sorted =
        points.stream().sorted(Comparator.comparingDouble(MeasuredPoint::meanPosition)).toList();
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).meanPosition() == sorted.get(i - 1).meanPosition()) {
        throw new BadInputException(
            "points: "
                + phase.id()
                + "/"
                + variant.id()
                + " has two points at mean position "
                + sorted.get(i).meanPosition()
                + " (p="
                + sorted.get(i - 1).position()
                + " and p="
                + sorted.get(i).position()
                + "); measure each position with one chunk size");
      }
    }
    return new AttentionProfile(phase, variant, ops, sorted);
  }

  public Phase phase() {
    return phase;
  }

  public Variant variant() {
    return variant;
  }

  public Set<Op> ops() {
    return ops;
  }

  /** The measured points, by mean position. */
  public List<MeasuredPoint> points() {
    return points;
  }

  /** The first position the measured chunks cover: the smallest p − t. */
  public int minPosition() {
    return points.stream().mapToInt(MeasuredPoint::coveredFrom).min().orElseThrow();
  }

  /** The last position the measured chunks cover: the largest p. */
  public int maxPosition() {
    return points.stream().mapToInt(MeasuredPoint::position).max().orElseThrow();
  }

  /**
   * Target seconds per token and layer at {@code position}.
   *
   * @throws IllegalArgumentException outside the measured range under {@link Extrapolation#ERROR},
   *     or when one measured point cannot be extended
   */
  public Interpolated at(double position, Extrapolation policy) {
    int n = points.size();
    double lo = minPosition();
    double hi = maxPosition();
    boolean inside = position >= lo && position <= hi;
    if (!inside && (policy == Extrapolation.ERROR || n == 1)) {
      throw new BadInputException(
          "position: "
              + fmt(position)
              + " is outside the measured range "
              + (int) lo
              + ".."
              + (int) hi
              + " of "
              + phase.id()
              + "/"
              + variant.id()
              + (n == 1 ? " (one measured point cannot be extended)" : " (extrapolation: error)"));
    }
    if (n == 1) {
      return new Interpolated(points.get(0).secondsPerToken(), false);
    }
    int i = segment(position);
    double v = line(i, position);
    return inside ? new Interpolated(v, false) : new Interpolated(Math.max(0, v), true);
  }

  /** The segment whose line gives the value at {@code x}: the nearest one outside the points. */
  private int segment(double x) {
    for (int i = 0; i < points.size() - 1; i++) {
      if (x <= points.get(i + 1).meanPosition()) {
        return i;
      }
    }
    return points.size() - 2;
  }

  private double line(int i, double x) {
    MeasuredPoint a = points.get(i);
    MeasuredPoint b = points.get(i + 1);
    double t = (x - a.meanPosition()) / (b.meanPosition() - a.meanPosition());
    return a.secondsPerToken() + t * (b.secondsPerToken() - a.secondsPerToken());
  }

  private static String fmt(double p) {
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
  }
}
