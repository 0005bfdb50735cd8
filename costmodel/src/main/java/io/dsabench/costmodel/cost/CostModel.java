package io.dsabench.costmodel.cost;

import io.dsabench.costmodel.hardware.CeilingCheck;
import io.dsabench.costmodel.hardware.Ceilings;
import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.costmodel.hardware.HardwareProfiles;
import io.dsabench.costmodel.hardware.Translator;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.MeasurementSet;
import io.dsabench.model.results.MissingStagesException;
import io.dsabench.model.results.Results;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

/**
 * Turns a results file into Figure 3's four curves:
 *
 * <pre>
 * usd_per_million_tokens(p) = 1e6 · price_per_gpu_hour / 3600 · gpu_seconds_per_token(p)
 * gpu_seconds_per_token(p)  = layers · attention_seconds_per_token_and_layer(p) + rest_of_model
 * </pre>
 *
 * Attention comes from the measurements ({@link AttentionProfile}), moved to the target GPU by a
 * continuous roofline ({@link Translator}); the rest of the model from {@link RestOfModel}, each
 * component from the results' rest-of-model point at the deployment's batch where there is one
 * ({@link RestMeasurement}, moved the same way), else from its estimate. V3.1 uses dense MLA
 * (dense_prefill, dense_decode); V3.2 decode uses indexer + top-k + sparse_decode, and V3.2 prefill
 * the cheaper, at each position, of that and masked MHA (dense_prefill, plus indexer + top-k when
 * {@link CostParameters#maskedMhaIncludesIndexer()}); where they cross is the crossover.
 */
public final class CostModel {
  /** The name of the calibration step, as printed. */
  public static final String CALIBRATION_STEP = "calibrate_rest_to_intercepts";

  private CostModel() {}

  /** {@code 1e6 · price / 3600 · gpuSecondsPerToken}. */
  public static double usdPerMillionTokens(double usdPerGpuHour, double gpuSecondsPerToken) {
    return 1e6 * usdPerGpuHour / 3600.0 * gpuSecondsPerToken;
  }

  /** The inverse: GPU-seconds per token that cost {@code usdPerMillion} at the price. */
  public static double gpuSecondsPerToken(double usdPerGpuHour, double usdPerMillion) {
    HardwareProfile.checkPrice(usdPerGpuHour);
    return usdPerMillion * 3600.0 / (1e6 * usdPerGpuHour);
  }

  /**
   * The first position in [lo, hi] where {@code f} goes from positive to {@literal <=} 0, to within
   * one token, or NaN if it never does: scans in steps of {@code step}, then bisects.
   */
  public static double firstCrossing(DoubleUnaryOperator f, double lo, double hi, double step) {
    double a = lo;
    double fa = f.applyAsDouble(a);
    if (fa <= 0) {
      return Double.NaN; // already cheaper at the start: no crossing inside the range
    }
    while (a < hi) {
      double b = Math.min(hi, a + step);
      double fb = f.applyAsDouble(b);
      if (fb <= 0) {
        double x = a;
        double y = b;
        while (y - x > 1) {
          double m = (x + y) / 2;
          if (f.applyAsDouble(m) > 0) {
            x = m;
          } else {
            y = m;
          }
        }
        // Linear between the last two probes: the root of the secant.
        double fx = f.applyAsDouble(x);
        double fy = f.applyAsDouble(y);
        return fx == fy ? y : x + (y - x) * fx / (fx - fy);
      }
      a = b;
    }
    return Double.NaN;
  }

  /**
   * The four curves for {@code results} under {@code params}.
   *
   * @throws IllegalArgumentException when a needed phase/variant/stage is missing, a position lies
   *     outside the measured range under {@link Extrapolation#ERROR}, or calibration cannot hit its
   *     target
   */
  public static CostReport compute(Results results, CostParameters params) {
    return compute(results, params, java.util.EnumSet.allOf(Phase.class));
  }

  /**
   * The curves of {@code phases} only: e.g. decode alone when a run's prefill points failed. The
   * report then holds two curves, no crossover without prefill, and {@link CostReport#curve}
   * refuses the others by name.
   *
   * @throws IllegalArgumentException as {@link #compute(Results, CostParameters)}, or when {@code
   *     phases} is empty
   */
  public static CostReport compute(Results results, CostParameters params, Set<Phase> phases) {
    return compute(MeasurementSet.of(results), params, phases);
  }

