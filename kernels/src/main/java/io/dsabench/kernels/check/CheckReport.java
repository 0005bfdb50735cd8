package io.dsabench.kernels.check;

import java.util.List;
import java.util.Locale;

/**
 * Every case of one {@code dsabench check} run.
 *
 * @param backend the backend under test
 * @param reference what it was compared with ({@code naive-float64} or a backend name)
 */
public record CheckReport(String backend, String reference, long seed, List<CaseResult> cases) {
  public CheckReport {
    if (backend == null || backend.isBlank()) {
      throw new IllegalArgumentException("backend: must not be blank");
    }
    if (reference == null || reference.isBlank()) {
      throw new IllegalArgumentException("reference: must not be blank");
    }
    cases = List.copyOf(cases);
  }

  public long passed() {
    return cases.stream().filter(CaseResult::passed).count();
  }

  public long failed() {
    return cases.size() - passed();
  }

  public boolean allPassed() {
    return failed() == 0;
  }

  /** A fixed-width table, one line per case, with a header. */
  public String table() {
    int opWidth = "op".length();
    int shapeWidth = "shape".length();
    for (CaseResult c : cases) {
      opWidth = Math.max(opWidth, c.op().length());
      shapeWidth = Math.max(shapeWidth, c.shape().length());
    }
    String row = "%-" + opWidth + "s  %-" + shapeWidth + "s  %9s  %9s  %-6s %s%n";
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, row, "op", "shape", "error", "limit", "result", "reason"));
    for (CaseResult c : cases) {
      s.append(
          String.format(
              Locale.ROOT,
              row,
              c.op(),
              c.shape(),
              String.format(Locale.ROOT, "%.2e", c.error()),
              String.format(Locale.ROOT, "%.2e", c.limit()),
              c.passed() ? "pass" : "FAIL",
              c.reason() == null ? "" : c.reason()));
    }
    return s.toString();
  }

  /** {@code check: 42 passed, 0 failed}. */
  public String summary() {
    return "check: " + passed() + " passed, " + failed() + " failed";
  }
}
