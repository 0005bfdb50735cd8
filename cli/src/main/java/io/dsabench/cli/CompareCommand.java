package io.dsabench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code dsabench compare}. */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = "Regression verdict between two results files.")
final class CompareCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UnsupportedOperationException("dsabench compare is not built yet");
  }
}
