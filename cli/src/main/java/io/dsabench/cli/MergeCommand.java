package io.dsabench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code dsabench merge}. */
@Command(
    name = "merge",
    mixinStandardHelpOptions = true,
    description = "Joins shard results files into one run.")
final class MergeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UnsupportedOperationException("dsabench merge is not built yet");
  }
}
