package io.dsabench.harness.compare;

import io.dsabench.harness.RunExtra;
import io.dsabench.harness.SweepSpec;
import io.dsabench.harness.stats.Durations;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Our kernels against the reference implementations measured on the same GPU ({@code dsabench
 * compare OURS REF --reference}): per point and stage, our median over the reference's and both
 * throughputs from the same declared work. A comparison, not a verdict: nothing here fails a run.
 * Our dense prefill is set against both reference figures, cuDNN's marginal cost and its one-call
 * masked chunk.
 */
public final class ReferenceComparison {
  /**
   * One row.
   *
   * @param point key like {@code decode/dsa/p=131072/n=64}
   * @param op our stage
   * @param referenceOp the reference stage it is set against
   * @param oursSeconds our median
   * @param referenceSeconds the reference's median
   * @param oursRate our throughput: FLOP/s, or bytes/s for memory-bound stages (top-k, the decode
   *     indexer)
   * @param referenceRate the reference's, same unit
   * @param bytesRate whether the rates are bytes per second
   * @param implementation what the reference ran (library and function)
   */
  public record Row(
      String point,
      Op op,
      Op referenceOp,
      double oursSeconds,
      double referenceSeconds,
      double oursRate,
      double referenceRate,
      boolean bytesRate,
      String implementation) {
    /** Our time over the reference's: above 1, ours is slower. */
    public double timeRatio() {
      return oursSeconds / referenceSeconds;
    }

    /** Our speed as a fraction of the reference's (the issues' "0.85x" targets). */
    public double speed() {
      return referenceSeconds / oursSeconds;
    }
  }

  private final List<Row> rows;
  private final List<String> warnings;
  private final String oursId;
  private final String referenceId;

  private ReferenceComparison(
      List<Row> rows, List<String> warnings, String oursId, String referenceId) {
    this.rows = List.copyOf(rows);
    this.warnings = List.copyOf(warnings);
    this.oursId = oursId;
    this.referenceId = referenceId;
  }

  /**
   * Pairs the ok stages of the two runs at every point both hold.
   *
   * @throws IllegalArgumentException when {@code reference} is not a reference run
   */
  public static ReferenceComparison of(Results ours, Results reference) {
    if (!"reference".equals(reference.run().backend())) {
      throw new BadInputException(
          "reference: run '"
              + reference.run().id()
              + "' has backend '"
              + reference.run().backend()
              + "', not 'reference' (dsabench reference writes those)");
    }
    List<String> warnings = new ArrayList<>();
    String od = ours.run().device() == null ? null : ours.run().device().name();
    String rd = reference.run().device() == null ? null : reference.run().device().name();
    if (!Objects.equals(od, rd)) {
      warnings.add("devices differ: ours ran on " + od + ", the reference on " + rd);
    }
    int oursPerSeq = perSeq(ours);
    int refPerSeq = perSeq(reference);
    boolean decodeComparable = oursPerSeq == refPerSeq;
    if (!decodeComparable) {
      warnings.add(
          "decode tokens per sequence differ: ours "
              + oursPerSeq
              + ", reference "
              + refPerSeq
              + "; decode points not compared");
    }
    Map<String, PointResult> refByKey = new LinkedHashMap<>();
    for (PointResult p : reference.points()) {
      refByKey.put(p.point().key(), p);
    }
    List<Row> rows = new ArrayList<>();
    for (PointResult o : ours.points()) {
      PointResult r = refByKey.get(o.point().key());
      if (r == null || o.status() != PointStatus.OK || r.status() != PointStatus.OK) {
        continue;
      }
      if (o.phase() == Phase.DECODE && !decodeComparable) {
        continue;
      }
      for (StageResult s : o.stages()) {
        if (s.op() == Op.TOTAL) {
          continue;
        }
        r.stage(s.op()).ifPresent(ref -> rows.add(row(o, s, ref)));
        if (s.op() == Op.DENSE_PREFILL) {
          r.stage(Op.DENSE_PREFILL_MASKED).ifPresent(ref -> rows.add(row(o, s, ref)));
        }
      }
    }
    rows.sort(Comparator.comparingDouble(Row::timeRatio).reversed());
    return new ReferenceComparison(rows, warnings, ours.run().id(), reference.run().id());
  }

  private static Row row(PointResult point, StageResult ours, StageResult ref) {
    // Top-k has no FLOPs, and the decode indexer streams each sequence's key cache once: bytes/s
    // say how close either is to its bound.
    boolean bytes =
        ours.op() == Op.TOPK || (ours.op() == Op.INDEXER && point.phase() == Phase.DECODE);
    Map<String, String> impl = ref.implementation();
    String what =
        impl == null
            ? "?"
            : impl.getOrDefault("library", "?")
                + " "
                + impl.getOrDefault("function", "")
                + (impl.containsKey("label") ? " [" + impl.get("label") + "]" : "");
    return new Row(
        point.point().key(),
        ours.op(),
        ref.op(),
        ours.medianSeconds(),
        ref.medianSeconds(),
        bytes ? ours.bytesPerSecond() : ours.flopsPerSecond(),
        bytes ? ref.bytesPerSecond() : ref.flopsPerSecond(),
        bytes,
        what.trim());
  }

  private static int perSeq(Results r) {
    Map<String, String> extra = r.run().extra();
    return SweepSpec.decodeTokensPerSeqOf(extra == null ? null : extra.get(RunExtra.SWEEP));
  }

  public List<Row> rows() {
    return rows;
  }

  public List<String> warnings() {
    return warnings;
  }

  /** A fixed-width table, worst ratio first, and a summary line. */
  public String table() {
    StringBuilder sb = new StringBuilder();
    for (String w : warnings) {
      sb.append("warning: ").append(w).append('\n');
    }
    String fmt = "%-28s %-25s %11s %11s %7s %14s %14s %7s  %s%n";
    sb.append(
        String.format(
            Locale.ROOT,
            fmt,
            "point",
            "stage (vs reference)",
            "ours",
            "reference",
            "time",
            "ours rate",
            "ref rate",
            "speed",
            "reference implementation"));
    for (Row r : rows) {
      String stage =
          r.op() == r.referenceOp() ? r.op().id() : r.op().id() + " vs " + suffix(r.referenceOp());
      sb.append(
          String.format(
              Locale.ROOT,
              fmt,
              r.point(),
              stage,
              Durations.seconds(r.oursSeconds()),
              Durations.seconds(r.referenceSeconds()),
              String.format(Locale.ROOT, "%.2fx", r.timeRatio()),
              rate(r.oursRate(), r.bytesRate()),
              rate(r.referenceRate(), r.bytesRate()),
              String.format(Locale.ROOT, "%.2fx", r.speed()),
              r.implementation()));
    }
    if (rows.isEmpty()) {
      sb.append("no point and stage is ok in both runs\n");
    } else {
      double worst = rows.get(0).speed();
      double best = rows.get(rows.size() - 1).speed();
      sb.append(
          String.format(
              Locale.ROOT,
              "%d stage(s) compared (ours %s, reference %s): our speed %.2fx to %.2fx of the"
                  + " reference's; time = ours / reference, speed = reference / ours%n",
              rows.size(),
              oursId,
              referenceId,
              worst,
              best));
    }
    return sb.toString();
  }

  private static String suffix(Op op) {
    return op == Op.DENSE_PREFILL_MASKED ? "masked" : op.id();
  }

  /** TFLOP/s or TB/s, to three significant figures. */
  static String rate(double perSecond, boolean bytes) {
    return String.format(Locale.ROOT, "%.1f %s", perSecond / 1e12, bytes ? "TB/s" : "TFLOP/s");
  }
}
