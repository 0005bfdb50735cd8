package io.dsabench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code dsabench bench}. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Sweeps kernels across positions and writes a results file; compares against the published run for this device.")
final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UnsupportedOperationException("dsabench bench is not built yet");
  }
}
