package io.dsabench.reports.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference run this report's kernels are set against (DeepSeek's FlashMLA, PyTorch's cuDNN
 * attention, ... measured on the same GPU by {@code dsabench reference}), or why there is none.
 * Copied from the reference results file; unknown fields are null, never invented.
 *
 * @param file where the reference run was read from, or null
 * @param runId its run id
 * @param startedAt when it started
 * @param gitCommit the dsabench commit that measured it
 * @param deviceName the GPU it ran on
 * @param driverVersion that GPU's driver
 * @param libraries the library versions it recorded ({@code torch 2.11.0+cu130}, ...)
 * @param implementations what ran for each reference stage: library, function, version, commit,
 *     backend, label
 * @param pairedStages how many (point, stage) pairs the kernel tables hold
 * @param warnings what the pairing said (devices differ, decode points not comparable, ...)
 * @param absentReason why there is no reference run, or null when there is one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReferenceRun(
    String file,
    String runId,
    String startedAt,
    String gitCommit,
    String deviceName,
    String driverVersion,
    List<String> libraries,
    List<StageImplementation> implementations,
    int pairedStages,
    List<String> warnings,
    String absentReason) {
  /**
   * What one reference stage ran.
   *
   * @param stage the reference's op id ({@code sparse_decode}, {@code dense_prefill_masked}, ...)
   * @param implementation as the results file records it (library, function, version, commit,
   *     backend, label, ...)
   */
  public record StageImplementation(String stage, Map<String, String> implementation) {
    public StageImplementation {
      Checks.notBlank("reference.implementations.stage", stage);
      // In the order the results file records them (Map.copyOf's order changes from JVM to JVM,
      // which made report.json and the page's implementation lines differ run to run).
      implementation =
          Collections.unmodifiableMap(
              new LinkedHashMap<>(implementation == null ? Map.of() : implementation));
    }

    /**
     * One line: {@code flash_mla flash_mla_sparse_fwd (bf16, top-2048) 1.0.0, commit 9241ae3ef9ba}
     * then the other recorded fields.
     */
    public String describe() {
      Map<String, String> m = implementation;
      StringBuilder b = new StringBuilder();
      b.append(m.getOrDefault("library", "?"));
      if (m.containsKey("function")) {
        b.append(' ').append(m.get("function"));
      }
      if (m.containsKey("version")) {
        b.append(' ').append(m.get("version"));
      }
      if (m.containsKey("commit")) {
        String c = m.get("commit");
        b.append(", commit ").append(c.length() > 12 ? c.substring(0, 12) : c);
      }
      m.keySet().stream()
          .filter(k -> !List.of("library", "function", "version", "commit").contains(k))
          .sorted()
          .forEach(k -> b.append(", ").append(k).append(' ').append(m.get(k)));
      return b.toString();
    }
  }

  public ReferenceRun {
    libraries = List.copyOf(libraries == null ? List.of() : libraries);
    implementations = List.copyOf(implementations == null ? List.of() : implementations);
    warnings = List.copyOf(warnings == null ? List.of() : warnings);
    if (absentReason == null) {
      Checks.notBlank("reference.runId", runId);
    } else if (pairedStages != 0) {
      throw new IllegalArgumentException(
          "reference.absentReason: '" + absentReason + "' given with " + pairedStages + " pairs");
    }
  }

  /** No reference run, for the reason given. */
  public static ReferenceRun none(String why) {
    Checks.notBlank("reference.absentReason", why);
    return new ReferenceRun(
        null, null, null, null, null, null, List.of(), List.of(), 0, List.of(), why);
  }

  /** True when there is a reference run to set the kernels against. */
  public boolean present() {
    return absentReason == null;
  }
}