  /** The four curves from several results files ({@link MeasurementSet}). */
  public static CostReport compute(MeasurementSet set, CostParameters params) {
    return compute(set, params, java.util.EnumSet.allOf(Phase.class));
  }

  /**
   * The curves of {@code phases} from several results files: each series from the file that has it;
   * decode at the decode deployment's tokens per step where a file has that.
   *
   * @throws IllegalArgumentException as {@link #compute(Results, CostParameters)}, or when {@code
   *     phases} is empty
   */
  public static CostReport compute(MeasurementSet set, CostParameters params, Set<Phase> phases) {
    if (phases == null || phases.isEmpty()) {
      throw new BadInputException("phases: empty; give prefill, decode or both");
    }
    boolean doPrefill = phases.contains(Phase.PREFILL);
    boolean doDecode = phases.contains(Phase.DECODE);
    HardwareProfile target = params.target();
    WorkloadModel wm = WorkloadModel.deepseekV32();
    Inputs in = new Inputs(set, params, wm);
    AttentionProfile densePrefill =
        !doPrefill ? null : in.profile(Phase.PREFILL, Variant.DENSE, Set.of(Op.DENSE_PREFILL));
    AttentionProfile denseDecode =
        !doDecode ? null : in.profile(Phase.DECODE, Variant.DENSE, Set.of(Op.DENSE_DECODE));
    AttentionProfile indexPrefill =
        !doPrefill ? null : in.profile(Phase.PREFILL, Variant.DSA, Set.of(Op.INDEXER, Op.TOPK));
    AttentionProfile sparsePrefill =
        !doPrefill ? null : in.profile(Phase.PREFILL, Variant.DSA, Set.of(Op.SPARSE_PREFILL));
    AttentionProfile dsaDecode =
        !doDecode
            ? null
            : in.profile(Phase.DECODE, Variant.DSA, Set.of(Op.INDEXER, Op.TOPK, Op.SPARSE_DECODE));
    String measuredOn = String.join(", ", in.devices);
    HardwareProfile source = in.sources.size() == 1 ? in.sources.iterator().next() : null;
    boolean translated = !in.sources.isEmpty();
    String label = String.join("; ", in.labels);

    Extrapolation policy = params.extrapolation();
    // Attention layers per query token: the model's 61, plus the MTP module's share (one more
    // layer per prompt token; half a layer per decode query token with one draft).
    double preLayers = RestOfModel.attentionLayers(params.model(), params.prefill());
    double decLayers = RestOfModel.attentionLayers(params.model(), params.decode());
    PositionCost pv31 =
        p -> {
          Interpolated d = densePrefill.at(p, policy);
          return new Att(preLayers * d.value(), d.extrapolated(), "dense_mha");
        };
    PositionCost masked =
        p -> {
          Interpolated d = densePrefill.at(p, policy);
          if (!params.maskedMhaIncludesIndexer()) {
            return new Att(preLayers * d.value(), d.extrapolated(), "masked_mha");
          }
          Interpolated i = indexPrefill.at(p, policy);
          return new Att(
              preLayers * (d.value() + i.value()),
              d.extrapolated() || i.extrapolated(),
              "masked_mha");
        };
    PositionCost sparse =
        p -> {
          Interpolated i = indexPrefill.at(p, policy);
          Interpolated s = sparsePrefill.at(p, policy);
          return new Att(
              preLayers * (i.value() + s.value()), i.extrapolated() || s.extrapolated(), "sparse");
        };
    PositionCost pv32 =
        p -> {
          Att m = masked.at(p);
          Att s = sparse.at(p);
          return s.seconds < m.seconds ? s : m;
        };
    PositionCost dv31 =
        p -> {
          Interpolated d = denseDecode.at(p, policy);
          return new Att(decLayers * d.value(), d.extrapolated(), "dense_mqa");
        };
    PositionCost dv32 =
        p -> {
          Interpolated d = dsaDecode.at(p, policy);
          return new Att(decLayers * d.value(), d.extrapolated(), "sparse");
        };
    Map<Curve, PositionCost> attention =
        Map.of(
            Curve.PREFILL_V31, pv31,
            Curve.PREFILL_V32, pv32,
            Curve.DECODE_V31, dv31,
            Curve.DECODE_V32, dv32);

    List<RestEstimate> rest = new ArrayList<>();
    List<Curve> wanted =
        java.util.Arrays.stream(Curve.values()).filter(c -> phases.contains(c.phase())).toList();
    for (Curve c : wanted) {
      Deployment dep = params.deployment(c.phase());
      RestEstimate est = RestOfModel.estimate(params.model(), dep, c, target);
      // Where the results measured the rest of the model at this deployment's batch, its
      // components are priced from that (moved to the target like attention); else the estimate.
      RestMeasurement m = RestMeasurement.select(set, c, dep, params.source(), target);
      rest.add(RestOfModel.withMeasured(params.model(), dep, est, m, target));
    }
    List<CalibrationStep> steps = new ArrayList<>();
    RestCalibration cal = params.calibration();
    if (cal != null) {
      for (Phase phase : Phase.values()) {
        if (!phases.contains(phase)) {
          continue;
        }
        Curve v31 = Curve.of(phase, ModelVersion.V3_1);
        double want =
            phase == Phase.PREFILL ? cal.prefillSecondsAtZero() : cal.decodeSecondsAtZero();
        // A token at position 0 attends to (almost) nothing: its attention is the roofline of one
        // query over one key, its query and output moved once, on the target. Our kernels'
        // time extrapolated to 0 is not used here: it rests on the two smallest points, latency
        // bound at small contexts, and moved the factor by 2x between runs of the same kernels.
        double att = (phase == Phase.PREFILL ? preLayers : decLayers) * roofline(wm, phase, target);
        Double measuredAtt;
        try {
          measuredAtt = attention.get(v31).at(0).seconds;
        } catch (IllegalArgumentException e) {
          measuredAtt = null; // not priced at 0 (--extrapolation error)
        }
        double model = find(rest, v31).modelSeconds();
        double scale = (want - att) / model;
        if (!(scale > 0)) {
          throw new BadInputException(
              "calibration: "
                  + phase.id()
                  + " target "
                  + want
                  + " s/token at position 0 is not above the attention alone ("
                  + att
                  + " s), so no positive rest-of-model scale hits it");
        }
        steps.add(
            new CalibrationStep(
                CALIBRATION_STEP, phase.id(), want, att, measuredAtt, model, scale, cal.source()));
        for (int i = 0; i < rest.size(); i++) {
          if (rest.get(i).curve().phase() == phase) {
            rest.set(i, rest.get(i).calibrated(scale));
          }
        }
      }
    }

    double price = params.usdPerGpuHour();
    List<CostCurve> curves = new ArrayList<>();
    // Under --extrapolation error each curve is priced where all its attention was measured, the
    // range's ends included, and nowhere else.
    java.util.Map<Curve, List<AttentionProfile>> needs = new java.util.EnumMap<>(Curve.class);
    needs.put(Curve.PREFILL_V31, java.util.Arrays.asList(densePrefill));
    needs.put(
        Curve.PREFILL_V32, java.util.Arrays.asList(densePrefill, indexPrefill, sparsePrefill));
    needs.put(Curve.DECODE_V31, java.util.Arrays.asList(denseDecode));
    needs.put(Curve.DECODE_V32, java.util.Arrays.asList(dsaDecode));
    java.util.Map<Curve, List<Integer>> positions = new java.util.EnumMap<>(Curve.class);
    for (Curve c : wanted) {
      positions.put(
          c,
          policy == Extrapolation.FLAG
              ? params.positions()
              : measuredPositions(c, needs.get(c), params.positions()));
    }
    for (Curve c : wanted) {
      double r = find(rest, c).secondsPerToken();
      List<CurvePoint> pts = new ArrayList<>();
      for (int p : positions.get(c)) {
        Att a = attention.get(c).at(p);
        double g = a.seconds + r;
        pts.add(
            new CurvePoint(
                p, usdPerMillionTokens(price, g), g, a.seconds, r, a.extrapolated, a.mode));
      }
      curves.add(new CostCurve(c, price, pts));
    }

    List<Integer> ps = doPrefill ? positions.get(Curve.PREFILL_V32) : params.positions();
    double x =
        !doPrefill
            ? Double.NaN
            : firstCrossing(
                p -> sparse.at(p).seconds - masked.at(p).seconds,
                ps.get(0),
                ps.get(ps.size() - 1),
                64);
    Double crossover = Double.isNaN(x) ? null : x;

    List<MeasuredPoint> measured = new ArrayList<>();
    for (AttentionProfile ap :
        java.util.Arrays.asList(
            densePrefill, indexPrefill, sparsePrefill, denseDecode, dsaDecode)) {
      if (ap != null) {
        measured.addAll(ap.points());
      }
    }
    return new CostReport(
        params,
        set.sources().size() == 1
            ? set.sources().get(0).results().run().id()
            : String.join(
                " + ", set.sources().stream().map(src -> src.results().run().id()).toList()),
        measuredOn,
        source,
        translated,
        label,
        curves,
        crossover,
        rest,
        measured,
        steps,
        parameterTable(params, source, translated, label),
        in.aboveCeiling(),
        in.used);
  }

