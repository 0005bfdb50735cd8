package io.dsabench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code dsabench cost}. */
@Command(
    name = "cost",
    mixinStandardHelpOptions = true,
    description = "USD per million tokens per position (Figure 3), and capacity plans.")
final class CostCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UnsupportedOperationException("dsabench cost is not built yet");
  }
}
