package io.dsabench.model.results;

import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Several results files priced together: a full sweep and a DSA-only decode run with two tokens per
 * sequence, say. Each series (a phase and a variant; for decode, also the tokens per sequence)
 * comes from the one file that holds ok points of it. Two files holding the same series are a
 * conflict, refused by name: the cost model never picks between two measurements of one thing.
 * Decode series of different tokens per sequence are different measurements (one MTP draft token or
 * none), so one file may hold decode/dsa at 1 and another at 2; {@link #series} picks the one the
 * deployment serves.
 */
public final class MeasurementSet {
  /**
   * One results file and what it is called in messages.
   *
   * @param label the file as the user named it
   * @param results its contents
   */
  public record Source(String label, Results results) {
    public Source {
      if (label == null || label.isBlank() || results == null) {
        throw new BadInputException("results: a source needs a label and its results");
      }
    }
  }

  /**
   * The ok points of one series, from one file.
   *
   * @param source the file
   * @param phase prefill or decode
   * @param variant dense or dsa
   * @param tokensPerSeq decode: the query tokens per sequence of every point; prefill: 0 (each
   *     chunk is one sequence)
   * @param points the ok points, in file order
   */
  public record Series(
      Source source, Phase phase, Variant variant, int tokensPerSeq, List<PointResult> points) {
    public Series {
      points = List.copyOf(points);
    }

    /** {@code decode/dsa at 2 tokens per sequence}, {@code prefill/dense}. */
    public String name() {
      return name(phase, variant, tokensPerSeq);
    }

    static String name(Phase phase, Variant variant, int tokensPerSeq) {
      return phase.id()
          + "/"
          + variant.id()
          + (phase == Phase.DECODE
              ? " at " + tokensPerSeq + " token" + (tokensPerSeq == 1 ? "" : "s") + " per sequence"
              : "");
    }
  }

  private final List<Source> sources;
  private final Map<String, Series> series;

  private MeasurementSet(List<Source> sources, Map<String, Series> series) {
    this.sources = List.copyOf(sources);
    this.series = series;
  }

  /** One file. */
  public static MeasurementSet of(Results results) {
    return of(List.of(new Source("run '" + results.run().id() + "'", results)));
  }

  /**
   * Several files.
   *
   * @throws IllegalArgumentException when there is none, or two hold the same series ("results:
   *     decode/dsa at 2 tokens per sequence is in both A (run X) and B (run Y); ...")
   */
  public static MeasurementSet of(List<Source> sources) {
    if (sources == null || sources.isEmpty()) {
      throw new BadInputException("results: no results file given");
    }
    Map<String, Series> found = new LinkedHashMap<>();
    for (Source s : sources) {
      Map<String, List<PointResult>> mine = new LinkedHashMap<>();
      Map<String, PointResult> firsts = new LinkedHashMap<>();
      for (PointResult p : s.results().points()) {
        if (p.status() != PointStatus.OK) {
          continue;
        }
        int t = p.phase() == Phase.DECODE ? p.point().tokensPerSeq() : 0;
        String key = Series.name(p.phase(), p.variant(), t);
        mine.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        firsts.putIfAbsent(key, p);
      }
      for (var e : mine.entrySet()) {
        Series had = found.get(e.getKey());
        if (had != null) {
          throw new BadInputException(
              "results: "
                  + e.getKey()
                  + " is in both "
                  + describe(had.source())
                  + " and "
                  + describe(s)
                  + "; each (phase, variant) is taken from one file, so pass only one of them");
        }
        PointResult first = firsts.get(e.getKey());
        int t = first.phase() == Phase.DECODE ? first.point().tokensPerSeq() : 0;
        found.put(e.getKey(), new Series(s, first.phase(), first.variant(), t, e.getValue()));
      }
    }
    return new MeasurementSet(sources, found);
  }

  private static String describe(Source s) {
    String run = "run '" + s.results().run().id() + "'";
    return s.label().equals(run) ? run : s.label() + " (" + run + ")";
  }

  /** The files, in the order given. */
  public List<Source> sources() {
    return sources;
  }

  /** Every series found, in the order found. */
  public List<Series> series() {
    return List.copyOf(series.values());
  }

  /**
   * The series of {@code phase} and {@code variant} whose points all hold {@code ops}: for decode,
   * the one at {@code decodeTokensPerSeq} tokens per sequence when there is one, else the nearest
   * (the larger on a tie). Points lacking one of {@code ops} are left out.
   */
  public Optional<Series> series(
      Phase phase, Variant variant, Set<Op> ops, int decodeTokensPerSeq) {
    List<Series> candidates = new ArrayList<>();
    for (Series s : series.values()) {
      if (s.phase() != phase || s.variant() != variant) {
        continue;
      }
      List<PointResult> pts =
          s.points().stream()
              .filter(p -> ops.stream().allMatch(op -> p.stage(op).isPresent()))
              .toList();
      if (!pts.isEmpty()) {
        candidates.add(new Series(s.source(), phase, variant, s.tokensPerSeq(), pts));
      }
    }
    return candidates.stream()
        .min(
            Comparator.comparingInt((Series s) -> Math.abs(s.tokensPerSeq() - decodeTokensPerSeq))
                .thenComparing(Comparator.comparingInt(Series::tokensPerSeq).reversed()));
  }

  /** The run ids of the files, comma-separated, for messages. */
  public String runIds() {
    return String.join(
        ", ", sources.stream().map(s -> "'" + s.results().run().id() + "'").toList());
  }
}
