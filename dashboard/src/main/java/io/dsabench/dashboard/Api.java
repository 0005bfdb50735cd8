package io.dsabench.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsabench.costmodel.hardware.Bound;
import io.dsabench.costmodel.hardware.CeilingCheck;
import io.dsabench.costmodel.hardware.Ceilings;
import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.costmodel.hardware.HardwareProfiles;
import io.dsabench.costmodel.hardware.Precision;
import io.dsabench.costmodel.hardware.Price;
import io.dsabench.costmodel.hardware.Roofline;
import io.dsabench.dashboard.runs.LiveSweeps;
import io.dsabench.dashboard.runs.Run;
import io.dsabench.dashboard.runs.RunStore;
import io.dsabench.harness.DeviceNames;
import io.dsabench.harness.compare.ReferenceComparison;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.WorkloadModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jetty.util.Fields;

/**
 * The JSON API's answers, as plain maps and records that Jackson writes. Parameter checks live
 * here: each refusal names the parameter, the value and the rule.
 */
final class Api {
  /** Query parameters /api/cost accepts. */
  static final Set<String> COST_PARAMETERS = Set.of("run", "hardware", "price");

  /** The highest price the API accepts; beyond it a typo is likelier than a real rental. */
  static final double MAX_PRICE = io.dsabench.costmodel.hardware.Price.MAX_USD_PER_GPU_HOUR;

  private final RunStore store;
  private final LiveSweeps live;
  private final CostCurves costs;
  private final Verdicts verdicts;
  private final WorkloadModel workload = WorkloadModel.deepseekV32();
  private final ReferenceRuns references;
  private final ObjectMapper mapper;
  private final Memo<List<String>, JsonBytes> costMemo = new Memo<>(64);
  private final Memo<String, Verdicts.Verdict> verdictMemo = new Memo<>(512);

  Api(RunStore store, LiveSweeps live, CostCurves costs, Verdicts verdicts, ObjectMapper mapper) {
    this.store = store;
    this.live = live;
    this.costs = costs;
    this.verdicts = verdicts;
    this.references = new ReferenceRuns(store);
    this.mapper = mapper;
  }

  /** Refuses any query parameter outside {@code allowed} (none by default). */
  void expectOnly(Fields query, String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (String name : query.getNames()) {
      if (!ok.contains(name)) {
        throw ApiException.badParameter(
            name,
            String.join(",", query.getValues(name)),
            ok.isEmpty()
                ? "is not a parameter of this route (it takes none)"
                : "is not a parameter of this route (it takes "
                    + String.join(", ", sorted(ok))
                    + ")");
      }
    }
  }

  Map<String, Object> runs() {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Run r : store.runs()) {
      list.add(summary(r));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runs", list);
    m.put("defaultRun", defaultRun(store.runs()).map(Run::id).orElse(null));
    m.put("problems", store.problems());
    // Relative names only: clients have no business knowing the server's directory layout.
    m.put("roots", store.rootNames());
    m.put(
        "hint",
        list.isEmpty()
            ? "No results yet: run `make bench` (or `dsabench bench --out out/bench`) and reload."
            : null);
    return m;
  }

  /**
   * The run the page opens on: the newest run of our kernels on a GPU (a sweep you just ran, else
   * the published one), else a published run, else the newest of any kind. A cpu smoke run or a
   * reference run is never the default while a GPU run of ours is there.
   *
   * @param runs newest first
   */
  static Optional<Run> defaultRun(List<Run> runs) {
    Optional<Run> gpu =
        runs.stream()
            .filter(r -> !r.reference() && !"cpu".equals(r.results().run().backend()))
            .findFirst();
    if (gpu.isPresent()) {
      return gpu;
    }
    Optional<Run> published =
        runs.stream().filter(r -> r.published() && !r.reference()).findFirst();
    return published.isPresent() ? published : runs.stream().findFirst();
  }

  Map<String, Object> run(String id) {
    Run r = find(id);
    Map<String, Object> m = summary(r);
    m.put("results", r.results());
    return m;
  }

