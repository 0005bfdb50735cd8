package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where the measurements came from, copied from the results file's {@code run} block, plus the file
 * itself and the command that wrote the report. Unknown fields are null, never invented. {@code
 * alsoFrom} names the companion files priced with it (file, run id and command).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Provenance(
    String runId,
    String startedAt,
    String gitCommit,
    String backend,
    String benchCommand,
    String jvm,
    String host,
    String deviceName,
    String computeCapability,
    String driverVersion,
    Integer smCount,
    Long memoryBytes,
    String resultsFile,
    String reportCommand,
    java.util.List<String> alsoFrom) {
  public Provenance {
    alsoFrom = alsoFrom == null || alsoFrom.isEmpty() ? null : java.util.List.copyOf(alsoFrom);
    Checks.notBlank("provenance.runId", runId);
    Checks.notBlank("provenance.backend", backend);
  }

  /** True when the run measured the pure-Java reference backend, not a GPU. */
  public boolean cpuRun() {
    return "cpu".equals(backend);
  }
}