  /**
   * The positions of {@code wanted} inside the range every profile covers, with the range's two
   * ends: a curve priced only where it was measured.
   *
   * @throws IllegalArgumentException when that range holds fewer than two positions
   */
  private static List<Integer> measuredPositions(
      Curve c, List<AttentionProfile> profiles, List<Integer> wanted) {
    int lo = profiles.stream().mapToInt(AttentionProfile::minPosition).max().orElseThrow();
    int hi = profiles.stream().mapToInt(AttentionProfile::maxPosition).min().orElseThrow();
    java.util.TreeSet<Integer> ps = new java.util.TreeSet<>();
    for (int p : wanted) {
      if (p >= lo && p <= hi) {
        ps.add(p);
      }
    }
    if (lo <= hi && lo >= 0 && hi <= CostParameters.MAX_POSITION) {
      ps.add(lo);
      ps.add(hi);
    }
    if (ps.size() < 2) {
      throw new BadInputException(
          "positions: "
              + c.id()
              + " was measured over "
              + lo
              + ".."
              + hi
              + ", too little to price a curve under --extrapolation error (it needs two"
              + " positions)");
    }
    return List.copyOf(ps);
  }

  /**
   * Seconds per layer of V3.1's attention for one token at position 0 on {@code gpu}, at the
   * roofline: one query over one key (MHA for prefill, MQA for decode), its query and output moved.
   */
  static double roofline(WorkloadModel wm, Phase phase, HardwareProfile gpu) {
    Op op = phase == Phase.PREFILL ? Op.DENSE_PREFILL : Op.DENSE_DECODE;
    var work = wm.work(op, new io.dsabench.model.workload.SweepPoint(phase, Variant.DENSE, 1, 1));
    return io.dsabench.costmodel.hardware.Roofline.seconds(
        work, io.dsabench.costmodel.hardware.Precision.of(op), gpu.peak());
  }

