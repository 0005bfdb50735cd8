package io.dsabench.dashboard;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The real programs the tests drive, installed by scripts/install-test-deps.sh (Debian's chromium,
 * chromium-driver and prometheus). A test skips, saying why, only where one is truly absent; under
 * CI (CI set) absence is a failure, because CI installs them first.
 */
final class ExternalTools {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

  /** Prometheus's rule and exposition checker; Debian's prometheus package ships it. */
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  private ExternalTools() {}

  static void require(Path... tools) {
    String missing =
        String.join(
            ", ",
            Arrays.stream(tools).filter(t -> !Files.isExecutable(t)).map(Path::toString).toList());
    if (missing.isEmpty()) {
      return;
    }
    String why = missing + " not installed; run scripts/install-test-deps.sh (as make test does)";
    if (System.getenv("CI") != null) {
      fail("CI must run these tests, but " + why);
    }
    assumeTrue(false, "skipped: " + why);
  }

  /** A port free right now on 127.0.0.1 (for programs that cannot be told to pick one). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