  private Run find(String id) {
    return store.find(id).orElseThrow(() -> ApiException.notFound("run", id, "a known run id"));
  }

  private Map<String, Object> summary(Run r) {
    Map<String, Object> m = new LinkedHashMap<>();
    var info = r.results().run();
    m.put("id", r.id());
    m.put("runId", info.id());
    m.put("path", r.relativePath());
    m.put("published", r.published());
    m.put("publishedDevice", r.publishedDevice());
    m.put("device", r.deviceName());
    m.put("backend", info.backend());
    m.put("startedAt", r.startedIso());
    m.put("gitCommit", info.gitCommit());
    m.put("modified", r.modified().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    m.put("live", live.running(r));
    Map<String, Long> points = new LinkedHashMap<>();
    for (PointStatus s : PointStatus.values()) {
      points.put(s.id(), r.count(s));
    }
    m.put("points", points);
    m.put("verdict", verdict(r));
    m.put("reference", references.referenceRun(r).map(Run::id).orElse(null));
    return m;
  }

  /** The run's verdict as a metric reads it: regressed, passed, or none. */
  Optional<Boolean> regressed(Run r) {
    return switch (verdict(r).status()) {
      case "regression" -> Optional.of(true);
      case "pass" -> Optional.of(false);
      default -> Optional.empty();
    };
  }

  private Verdicts.Verdict verdict(Run r) {
    if (r.reference()) {
      // DeepSeek's kernels, not ours: nothing of ours to regress.
      return new Verdicts.Verdict(
          "none", "reference implementations (dsabench reference): no verdict");
    }
    if (r.published()) {
      return new Verdicts.Verdict(
          "none", "published: the run others of its GPU are judged against");
    }
    // The published run `make bench` compares with: reports/published/<slug>/results.json.
    String slug = DeviceNames.slug(r.results().run().backend(), r.deviceName());
    Optional<Run> base = store.published(slug);
    if (base.isEmpty()) {
      return new Verdicts.Verdict(
          "none", "no verdict: no published run for " + slug + " (published/" + slug + "/)");
    }
    boolean running = live.running(r);
    Run b = base.get();
    return verdictMemo.get(
        contentKey(b) + " " + contentKey(r) + " " + running, () -> verdicts.verdict(b, r, running));
  }

  Map<String, Object> sweep() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("live", live.live(store.runs()));
    m.put("finishedShownSeconds", live.window().toSeconds());
    return m;
  }

  Map<String, Object> hardware() {
    List<Map<String, Object>> profiles = new ArrayList<>();
    for (HardwareProfile p : HardwareProfiles.all()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", p.id());
      m.put("name", p.name());
      m.put("usdPerGpuHour", p.usdPerGpuHour());
      m.put("priceSource", p.priceSource());
      m.put("peak", p.peak());
      m.put("measured", p.measured());
      profiles.add(m);
    }
    return Map.of("profiles", profiles, "defaultId", HardwareProfiles.H800.id());
  }

  Object reference() {
    return costs.reference();
  }

  JsonBytes cost(Fields query) {
    expectOnly(query, COST_PARAMETERS.toArray(String[]::new));
    List<String> runIds = query.getValues("run");
    if (runIds == null || runIds.isEmpty() || runIds.stream().anyMatch(String::isBlank)) {
      throw ApiException.badParameter(
          "run",
          runIds == null ? "" : String.join(",", runIds),
          "is required: a run id (give it again for each run priced with the first)");
    }
    if (new java.util.HashSet<>(runIds).size() < runIds.size()) {
      throw ApiException.badParameter(
          "run", String.join(",", runIds), "names one run twice; give each run once");
    }
    List<Run> runs = runIds.stream().map(this::find).toList();
    String hw = single(query, "hardware");
    HardwareProfile profile;
    if (hw == null) {
      profile = HardwareProfiles.H800;
    } else {
      try {
        profile = HardwareProfiles.byId(hw);
      } catch (IllegalArgumentException e) {
        throw ApiException.badParameter("hardware", hw, "is not one of " + HardwareProfiles.ids());
      }
    }
    String priceText = single(query, "price");
    double price = priceText == null ? profile.usdPerGpuHour() : price(priceText);
    // The curves depend only on the runs' contents, the hardware and the price: computed and
    // written once per such key, not once per request (a page polls, dashboards refresh).
    List<String> key = new ArrayList<>();
    for (Run r : runs) {
      key.add(contentKey(r));
    }
    key.add(profile.id());
    key.add(Double.toString(price));
    HardwareProfile hardware = profile;
    double usd = price;
    return costMemo.get(key, () -> json(costs.curves(runs, hardware, usd)));
  }

