/**
 * Renderings of a {@link io.dsabench.reports.model.ReportData}: the self-contained HTML page
 * ({@link io.dsabench.reports.render.HtmlRenderer}, from the {@code report.html} template with
 * {@code report.css}, {@code report.js} and Chart.js inlined), a long-format CSV and JSON.
 *
 * <p>Everything embedded is escaped for its context ({@link io.dsabench.reports.render.Escape}):
 * HTML text, JSON inside a script element, inlined script source, CSV fields.
 */
package io.dsabench.reports.render;
