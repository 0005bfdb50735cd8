package io.dsabench.costmodel.capacity;

import io.dsabench.model.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * A distribution of token lengths (prompts or outputs), reduced to a finite weighted support for
 * exact expectations.
 */
public sealed interface LengthDistribution
    permits LengthDistribution.Empirical, LengthDistribution.LogNormal {

  /** The support: lengths with weights summing to 1. */
  List<WeightedLength> support();

  /** The largest length the distribution can produce. */
  int max();

  /** The mean length over {@link #support()}. */
  default double mean() {
    return support().stream().mapToDouble(w -> w.length() * w.weight()).sum();
  }

  /** Given (length, weight) pairs, e.g. from a traffic log. */
  record Empirical(List<WeightedLength> lengths) implements LengthDistribution {
    public Empirical {
      if (lengths == null || lengths.isEmpty()) {
        throw new BadInputException("lengths: an empirical distribution needs one or more");
      }
      lengths = List.copyOf(lengths);
    }

    @Override
    public List<WeightedLength> support() {
      double sum = lengths.stream().mapToDouble(WeightedLength::weight).sum();
      return lengths.stream().map(w -> new WeightedLength(w.length(), w.weight() / sum)).toList();
    }

    @Override
    public int max() {
      return lengths.stream().mapToInt(WeightedLength::length).max().orElseThrow();
    }
  }

  /**
   * Log-normal lengths: ln(length) ~ Normal(ln(median), sigma²), truncated to ±4 sigma and
   * renormalised (keeps 99.994% of the mass), rounded to whole tokens and capped to [1, max] (mass
   * above max lands on max). Discretised on {@value #GRID} points evenly spaced in ln(length),
   * weighted by the normal density.
   *
   * @param median e^mu, tokens
   * @param sigma standard deviation of ln(length)
   * @param max cap, tokens
   */
  record LogNormal(double median, double sigma, int max) implements LengthDistribution {
    /** Discretisation points. */
    public static final int GRID = 241;

    public LogNormal {
      if (!(median >= 1) || !Double.isFinite(median)) {
        throw new BadInputException("median: " + median + " is not a length >= 1 token");
      }
      if (!(sigma >= 0) || !Double.isFinite(sigma)) {
        throw new BadInputException("sigma: " + sigma + " is not a number >= 0");
      }
      if (max < median) {
        throw new BadInputException("max: " + max + " is below the median " + median);
      }
    }

    @Override
    public List<WeightedLength> support() {
      if (sigma == 0) {
        return List.of(new WeightedLength((int) Math.round(median), 1.0));
      }
      List<WeightedLength> raw = new ArrayList<>();
      double mu = Math.log(median);
      for (int i = 0; i < GRID; i++) {
        double z = -4 + 8.0 * i / (GRID - 1);
        double len = Math.exp(mu + sigma * z);
        int l = (int) Math.max(1, Math.min(max, Math.round(len)));
        raw.add(new WeightedLength(l, Math.exp(-z * z / 2)));
      }
      return new Empirical(raw).support();
    }
  }
}
