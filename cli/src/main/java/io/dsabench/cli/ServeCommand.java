package io.dsabench.cli;

import io.dsabench.dashboard.DashboardOptions;
import io.dsabench.dashboard.DashboardServer;
import io.dsabench.dashboard.runs.RunStore;
import io.dsabench.harness.PublishedRuns;
import io.dsabench.model.BadInputException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dsabench serve}: the dashboard on an embedded Jetty, until interrupted. Its metrics go to
 * a registry made here, not the client's default: the command owns what it exports.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the dashboard: cost curves, kernel performance, runs, a JSON API and /metrics.",
      "Scans the results directories for results.json files; each is a run."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bind",
      defaultValue = DashboardOptions.DEFAULT_BIND,
      description = "Address to listen on (default: ${DEFAULT-VALUE}; the dashboard has no login).")
  String bind;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--results",
      paramLabel = "DIR",
      description =
          "Directory to scan for results.json (repeatable; default: out/). The published runs are"
              + " always read too: a run's verdict is against its device's.")
  List<Path> results;

  @Option(
      names = "--published",
      paramLabel = "DIR",
      description =
          "folder of the published runs, <device>/results.json and reference.json (default: the"
              + " installation's reports/published, whatever the working directory)")
  Path published;

  /**
   * The folders to scan: the given ones (else {@code out/}) and the published runs, once, so that
   * {@code serve --results DIR} from anywhere gives the verdicts {@code bench} gives.
   */
  static List<Path> dirs(List<Path> results, PublishedRuns published) {
    List<Path> dirs =
        new ArrayList<>(results == null || results.isEmpty() ? List.of(Path.of("out")) : results);
    Path pub = published.dir();
    if (dirs.stream().noneMatch(d -> d.toAbsolutePath().normalize().equals(pub))) {
      dirs.add(pub);
    }
    return dirs;
  }

  @Option(
      names = "--allowed-host",
      paramLabel = "NAME",
      description =
          "Another Host name to answer (repeatable), e.g. the name a proxy forwards; any Host"
              + " other than 127.0.0.1, localhost, [::1], the --bind address and these is refused"
              + " (DNS rebinding).")
  List<String> allowedHosts;

  @Option(
      names = "--max-results-mb",
      defaultValue = "32",
      paramLabel = "MB",
      description =
          "Largest results file read, MiB (default: ${DEFAULT-VALUE}; a full sweep is about 0.3);"
              + " larger files are listed as problems, never parsed.")
  int maxResultsMb;

  @Override
  public Integer call() throws Exception {
    // Jetty logs through SLF4J and the CLI ships no binding (Jetty stays silent, which is what a
    // command wants); without this, SLF4J prints three lines of warning about that on every start.
    if (System.getProperty("slf4j.internal.verbosity") == null) {
      System.setProperty("slf4j.internal.verbosity", "ERROR");
    }
    // Folders named on the command line must be folders; the defaults may not exist yet (a fresh
    // checkout has no out/), and the page then says to run make bench.
    if (results != null) {
      for (Path d : results) {
        if (!Files.exists(d)) {
          throw new BadInputException("results: '" + d + "' does not exist; give a folder");
        }
        if (!Files.isDirectory(d)) {
          throw new BadInputException(
              "results: '" + d + "' is a file, not a folder; give the folder that holds it");
        }
      }
    }
    if (maxResultsMb < 1 || maxResultsMb > 4096) {
      throw new BadInputException(
          "max-results-mb: " + maxResultsMb + " is not between 1 and 4096 MiB");
    }
    List<Path> dirs = dirs(results, PublishedRuns.of(published));
    DashboardOptions options =
        DashboardOptions.of(bind, port, dirs)
            .withLimits(
                new RunStore.Limits((long) maxResultsMb << 20, RunStore.Limits.DEFAULT.maxFiles()))
            .withAllowedHosts(allowedHosts == null ? List.of() : allowedHosts);
    DashboardServer server;
    try {
      server = DashboardServer.start(options, new PrometheusRegistry());
    } catch (IOException e) {
      // Jetty's bind failure: a taken port or an address this host does not have is bad input.
      throw new BadInputException(
          "port: cannot listen on " + bind + ":" + port + " (" + e.getMessage() + ")", e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dashboard-stop"));
    var out = spec.commandLine().getOut();
    out.println(
        "dsabench dashboard on " + server.uri() + "  (metrics: " + server.uri() + "metrics)");
    out.println(
        "reading results.json under "
            + String.join(" and ", dirs.stream().map(Path::toString).toList()));
    out.flush();
    server.join();
    return Main.OK;
  }
}
