package io.dsabench.harness.rest;

import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.RestBatch;
import io.dsabench.model.workload.RestShape;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What {@code bench --phases rest} measures: for each phase, the rest of a layer at that phase's
 * deployment batch (tokens per GPU, EP degree), under each routing asked for.
 *
 * @param phases phases whose deployment sets a batch, in order, no duplicates
 * @param tokens tokens per GPU per step of each phase
 * @param expertParallel EP degree of each phase
 * @param routings {@code uniform}, {@code skewed} or both, in order
 * @param shape the layer's shapes ({@link RestShape#DEEPSEEK_V3_2}; {@link RestShape#TINY} for
 *     tests of the pure-Java backend)
 */
public record RestSpec(
    List<Phase> phases,
    Map<Phase, Integer> tokens,
    Map<Phase, Integer> expertParallel,
    List<String> routings,
    RestShape shape) {
  public RestSpec {
    if (shape == null) {
      throw new BadInputException("rest-shape: null is not a shape");
    }
    if (phases == null || phases.isEmpty()) {
      throw new BadInputException("rest phases: empty; give at least one");
    }
    if (new LinkedHashSet<>(phases).size() != phases.size()) {
      throw new BadInputException("rest phases: " + phases + " names a phase twice");
    }
    phases = List.copyOf(phases);
    tokens = counts("rest-tokens", phases, tokens);
    expertParallel = counts("rest-ep", phases, expertParallel);
    if (routings == null || routings.isEmpty()) {
      throw new BadInputException("rest-routing: empty; give uniform, skewed or both");
    }
    for (String r : routings) {
      if (!RestBatch.isRouting(r)) {
        throw new BadInputException(
            "rest-routing: '" + r + "' is not one of uniform, skewed, both");
      }
    }
    routings = List.copyOf(new LinkedHashSet<>(routings));
  }

  /** DeepSeek-V3.2's shapes. */
  public RestSpec(
      List<Phase> phases,
      Map<Phase, Integer> tokens,
      Map<Phase, Integer> expertParallel,
      List<String> routings) {
    this(phases, tokens, expertParallel, routings, RestShape.DEEPSEEK_V3_2);
  }

  /** Points this spec measures: phases × routings. */
  public int size() {
    return phases.size() * routings.size();
  }

  private static Map<Phase, Integer> counts(
      String option, List<Phase> phases, Map<Phase, Integer> given) {
    if (given == null) {
      throw new BadInputException(option + ": missing");
    }
    Map<Phase, Integer> out = new EnumMap<>(Phase.class);
    for (Phase ph : phases) {
      Integer n = given.get(ph);
      if (n == null) {
        throw new BadInputException(option + ": no value for phase " + ph.id());
      }
      if (n <= 0) {
        throw new BadInputException(
            option + ": " + n + " is not a positive count (" + ph.id() + ")");
      }
      out.put(ph, n);
    }
    return Map.copyOf(out);
  }
}
