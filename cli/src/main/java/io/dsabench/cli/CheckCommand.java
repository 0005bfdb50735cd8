package io.dsabench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code dsabench check}. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description =
        "Checks every kernel of a backend against the cpu reference on fresh random inputs.")
final class CheckCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UnsupportedOperationException("dsabench check is not built yet");
  }
}
