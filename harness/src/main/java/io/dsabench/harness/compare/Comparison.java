package io.dsabench.harness.compare;

import static io.dsabench.harness.stats.Durations.seconds;

import io.dsabench.harness.RunExtra;
import io.dsabench.harness.Shard;
import io.dsabench.harness.SweepSpec;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The verdict between a base and a new results file, stage by stage at every point the two share.
 * Build one with {@link #of}; {@link #table()} is what {@code dsabench compare} prints.
 */
public final class Comparison {
  /**
   * One row: a stage of a point (or the point itself when it was lost, gained or unmatched).
   *
   * @param point key like {@code decode/dsa/p=131072/n=64}
   * @param op the stage, or null for a whole-point row
   * @param baseSeconds base median, NaN when there is none
   * @param newSeconds new median, NaN when there is none
   * @param change relative change of the median, NaN when there is none
   * @param verdict the rule's verdict
   * @param note why, for rows that are not a plain timing comparison
   */
  public record Row(
      String point,
      Op op,
      double baseSeconds,
      double newSeconds,
      double change,
      Verdict verdict,
      String note) {}

  private final List<Row> rows;
  private final List<String> warnings;
  private final CompareRule rule;

  private Comparison(List<Row> rows, List<String> warnings, CompareRule rule) {
    this.rows = List.copyOf(rows);
    this.warnings = List.copyOf(warnings);
    this.rule = rule;
  }

  /**
   * How strict a comparison is.
   *
   * @param allowDifferentDevices compare runs measured on two GPU (or CPU) models, with a warning,
   *     instead of refusing them ({@code --allow-different-devices})
   * @param absentIsLost a point that the new run's declared sweep (its shard of it) holds but its
   *     file lacks is {@link Verdict#LOST}: the sweep was interrupted; off only for a sweep still
   *     running (the dashboard's live runs)
   */
  public record Options(boolean allowDifferentDevices, boolean absentIsLost) {
    /** Same device model, and a point the new run declared but lacks fails. */
    public static final Options DEFAULT = new Options(false, true);

    public Options withAllowDifferentDevices(boolean v) {
      return new Options(v, absentIsLost);
    }

    public Options withAbsentIsLost(boolean v) {
      return new Options(allowDifferentDevices, v);
    }
  }

  /** Compares two runs with {@link Options#DEFAULT}. */
  public static Comparison of(Results base, Results now, CompareRule rule) {
    return of(base, now, rule, Options.DEFAULT);
  }

  /**
   * Compares two runs. Decode points of runs whose sweeps split decode tokens into sequences
   * differently ({@code decodeTokensPerSeq}) are not paired: they come out unmatched, with a
   * warning.
   *
   * @throws IllegalArgumentException when the runs are from different backends (a cpu run against a
   *     cuda run says nothing about regressions), or from different device models unless {@code
   *     options} allow it
   */
  public static Comparison of(Results base, Results now, CompareRule rule, Options options) {
    if (!Objects.equals(base.run().backend(), now.run().backend())) {
      throw new BadInputException(differentBackends(base.run().backend(), now.run().backend()));
    }
    List<String> warnings = new ArrayList<>();
    String bd = base.run().device() == null ? null : base.run().device().name();
    String nd = now.run().device() == null ? null : now.run().device().name();
    if (!Objects.equals(bd, nd)) {
      if (!options.allowDifferentDevices() && bd != null && nd != null) {
        throw new BadInputException(differentDevices(bd, nd));
      }
      warnings.add("devices differ: base ran on " + bd + ", new on " + nd);
    }
    // A decode point's key names its total tokens, not how they split into sequences: n tokens as
    // n sequences of 1 and as n/2 sequences of 2 share a key but not a workload, so never pair
    // them.
    int basePerSeq = decodeTokensPerSeq(base);
    int newPerSeq = decodeTokensPerSeq(now);
    String perSeqNote = null;
    if (basePerSeq != newPerSeq) {
      perSeqNote =
          "decode tokens per sequence differ: base "
              + basePerSeq
              + ", new "
              + newPerSeq
              + " (run.extra.sweep decodeTokensPerSeq); decode points not compared";
      warnings.add(perSeqNote);
    }
    Map<String, PointResult> baseByKey = byKey(base);
    Map<String, PointResult> newByKey = byKey(now);
    List<Row> rows = new ArrayList<>();
    for (var e : baseByKey.entrySet()) {
      String key = e.getKey();
      PointResult b = e.getValue();
      PointResult n = newByKey.get(key);
      if (n == null) {
        rows.add(pointRow(key, Verdict.UNMATCHED, "only in base"));
        continue;
      }
      if (perSeqNote != null && b.phase() == Phase.DECODE) {
        rows.add(pointRow(key, Verdict.UNMATCHED, perSeqNote));
        continue;
      }
      boolean bOk = b.status() == PointStatus.OK;
      boolean nOk = n.status() == PointStatus.OK;
      if (bOk && !nOk) {
        rows.add(pointRow(key, Verdict.LOST, "new run " + n.status().id() + ": " + n.reason()));
      } else if (!bOk && nOk) {
        rows.add(pointRow(key, Verdict.GAINED, "base run " + b.status().id() + ": " + b.reason()));
      } else if (!bOk) {
        rows.add(pointRow(key, Verdict.UNMATCHED, "not ok in either run"));
      } else {
        for (StageResult bs : b.stages()) {
          var ns = n.stage(bs.op());
          if (ns.isEmpty()) {
            rows.add(
                new Row(
                    key,
                    bs.op(),
                    bs.medianSeconds(),
                    Double.NaN,
                    Double.NaN,
                    Verdict.UNMATCHED,
                    "stage only in base"));
            continue;
          }
          StageResult s = ns.get();
          rows.add(
              new Row(
                  key,
                  bs.op(),
                  bs.medianSeconds(),
                  s.medianSeconds(),
                  CompareRule.change(bs, s),
                  rule.judge(bs, s),
                  ""));
        }
      }
    }
    for (String key : newByKey.keySet()) {
      if (!baseByKey.containsKey(key)) {
        rows.add(pointRow(key, Verdict.UNMATCHED, "only in new"));
      }
    }
    if (options.absentIsLost()) {
      // An interrupted sweep's file holds fewer points than it declared: what it lacks is lost,
      // whether or not the base has it, as merge lists what no shard holds.
      String why = absentNote(now);
      Set<String> lost = new HashSet<>();
      for (String key : declaredKeys(now)) {
        if (!newByKey.containsKey(key) && lost.add(key)) {
          rows.removeIf(r -> r.point().equals(key));
          rows.add(pointRow(key, Verdict.LOST, why));
        }
      }
    }
    // Verdicts sort in their declared order (worst first).
    rows.sort(Comparator.comparing((Row r) -> r.verdict()));
    return new Comparison(rows, warnings, rule);
  }

  /** The refusal of two backends, as {@code compare} and {@code bench} print it. */
  public static String differentBackends(String base, String now) {
    return "backend: base run is '"
        + base
        + "' and new run is '"
        + now
        + "'; compare runs of the same backend";
  }

  /** The refusal of two device models, as {@code compare} and {@code bench} print it. */
  public static String differentDevices(String base, String now) {
    return "device: base run is on '"
        + base
        + "' and new run on '"
        + now
        + "'; compare runs of the same GPU model (--allow-different-devices to compare anyway)";
  }

  /**
   * The keys of the points a run declared it would measure: its sweep ({@code run.extra.sweep}),
   * its shard of it ({@code run.extra.shard}); none when it declared no sweep (an older or foreign
   * file).
   */
  public static List<String> declaredKeys(Results r) {
    Map<String, String> extra = r.run().extra();
    String sweep = extra == null ? null : extra.get(RunExtra.SWEEP);
    if (sweep == null) {
      return List.of();
    }
    String shard = extra.get(RunExtra.SHARD);
    List<SweepPoint> points = SweepSpec.parseCanonical(sweep).points();
    return (shard == null ? Shard.ALL : Shard.parse(shard))
        .select(points).stream().map(SweepPoint::key).toList();
  }

  private static String absentNote(Results now) {
    Map<String, String> extra = now.run().extra();
    String by = extra == null ? null : extra.get(RunExtra.INTERRUPTED);
    return "declared by the new run's sweep but not in its file ("
        + (by == null ? "interrupted sweep?" : "run interrupted: " + by)
        + ")";
  }

  private static Row pointRow(String key, Verdict v, String note) {
    return new Row(key, null, Double.NaN, Double.NaN, Double.NaN, v, note);
  }

  private static int decodeTokensPerSeq(Results r) {
    Map<String, String> extra = r.run().extra();
    return SweepSpec.decodeTokensPerSeqOf(extra == null ? null : extra.get(RunExtra.SWEEP));
  }

  private static Map<String, PointResult> byKey(Results r) {
    Map<String, PointResult> m = new LinkedHashMap<>();
    for (PointResult p : r.points()) {
      m.put(p.point().key(), p);
    }
    return m;
  }

  public List<Row> rows() {
    return rows;
  }

  public List<String> warnings() {
    return warnings;
  }

  /** Whether any row fails the run (a regression or a lost point). */
  public boolean regressed() {
    return rows.stream().anyMatch(r -> r.verdict().fails());
  }

  public long count(Verdict v) {
    return rows.stream().filter(r -> r.verdict() == v).count();
  }

  /** A fixed-width table, worst first, then a one-line summary. */
  public String table() {
    StringBuilder sb = new StringBuilder();
    for (String w : warnings) {
      sb.append("warning: ").append(w).append('\n');
    }
    String fmt = "%-11s %-30s %-15s %12s %12s %9s  %s%n";
    sb.append(
        String.format(Locale.ROOT, fmt, "verdict", "point", "stage", "base", "new", "change", ""));
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              fmt,
              r.verdict().id(),
              r.point(),
              r.op() == null ? "-" : r.op().id(),
              seconds(r.baseSeconds()),
              seconds(r.newSeconds()),
              Double.isNaN(r.change())
                  ? "-"
                  : String.format(Locale.ROOT, "%+.1f%%", 100 * r.change()),
              r.note()));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%d regression, %d lost, %d faster, %d ambiguous, %d same, %d gained, %d unmatched"
                + " (rule: |change| >= %.0f%% and p10-p90 intervals apart)%n",
            count(Verdict.REGRESSION),
            count(Verdict.LOST),
            count(Verdict.FASTER),
            count(Verdict.AMBIGUOUS),
            count(Verdict.SAME),
            count(Verdict.GAINED),
            count(Verdict.UNMATCHED),
            100 * rule.minEffect()));
    return sb.toString();
  }

  /** The one-line verdict, as the table's last line and the markdown's first say it. */
  public String verdictLine() {
    return String.format(
        Locale.ROOT,
        "%s: %d regression, %d lost, %d faster, %d ambiguous, %d same, %d gained, %d unmatched"
            + " (rule: |change| >= %.0f%% and p10-p90 intervals apart)",
        regressed() ? "REGRESSION" : "no regression",
        count(Verdict.REGRESSION),
        count(Verdict.LOST),
        count(Verdict.FASTER),
        count(Verdict.AMBIGUOUS),
        count(Verdict.SAME),
        count(Verdict.GAINED),
        count(Verdict.UNMATCHED),
        100 * rule.minEffect());
  }

  /**
   * GitHub-flavoured markdown for a pull request or a CI job summary: the verdict line, the
   * regressed and lost points, a compact table of every row that is not the same, and the full
   * table folded away.
   *
   * @param base how to name the baseline (a file and its run id)
   * @param now how to name the judged run
   */
  public String markdown(String base, String now) {
    StringBuilder sb = new StringBuilder();
    sb.append("### dsabench: ").append(verdictLine()).append("\n\n");
    sb.append("`").append(md(now)).append("` against `").append(md(base)).append("`\n\n");
    for (String w : warnings) {
      sb.append("> warning: ").append(md(w)).append("\n");
    }
    if (!warnings.isEmpty()) {
      sb.append('\n');
    }
    List<Row> failing = rows.stream().filter(r -> r.verdict().fails()).toList();
    if (!failing.isEmpty()) {
      sb.append("**Regressed or lost:**\n\n");
      for (Row r : failing) {
        sb.append("- ")
            .append(r.verdict().id())
            .append(" `")
            .append(r.point())
            .append(r.op() == null ? "" : " " + r.op().id())
            .append('`')
            .append(
                Double.isNaN(r.change())
                    ? ""
                    : String.format(
                        Locale.ROOT,
                        " %+.1f%% (%s → %s)",
                        100 * r.change(),
                        seconds(r.baseSeconds()),
                        seconds(r.newSeconds())))
            .append(r.note() == null || r.note().isEmpty() ? "" : " — " + md(r.note()))
            .append('\n');
      }
      sb.append('\n');
    }
    List<Row> changed = rows.stream().filter(r -> r.verdict() != Verdict.SAME).toList();
    if (!changed.isEmpty()) {
      sb.append("| verdict | point | stage | base | new | change |\n");
      sb.append("|---|---|---|---:|---:|---:|\n");
      changed.forEach(r -> markdownRow(sb, r));
      sb.append('\n');
    }
    sb.append("<details><summary>All ")
        .append(rows.size())
        .append(" rows</summary>\n\n")
        .append("| verdict | point | stage | base | new | change |\n")
        .append("|---|---|---|---:|---:|---:|\n");
    rows.forEach(r -> markdownRow(sb, r));
    sb.append("\n</details>\n");
    return sb.toString();
  }

  private static void markdownRow(StringBuilder sb, Row r) {
    sb.append("| ")
        .append(r.verdict().id())
        .append(" | ")
        .append(r.point())
        .append(" | ")
        .append(r.op() == null ? "-" : r.op().id())
        .append(" | ")
        .append(seconds(r.baseSeconds()))
        .append(" | ")
        .append(seconds(r.newSeconds()))
        .append(" | ")
        .append(
            Double.isNaN(r.change())
                ? "-"
                : String.format(Locale.ROOT, "%+.1f%%", 100 * r.change()))
        .append(" |\n");
  }

  /** Text safe inside a markdown table cell or code span. */
  private static String md(String s) {
    return s.replace("|", "\\|").replace("`", "'").replace("\n", " ");
  }
}
