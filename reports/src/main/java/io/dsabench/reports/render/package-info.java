/**
 * Renderings of a {@link io.dsabench.reports.model.ReportData}: the self-contained HTML page
 * ({@link io.dsabench.reports.render.HtmlRenderer}, from the {@code report.html} template with
 * {@code report.css}, {@code report.js} and Chart.js inlined), a long-format CSV and JSON; and
 * {@code dsabench cost}'s terminal tables ({@link io.dsabench.reports.render.TerminalRenderer}).
 *
 * <p>A metric is not written by hand in each printer: every result row gives its numbers as {@link
 * io.dsabench.reports.model.Summary summaries} (tag, name, value, unit, hint), which the CSV writes
 * under their tags and the page and the terminal round as {@link io.dsabench.reports.render.Fmt#of
 * their hint} says.
 *
 * <p>Everything embedded is escaped for its context ({@link io.dsabench.reports.render.Escape}):
 * HTML text, JSON inside a script element, inlined script source, CSV fields.
 */
package io.dsabench.reports.render;
