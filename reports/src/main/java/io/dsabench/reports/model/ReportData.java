package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Every number a report shows, computed once: the HTML, {@code report.csv} and {@code report.json}
 * are three renderings of this one value, so they cannot disagree. Schema {@value #SCHEMA}; money
 * in USD, times in seconds, rates in SI units per second.
 *
 * @param schema always {@value #SCHEMA}
 * @param title the report's heading
 * @param generatedAt ISO-8601 instant the report was written
 * @param provenance where the measurements came from
 * @param pricing the hardware and price the costs are for
 * @param warnings what a reader must know before trusting a number (cpu run, extrapolation, ...)
 * @param summary dense vs DSA cost at the summary positions
 * @param prefillCrossoverPosition where V3.2 prefill switches from masked MHA to sparse attention,
 *     or null when it does not within the curves
 * @param curves measured cost curves and the paper's Figure 3 curves
 * @param paperComparison this run's errors against Figure 3, or why there are none
 * @param ceilings the hardware ceilings kernel throughput is compared with; null when unknown
 * @param kernels one table per phase and variant
 * @param capacity the capacity plan; null when no workload was given
 * @param methodology formulas and every cost-model parameter with its source
 * @param verdict the regression verdict against the published run
 * @param reference the reference run the kernels are set against, or why there is none
 * @param kernelCharts the kernel charts' lines: our stages' throughput over position and, with a
 *     reference run, the reference's
 * @param comparison this run against a second one ({@code report --compare}), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "schema",
  "title",
  "generatedAt",
  "provenance",
  "pricing",
  "warnings",
  "summary",
  "prefillCrossoverPosition",
  "curves",
  "paperComparison",
  "ceilings",
  "kernels",
  "capacity",
  "methodology",
  "verdict",
  "reference",
  "kernelCharts",
  "comparison"
})
public record ReportData(
    String schema,
    String title,
    String generatedAt,
    Provenance provenance,
    Pricing pricing,
    List<String> warnings,
    List<SummaryRow> summary,
    Double prefillCrossoverPosition,
    List<Curve> curves,
    PaperComparison paperComparison,
    Ceilings ceilings,
    List<KernelTable> kernels,
    CapacityPlan capacity,
    Methodology methodology,
    Verdict verdict,
    ReferenceRun reference,
    List<KernelSeries> kernelCharts,
    RunComparison comparison) {
  public static final String SCHEMA = "dsabench.report/v1";

  /** The reason a report shows when nobody gave it a reference run. */
  public static final String NO_REFERENCE = "no reference run given";

  public ReportData {
    if (!SCHEMA.equals(schema)) {
      throw new IllegalArgumentException("schema: '" + schema + "' is not " + SCHEMA);
    }
    Checks.notBlank("title", title);
    Checks.notNull("provenance", provenance);
    Checks.notNull("pricing", pricing);
    Checks.notNull("methodology", methodology);
    Checks.notNull("verdict", verdict);
    Checks.notNull("paperComparison", paperComparison);
    warnings = List.copyOf(warnings == null ? List.of() : warnings);
    summary = List.copyOf(summary == null ? List.of() : summary);
    curves = List.copyOf(curves == null ? List.of() : curves);
    kernels = List.copyOf(kernels == null ? List.of() : kernels);
    reference = reference == null ? ReferenceRun.none(NO_REFERENCE) : reference;
    kernelCharts = List.copyOf(kernelCharts == null ? List.of() : kernelCharts);
  }

  /** A report compared with no second run. */
  public ReportData(
      String schema,
      String title,
      String generatedAt,
      Provenance provenance,
      Pricing pricing,
      List<String> warnings,
      List<SummaryRow> summary,
      Double prefillCrossoverPosition,
      List<Curve> curves,
      PaperComparison paperComparison,
      Ceilings ceilings,
      List<KernelTable> kernels,
      CapacityPlan capacity,
      Methodology methodology,
      Verdict verdict,
      ReferenceRun reference,
      List<KernelSeries> kernelCharts) {
    this(
        schema,
        title,
        generatedAt,
        provenance,
        pricing,
        warnings,
        summary,
        prefillCrossoverPosition,
        curves,
        paperComparison,
        ceilings,
        kernels,
        capacity,
        methodology,
        verdict,
        reference,
        kernelCharts,
        null);
  }

  /** A report without a reference run and without kernel charts. */
  public ReportData(
      String schema,
      String title,
      String generatedAt,
      Provenance provenance,
      Pricing pricing,
      List<String> warnings,
      List<SummaryRow> summary,
      Double prefillCrossoverPosition,
      List<Curve> curves,
      PaperComparison paperComparison,
      Ceilings ceilings,
      List<KernelTable> kernels,
      CapacityPlan capacity,
      Methodology methodology,
      Verdict verdict) {
    this(
        schema,
        title,
        generatedAt,
        provenance,
        pricing,
        warnings,
        summary,
        prefillCrossoverPosition,
        curves,
        paperComparison,
        ceilings,
        kernels,
        capacity,
        methodology,
        verdict,
        null,
        null,
        null);
  }
}
