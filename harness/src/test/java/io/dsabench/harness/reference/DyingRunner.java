package io.dsabench.harness.reference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real process that speaks the runner's protocol, then dies mid-stage the way a runner does when
 * a CUDA kernel faults: the first stage starts, one sample goes out, then exit 3 with the error on
 * stderr.
 */
final class DyingRunner {
  private DyingRunner() {}

  static Path write(Path dir) throws IOException {
    Path script = dir.resolve("dying-runner.sh");
    Files.writeString(
        script,
        String.join(
            "\n",
            "echo '{\"type\":\"hello\",\"python\":\"3.12.3\",\"torch\":\"2.11.0\","
                + "\"device\":{\"name\":\"NVIDIA H200\",\"computeCapability\":\"9.0\","
                + "\"smCount\":132,\"memoryBytes\":150109880320,\"uuid\":\"GPU-72db53f8\"},"
                + "\"implementations\":{}}'",
            "read -r point || exit 0",
            "echo '{\"type\":\"stage\",\"op\":\"indexer\",\"status\":\"ok\","
                + "\"implementation\":{\"library\":\"torch\"}}'",
            "echo '{\"type\":\"sample\",\"op\":\"indexer\",\"seconds\":0.0003}'",
            "read -r answer",
            "echo 'CUDA error: an illegal memory access' >&2",
            "exit 3",
            ""));
    return script;
  }
}
