package io.dsabench.costmodel.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A results file, schema {@value #SCHEMA}: one run and its measured points. Field names are a
 * contract other tools read (shared/DESIGN.md); SI base units throughout.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schema", "run", "points"})
public record Results(String schema, RunInfo run, List<PointResult> points) {
  public static final String SCHEMA = "dsabench.results/v1";

  public Results {
    if (!SCHEMA.equals(schema)) {
      throw new IllegalArgumentException("schema: '" + schema + "' is not " + SCHEMA);
    }
    if (run == null) {
      throw new IllegalArgumentException("run: missing");
    }
    points = points == null ? List.of() : List.copyOf(points);
  }

  public Results(RunInfo run, List<PointResult> points) {
    this(SCHEMA, run, points);
  }

  /** A copy with one more point (results are flushed after every point). */
  public Results with(PointResult point) {
    var all = new java.util.ArrayList<>(points);
    all.add(point);
    return new Results(schema, run, all);
  }
}
