package io.dsabench.reports;

import io.dsabench.model.BadInputException;
import io.dsabench.model.results.Results;
import io.dsabench.model.workload.Op;
import java.util.List;

/**
 * The reference run a report sets its kernels against, paired by the caller: the CLI asks the
 * harness's {@code ReferenceComparison} (what {@code dsabench compare --reference} prints) and
 * hands its rows in here, because reports depend on the cost model only. The report shows the pairs
 * as given and takes the reference's provenance (implementations, versions) from {@code run}.
 *
 * @param run the reference run ({@code run.backend = "reference"}); null when there is none
 * @param file where it was read from (shown in the provenance), or null
 * @param pairs our stages set against the reference's, one per (point, our stage, reference stage)
 * @param warnings what the pairing said (devices differ, decode points not comparable, ...)
 * @param absentReason why there is no reference, or null when there is one
 */
public record ReferenceInput(
    Results run, String file, List<Pair> pairs, List<String> warnings, String absentReason) {
  /**
   * One of our stages at one point against one reference stage (our dense prefill is set against
   * two: cuDNN's marginal cost and its one-call masked chunk).
   *
   * @param point the sweep point's key, e.g. {@code decode/dsa/p=131072/n=64}
   * @param op our stage
   * @param referenceOp the reference stage it is set against
   * @param referenceSeconds the reference's median
   * @param implementation what the reference ran (library and function)
   */
  public record Pair(
      String point, Op op, Op referenceOp, double referenceSeconds, String implementation) {
    public Pair {
      if (point == null || op == null || referenceOp == null) {
        throw new BadInputException("reference.pair: point, op and referenceOp are needed");
      }
      if (!(referenceSeconds > 0) || !Double.isFinite(referenceSeconds)) {
        throw new BadInputException(
            "reference.pair "
                + point
                + " "
                + op.id()
                + ": "
                + referenceSeconds
                + " is not a positive median");
      }
    }
  }

  public ReferenceInput {
    pairs = List.copyOf(pairs == null ? List.of() : pairs);
    warnings = List.copyOf(warnings == null ? List.of() : warnings);
    if ((run == null) == (absentReason == null)) {
      throw new BadInputException(
          "reference: give either a reference run or the reason there is none, not "
              + (run == null ? "neither" : "both"));
    }
    if (run != null && !"reference".equals(run.run().backend())) {
      throw new BadInputException(
          "reference: run '"
              + run.run().id()
              + "' has backend '"
              + run.run().backend()
              + "', not 'reference' (dsabench reference writes those)");
    }
  }

  /** A reference run, read from {@code file}, with the caller's pairing of it. */
  public static ReferenceInput of(
      Results run, String file, List<Pair> pairs, List<String> warnings) {
    return new ReferenceInput(run, file, pairs, warnings, null);
  }

  /** No reference run, for the reason given (the report says so where the column would be). */
  public static ReferenceInput none(String why) {
    if (why == null || why.isBlank()) {
      throw new BadInputException("reference.absentReason: must not be blank");
    }
    return new ReferenceInput(null, null, List.of(), List.of(), why);
  }
}
