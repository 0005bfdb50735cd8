package io.dsabench.cli;

import io.dsabench.kernels.Backends;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dsabench}: the one command. Exit codes: 0 ok, 1 regression or failed check, 2 bad input
 * (the message names the field, the value and the rule).
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
    cl.setExitCodeExceptionMapper(e -> e instanceof IllegalArgumentException ? BAD_INPUT : FAILED);
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
        (ex, c, parseResult) -> {
          PrintWriter err = c.getErr();
          if (ex instanceof IllegalArgumentException) {
            err.println("dsabench: " + ex.getMessage());
            return BAD_INPUT;
          }
          // Not bad input: a fault. One line by default, the trace with --verbose.
          boolean verbose = verbose(parseResult);
          err.println(
              "dsabench: "
                  + Backends.firstLine(String.valueOf(ex))
                  + (verbose ? "" : " (--verbose prints the stack trace)"));
          if (verbose) {
            ex.printStackTrace(err);
          }
          return FAILED;
        });
    return cl;
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
