package io.dsabench.costmodel.cost;

import io.dsabench.model.BadInputException;
import java.util.List;

/**
 * One of Figure 3's curves, sampled at increasing positions. Between samples it is linear, as the
 * paper's are (its vertices are joined by straight lines).
 */
public record CostCurve(Curve curve, double usdPerGpuHour, List<CurvePoint> points) {
  public CostCurve {
    points = List.copyOf(points);
    if (points.size() < 2) {
      throw new BadInputException("points: a curve needs at least two positions");
    }
    for (int i = 1; i < points.size(); i++) {
      if (points.get(i).position() <= points.get(i - 1).position()) {
        throw new BadInputException(
            "points: positions must increase, "
                + points.get(i).position()
                + " follows "
                + points.get(i - 1).position());
      }
    }
  }

  public int minPosition() {
    return points.get(0).position();
  }

  public int maxPosition() {
    return points.get(points.size() - 1).position();
  }

  /** True when any point was extrapolated. */
  public boolean anyExtrapolated() {
    return points.stream().anyMatch(CurvePoint::extrapolated);
  }

  /**
   * True when a sample that bounds any part of [from, to] was extrapolated, i.e. a value read off
   * the curve in that range rests on attention outside the measured positions.
   */
  public boolean extrapolatedBetween(double from, double to) {
    for (int i = 0; i < points.size(); i++) {
      CurvePoint a = points.get(i);
      double next = i + 1 < points.size() ? points.get(i + 1).position() : a.position();
      double prev = i > 0 ? points.get(i - 1).position() : a.position();
      if (a.extrapolated() && prev < to && next > from) {
        return true;
      }
    }
    return false;
  }

  /**
   * GPU-seconds per token at {@code position}, linear between samples.
   *
   * @throws IllegalArgumentException outside the curve's range
   */
  public double gpuSecondsAt(double position) {
    check(position);
    int i = segment(position);
    CurvePoint a = points.get(i);
    CurvePoint b = points.get(i + 1);
    double t = (position - a.position()) / (b.position() - a.position());
    return a.gpuSecondsPerToken() + t * (b.gpuSecondsPerToken() - a.gpuSecondsPerToken());
  }

  /** USD per million tokens at {@code position}, linear between samples. */
  public double usdPerMillionAt(double position) {
    return CostModel.usdPerMillionTokens(usdPerGpuHour, gpuSecondsAt(position));
  }

  /**
   * GPU-seconds for all tokens at positions in [from, to): the integral of the piecewise-linear
   * curve (exact; a token at p costs gpuSecondsAt(p)).
   */
  public double gpuSecondsBetween(double from, double to) {
    if (to < from) {
      throw new BadInputException("range: " + from + ".." + to + " is reversed");
    }
    check(from);
    check(to);
    double sum = 0;
    for (int i = 0; i < points.size() - 1; i++) {
      double a = Math.max(from, points.get(i).position());
      double b = Math.min(to, points.get(i + 1).position());
      if (b > a) {
        sum += (b - a) * (gpuSecondsAt(a) + gpuSecondsAt(b)) / 2;
      }
    }
    return sum;
  }

  private void check(double position) {
    if (!(position >= minPosition() && position <= maxPosition())) {
      throw new BadInputException(
          "position: "
              + position
              + " is outside "
              + curve.id()
              + "'s range "
              + minPosition()
              + ".."
              + maxPosition());
    }
  }

  private int segment(double position) {
    int lo = 0;
    int hi = points.size() - 1;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (points.get(mid).position() <= position) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
