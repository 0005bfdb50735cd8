/**
 * What a report shows, as immutable values: {@link io.dsabench.reports.model.ReportData} and its
 * parts. SI units and full precision here; rounding happens only when rendering. A value the cost
 * model could not produce is null (shown as "–"), never a made-up number; a value the cost model
 * flags (extrapolated beyond the measured positions, say) carries the flag with it.
 */
package io.dsabench.reports.model;