  private static RestEstimate find(List<RestEstimate> rest, Curve c) {
    return rest.stream().filter(e -> e.curve() == c).findFirst().orElseThrow();
  }

  private static List<Parameter> parameterTable(
      CostParameters p, HardwareProfile source, boolean translated, String label) {
    List<Parameter> t = new ArrayList<>();
    HardwareProfile g = p.target();
    t.add(new Parameter("hardware", g.id() + " (" + g.name() + ")", "--hardware"));
    t.add(
        new Parameter(
            "price",
            p.usdPerGpuHour() + " USD/GPU-hour",
            p.usdPerGpuHour() == g.usdPerGpuHour() ? g.priceSource() : "--price"));
    ceilings(t, "hardware.peak", g.peak());
    t.add(
        new Parameter(
            "attention.source",
            source == null ? "none (untranslated)" : source.id(),
            p.source() != null ? "--source-hardware" : "run.device.name"));
    if (source != null) {
      ceilings(t, "source.peak", source.peak());
    }
    t.add(
        new Parameter(
            "attention.translation",
            translated
                ? "measured time x max(F/peak FLOP/s, B/peak B/s) on target / the same on source"
                : "none",
            label));
    t.add(
        new Parameter(
            "attention.interpolation",
            "per-token time = stage medians / n, placed at the point's mean position p - (t-1)/2"
                + " (t = tokens per sequence: the chunk for prefill); linear between them",
            "AttentionProfile"));
    t.add(
        new Parameter(
            "attention.extrapolation",
            p.extrapolation().name().toLowerCase(Locale.ROOT),
            "outside the positions the measured chunks cover (p - t .. p): flag = nearest segment"
                + " extended, clamped at 0, marked '*'; error = not priced there"));
    t.add(
        new Parameter(
            "attention.layers",
            String.format(
                Locale.ROOT,
                "prefill %s, decode %s per query token",
                num(RestOfModel.attentionLayers(p.model(), p.prefill())),
                num(RestOfModel.attentionLayers(p.model(), p.decode()))),
            "model layers plus the MTP module's attention (a layer per prompt token; drafts /"
                + " (1 + drafts) of a layer per decode query token)"));
    t.add(
        new Parameter(
            "attention.maskedMhaIncludesIndexer",
            Boolean.toString(p.maskedMhaIncludesIndexer()),
            "paper's V3.2 prefill slope below the crossover ≈ 1.26× V3.1's"));
    ModelConfig m = p.model();
    t.add(
        new Parameter(
            "model",
            String.format(
                Locale.ROOT,
                "hidden %d, q_lora %d, kv_lora %d, heads %d, layers %d (%d dense), dense_inter %d,"
                    + " moe_inter %d, %d routed + %d shared, %d active, vocab %d, index %dx%d,"
                    + " %d MTP module(s)",
                m.hidden(),
                m.qLoraRank(),
                m.kvLoraRank(),
                m.heads(),
                m.layers(),
                m.denseLayers(),
                m.denseIntermediate(),
                m.moeIntermediate(),
                m.routedExperts(),
                m.sharedExperts(),
                m.activeExperts(),
                m.vocab(),
                m.indexHeads(),
                m.indexDim(),
                m.mtpLayers()),
            m.equals(ModelConfig.DEEPSEEK_V3_2) ? m.source() : m.source() + ", edited with --set"));
    t.add(
        new Parameter(
            "model.kvCache",
            String.format(
                Locale.ROOT,
                "V3.1 %d B, V3.2 %d B per token and layer, %d layers with the MTP module's",
                m.v31CacheBytesPerToken(),
                m.v32CacheBytesPerToken(),
                m.layers() + m.mtpLayers()),
            "V3.1: the 576-wide latent in bf16; V3.2: FlashMLA's fp8 cache (512 e4m3, 4 fp32"
                + " scales, 64 bf16 rope = 656 B) + the indexer's fp8 key and fp32 scale (132 B)"));
    Map<String, String> src = Deployment.sources();
    for (Deployment d : List.of(p.prefill(), p.decode())) {
      Deployment dflt = Deployment.defaults(d.phase());
      for (var c : Deployment.class.getRecordComponents()) {
        if (c.getName().equals("phase")) {
          continue;
        }
        Object v = component(c, d);
        boolean same = v.equals(component(c, dflt));
        t.add(
            new Parameter(
                "deployment." + d.phase().id() + "." + c.getName(),
                v instanceof Double x ? num(x) : v.toString(),
                same
                    ? src.get(c.getName())
                    : "--set (default " + display(component(c, dflt)) + ")"));
      }
    }
    return t;
  }

