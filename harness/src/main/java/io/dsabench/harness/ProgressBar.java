package io.dsabench.harness;

import io.dsabench.harness.stats.Durations;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.SweepPoint;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress with an ETA on stderr: a bar redrawn in place on a terminal, one plain line per point
 * otherwise (CI logs, pipes), so that logs stay readable. The ETA is elapsed time per finished
 * point times the points left.
 */
public final class ProgressBar implements SweepListener {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private volatile String current = "";

  public ProgressBar(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** On stderr; a terminal when the JVM has a console. */
  public static ProgressBar stderr() {
    // On Java 17 a null console means no terminal (Java 22 returns one always; isTerminal says).
    @SuppressWarnings("SystemConsoleNull")
    boolean terminal = System.console() != null;
    return new ProgressBar(System.err, terminal);
  }

  @Override
  public void sweepStarted(Results results, int total) {
    out.printf(
        Locale.ROOT,
        "dsabench: %d points on %s (%s), results in progress%n",
        total,
        results.run().device() == null ? "?" : results.run().device().name(),
        results.run().backend());
  }

  @Override
  public void pointStarted(SweepPoint point, int gpu) {
    current = point.key() + (gpu >= 0 ? " on GPU " + gpu : "");
    if (terminal) {
      out.print("\r\033[K  measuring " + current);
      out.flush();
    }
  }

  @Override
  public synchronized void pointFinished(PointResult r, int done, int total, double seconds) {
    double elapsed = (System.nanoTime() - start) * 1e-9;
    double eta = done == 0 ? 0 : elapsed / done * (total - done);
    String what;
    if (r.status() == PointStatus.OK) {
      StageResult t = r.stage(Op.TOTAL).orElse(r.stages().get(r.stages().size() - 1));
      what = "ok " + Durations.seconds(t.medianSeconds());
      what += stageTimes(r);
    } else {
      what = r.status().id() + ": " + r.reason();
    }
    String line =
        String.format(
            Locale.ROOT,
            "[%s] %d/%d  %s  %s  (%.1fs, ETA %s)",
            bar(done, total),
            done,
            total,
            r.point().key(),
            what,
            seconds,
            clock(eta));
    if (terminal) {
      out.print("\r\033[K" + line + "\n");
    } else {
      out.println(line);
    }
    out.flush();
  }

  @Override
  public synchronized void restFinished(RestResult r, int done, int total, double seconds) {
    double elapsed = (System.nanoTime() - start) * 1e-9;
    double eta = done == 0 ? 0 : elapsed / done * (total - done);
    String line =
        String.format(
            Locale.ROOT,
            "[%s] %d/%d  %s  %s  (%.1fs, ETA %s)",
            bar(done, total),
            done,
            total,
            restKey(r),
            r.status() == PointStatus.OK ? "ok" : r.status().id() + ": " + r.reason(),
            seconds,
            clock(eta));
    StringBuilder b = new StringBuilder(terminal ? "\r\033[K" : "").append(line);
    for (StageResult s : r.stages()) {
      b.append(System.lineSeparator()).append("    ").append(restStage(s));
    }
    out.println(b);
    out.flush();
  }

  /** "rest decode 256 tokens EP144 (2 experts x 1024 rows, uniform)". */
  public static String restKey(RestResult r) {
    return String.format(
        Locale.ROOT,
        "rest %s %d tokens EP%d (%d experts x %d rows, %s)",
        r.phase().id(),
        r.tokens(),
        r.expertParallel(),
        r.expertsPerGpu(),
        r.rowsPerExpert(),
        r.routing());
  }

  /** "moe_experts 1.204 ms 612.3 TFLOP/s 1.52 TB/s": a component's time and rates. */
  public static String restStage(StageResult s) {
    return String.format(
        Locale.ROOT,
        "%-20s %10s  %8.1f TFLOP/s  %6.2f TB/s",
        s.op().id(),
        Durations.seconds(s.medianSeconds()),
        s.flopsPerSecond() / 1e12,
        s.bytesPerSecond() / 1e12);
  }

  @Override
  public void sweepFinished(Results results) {
    double elapsed = (System.nanoTime() - start) * 1e-9;
    long ok =
        results.points().stream().filter(p -> p.status() == PointStatus.OK).count()
            + results.restPoints().stream().filter(p -> p.status() == PointStatus.OK).count();
    int all = results.points().size() + results.restPoints().size();
    out.printf(
        Locale.ROOT,
        "dsabench: %d points (%d ok, %d not) in %s%n",
        all,
        ok,
        all - ok,
        clock(elapsed));
  }

  /**
   * "; indexer 1.204 ms, topk 310.20 us, sparse_decode 4.101 ms": every stage's median in the
   * sweep's order, after the point's end-to-end time, which is measured on its own and so need not
   * be their sum.
   */
  static String stageTimes(PointResult r) {
    StringBuilder b = new StringBuilder();
    for (StageResult s : r.stages()) {
      if (s.op() == Op.TOTAL) {
        continue;
      }
      b.append(b.length() == 0 ? " total; " : ", ")
          .append(s.op().id())
          .append(' ')
          .append(Durations.seconds(s.medianSeconds()));
    }
    return b.toString();
  }

  static String bar(int done, int total) {
    int filled = total == 0 ? WIDTH : (int) Math.round((double) WIDTH * done / total);
    return "#".repeat(filled) + ".".repeat(WIDTH - filled);
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
