package io.dsabench.model.results;

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

  /** The {@code run.extra} key that holds the harness's one-line sweep description. */
  public static final String SWEEP = "sweep";

  /**
   * Query tokens per decode sequence that the run's declared sweep ({@code extra.sweep}, e.g.
   * {@code ...;decodeTokensPerSeq=2}) names; 1 when it names none, as every sweep before the option
   * did.
   *
   * @throws IllegalArgumentException when the sweep names a value that is not a positive number
   */
  public int declaredDecodeTokensPerSeq() {
    String sweep = extra == null ? null : extra.get(SWEEP);
    if (sweep != null) {
      for (String part : sweep.split(";")) {
        if (part.startsWith("decodeTokensPerSeq=")) {
          String v = part.substring("decodeTokensPerSeq=".length());
          try {
            int t = Integer.parseInt(v);
            if (t > 0) {
              return t;
            }
          } catch (NumberFormatException e) {
            // falls through to the message below
          }
          throw new IllegalArgumentException(
              "run.extra.sweep: decodeTokensPerSeq '" + v + "' is not a positive count");
        }
      }
    }
    return 1;
  }

  /** A copy with other files beside the run (the harness adds the raw JMH JSON, a profile...). */
  public RunInfo withExtra(Map<String, String> newExtra) {
    return new RunInfo(id, startedAt, gitCommit, backend, command, jvm, host, device, newExtra);
  }
}
