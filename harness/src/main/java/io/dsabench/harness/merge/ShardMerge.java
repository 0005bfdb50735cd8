package io.dsabench.harness.merge;

import io.dsabench.harness.RunExtra;
import io.dsabench.harness.SweepSpec;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.workload.SweepPoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Joins the results of the shards of one sweep into one run. Refuses (with {@link
 * IllegalArgumentException}, exit 2) files that are not shards of the same sweep: a different
 * backend, build, or declared sweep ({@code run.extra.sweep}), or a point measured twice. Points of
 * the declared sweep that no file holds are reported as missing, never silently dropped. Each point
 * keeps the device that measured it ({@link PointResult#device()}, from its shard's run when the
 * point does not say).
 */
public final class ShardMerge {
  /** One input: where it came from (for messages) and what it holds. */
  public record Input(Path file, Results results) {}

  /**
   * The merged run and the declared points that no input holds.
   *
   * @param results the merged run, points in the sweep's canonical order
   * @param missing points of the declared sweep that no shard measured
   */
  public record Outcome(Results results, List<SweepPoint> missing) {}

  private ShardMerge() {}

  public static Outcome merge(List<Input> inputs, String command) {
    if (inputs == null || inputs.isEmpty()) {
      throw new BadInputException("merge: no files given; name the shard results files");
    }
    Input first = inputs.get(0);
    RunInfo r0 = first.results().run();
    String sweep = extra(first, RunExtra.SWEEP);
    if (sweep == null) {
      throw new BadInputException(
          first.file() + ": run.extra.sweep is missing; only dsabench bench results can be merged");
    }
    for (Input in : inputs.subList(1, inputs.size())) {
      RunInfo r = in.results().run();
      same("backend", first, r0.backend(), in, r.backend());
      same("gitCommit", first, r0.gitCommit(), in, r.gitCommit());
      same("sweep (run.extra.sweep)", first, sweep, in, extra(in, RunExtra.SWEEP));
    }
    SweepSpec spec = SweepSpec.parseCanonical(sweep);
    Map<String, Path> seenIn = new LinkedHashMap<>();
    Map<String, PointResult> byKey = new LinkedHashMap<>();
    Map<String, Path> restSeenIn = new LinkedHashMap<>();
    List<RestResult> rest = new ArrayList<>();
    String restSpec = null;
    boolean sameDevice = true;
    String startedAt = r0.startedAt();
    for (Input in : inputs) {
      DeviceRecord runDevice = in.results().run().device();
      sameDevice &= Objects.equals(runDevice, r0.device());
      String s = in.results().run().startedAt();
      if (s != null && (startedAt == null || s.compareTo(startedAt) < 0)) {
        startedAt = s;
      }
      for (PointResult p : in.results().points()) {
        String key = p.point().key();
        claim(seenIn, "point", key, in.file());
        PointResult withDevice =
            p.device() != null || runDevice == null ? p : p.withDevice(runDevice);
        byKey.put(key, withDevice);
      }
      // Rest-of-model points come from shard 0 (or any shard that measured them), once each.
      for (RestResult r : in.results().restPoints()) {
        String key =
            r.phase().id() + "/" + r.routing() + "/" + r.tokens() + "/EP" + r.expertParallel();
        claim(restSeenIn, "rest point", key, in.file());
        rest.add(r);
      }
      if (restSpec == null) {
        restSpec = extra(in, RunExtra.REST);
      }
    }
    List<SweepPoint> declared = spec.points();
    Map<String, Integer> order = new TreeMap<>();
    for (int i = 0; i < declared.size(); i++) {
      order.put(declared.get(i).key(), i);
    }
    List<SweepPoint> missing = new ArrayList<>();
    for (SweepPoint p : declared) {
      if (!byKey.containsKey(p.key())) {
        missing.add(p);
      }
    }
    for (String key : byKey.keySet()) {
      if (!order.containsKey(key)) {
        throw new BadInputException(
            "merge: point "
                + key
                + " in "
                + seenIn.get(key)
                + " is not part of the sweep "
                + sweep);
      }
    }
    List<PointResult> points = new ArrayList<>(byKey.values());
    points.sort(Comparator.comparing(p -> order.get(p.point().key())));
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put(RunExtra.SWEEP, sweep);
    if (restSpec != null) {
      extra.put(RunExtra.REST, restSpec);
    }
    extra.put(
        RunExtra.MERGED_FROM,
        String.join(",", inputs.stream().map(i -> i.file().toString()).toList()));
    List<String> jmh = new ArrayList<>();
    for (Input in : inputs) {
      String j = extra(in, RunExtra.JMH_JSON);
      if (j != null) {
        Path parent = in.file().toAbsolutePath().getParent();
        jmh.add(parent == null ? j : parent.resolve(j).toString());
      }
    }
    if (!jmh.isEmpty()) {
      extra.put(RunExtra.JMH_JSON, String.join(",", jmh));
    }
    if (!missing.isEmpty()) {
      extra.put(RunExtra.MISSING_POINTS, String.valueOf(missing.size()));
    }
    RunInfo run =
        new RunInfo(
            r0.id() + "-merged",
            startedAt,
            r0.gitCommit(),
            r0.backend(),
            command,
            r0.jvm(),
            sameDevice ? r0.host() : "several",
            sameDevice ? r0.device() : null,
            extra);
    return new Outcome(new Results(Results.SCHEMA, run, points, rest), List.copyOf(missing));
  }

  private static String extra(Input in, String key) {
    Map<String, String> extra = in.results().run().extra();
    return extra == null ? null : extra.get(key);
  }

  private static void same(String field, Input a, String va, Input b, String vb) {
    if (!Objects.equals(va, vb)) {
      throw new BadInputException(
          "merge: "
              + field
              + " differs: '"
              + va
              + "' in "
              + a.file()
              + " but '"
              + vb
              + "' in "
              + b.file()
              + "; only shards of one sweep can be merged");
    }
  }

  /** Records that {@code file} holds {@code key}; refuses a key another shard already holds. */
  private static void claim(Map<String, Path> seenIn, String what, String key, Path file) {
    Path prior = seenIn.putIfAbsent(key, file);
    if (prior != null) {
      throw new BadInputException(
          "merge: "
              + what
              + " "
              + key
              + " is in both "
              + prior
              + " and "
              + file
              + "; each point must come from exactly one shard");
    }
  }
}
