package io.dsabench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code dsabench report}. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Writes a self-contained HTML cost report.")
final class ReportCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UnsupportedOperationException("dsabench report is not built yet");
  }
}