  /**
   * A run's identity for memos: its id, its file's time, and the very object the store read (the
   * store keeps one per unchanged file), so a rewritten file is a new key.
   */
  private static String contentKey(Run r) {
    return r.id() + "@" + r.modified() + "#" + System.identityHashCode(r.results());
  }

  /** An answer written once, served as bytes. */
  @SuppressWarnings("ArrayRecordComponent") // an answer already serialized, written once
  record JsonBytes(byte[] bytes) {}

  private JsonBytes json(Object body) {
    try {
      return new JsonBytes(mapper.writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the answer as JSON", e);
    }
  }

  /** Parses a price by the one rule of CLI, report and API ({@link Price}). */
  static double price(String text) {
    try {
      return Price.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.badParameter("price", text, Price.RULE);
    }
  }

  private static String single(Fields query, String name) {
    List<String> values = query.getValues(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw ApiException.badParameter(name, String.join(",", values), "is given more than once");
    }
    return values.get(0);
  }

  /**
   * View (b): every measured stage against position, once, in TFLOP/s where the stage is
   * compute-bound on the run's device and TB/s where it is memory-bound (at most of its positions:
   * a stage that changes bound along the sweep keeps one unit), with that resource's ceiling, the
   * achieved fraction of it and the p10–p90 spread of the throughput. Ceilings are the measured
   * ones where the profile has them; throughput is the workload model's work over the median. A
   * stage above a ceiling is flagged (per point, and listed in {@code aboveCeiling}): its work or
   * time was counted wrong.
   */
  Map<String, Object> kernels(String id) {
    Run run = find(id);
    Optional<HardwareProfile> profile = HardwareProfiles.forDevice(run.results().run().device());
    Ceilings c = profile.map(CeilingCheck::ceilingsOf).orElse(null);
    Map<String, Map<String, Object>> series = new TreeMap<>();
    List<PointResult> points = new ArrayList<>(run.results().points());
    points.sort(Comparator.comparingInt(PointResult::position));
    Map<String, Bound> bounds = stageBounds(points, c);
    ReferenceRuns.Found ref = references.referenceFor(run);
    Map<String, List<ReferenceComparison.Row>> paired =
        ref.present() ? ReferenceRuns.byStage(ref.pairing()) : Map.of();
    for (PointResult p : points) {
      if (p.status() != PointStatus.OK) {
        continue;
      }
      for (StageResult s : p.stages()) {
        if (s.op() == Op.TOTAL) {
          continue;
        }
        var work = workload.work(s.op(), p.point());
        Precision precision = Precision.of(s.op());
        int perSeq = p.point().tokensPerSeq();
        String key = stageKey(p, s);
        Bound bound = bounds.get(key);
        boolean compute = bound == Bound.COMPUTE;
        Map<String, Object> m =
            series.computeIfAbsent(
                key,
                k -> {
                  Map<String, Object> x = new LinkedHashMap<>();
                  x.put("phase", p.phase().id());
                  x.put("variant", p.variant().id());
                  x.put("op", s.op().id());
                  x.put("tokensPerSeq", p.phase() == Phase.DECODE ? perSeq : null);
                  x.put("bound", bound.name().toLowerCase(java.util.Locale.ROOT));
                  x.put("precision", precision.name().toLowerCase(java.util.Locale.ROOT));
                  x.put("unit", compute ? "TFLOP/s" : "TB/s");
                  x.put(
                      "ceiling",
                      c == null
                          ? null
                          : compute
                              ? c.flopsPerSecond(precision) / 1e12
                              : c.bytesPerSecond() / 1e12);
                  x.put("points", new ArrayList<Map<String, Object>>());
                  return x;
                });
        double seconds = s.medianSeconds();
        double achieved = (compute ? work.flops() : work.bytes()) / seconds / 1e12;
        Double ceiling = (Double) m.get("ceiling");
        CeilingCheck.Use use = c == null ? null : CeilingCheck.use(work, precision, seconds, c);
        Map<String, Object> pt = new LinkedHashMap<>();
        pt.put("position", p.position());
        pt.put("tokens", p.tokens());
        pt.put("tokensPerSeq", perSeq);
        pt.put("medianSeconds", s.medianSeconds());
        pt.put("achieved", achieved);
        // The spread as throughput: the p90 time is the low end, the p10 time the high end.
        double unitWork = (compute ? work.flops() : work.bytes()) / 1e12;
        pt.put("low", s.p90Seconds() > 0 ? unitWork / s.p90Seconds() : null);
        pt.put("high", s.p10Seconds() > 0 ? unitWork / s.p10Seconds() : null);
        pt.put("fraction", ceiling == null ? null : achieved / ceiling);
        pt.put("aboveCeiling", use != null && s.op() != Op.TOTAL && use.aboveCeiling());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) m.get("points");
        list.add(pt);
        pt.put(
            "reference",
            referencePoints(
                paired.getOrDefault(p.point().key() + " " + s.op().id(), List.of()),
                compute ? work.flops() : work.bytes()));
      }
    }
    List<Map<String, Object>> ceilings = new ArrayList<>();
    String basis = profile.map(CeilingCheck::basisOf).orElse(null);
    if (c != null) {
      ceilings.add(ceiling("bf16 " + basis, c.bf16FlopsPerSecond() / 1e12, "TFLOP/s", "bf16"));
      ceilings.add(ceiling("fp8 " + basis, c.fp8FlopsPerSecond() / 1e12, "TFLOP/s", "fp8"));
      ceilings.add(ceiling("HBM " + basis, c.bytesPerSecond() / 1e12, "TB/s", "bandwidth"));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run", run.id());
    m.put("device", run.deviceName());
    m.put("hardware", profile.map(HardwareProfile::id).orElse(null));
    m.put("ceilingSource", c == null ? null : c.source());
    // The one definition of efficiency (the report's too): a fraction of these, named.
    m.put("efficiencyBasis", basis);
    m.put(
        "note",
        c == null
            ? "No hardware ceiling is known for '"
                + run.deviceName()
                + "' (profiles: "
                + HardwareProfiles.ids()
                + "); achieved throughput only, each stage in the unit of its likely bound (compute above"
                + " 100 FLOP per byte, else memory)."
            : "Efficiency is the fraction of the "
                + profile.get().name()
                + "'s "
                + basis
                + " ("
                + c.source()
                + "). Each stage is shown in the unit of the resource that bounds it.");
    m.put("series", new ArrayList<>(series.values()));
    List<Map<String, Object>> notOk = new ArrayList<>();
    for (PointResult p : points) {
      if (p.status() != PointStatus.OK) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("point", p.point().key());
        x.put("status", p.status().id());
        x.put("reason", p.reason());
        notOk.add(x);
      }
    }
    m.put("notMeasured", notOk);
    m.put(
        "aboveCeiling",
        profile.isEmpty() || "cpu".equalsIgnoreCase(run.results().run().backend())
            ? List.of()
            : CeilingCheck.violations(run.results(), workload).stream()
                .map(CeilingCheck.Violation::message)
                .toList());
    m.put("ceilings", ceilings);
    m.put("reference", referenceSummary(ref));
    return m;
  }

