package io.dsabench.dashboard;

import io.dsabench.dashboard.runs.Run;
import io.dsabench.dashboard.runs.RunStore;
import io.dsabench.harness.DeviceNames;
import io.dsabench.harness.compare.ReferenceComparison;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.StageResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which reference run (DeepSeek's FlashMLA, PyTorch's cuDNN attention, ... measured on the same GPU
 * by {@code dsabench reference}) a run is set against, and the pairing, by the harness's {@link
 * ReferenceComparison} so that the page and {@code dsabench compare --reference} never disagree.
 *
 * <p>The reference for a run, first found: a reference run in the same folder (a published {@code
 * reference.json} beside its {@code results.json}); else the newest local reference run of the same
 * device ({@code out/reference/results.json}, as {@code bench} looks); else the device's published
 * one ({@code published/<device>/reference.json}).
 */
final class ReferenceRuns {
  private final RunStore store;

  ReferenceRuns(RunStore store) {
    this.store = store;
  }

  /** The reference found for a run, or why there is none. */
  record Found(Run run, ReferenceComparison pairing, String absentReason) {
    static Found none(String why) {
      return new Found(null, null, why);
    }

    boolean present() {
      return run != null;
    }
  }

  /** The reference run for {@code r}, if there is one (no pairing: cheap enough for /api/runs). */
  Optional<Run> referenceRun(Run r) {
    if (r.reference()) {
      return Optional.empty();
    }
    String device = r.deviceName();
    List<Run> refs = store.runs().stream().filter(Run::reference).toList();
    Path dir = r.file().getParent();
    Optional<Run> found =
        refs.stream().filter(x -> Objects.equals(x.file().getParent(), dir)).findFirst();
    if (found.isEmpty()) {
      // runs() is newest first.
      found =
          refs.stream()
              .filter(x -> !x.published() && Objects.equals(x.deviceName(), device))
              .findFirst();
    }
    if (found.isEmpty()) {
      found = store.publishedReference(slug(r));
    }
    return found;
  }

  /** The reference run for {@code r} with the pairing, or why there is none. */
  Found referenceFor(Run r) {
    if (r.reference()) {
      return Found.none("this is a reference run: it is what the others are set against");
    }
    Optional<Run> found = referenceRun(r);
    if (found.isEmpty()) {
      return Found.none(
          "no reference run for "
              + r.deviceName()
              + ": dsabench reference measures FlashMLA and cuDNN on it (out/reference/), or"
              + " publish one as published/"
              + slug(r)
              + "/reference.json");
    }
    try {
      return new Found(
          found.get(), ReferenceComparison.of(r.results(), found.get().results()), null);
    } catch (IllegalArgumentException e) {
      return Found.none(e.getMessage());
    }
  }

  private static String slug(Run r) {
    return DeviceNames.slug(r.results().run().backend(), r.deviceName());
  }

  /**
   * The pairing's rows by our point key and stage: {@code prefill/dense/p=1024/n=1024
   * dense_prefill}.
   */
  static Map<String, List<ReferenceComparison.Row>> byStage(ReferenceComparison c) {
    Map<String, List<ReferenceComparison.Row>> m = new HashMap<>();
    for (ReferenceComparison.Row row : c.rows()) {
      m.computeIfAbsent(row.point() + " " + row.op().id(), k -> new ArrayList<>()).add(row);
    }
    // The stage's own reference first (dense_prefill before dense_prefill_masked).
    m.values().forEach(l -> l.sort(java.util.Comparator.comparing(x -> x.referenceOp() != x.op())));
    return m;
  }

  /** What a client needs to name the reference: ids, file, device, versions, what ran per stage. */
  static Map<String, Object> describe(Run ref, List<String> warnings) {
    var info = ref.results().run();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", ref.id());
    m.put("runId", info.id());
    m.put("path", ref.relativePath());
    m.put("device", ref.deviceName());
    m.put("startedAt", info.startedAt());
    Map<String, String> libraries = new LinkedHashMap<>();
    if (info.extra() != null) {
      info.extra().entrySet().stream()
          .filter(e -> e.getKey().startsWith("library."))
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> libraries.put(e.getKey().substring("library.".length()), e.getValue()));
    }
    m.put("libraries", libraries);
    List<Map<String, Object>> impls = new ArrayList<>();
    for (PointResult p : ref.results().points()) {
      for (StageResult s : p.stages()) {
        if (s.implementation() == null) {
          continue;
        }
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("stage", s.op().id());
        x.put("implementation", s.implementation());
        if (!impls.contains(x)) {
          impls.add(x);
        }
      }
    }
    m.put("implementations", impls);
    m.put("warnings", warnings);
    return m;
  }
}
