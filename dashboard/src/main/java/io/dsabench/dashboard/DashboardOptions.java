package io.dsabench.dashboard;

import io.dsabench.dashboard.runs.RunStore;
import io.dsabench.harness.DeviceLock;
import io.dsabench.model.BadInputException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How to start the dashboard.
 *
 * @param bind address to listen on (loopback by default: the dashboard has no authentication)
 * @param port TCP port; 0 picks a free one (tests)
 * @param resultsDirs directories scanned for {@code results.json} files; each file is a run
 * @param liveWindow how long a finished sweep of this JVM stays on the page
 * @param lockDir the harness's device locks: a sweep holding one names its results file there,
 *     which is how a sweep in another process counts as running
 * @param limits how large a results file and how many files the dashboard reads
 * @param allowedHosts Host names it answers besides 127.0.0.1, localhost, [::1] and {@code bind}
 *     (names a proxy or a DNS name reaches it by); any other Host is refused, so that a web page
 *     elsewhere cannot reach it through DNS rebinding
 */
public record DashboardOptions(
    String bind,
    int port,
    List<Path> resultsDirs,
    Duration liveWindow,
    Path lockDir,
    RunStore.Limits limits,
    List<String> allowedHosts) {
  /** The default port of {@code dsabench serve}. */
  public static final int DEFAULT_PORT = 8080;

  /** The default bind address of {@code dsabench serve}. */
  public static final String DEFAULT_BIND = "127.0.0.1";

  public DashboardOptions {
    if (bind == null || bind.isBlank()) {
      throw new BadInputException("bind: '" + bind + "' is not a host name or address");
    }
    if (port < 0 || port > 65535) {
      throw new BadInputException("port: " + port + " is not between 0 and 65535");
    }
    if (resultsDirs == null || resultsDirs.isEmpty()) {
      throw new BadInputException("results: no directory given to scan for results.json");
    }
    resultsDirs = List.copyOf(resultsDirs);
    if (liveWindow == null || liveWindow.isNegative() || liveWindow.isZero()) {
      throw new BadInputException("liveWindow: " + liveWindow + " is not a positive duration");
    }
    if (lockDir == null) {
      throw new BadInputException("lockDir: no directory given for the device locks");
    }
    limits = limits == null ? RunStore.Limits.DEFAULT : limits;
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    for (String h : allowedHosts) {
      if (h == null || !h.toLowerCase(Locale.ROOT).matches("[a-z0-9.:\\[\\]_-]{1,253}")) {
        throw new BadInputException(
            "allowed-host: '" + h + "' is not a host name (letters, digits, '.', '-', ':')");
      }
    }
  }

  /**
   * The given address, port and directories, a 60 s live window, the harness's lock folder and
   * default limits.
   */
  public static DashboardOptions of(String bind, int port, List<Path> resultsDirs) {
    return new DashboardOptions(
        bind,
        port,
        resultsDirs,
        Duration.ofSeconds(60),
        DeviceLock.defaultDir(),
        RunStore.Limits.DEFAULT,
        List.of());
  }

  /** The same with another lock folder (tests, a sweep run with {@code --lock-dir}). */
  public DashboardOptions withLockDir(Path dir) {
    return new DashboardOptions(bind, port, resultsDirs, liveWindow, dir, limits, allowedHosts);
  }

  /** A copy with other limits. */
  public DashboardOptions withLimits(RunStore.Limits l) {
    return new DashboardOptions(bind, port, resultsDirs, liveWindow, lockDir, l, allowedHosts);
  }

  /** A copy that also answers these Host names. */
  public DashboardOptions withAllowedHosts(List<String> hosts) {
    return new DashboardOptions(bind, port, resultsDirs, liveWindow, lockDir, limits, hosts);
  }
}
