/**
 * Self-contained HTML capacity-planning reports, with the same numbers as CSV and JSON beside them.
 *
 * <p>A report is one HTML file that opens from disk with no network: Chart.js is inlined from its
 * WebJar, the data is embedded as JSON, the CSS and JavaScript are inline, and nothing in the page
 * points outside it. It prints on A4 with one section per page.
 *
 * <p>The flow is one way: a {@link io.dsabench.reports.ReportInput} (a results file, the hardware
 * and price to cost it at, optionally a workload and a regression verdict) goes through the cost
 * model once into a {@link io.dsabench.reports.model.ReportData}, and that one value is rendered
 * three times by {@link io.dsabench.reports.render} (HTML, CSV, JSON), so the three can never
 * disagree. {@link io.dsabench.reports.ReportWriter} is the entry point; the dashboard reuses its
 * {@code html} rendering.
 *
 * <p>Reports depend on the cost model only. The regression verdict is computed by the caller (the
 * CLI asks the harness) and handed in as a {@link io.dsabench.reports.model.Verdict}; so is the
 * pairing with a reference run (DeepSeek's kernels on the same GPU), as a {@link
 * io.dsabench.reports.ReferenceInput} beside the input, which the report shows as a reference
 * column, dashed lines on its kernel charts and the reference's provenance.
 */
package io.dsabench.reports;
