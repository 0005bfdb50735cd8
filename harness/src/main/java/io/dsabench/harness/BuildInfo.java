package io.dsabench.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Provenance for {@code run}: which commit measured, on which host. */
public final class BuildInfo {
  private BuildInfo() {}

  /**
   * The commit of this build: {@code $DSABENCH_COMMIT}, else the {@code COMMIT} file of a GPU
   * bundle (beside {@code lib/} of the running jar), else {@code git rev-parse HEAD} in the working
   * directory, else "unknown".
   */
  public static String gitCommit() {
    String env = System.getenv("DSABENCH_COMMIT");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      var src = BuildInfo.class.getProtectionDomain().getCodeSource();
      if (src != null) {
        Path jar = Path.of(src.getLocation().toURI());
        Path commit = jar.getParent() == null ? null : jar.getParent().resolveSibling("COMMIT");
        if (commit != null && Files.isRegularFile(commit)) {
          return Files.readString(commit, StandardCharsets.UTF_8).trim();
        }
      }
    } catch (IOException | RuntimeException | java.net.URISyntaxException e) {
      // Fall through to git.
    }
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
        String s = new String(out, StandardCharsets.UTF_8).trim();
        if (s.matches("[0-9a-f]{40}")) {
          return s;
        }
      }
    } catch (IOException e) {
      // No git here (GPU machines): unknown.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "unknown";
  }

  public static String host() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  public static String jvm() {
    return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.version");
  }
}