  /** One series per stage: phase, variant, op and, for decode, tokens per sequence. */
  private static String stageKey(PointResult p, StageResult s) {
    return p.phase().id()
        + "/"
        + p.variant().id()
        + "/"
        + s.op().id()
        + (p.phase() == Phase.DECODE ? "/t=" + p.point().tokensPerSeq() : "");
  }

  /**
   * The bound of each stage: the resource that bounds it at most of its positions, the longest
   * position breaking a tie (a stage drawn once, in one unit, against one ceiling).
   */
  private Map<String, Bound> stageBounds(List<PointResult> points, Ceilings c) {
    Map<String, int[]> votes = new TreeMap<>();
    Map<String, Bound> last = new TreeMap<>();
    for (PointResult p : points) { // sorted by position
      if (p.status() != PointStatus.OK) {
        continue;
      }
      for (StageResult s : p.stages()) {
        if (s.op() == Op.TOTAL) {
          continue;
        }
        var work = workload.work(s.op(), p.point());
        Bound b =
            c != null
                ? Roofline.bound(work, Precision.of(s.op()), c)
                : (work.flops() > 0 && work.intensity() > 100 ? Bound.COMPUTE : Bound.MEMORY);
        String key = stageKey(p, s);
        votes.computeIfAbsent(key, k -> new int[2])[b == Bound.COMPUTE ? 0 : 1]++;
        last.put(key, b);
      }
    }
    Map<String, Bound> out = new TreeMap<>();
    votes.forEach(
        (k, v) ->
            out.put(k, v[0] > v[1] ? Bound.COMPUTE : v[1] > v[0] ? Bound.MEMORY : last.get(k)));
    return out;
  }

