/**
 * {@code dsabench serve}: an embedded Jetty 12 server (core handlers, no servlet container) with
 * one page, a JSON API behind it and Prometheus {@code /metrics}.
 *
 * <p>Start one with {@link io.dsabench.dashboard.DashboardServer#start}, giving it {@link
 * io.dsabench.dashboard.DashboardOptions} and the {@code PrometheusRegistry} its metrics go to.
 * Inside, {@code DashboardHandler} routes each request to a fixed table of classpath assets (the
 * page, its JS and CSS, and Chart.js from its WebJar, so the page works offline), to {@code Api}
 * (JSON built from the {@code runs} package and the costmodel), or to the Prometheus client's
 * scrape handler. No request ever names a file: runs are found by id in the {@link
 * io.dsabench.dashboard.runs.RunStore}, assets by exact path in a map. Refusals are JSON bodies
 * naming the parameter, its value and the rule it broke, with status 400 (bad parameter), 404
 * (unknown run or route) or 405 (not GET).
 *
 * <p>Routes: {@code /}, {@code /static/app.js}, {@code /static/app.css}, {@code
 * /static/vendor/chart.umd.js}, {@code /api/runs}, {@code /api/runs/{id}}, {@code
 * /api/runs/{id}/kernels}, {@code /api/runs/{id}/reference}, {@code
 * /api/cost?run=&hardware=&price=}, {@code /api/hardware}, {@code /api/reference} (the paper's
 * Figure 3), {@code /api/sweep}, {@code /healthz}, {@code /metrics}.
 *
 * <p>A run whose device has a reference run (DeepSeek's FlashMLA and PyTorch's cuDNN attention
 * measured on the same GPU by {@code dsabench reference}) is set against it by {@code
 * ReferenceRuns}, with the harness's {@code ReferenceComparison}: {@code /api/runs/{id}/kernels}
 * gives each point the reference's figures for the page's dashed lines and ratios, {@code
 * /api/runs/{id}/reference} the pairing as {@code compare --reference} prints it. Reference runs
 * are runs too (backend {@code reference}): listed, costed, never given a verdict.
 */
package io.dsabench.dashboard;
