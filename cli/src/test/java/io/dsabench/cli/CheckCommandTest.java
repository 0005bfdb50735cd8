package io.dsabench.cli;

import static io.dsabench.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code dsabench check} end to end on the cpu backend, and its bad-input path. */
class CheckCommandTest {
  @Test
  @Timeout(180)
  void cpuCheckPassesAndPrintsTheSummary() {
    long start = System.nanoTime();
    CliRun r = run("check", "--backend", "cpu");
    assertEquals(0, r.exit(), r.out() + r.err());
    Matcher m = Pattern.compile("(?m)^check: (\\d+) passed, 0 failed$").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertTrue(Integer.parseInt(m.group(1)) >= 40, "cases: " + m.group(1));
    assertTrue(r.out().contains("sparse_decode"), r.out());
    System.out.println(
        "dsabench check --backend cpu: "
            + Duration.ofNanos(System.nanoTime() - start).toMillis()
            + " ms");
  }

  @Test
  void unknownBackendIsBadInput() {
    CliRun r = run("check", "--backend", "tpu");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("backend: 'tpu' is not one of auto, cuda, cpu"), r.err() + r.out());
  }

  @Test
  void cudaThatCannotStartExitsOneSayingWhy() {
    boolean cudaOpens;
    try (io.dsabench.kernels.Backend b = io.dsabench.kernels.Backends.open("cuda")) {
      cudaOpens = b != null;
    } catch (Exception | LinkageError e) {
      cudaOpens = false;
    }
    org.junit.jupiter.api.Assumptions.assumeFalse(cudaOpens, "a GPU is here");
    CliRun r = run("check", "--backend", "cuda");
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.err().startsWith("cuda unavailable: "), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void unavailableMessageIsNotDoubled() {
    assertEquals("cuda unavailable: no GPU", CheckCommand.unavailable("no GPU"));
    assertEquals("cuda unavailable: no GPU", CheckCommand.unavailable("cuda unavailable: no GPU"));
    assertEquals(
        "cuda unavailable: no driver", CheckCommand.unavailable("no driver\nStack trace:\n  at x"));
  }
}
