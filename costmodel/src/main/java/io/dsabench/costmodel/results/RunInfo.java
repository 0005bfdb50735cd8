package io.dsabench.costmodel.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * Provenance of a run: what, when, where and from which commit.
 *
 * @param id unique run id, e.g. {@code 20261129T143000Z-h200-1a2b3c4}
 * @param startedAt ISO-8601 instant
 * @param gitCommit commit of the dsabench build that measured, or "unknown"
 * @param backend {@code cuda} or {@code cpu}
 * @param command the command line that produced the run
 * @param jvm JVM vendor and version
 * @param host host name
 * @param device what the backend ran on
 * @param extra optional links to files beside the run (raw JMH JSON, flame graph, ...)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "id",
  "startedAt",
  "gitCommit",
  "backend",
  "command",
  "jvm",
  "host",
  "device",
  "extra"
})
public record RunInfo(
    String id,
    String startedAt,
    String gitCommit,
    String backend,
    String command,
    String jvm,
    String host,
    DeviceRecord device,
    Map<String, String> extra) {
  public RunInfo {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("run.id: must not be blank");
    }
    if (backend == null || backend.isBlank()) {
      throw new IllegalArgumentException("run.backend: must not be blank");
    }
    extra = extra == null ? null : Map.copyOf(extra);
  }

  /** A copy with other files beside the run (the harness adds the raw JMH JSON, a profile...). */
  public RunInfo withExtra(Map<String, String> newExtra) {
    return new RunInfo(id, startedAt, gitCommit, backend, command, jvm, host, device, newExtra);
  }
}
