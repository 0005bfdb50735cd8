package io.dsabench.dashboard;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.dsabench.dashboard.metrics.DashboardMetrics;
import io.dsabench.dashboard.runs.LiveSweeps;
import io.dsabench.dashboard.runs.RunStore;
import io.dsabench.harness.SweepListener;
import io.dsabench.model.results.ResultsIO;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The running dashboard: an embedded Jetty 12 server (core handlers, no servlet container) that
 * serves the page, the JSON API and {@code /metrics}. Start it with {@link #start}, stop it with
 * {@link #close}.
 */
public final class DashboardServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final RunStore store;
  private final LiveSweeps live;

  private DashboardServer(
      Server server, ServerConnector connector, RunStore store, LiveSweeps live) {
    this.server = server;
    this.connector = connector;
    this.store = store;
    this.live = live;
  }

  /**
   * Starts a dashboard.
   *
   * @param options where to listen and what to read
   * @param registry where its metrics go (the caller's; the JVM's metrics are registered there too)
   * @throws Exception when Jetty cannot start, e.g. the port is taken
   */
  public static DashboardServer start(DashboardOptions options, PrometheusRegistry registry)
      throws Exception {
    Clock clock = Clock.systemUTC();
    RunStore store =
        new RunStore(options.resultsDirs(), clock, Duration.ofSeconds(1), options.limits());
    LiveSweeps live = new LiveSweeps(clock, options.liveWindow(), options.lockDir());
    var mapper = ResultsIO.mapper().disable(SerializationFeature.INDENT_OUTPUT);
    var api = new Api(store, live, ModelCostCurves.create(), HarnessVerdicts.create(), mapper);
    var metrics = new DashboardMetrics(registry, store, live, api::regressed);
    var handler =
        new DashboardHandler(
            new StaticResources(),
            api,
            metrics,
            new PrometheusScrapeHandler(registry),
            mapper,
            HostCheck.of(options.bind(), options.allowedHosts()));

    var threads = new QueuedThreadPool(64, 4);
    threads.setName("dashboard");
    Server server = new Server(threads);
    var http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(options.bind());
    connector.setPort(options.port());
    server.addConnector(connector);
    server.setHandler(handler);
    // Jetty's own refusals (bad URI encodings, too-long URIs, bad Host) in the dashboard's JSON.
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(2000);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
    return new DashboardServer(server, connector, store, live);
  }

  /** The port it listens on (the chosen one when started with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** Base URI, e.g. {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    String host = connector.getHost();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /** The runs it serves. */
  public RunStore runs() {
    return store;
  }

  /**
   * A listener for a harness {@code Sweep} in this JVM: attach it ({@code sweep.listen(...)}) and
   * the page shows that sweep's exact progress (planned total, ETA) instead of what its results
   * file alone says.
   */
  public SweepListener sweepListener() {
    return live.listener();
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // Stopping is best effort: the JVM is usually on its way out.
    }
  }
}
