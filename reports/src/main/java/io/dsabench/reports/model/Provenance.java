package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where the measurements came from, copied from the results file's {@code run} block, plus the file
 * itself and the command that wrote the report. Unknown fields are null, never invented.
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
    String reportCommand) {
  public Provenance {
    Checks.notBlank("provenance.runId", runId);
    Checks.notBlank("provenance.backend", backend);
  }

  /** True when the run measured the pure-Java reference backend, not a GPU. */
  public boolean cpuRun() {
    return "cpu".equals(backend);
  }
}
