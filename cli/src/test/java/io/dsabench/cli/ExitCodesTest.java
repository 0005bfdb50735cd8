package io.dsabench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.model.BadInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Exit 2 is for bad input, by type; anything else that escapes a command is a bug: exit 1. */
class ExitCodesTest {
  @Test
  void badInputIsItsMessageAloneAndExitTwo() {
    StringWriter err = new StringWriter();
    int exit =
        Main.exit(
            new BadInputException("positions: -4 is not a positive token count"),
            new PrintWriter(err, true),
            false);
    assertThat(exit).isEqualTo(Main.BAD_INPUT);
    assertThat(err.toString())
        .isEqualTo(
            "dsabench: positions: -4 is not a positive token count" + System.lineSeparator());
  }

  @Test
  void anIllegalArgumentFromDeepInTheCodeIsABugOnOneLine() {
    // A NumberFormatException is an IllegalArgumentException, but no rule of ours refused the
    // input: it is a bug, so exit 1, with the trace only behind --verbose.
    StringWriter err = new StringWriter();
    int exit =
        Main.exit(
            new NumberFormatException("For input string: \"x\""),
            new PrintWriter(err, true),
            false);
    assertThat(exit).isEqualTo(Main.FAILED);
    assertThat(err.toString().lines().toList())
        .containsExactly(
            "dsabench: java.lang.NumberFormatException: For input string: \"x\" (--verbose prints"
                + " the stack trace)");
  }

  @Test
  void verbosePrintsTheTrace() {
    StringWriter err = new StringWriter();
    int exit = Main.exit(new IllegalStateException("broken"), new PrintWriter(err, true), true);
    assertThat(exit).isEqualTo(Main.FAILED);
    assertThat(err.toString())
        .startsWith("dsabench: java.lang.IllegalStateException: broken" + System.lineSeparator())
        .contains("\tat io.dsabench.cli.ExitCodesTest.verbosePrintsTheTrace");
  }

  @Test
  void aBadFlagValueFromTheCommandLineIsStillExitTwo() {
    CliRun r = CliRun.run("bench", "--backend", "gpu");
    assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).startsWith("dsabench: backend: 'gpu' is not one of auto, ");
  }
}
