package io.dsabench.reports;

import io.dsabench.costmodel.capacity.TrafficMix;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.MeasurementSet;
import io.dsabench.model.results.Results;
import io.dsabench.reports.model.Verdict;
import java.time.Instant;
import java.util.List;

/**
 * What a report is made from.
 *
 * @param results the measured run
 * @param resultsFile where the run was read from (shown in the provenance), or null
 * @param hardware hardware profile id to price on ({@code h800}, {@code h200}, ...); null for the
 *     cost model's default
 * @param usdPerGpuHour price; null for the profile's default
 * @param summaryPositions positions for the summary table, e.g. 8K, 32K, 64K, 128K
 * @param workload traffic to plan capacity for, or null for no capacity plan
 * @param workloadFile where the workload was read from (shown with the plan), or null
 * @param verdict the regression verdict the caller computed, or {@link Verdict#none}
 * @param reportCommand the command line that asked for the report (provenance), or null
 * @param generatedAt when the report is written
 * @param companions more results files priced with {@code results} (a decode run with two tokens
 *     per sequence, say): each (phase, variant) is taken from the file that has it, and their
 *     kernels are tabled too; empty for none
 * @param parameters the cost model's parameters, every option of {@code dsabench cost} applied
 *     ({@code --set}, {@code --calibrate}, ...); null to build them from {@code hardware} and
 *     {@code usdPerGpuHour}, which must then be the only pricing given
 * @param compare a second run (with its companions) to draw and table against this one, priced with
 *     the same parameters; empty for none
 */
public record ReportInput(
    Results results,
    String resultsFile,
    String hardware,
    Double usdPerGpuHour,
    List<Integer> summaryPositions,
    TrafficMix workload,
    String workloadFile,
    Verdict verdict,
    String reportCommand,
    Instant generatedAt,
    List<MeasurementSet.Source> companions,
    io.dsabench.costmodel.cost.CostParameters parameters,
    List<MeasurementSet.Source> compare) {
  /** The positions the summary shows unless told otherwise: 8K, 32K, 64K and 128K. */
  public static final List<Integer> DEFAULT_POSITIONS = List.of(8192, 32768, 65536, 131072);

  public ReportInput {
    if (results == null) {
      throw new BadInputException("results: missing");
    }
    summaryPositions = List.copyOf(summaryPositions == null ? DEFAULT_POSITIONS : summaryPositions);
    for (int p : summaryPositions) {
      if (p <= 0) {
        throw new BadInputException("positions: " + p + " is not a positive token count");
      }
    }
    if (usdPerGpuHour != null) {
      io.dsabench.costmodel.hardware.Price.check(usdPerGpuHour);
    }
    verdict = verdict == null ? Verdict.none("no published run for this device") : verdict;
    generatedAt = generatedAt == null ? Instant.now() : generatedAt;
    companions = companions == null ? List.of() : List.copyOf(companions);
    if (!companions.isEmpty()) {
      // Two files holding one series are bad input, refused here by name.
      set(results, resultsFile, companions);
    }
    if (parameters != null && (hardware != null || usdPerGpuHour != null)) {
      throw new IllegalArgumentException(
          "parameters: give the cost parameters or a hardware and price, not both");
    }
    compare = compare == null ? List.of() : List.copyOf(compare);
    if (!compare.isEmpty()) {
      MeasurementSet.of(compare);
    }
  }

  /** One results file with its companions, priced by hardware and price alone. */
  public ReportInput(
      Results results,
      String resultsFile,
      String hardware,
      Double usdPerGpuHour,
      List<Integer> summaryPositions,
      TrafficMix workload,
      String workloadFile,
      Verdict verdict,
      String reportCommand,
      Instant generatedAt,
      List<MeasurementSet.Source> companions) {
    this(
        results,
        resultsFile,
        hardware,
        usdPerGpuHour,
        summaryPositions,
        workload,
        workloadFile,
        verdict,
        reportCommand,
        generatedAt,
        companions,
        null,
        null);
  }

  /** The second run and its companions as one set; empty when there is none. */
  public java.util.Optional<MeasurementSet> compared() {
    return compare.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(MeasurementSet.of(compare));
  }

  /** One results file, no companions. */
  public ReportInput(
      Results results,
      String resultsFile,
      String hardware,
      Double usdPerGpuHour,
      List<Integer> summaryPositions,
      TrafficMix workload,
      String workloadFile,
      Verdict verdict,
      String reportCommand,
      Instant generatedAt) {
    this(
        results,
        resultsFile,
        hardware,
        usdPerGpuHour,
        summaryPositions,
        workload,
        workloadFile,
        verdict,
        reportCommand,
        generatedAt,
        List.of());
  }

  /** The results file and its companions as one set, the primary first. */
  public MeasurementSet measurements() {
    return set(results, resultsFile, companions);
  }

  private static MeasurementSet set(
      Results results, String resultsFile, List<MeasurementSet.Source> companions) {
    List<MeasurementSet.Source> all = new java.util.ArrayList<>();
    all.add(
        new MeasurementSet.Source(
            resultsFile == null ? "run '" + results.run().id() + "'" : resultsFile, results));
    all.addAll(companions);
    return MeasurementSet.of(all);
  }

  /** The results with every default: priced by the cost model's default hardware and price. */
  public static ReportInput of(Results results) {
    return new ReportInput(results, null, null, null, null, null, null, null, null, null);
  }
}
