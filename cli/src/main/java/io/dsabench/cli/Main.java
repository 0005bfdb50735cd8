package io.dsabench.cli;

import io.dsabench.kernels.Backends;
import io.dsabench.model.BadInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dsabench}: the one command. Exit codes: 0 ok, 1 regression or failed check, 2 bad input
 * (the message names the field, the value and the rule).
 *
 * <p>Bad input is a {@link BadInputException} (or a picocli parse error); every other exception
 * that leaves a command is a bug in dsabench and exits 1, on one line, with the stack trace behind
 * {@code --verbose}. A NumberFormatException deep in the code is therefore a bug, not bad input.
 */
@Command(
    name = "dsabench",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Measures what DeepSeek Sparse Attention saves, per token position, in USD.",
    subcommands = {
      BenchCommand.class,
      CheckCommand.class,
      CompareCommand.class,
      CostCommand.class,
      ReportCommand.class,
      ServeCommand.class,
      MergeCommand.class,
      ReferenceCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  /** Exit code for success. */
  public static final int OK = 0;

  /** Exit code for a regression or a failed check. */
  public static final int FAILED = 1;

  /** Exit code for bad input. */
  public static final int BAD_INPUT = 2;

  static {
    // The harness, fleet and dashboard log through System.Logger, which is java.util.logging
    // here: one line per record, like the rest of dsabench's stderr, with the trace below it when
    // one is logged. A -D given on the command line wins.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "dsabench: %4$s: %5$s%6$s%n");
    }
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "on an error, print the stack trace and the full reasons as well")
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (tests call this instead of main). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line, with dsabench's exit-code rules. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(e -> e instanceof BadInputException ? BAD_INPUT : FAILED);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          // One line, like every other refusal: the problem, then where the options are listed.
          PrintWriter err = ex.getCommandLine().getErr();
          err.println(
              "dsabench: "
                  + ex.getMessage()
                  + " ('"
                  + ex.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help' lists the options)");
          return BAD_INPUT;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parseResult) -> exit(ex, c.getErr(), verbose(parseResult)));
    return cl;
  }

  /**
   * What a command that threw {@code ex} prints and exits with: bad input is its message alone and
   * exit 2; anything else is a bug or a fault, one line and exit 1, the stack trace only with
   * {@code --verbose}.
   */
  static int exit(Exception ex, PrintWriter err, boolean verbose) {
    if (ex instanceof BadInputException) {
      err.println("dsabench: " + ex.getMessage());
      return BAD_INPUT;
    }
    err.println(
        "dsabench: "
            + Backends.firstLine(String.valueOf(ex))
            + (verbose ? "" : " (--verbose prints the stack trace)"));
    if (verbose) {
      ex.printStackTrace(err);
    }
    return FAILED;
  }

  /** Whether {@code --verbose} was given, anywhere on the command line. */
  static boolean verbose(CommandLine.Model.CommandSpec spec) {
    return verbose(spec.root().commandLine().getParseResult());
  }

  private static boolean verbose(CommandLine.ParseResult result) {
    for (CommandLine.ParseResult r = result; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** Version from the jar manifest, else "development build". */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"dsabench " + (v == null ? "(development build)" : v)};
    }
  }
}
