package io.dsabench.kernels.check;

import io.dsabench.kernels.Backend;
import io.dsabench.kernels.Mla;
import io.dsabench.kernels.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The correctness check behind {@code dsabench check}: every op of a backend under test against a
 * reference on the same fresh random inputs (never zeros), at shapes that hit the edges: one token,
 * one key, sizes that are no multiple of any tile, positions just below, at and above the top-k
 * size 2048, batches of 1 and 3, one or two tokens per sequence, bf16 and fp8.
 *
 * <p>Pass criteria: attention outputs and indexer logits within relative L2 error {@link
 * #REL_L2_LIMIT} of the reference, with -Infinity logits exactly where the reference has them and
 * no NaN anywhere (outputs are pre-filled with NaN, so an unwritten element fails too). Top-k is
 * checked as a set against the logits: every index visible and distinct, min(visible, k) of them,
 * -1 in the other slots, and no unchosen logit above a chosen one (ties allowed). The pipeline
 * {@code indexer_topk} runs the indexer and then top-k on the buffer the indexer wrote: its logits
 * pass as the indexer's do, and its indices as top-k's against those downloaded logits (not the
 * reference's, whose near-ties may order differently).
 *
 * <p>The rest of a layer: FP8 GEMM outputs (bf16) and the activation's dequantized fp8 output
 * within relative L2 {@link #REL_L2_LIMIT}; the router's experts equal to the reference's as a set
 * per row, except experts whose biased score (or whose group's score) lies within {@link
 * #ROUTER_SCORE_TOLERANCE} of the cut, and their weights within {@link #ROUTER_WEIGHT_LIMIT}.
 *
 * <p>The reference is the float64 {@link NaiveReference} when checking the cpu backend, and the cpu
 * backend when checking any other.
 */
public final class KernelCheck {
  /** Largest relative L2 error that passes for bf16 attention outputs and indexer logits. */
  public static final double REL_L2_LIMIT = 1e-2;

  /** Top-k tolerance, relative to the largest finite logit of the row. */
  public static final double TOPK_TOLERANCE = 1e-6;

  /** Router: a biased score this close to the cut may fall on either side of it. */
  public static final double ROUTER_SCORE_TOLERANCE = 1e-6;

  /** Router: largest absolute difference of a chosen expert's weight. */
  public static final double ROUTER_WEIGHT_LIMIT = 1e-5;

  private final Oracle reference;

  private KernelCheck(Oracle reference) {
    this.reference = reference;
  }

  /** Checks against the float64 formulas: what {@code dsabench check --backend cpu} does. */
  public static KernelCheck againstNaive() {
    return new KernelCheck(new NaiveOracle());
  }

  /** Checks against another backend (the cpu backend, for cuda); the caller keeps it open. */
  public static KernelCheck against(Backend reference) {
    return new KernelCheck(new BackendOracle(reference));
  }

  /**
   * Runs {@link #standardCases()} on {@code underTest}: against {@link NaiveReference} for the cpu
   * backend, else against a cpu backend opened and closed here.
   */
  public static CheckReport standard(Backend underTest, long seed) {
    if (CpuBackend.NAME.equals(underTest.name())) {
      return againstNaive().run(underTest, seed, standardCases());
    }
    try (CpuBackend cpu = new CpuBackend()) {
      return against(cpu).run(underTest, seed, standardCases());
    }
  }

  /**
   * The cases {@code dsabench check} runs: about 55, sized to finish in well under a minute for the
   * cpu backend against the float64 reference on 2 cores.
   */
  public static List<CheckCase> standardCases() {
    List<CheckCase> cases = new ArrayList<>();
    int[][] prefill = {{1, 1}, {3, 77}, {77, 77}, {130, 130}, {2, 1000}, {3, 2049}, {1, 5000}};
    for (int[] s : prefill) {
      cases.add(new CheckCase(CheckOp.DENSE_PREFILL, 1, s[0], s[1], 0, false));
    }
    int[][] decode = {
      {1, 1, 1}, {3, 2, 77}, {1, 1, 1000}, {1, 1, 2048}, {1, 2, 2049}, {1, 1, 5000}
    };
    for (int[] s : decode) {
      cases.add(new CheckCase(CheckOp.DENSE_DECODE, s[0], s[1], s[2], 0, false));
    }
    int[][] indexer = {
      {1, 1, 1}, {3, 2, 77}, {1, 130, 1000}, {1, 3, 2049}, {3, 1, 5000}, {1, 2, 2048}
    };
    for (boolean fp8 : new boolean[] {false, true}) {
      for (int[] s : indexer) {
        cases.add(new CheckCase(CheckOp.INDEXER, s[0], s[1], s[2], 0, fp8));
      }
    }
    int[][] topk = {
      {1, 1, 1, 2048},
      {3, 2, 77, 2048},
      {1, 1, 2047, 2048},
      {1, 2, 2048, 2048},
      {1, 130, 2049, 2048},
      {3, 2, 5000, 2048},
      {1, 3, 1000, 16}
    };
    for (int[] s : topk) {
      cases.add(new CheckCase(CheckOp.TOPK, s[0], s[1], s[2], s[3], false));
    }
    cases.addAll(indexerTopKCases());
    for (boolean fp8 : new boolean[] {false, true}) {
      cases.add(new CheckCase(CheckOp.SPARSE_PREFILL, 1, 3, 77, 2048, fp8));
      cases.add(new CheckCase(CheckOp.SPARSE_PREFILL, 1, 2, 5000, 2048, fp8));
      cases.add(new CheckCase(CheckOp.SPARSE_DECODE, 1, 1, 1, 2048, fp8));
      cases.add(new CheckCase(CheckOp.SPARSE_DECODE, 3, 1, 1000, 2048, fp8));
      cases.add(new CheckCase(CheckOp.SPARSE_DECODE, fp8 ? 1 : 3, fp8 ? 2 : 1, 2049, 2048, fp8));
    }
    // The rest of a layer: one row, odd rows, rows past a 128-row tile, an empty expert, n not a
    // multiple of 128, one k block and several.
    cases.add(CheckCase.fp8Gemm(List.of(1), 64, 128));
    cases.add(CheckCase.fp8Gemm(List.of(77), 192, 384));
    cases.add(CheckCase.fp8Gemm(List.of(3, 0, 5, 1), 128, 256));
    cases.add(CheckCase.fp8Gemm(List.of(0, 130, 17), 320, 512));
    cases.add(CheckCase.fp8Gemm(List.of(200), 512, 1024));
    cases.add(CheckCase.swiGluQuant(1, 128));
    cases.add(CheckCase.swiGluQuant(3, 256));
    cases.add(CheckCase.swiGluQuant(130, 2048));
    cases.add(CheckCase.router(1, 128));
    cases.add(CheckCase.router(130, 256));
    cases.add(CheckCase.router(5, 7168));
    return List.copyOf(cases);
  }

  /**
   * Decode shapes of the pipeline indexer → top-k, fp8 as V3.2 serves, each row seeing well over k
   * keys so that the selection is real: one and two tokens per sequence (the first of two sees 8999
   * keys, a last group of maxima that is partial), an odd batch, and a k below 2048. Sized for the
   * float64 reference: the three add about 10% to the cpu backend's check.
   */
  static List<CheckCase> indexerTopKCases() {
    return List.of(
        new CheckCase(CheckOp.INDEXER_TOPK, 4, 1, 20000, 2048, true),
        new CheckCase(CheckOp.INDEXER_TOPK, 3, 2, 9000, 2048, true),
        new CheckCase(CheckOp.INDEXER_TOPK, 2, 1, 5000, 512, true));
  }

  /**
   * One small case per op and format, for test suites that run on every backend (seconds against
   * the float64 reference).
   */
  public static List<CheckCase> quickCases() {
    return List.of(
        new CheckCase(CheckOp.DENSE_PREFILL, 1, 5, 77, 0, false),
        new CheckCase(CheckOp.DENSE_DECODE, 3, 2, 130, 0, false),
        new CheckCase(CheckOp.INDEXER, 3, 2, 77, 0, false),
        new CheckCase(CheckOp.INDEXER, 1, 3, 130, 0, true),
        new CheckCase(CheckOp.TOPK, 1, 3, 2100, 2048, false),
        new CheckCase(CheckOp.TOPK, 3, 2, 77, 16, false),
        new CheckCase(CheckOp.INDEXER_TOPK, 2, 1, 5000, 512, true),
        new CheckCase(CheckOp.SPARSE_PREFILL, 1, 3, 77, 64, false),
        new CheckCase(CheckOp.SPARSE_DECODE, 3, 1, 300, 128, true),
        CheckCase.fp8Gemm(List.of(3, 0, 4), 64, 256),
        CheckCase.swiGluQuant(3, 256),
        CheckCase.router(5, 256));
  }

  /**
   * Runs {@code cases} on {@code underTest}; a case that throws fails with the exception's text.
   */
  public CheckReport run(Backend underTest, long seed, List<CheckCase> cases) {
    Oracle tested = new BackendOracle(underTest);
    List<CaseResult> results = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      CheckCase c = cases.get(i);
      Inputs in = Inputs.generate(c, seed * 1_000_003L + i);
      CaseResult r;
      try {
        r = check(c, in, tested);
      } catch (RuntimeException e) {
        double limit =
            switch (c.op()) {
              case TOPK -> 0;
              case ROUTER -> ROUTER_WEIGHT_LIMIT;
              default -> REL_L2_LIMIT;
            };
        r = new CaseResult(c.op().label(), c.shape(), Double.NaN, limit, false, e.toString());
      }
      results.add(r);
    }
    return new CheckReport(underTest.name(), reference.name(), seed, results);
  }

  private CaseResult check(CheckCase c, Inputs in, Oracle tested) {
    if (c.op() == CheckOp.TOPK) {
      int[] got = tested.topK(c, in);
      return checkTopK(c, in.logits(), got);
    }
    if (c.op() == CheckOp.INDEXER_TOPK) {
      return checkIndexerTopK(c, tested.indexerTopK(c, in), reference.indexerTopK(c, in));
    }
    if (c.op() == CheckOp.ROUTER) {
      return checkRouter(c, in, tested.router(c, in), reference.router(c, in));
    }
    double[] got = tested.values(c, in);
    double[] want = reference.values(c, in);
    return compare(c, got, want);
  }

  /**
   * The pipeline's two outputs: the logits against the reference's as {@link #compare} judges the
   * indexer's, then the indices as {@link #checkTopK} judges top-k's, against the logits the tested
   * side produced. Passing, it reports the logits' error; failing, the first failure, its reason
   * prefixed with {@code logits: } or {@code indices: }.
   */
  static CaseResult checkIndexerTopK(CheckCase c, Oracle.IndexerTopK got, Oracle.IndexerTopK want) {
    CaseResult logits = compare(c, got.logits(), want.logits());
    if (!logits.passed()) {
      return fail(c, logits.error(), logits.limit(), "logits: " + logits.reason());
    }
    float[] held = new float[got.logits().length];
    for (int i = 0; i < held.length; i++) {
      held[i] = (float) got.logits()[i];
    }
    CaseResult indices = checkTopK(c, held, got.indices());
    if (!indices.passed()) {
      return fail(c, indices.error(), indices.limit(), "indices: " + indices.reason());
    }
    return logits;
  }

  /** Relative L2 error over the finite entries; NaN and mismatched infinities fail outright. */
  static CaseResult compare(CheckCase c, double[] got, double[] want) {
    String op = c.op().label();
    if (got.length < want.length) {
      return fail(c, Double.NaN, REL_L2_LIMIT, got.length + " values, expected " + want.length);
    }
    double num = 0;
    double den = 0;
    for (int i = 0; i < want.length; i++) {
      double g = got[i];
      double w = want[i];
      if (Double.isNaN(w)) {
        return fail(c, Double.NaN, REL_L2_LIMIT, "reference NaN at " + where(c, i));
      }
      if (Double.isNaN(g)) {
        return fail(c, Double.NaN, REL_L2_LIMIT, "NaN (unwritten?) at " + where(c, i));
      }
      if (Double.isInfinite(w) || Double.isInfinite(g)) {
        if (g != w) {
          return fail(c, Double.NaN, REL_L2_LIMIT, where(c, i) + " is " + g + ", expected " + w);
        }
        continue;
      }
      num += (g - w) * (g - w);
      den += w * w;
    }
    double error = den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    if (error <= REL_L2_LIMIT) {
      return new CaseResult(op, c.shape(), error, REL_L2_LIMIT, true, null);
    }
    return fail(c, error, REL_L2_LIMIT, "relative L2 error above the limit");
  }

  /**
   * Checks top-k indices as a set against the logits they were chosen from: each index visible and
   * distinct, min(visible, k) of them, -1 elsewhere, no unchosen logit above a chosen one by more
   * than {@link #TOPK_TOLERANCE} of the row's largest magnitude.
   */
  public static CaseResult checkTopK(CheckCase c, float[] logits, int[] got) {
    int k = c.k();
    int p = c.position();
    double worst = 0;
    double limit = 0;
    for (int r = 0; r < c.rows(); r++) {
      int visible = NaiveReference.visible(p, c.tokensPerSeq(), r % c.tokensPerSeq());
      int expected = Math.min(visible, k);
      BitSet chosen = new BitSet(visible);
      int count = 0;
      float minChosen = Float.POSITIVE_INFINITY;
      float scale = 0;
      for (int s = 0; s < visible; s++) {
        scale = Math.max(scale, Math.abs(logits[r * p + s]));
      }
      for (int i = 0; i < k; i++) {
        int idx = got[r * k + i];
        if (idx == -1) {
          continue;
        }
        if (idx < 0 || idx >= visible) {
          String what = idx == BackendOracle.UNWRITTEN ? "an unwritten slot" : "index " + idx;
          return fail(
              c,
              Double.NaN,
              0,
              "row "
                  + r
                  + ", slot "
                  + i
                  + ": "
                  + what
                  + " is not -1 or a visible key 0.."
                  + (visible - 1));
        }
        if (chosen.get(idx)) {
          return fail(c, Double.NaN, 0, "row " + r + ": index " + idx + " chosen twice");
        }
        chosen.set(idx);
        count++;
        minChosen = Math.min(minChosen, logits[r * p + idx]);
      }
      if (count != expected) {
        return fail(c, Double.NaN, 0, "row " + r + ": " + count + " indices, expected " + expected);
      }
      float maxUnchosen = Float.NEGATIVE_INFINITY;
      for (int s = chosen.nextClearBit(0); s < visible; s = chosen.nextClearBit(s + 1)) {
        maxUnchosen = Math.max(maxUnchosen, logits[r * p + s]);
      }
      double tolerance = TOPK_TOLERANCE * scale;
      limit = Math.max(limit, tolerance);
      double gap = (double) maxUnchosen - minChosen;
      if (gap > tolerance) {
        return fail(
            c,
            gap,
            tolerance,
            "row " + r + ": unchosen logit " + maxUnchosen + " above chosen " + minChosen);
      }
      worst = Math.max(worst, gap);
    }
    return new CaseResult(c.op().label(), c.shape(), worst, limit, true, null);
  }

  /**
   * Checks a router's choice against the reference's: per row, {@code topK} distinct experts in
   * range, the same set as the reference's except for experts whose biased score {@code s + bias}
   * lies within {@link #ROUTER_SCORE_TOLERANCE} of the reference's last chosen one or whose group's
   * rating lies within it of the last kept group's (float64 scores from the inputs decide, not
   * either side's); where the sets agree, each weight within {@link #ROUTER_WEIGHT_LIMIT}.
   */
  static CaseResult checkRouter(CheckCase c, Inputs in, Oracle.Routing got, Oracle.Routing want) {
    int m = c.batch();
    int e = CheckCase.ROUTER_EXPERTS;
    int topK = CheckCase.ROUTER_TOP_K;
    int per = e / CheckCase.ROUTER_GROUPS;
    double[] s = NaiveReference.routerScores(in.a(), in.b(), m, c.position(), e);
    double worst = 0;
    for (int r = 0; r < m; r++) {
      double[] biased = new double[e];
      for (int x = 0; x < e; x++) {
        biased[x] = s[r * e + x] + in.bias()[x];
      }
      double[] groupRating = new double[CheckCase.ROUTER_GROUPS];
      for (int g = 0; g < groupRating.length; g++) {
        double[] v = java.util.Arrays.copyOfRange(biased, g * per, (g + 1) * per);
        java.util.Arrays.sort(v);
        groupRating[g] = v[per - 1] + v[per - 2];
      }
      double[] sortedRatings = groupRating.clone();
      java.util.Arrays.sort(sortedRatings);
      double groupCut = sortedRatings[sortedRatings.length - CheckCase.ROUTER_TOP_GROUPS];
      BitSet mine = new BitSet(e);
      BitSet theirs = new BitSet(e);
      double cut = Double.POSITIVE_INFINITY;
      for (int i = 0; i < topK; i++) {
        int x = got.indices()[r * topK + i];
        if (x < 0 || x >= e) {
          String what = x == BackendOracle.UNWRITTEN ? "an unwritten slot" : "expert " + x;
          return fail(
              c,
              Double.NaN,
              ROUTER_WEIGHT_LIMIT,
              "row " + r + ", slot " + i + ": " + what + " is not an expert 0.." + (e - 1));
        }
        if (mine.get(x)) {
          return fail(
              c, Double.NaN, ROUTER_WEIGHT_LIMIT, "row " + r + ": expert " + x + " chosen twice");
        }
        mine.set(x);
        int y = want.indices()[r * topK + i];
        theirs.set(y);
        cut = Math.min(cut, biased[y]);
      }
      if (!mine.equals(theirs)) {
        BitSet differ = (BitSet) mine.clone();
        differ.xor(theirs);
        for (int x = differ.nextSetBit(0); x >= 0; x = differ.nextSetBit(x + 1)) {
          boolean nearCut = Math.abs(biased[x] - cut) <= ROUTER_SCORE_TOLERANCE;
          boolean groupNearCut =
              Math.abs(groupRating[x / per] - groupCut) <= ROUTER_SCORE_TOLERANCE;
          if (!nearCut && !groupNearCut) {
            return fail(
                c,
                Double.NaN,
                ROUTER_WEIGHT_LIMIT,
                "row "
                    + r
                    + ": expert "
                    + x
                    + (mine.get(x) ? " chosen" : " not chosen")
                    + ", its score "
                    + biased[x]
                    + " is not within "
                    + ROUTER_SCORE_TOLERANCE
                    + " of the cut "
                    + cut);
          }
        }
        continue;
      }
      for (int i = 0; i < topK; i++) {
        int x = got.indices()[r * topK + i];
        float w = got.weights()[r * topK + i];
        float ref = Float.NaN;
        for (int j = 0; j < topK; j++) {
          if (want.indices()[r * topK + j] == x) {
            ref = want.weights()[r * topK + j];
          }
        }
        double d = Math.abs((double) w - ref);
        if (!(d <= ROUTER_WEIGHT_LIMIT)) {
          return fail(
              c,
              d,
              ROUTER_WEIGHT_LIMIT,
              "row " + r + ": expert " + x + "'s weight " + w + ", expected " + ref);
        }
        worst = Math.max(worst, d);
      }
    }
    return new CaseResult(c.op().label(), c.shape(), worst, ROUTER_WEIGHT_LIMIT, true, null);
  }

  private static CaseResult fail(CheckCase c, double error, double limit, String reason) {
    return new CaseResult(c.op().label(), c.shape(), error, limit, false, reason);
  }

  /** "row 3, element 17" of an output laid out per query row. */
  private static String where(CheckCase c, int i) {
    int perRow = width(c);
    return "row " + i / perRow + ", element " + i % perRow;
  }

  private static int width(CheckCase c) {
    return switch (c.op()) {
      case DENSE_PREFILL -> Mla.HEADS * Mla.V_DIM;
      case INDEXER, INDEXER_TOPK, FP8_GEMM, SWIGLU_QUANT -> c.position();
      default -> Mla.HEADS * Mla.LATENT_DIM;
    };
  }
}
