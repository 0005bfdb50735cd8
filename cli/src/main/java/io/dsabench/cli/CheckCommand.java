package io.dsabench.cli;

import io.dsabench.kernels.Backend;
import io.dsabench.kernels.BackendUnavailableException;
import io.dsabench.kernels.Backends;
import io.dsabench.kernels.check.CheckReport;
import io.dsabench.kernels.check.KernelCheck;
import io.dsabench.model.BadInputException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dsabench check}: runs {@link KernelCheck}'s cases on a backend, prints one line per case
 * and {@code check: N passed, M failed}. Exit 0 when all pass, 1 when any fails or the backend
 * cannot start, 2 for bad input.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description =
        "Checks every kernel of a backend against the cpu reference on fresh random inputs"
            + " (the cpu backend itself against float64 formulas).")
final class CheckCommand implements Callable<Integer> {
  private static final List<String> CHOICES = List.of("auto", "cuda", "cpu");

  @Spec CommandSpec spec;

  @Option(
      names = "--backend",
      defaultValue = "auto",
      description = "cuda, cpu, or auto (cuda when it can start here, else cpu). Default: auto.")
  String backend;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the random inputs. Default: 1.")
  long seed;

  @Override
  public Integer call() {
    if (!CHOICES.contains(backend)) {
      throw new BadInputException(
          "backend: '" + backend + "' is not one of " + String.join(", ", CHOICES));
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Backend opened;
    if ("cpu".equals(backend)) {
      opened = openCpu();
    } else {
      try {
        opened = openCuda();
      } catch (BackendUnavailableException e) {
        err.println(unavailable(e.getMessage()));
        if ("cuda".equals(backend)) {
          err.flush();
          return Main.FAILED;
        }
        err.println("check: falling back to the cpu backend");
        err.flush();
        opened = openCpu();
      }
    }
    try (Backend b = opened) {
      String against = "cpu".equals(b.name()) ? "float64 formulas" : "the cpu backend";
      out.println(
          "check: "
              + b.name()
              + " ("
              + b.device().name()
              + ") against "
              + against
              + ", seed "
              + seed);
      out.flush();
      CheckReport report = KernelCheck.standard(b, seed);
      out.print(report.table());
      out.println(report.summary());
      out.flush();
      return report.allPassed() ? Main.OK : Main.FAILED;
    }
  }

  private static Backend openCuda() throws BackendUnavailableException {
    if (!Backends.names().contains("cuda")) {
      throw new BackendUnavailableException("this build registers no cuda backend");
    }
    return Backends.open("cuda");
  }

  private static Backend openCpu() {
    try {
      return Backends.open("cpu");
    } catch (BackendUnavailableException e) {
      // The cpu backend needs nothing but the JVM; failing to start it is a broken build.
      throw new IllegalStateException("cpu backend did not start: " + e.getMessage(), e);
    }
  }

  /**
   * "cuda unavailable: why" on one line (native loaders append pages of nested stack traces),
   * without doubling a prefix the backend already wrote.
   */
  static String unavailable(String why) {
    String prefix = "cuda unavailable: ";
    why = Backends.firstLine(why);
    return why.startsWith(prefix) ? why : prefix + why;
  }
}
