package io.dsabench.model.workload;

import io.dsabench.model.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * The batch one GPU runs the rest of a layer at: {@code tokens} of its own, and the rows each of
 * its local experts multiplies after the all-to-all.
 *
 * <p>Each of a GPU's tokens goes to {@code activeExperts} experts, and with every GPU sending as
 * many as it receives, a GPU's {@code expertsPerGpu} experts multiply {@code tokens ·
 * activeExperts} rows in all: {@code rowsPerExpert = ceil(tokens · activeExperts / expertsPerGpu)}
 * each under {@code uniform} routing. {@code skewed} routing keeps that total and puts 2× the mean
 * on the first (hottest) expert, spreading the rest evenly over the others (the hottest expert of a
 * step bounds the grouped GEMM's time); with one local expert there is nothing to skew and the
 * batch is the uniform one, with two the other expert gets no rows at all.
 *
 * @param phase the phase whose deployment set the batch
 * @param tokens tokens the GPU processes per step
 * @param expertParallel the EP degree
 * @param expertsPerGpu routed experts the GPU holds
 * @param rowsPerExpert mean rows per local expert
 * @param routing {@code uniform} or {@code skewed}
 * @param expertRows rows of each local expert (size {@code expertsPerGpu})
 */
public record RestBatch(
    Phase phase,
    int tokens,
    int expertParallel,
    int expertsPerGpu,
    int rowsPerExpert,
    String routing,
    List<Integer> expertRows) {
  public static final String UNIFORM = "uniform";
  public static final String SKEWED = "skewed";

  /** The routings a batch can be drawn with. */
  public static final List<String> ROUTINGS = List.of(UNIFORM, SKEWED);

  /** True for one of {@link #ROUTINGS}. */
  public static boolean isRouting(String routing) {
    return routing != null && ROUTINGS.contains(routing);
  }

  /** Refuses a routing that is not one of {@link #ROUTINGS}, naming {@code field}. */
  public static void requireRouting(String field, String routing) {
    if (!isRouting(routing)) {
      throw new BadInputException(field + ": '" + routing + "' is not one of uniform, skewed");
    }
  }

  public RestBatch {
    if (phase == null) {
      throw new BadInputException("phase: null is not one of prefill, decode");
    }
    positive("tokens", tokens);
    positive("expertParallel", expertParallel);
    positive("expertsPerGpu", expertsPerGpu);
    positive("rowsPerExpert", rowsPerExpert);
    requireRouting("routing", routing);
    expertRows = List.copyOf(expertRows);
    if (expertRows.size() != expertsPerGpu) {
      throw new BadInputException(
          "expertRows: "
              + expertRows.size()
              + " entries, not one per local expert "
              + expertsPerGpu);
    }
    long total = expertRows.stream().mapToLong(Integer::longValue).sum();
    if (expertRows.stream().anyMatch(r -> r < 0) || total == 0) {
      throw new BadInputException("expertRows: " + expertRows + " is not a split of rows >= 0");
    }
  }

  /**
   * The batch of {@code tokens} at expert parallelism {@code ep} with the given routing, for {@code
   * shape}'s experts.
   */
  public static RestBatch of(RestShape shape, Phase phase, int tokens, int ep, String routing) {
    positive("tokens", tokens);
    int experts = shape.expertsPerGpu(ep);
    long total = (long) tokens * shape.activeExperts();
    long mean = (total + experts - 1) / experts;
    if (mean > Integer.MAX_VALUE / 2) {
      throw new BadInputException(
          "tokens: " + tokens + " gives " + mean + " rows per expert, more than a GEMM here holds");
    }
    int r = (int) mean;
    List<Integer> rows = new ArrayList<>();
    if (SKEWED.equals(routing) && experts > 1) {
      long rest = (long) r * experts - 2L * r;
      rows.add(2 * r);
      for (int e = 1; e < experts; e++) {
        // The remainder goes one row each to the first of the cooler experts.
        rows.add((int) (rest / (experts - 1) + (e - 1 < rest % (experts - 1) ? 1 : 0)));
      }
    } else {
      for (int e = 0; e < experts; e++) {
        rows.add(r);
      }
    }
    return new RestBatch(phase, tokens, ep, experts, r, routing, rows);
  }

  /** Rows all local experts multiply together. */
  public int routedRows() {
    return expertRows.stream().mapToInt(Integer::intValue).sum();
  }

  private static void positive(String field, int v) {
    if (v <= 0) {
      throw new BadInputException(field + ": " + v + " is not a positive count");
    }
  }
}
