package io.dsabench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code dsabench serve}. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Serves the dashboard: cost curves, kernel performance, runs, /metrics.")
final class ServeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UnsupportedOperationException("dsabench serve is not built yet");
  }
}