  /**
   * A point's reference figures (two for dense prefill), each in its series' unit: the same
   * declared work over the reference's median, and our median over the reference's.
   */
  private static List<Map<String, Object>> referencePoints(
      List<ReferenceComparison.Row> rows, double work) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ReferenceComparison.Row r : rows) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("op", r.referenceOp().id());
      x.put("medianSeconds", r.referenceSeconds());
      x.put("achieved", work / r.referenceSeconds() / 1e12);
      x.put("ratio", r.timeRatio());
      x.put("implementation", r.implementation());
      out.add(x);
    }
    return out;
  }

  private static Map<String, Object> referenceSummary(ReferenceRuns.Found ref) {
    if (!ref.present()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("absent", ref.absentReason());
      return m;
    }
    Map<String, Object> m = ReferenceRuns.describe(ref.run(), ref.pairing().warnings());
    m.put("pairedStages", ref.pairing().rows().size());
    return m;
  }

  /**
   * Our stages against the reference run's, as {@code dsabench compare OURS REF --reference} prints
   * them (worst ratio first), or why there is no reference for the run.
   */
  Map<String, Object> pairing(String id) {
    Run run = find(id);
    ReferenceRuns.Found ref = references.referenceFor(run);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run", run.id());
    m.put("reference", referenceSummary(ref));
    List<Map<String, Object>> rows = new ArrayList<>();
    if (ref.present()) {
      for (ReferenceComparison.Row r : ref.pairing().rows()) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("point", r.point());
        x.put("op", r.op().id());
        x.put("referenceOp", r.referenceOp().id());
        x.put("oursSeconds", r.oursSeconds());
        x.put("referenceSeconds", r.referenceSeconds());
        x.put("timeRatio", r.timeRatio());
        x.put("speed", r.speed());
        x.put("oursRate", r.oursRate());
        x.put("referenceRate", r.referenceRate());
        x.put("rateUnit", r.bytesRate() ? "B/s" : "FLOP/s");
        x.put("implementation", r.implementation());
        rows.add(x);
      }
    }
    m.put("rows", rows);
    return m;
  }

  private static Map<String, Object> ceiling(
      String label, double value, String unit, String resource) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("label", label + " (" + unit + ")");
    m.put("value", value);
    m.put("unit", unit);
    m.put("resource", resource);
    return m;
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }
}
