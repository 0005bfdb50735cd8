/**
 * Live Prometheus metrics of a running sweep ({@link io.dsabench.harness.metrics.SweepMetrics}, a
 * {@link io.dsabench.harness.SweepListener}) and their exporters ({@link
 * io.dsabench.harness.metrics.MetricsExport}: {@code --metrics-port} on loopback, {@code
 * --pushgateway} at the end). The registry is always passed in.
 */
package io.dsabench.harness.metrics;