  private static Object component(java.lang.reflect.RecordComponent c, Record r) {
    try {
      return c.getAccessor().invoke(r);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String display(Object v) {
    return v instanceof Double x ? num(x) : v.toString();
  }

  private static void ceilings(List<Parameter> t, String pre, Ceilings c) {
    t.add(
        new Parameter(
            pre,
            String.format(
                Locale.ROOT,
                "bf16 %.1f TFLOP/s, fp8 %.1f TFLOP/s, %.2f TB/s",
                c.bf16FlopsPerSecond() / 1e12,
                c.fp8FlopsPerSecond() / 1e12,
                c.bytesPerSecond() / 1e12),
            c.source()));
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.4g", v);
  }

  /**
   * Reads the series the curves need from a {@link MeasurementSet}, each translated from the device
   * of the file it comes from, and remembers what it used.
   */
  private static final class Inputs {
    private final MeasurementSet set;
    private final CostParameters params;
    private final WorkloadModel wm;
    private final java.util.Map<String, Translator> translators = new java.util.HashMap<>();
    final java.util.LinkedHashSet<String> devices = new java.util.LinkedHashSet<>();
    final java.util.LinkedHashSet<HardwareProfile> sources = new java.util.LinkedHashSet<>();
    final java.util.LinkedHashSet<String> labels = new java.util.LinkedHashSet<>();
    final List<SeriesUsed> used = new ArrayList<>();
    private final List<MeasurementSet.Series> series = new ArrayList<>();

    Inputs(MeasurementSet set, CostParameters params, WorkloadModel wm) {
      this.set = set;
      this.params = params;
      this.wm = wm;
    }

    AttentionProfile profile(Phase phase, Variant variant, Set<Op> ops) {
      int perStep = params.decode().queryTokensPerStep();
      MeasurementSet.Series s =
          set.series(phase, variant, ops, perStep)
              .orElseThrow(
                  () ->
                      new MissingStagesException(
                          phase,
                          variant,
                          ops,
                          (set.sources().size() == 1 ? "run " : "runs ") + set.runIds()));
      Results r = s.source().results();
      // A merged multi-GPU run may record devices per point only.
      var device =
          r.run().device() != null
              ? r.run().device()
              : r.points().stream()
                  .map(io.dsabench.model.results.PointResult::device)
                  .filter(java.util.Objects::nonNull)
                  .findFirst()
                  .orElse(null);
      String measuredOn =
          device != null && device.name() != null ? device.name() : r.run().backend() + " backend";
      HardwareProfile src = params.source();
      if (src == null && !"cpu".equalsIgnoreCase(r.run().backend())) {
        src = HardwareProfiles.forDevice(device).orElse(null);
      }
      HardwareProfile target = params.target();
      HardwareProfile from = src;
      Translator tr =
          src == null
              ? null
              : translators.computeIfAbsent(src.id(), k -> new Translator(from, target));
      devices.add(measuredOn);
      if (src != null) {
        sources.add(src);
      }
      labels.add(
          tr == null
              ? "attention measured on "
                  + measuredOn
                  + " ("
                  + r.run().backend()
                  + "): no GPU profile, so NOT translated: times used as measured, rest of model"
                  + " and price on "
                  + target.id()
              : "attention measured on "
                  + measuredOn
                  + " ("
                  + src.id()
                  + "), translated to "
                  + target.id()
                  + " by continuous roofline (time x roofline on "
                  + target.id()
                  + " / roofline on "
                  + src.id()
                  + ", vendor peaks)");
      AttentionProfile prof = AttentionProfile.from(s.points(), phase, variant, ops, wm, tr);
      String name =
          phase.id() + "/" + variant.id() + " " + ops.stream().sorted().map(Op::id).toList();
      String note = null;
      if (phase == Phase.DECODE && s.tokensPerSeq() != perStep) {
        note =
            "measured at "
                + s.tokensPerSeq()
                + " token"
                + (s.tokensPerSeq() == 1 ? "" : "s")
                + " per sequence; the decode deployment serves "
                + perStep
                + " (1 + "
                + params.decode().mtpDraftTokens()
                + " MTP draft)";
      }
      used.add(
          new SeriesUsed(
              name,
              s.source().label(),
              r.run().id(),
              measuredOn,
              phase == Phase.DECODE ? s.tokensPerSeq() : null,
              prof.points().size(),
              prof.minPosition(),
              prof.maxPosition(),
              tr != null,
              note));
      if (!series.contains(s)) {
        series.add(s);
      }
      return prof;
    }

    /** Stages of the series used that run above their device's ceilings. */
    List<CeilingCheck.Violation> aboveCeiling() {
      List<CeilingCheck.Violation> out = new ArrayList<>();
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (MeasurementSet.Series s : series) {
        Results r = s.source().results();
        if ("cpu".equalsIgnoreCase(r.run().backend())) {
          continue;
        }
        for (var p : s.points()) {
          var dev = HardwareProfiles.forDevice(p.device() != null ? p.device() : r.run().device());
          if (dev.isEmpty()) {
            continue;
          }
          for (CeilingCheck.Violation v : CeilingCheck.violations(p, wm, dev.get())) {
            if (seen.add(v.point() + " " + v.op() + " " + v.resource())) {
              out.add(v);
            }
          }
        }
      }
      return out;
    }
  }

  /** Attention seconds (all layers) at a position, whether extrapolated, and the path taken. */
  private record Att(double seconds, boolean extrapolated, String mode) {}

  @FunctionalInterface
  private interface PositionCost {
    Att at(double position);
  }
}
