/**
 * What the dashboard exports on {@code /metrics}, through the Prometheus Java client 1.x.
 *
 * <p>{@link io.dsabench.dashboard.metrics.DashboardMetrics} registers every series into a {@code
 * PrometheusRegistry} it is handed (never the default registry: two dashboards in one JVM, as in
 * tests, must not see each other). Names follow Prometheus conventions: base units in the name
 * ({@code _seconds}), {@code _total} on counters, and only bounded label values: the request
 * histogram is labelled by route template (never the raw path), and kernel series come from the
 * newest run per device only, capped at {@value
 * io.dsabench.dashboard.metrics.DashboardMetrics#MAX_KERNEL_SERIES} series. GPU labels match
 * NVIDIA's DCGM exporter ({@code gpu}, {@code UUID}, {@code modelName}) so that a Grafana panel can
 * join our kernel times with DCGM's utilisation and power.
 *
 * <p>{@link io.dsabench.dashboard.metrics.ScrapeCache} hands a Jetty 12 core request to the
 * client's {@code PrometheusScrapeHandler}, which does content negotiation (text, OpenMetrics,
 * protobuf), gzip and {@code name[]} filtering for us, and shares one answer a second between the
 * scrapes that ask the same way. GPU labels are camelCase as DCGM spells them; that is the one lint
 * {@code promtool check metrics} reports, accepted by name in the tests.
 */
package io.dsabench.dashboard.metrics;
