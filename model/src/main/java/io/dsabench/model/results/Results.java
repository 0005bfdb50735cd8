package io.dsabench.model.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Phase;
import java.util.List;

/**
 * A results file, schema {@value #SCHEMA}: one run and its measured points. Field names are a
 * contract other tools read (README.md, "Benchmarking"); SI base units throughout.
 *
 * <p>Files written before points recorded {@code tokensPerSeq} still load: a prefill point's is its
 * chunk, a decode point's the {@code decodeTokensPerSeq} of the run's declared sweep ({@code
 * run.extra.sweep}), else 1 ({@link RunInfo#declaredDecodeTokensPerSeq()}).
 *
 * <p>{@code rest} (optional, absent when empty) holds the rest of the model measured at deployment
 * batches ({@link RestResult}); files without it load with none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schema", "run", "points", "rest"})
public record Results(String schema, RunInfo run, List<PointResult> points, List<RestResult> rest) {
  public static final String SCHEMA = "dsabench.results/v1";

  public Results {
    if (!SCHEMA.equals(schema)) {
      throw new BadInputException("schema: '" + schema + "' is not " + SCHEMA);
    }
    if (run == null) {
      throw new BadInputException("run: missing");
    }
    points = points == null ? List.of() : List.copyOf(points);
    rest = rest == null || rest.isEmpty() ? null : List.copyOf(rest);
    if (points.stream().anyMatch(p -> p.tokensPerSeq() == null)) {
      int decode = run.declaredDecodeTokensPerSeq();
      points =
          points.stream()
              .map(
                  p -> {
                    if (p.tokensPerSeq() != null) {
                      return p;
                    }
                    try {
                      return p.withTokensPerSeq(p.phase() == Phase.PREFILL ? p.tokens() : decode);
                    } catch (IllegalArgumentException e) {
                      throw new BadInputException(
                          "point "
                              + p.point().key()
                              + ": run.extra.sweep declares decodeTokensPerSeq "
                              + decode
                              + ", which it breaks: "
                              + e.getMessage(),
                          e);
                    }
                  })
              .toList();
    }
  }

  public Results(RunInfo run, List<PointResult> points) {
    this(SCHEMA, run, points, null);
  }

  /** A results file without rest-of-model points. */
  public Results(String schema, RunInfo run, List<PointResult> points) {
    this(schema, run, points, null);
  }

  /** The rest-of-model points, empty when the run measured none. */
  public List<RestResult> restPoints() {
    return rest == null ? List.of() : rest;
  }

  /** A copy with one more rest-of-model point. */
  public Results with(RestResult point) {
    var all = new java.util.ArrayList<>(restPoints());
    all.add(point);
    return new Results(schema, run, points, all);
  }

  /** A copy with one more point (results are flushed after every point). */
  public Results with(PointResult point) {
    var all = new java.util.ArrayList<>(points);
    all.add(point);
    return new Results(schema, run, all, rest);
  }
}
