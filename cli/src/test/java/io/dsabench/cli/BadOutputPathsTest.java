package io.dsabench.cli;

import static io.dsabench.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that writes refuses an output path it cannot use before it does anything: exit 2
 * and one line naming the option, the path and what is wrong, never a stack trace.
 */
@Timeout(120)
class BadOutputPathsTest {
  /** Runs one command and checks the refusal; returns how many bad inputs it tried (1). */
  private static int refused(String expected, String... args) {
    CliRun r = run(args);
    String what = String.join(" ", args);
    assertThat(r.exit()).as(what + "\n" + r.err()).isEqualTo(2);
    assertThat(r.err()).as(what).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(r.err().strip().lines()).as(what).singleElement().asString().startsWith(expected);
    return 1;
  }

  @Test
  void badOutputPathsAreOneLineAndExitTwo(@TempDir Path tmp) throws Exception {
    Path results = CostCommandTest.syntheticResults(tmp, "cpu", "cpu");
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Path dirHtml = Files.createDirectories(tmp.resolve("page.html"));
    String locks = tmp.resolve("locks").toString();
    String f = file.toString();
    int tried = 0;
    List<String> bench =
        List.of(
            "bench", "--backend", "cpu", "--positions", "64", "--forks", "0", "--lock-dir", locks);
    List<String> reference =
        List.of(
            "reference",
            "--python",
            "/nonexistent/python3",
            "--positions",
            "1K",
            "--lock-dir",
            locks);
    for (List<String> command : List.of(bench, reference)) {
      tried +=
          refused(
              "dsabench: out: '"
                  + f
                  + "' is a file, not a directory; give a directory to write into",
              with(command, "--out", f));
      tried +=
          refused(
              "dsabench: out: '/proc/dsabench-out' cannot be created (",
              with(command, "--out", "/proc/dsabench-out"));
      tried +=
          refused(
              "dsabench: out: '" + f + "/sub' cannot be created (",
              with(command, "--out", f + "/sub"));
      // A folder where the results file should go.
      Path taken =
          Files.createDirectories(tmp.resolve("taken-" + command.get(0)).resolve("results.json"));
      tried +=
          refused(
              "dsabench: out: '"
                  + taken
                  + "' is a directory, not a file; give a file name to write",
              with(command, "--out", taken.getParent().toString()));
    }
    String r = results.toString();
    tried +=
        refused(
            "dsabench: out: '" + f + "' is a file, not a directory; give a directory to write into",
            "cost",
            "--results",
            r,
            "--format",
            "csv",
            "--out",
            f);
    tried +=
        refused(
            "dsabench: out: '/proc/dsabench-csv' cannot be created (",
            "cost",
            "--results",
            r,
            "--format",
            "csv",
            "--out",
            "/proc/dsabench-csv");
    tried +=
        refused(
            "dsabench: out: '/proc/x.html' cannot be written (",
            "report",
            "--results",
            r,
            "--out",
            "/proc/x.html");
    tried +=
        refused(
            "dsabench: out: '"
                + dirHtml
                + "' is a directory, not a file; give a file name to write",
            "report",
            "--results",
            r,
            "--out",
            dirHtml.toString());
    tried +=
        refused(
            "dsabench: out: '" + f + "/r.html' cannot be created (",
            "report",
            "--results",
            r,
            "--out",
            f + "/r.html");
    tried +=
        refused(
            "dsabench: out: '/proc/merged.json' cannot be written (",
            "merge",
            r,
            "--out",
            "/proc/merged.json");
    tried +=
        refused(
            "dsabench: out: '" + tmp + "' is a directory, not a file; give a file name to write",
            "merge",
            r,
            "--out",
            tmp.toString());
    tried +=
        refused(
            "dsabench: out: '/sys/merged.json' cannot be written (",
            "merge",
            r,
            "--out",
            "/sys/merged.json");
    assertThat(tried).isEqualTo(16);
    // Nothing was left behind: no probe files, no partial outputs.
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(".dsabench-write-test") || n.endsWith(".tmp"));
    }
  }

  private static String[] with(List<String> command, String... more) {
    List<String> a = new ArrayList<>(command);
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }
}
