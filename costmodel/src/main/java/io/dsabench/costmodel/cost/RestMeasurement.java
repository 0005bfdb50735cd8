package io.dsabench.costmodel.cost;

import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.costmodel.hardware.HardwareProfiles;
import io.dsabench.costmodel.hardware.Precision;
import io.dsabench.costmodel.hardware.Translator;
import io.dsabench.model.results.MeasurementSet;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.OpWork;
import io.dsabench.model.workload.RestBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The rest-of-model point a curve is priced from, or why there is none: an ok {@link RestResult} of
 * the curve's phase whose tokens equal the deployment's tokens per step (uniform routing preferred
 * over skewed: the estimate it stands beside assumes uniform routing). A point at other tokens is
 * never used: the time per token of a batch-bound GEMM holds at its batch only (weights are
 * streamed once per step and shared by its tokens).
 *
 * <p>Each stage's time moves from the measuring GPU to the target by the rule attention uses
 * ({@link Translator}): time × roofline on the target / roofline on the source, from the stage's
 * declared FLOPs and bytes at the fp8 ceiling.
 *
 * @param source {@code measured (H200, tokens 256, uniform)}, or {@link Component#ESTIMATE} when no
 *     point is used
 * @param reason why no point is used (null when one is)
 * @param point the point used, or null
 * @param stages per measured op: its time per layer and token on the target
 */
public record RestMeasurement(
    String source, String reason, RestResult point, Map<Op, Stage> stages) {

  /**
   * One measured rest op moved to the target.
   *
   * @param op the rest op
   * @param callSeconds the median device time of one call (one layer, or the head once) on the
   *     measuring GPU
   * @param tokens the tokens that call processed
   * @param factor roofline on the target / roofline on the source (1 when not translated)
   * @param translation how the factor was found, e.g. {@code roofline h200 -> h800}, or {@code not
   *     translated (cpu backend)}
   */
  public record Stage(Op op, double callSeconds, int tokens, double factor, String translation) {
    /** Seconds per token of one call (one layer) on the target. */
    public double perTokenSeconds() {
      return callSeconds * factor / tokens;
    }
  }

  public RestMeasurement {
    stages =
        stages == null || stages.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new EnumMap<>(stages));
    if (stages.isEmpty() && reason == null) {
      throw new IllegalArgumentException("a rest measurement without stages must say why");
    }
  }

  /** None: the estimate stands, for {@code why}. */
  static RestMeasurement none(String why) {
    return new RestMeasurement(Component.ESTIMATE, why, null, Map.of());
  }

  /** True when a point prices at least one component. */
  public boolean used() {
    return reason == null;
  }

  /** The stage of {@code op}, or null when the point did not measure it. */
  public Stage stage(Op op) {
    return stages.get(op);
  }

  /**
   * The point {@code curve} is priced from in {@code set}, or why none is.
   *
   * @param set the results files
   * @param curve the curve being priced (its phase picks the points)
   * @param d the deployment of that phase (its tokens per step must match)
   * @param sourceOverride the GPU the results were measured on, or null to take it from the run's
   *     device name (as attention does)
   * @param target the GPU to cost on
   */
  public static RestMeasurement select(
      MeasurementSet set,
      Curve curve,
      Deployment d,
      HardwareProfile sourceOverride,
      HardwareProfile target) {
    List<RestResult> ofPhase = new ArrayList<>();
    List<Results> files = new ArrayList<>();
    for (MeasurementSet.Source s : set.sources()) {
      for (RestResult r : s.results().restPoints()) {
        if (r.phase() == curve.phase()) {
          ofPhase.add(r);
          files.add(s.results());
        }
      }
    }
    String phase = curve.phase().id();
    if (ofPhase.isEmpty()) {
      return none(
          "estimate: the results hold no "
              + phase
              + " rest-of-model point (bench --phases rest measures one)");
    }
    long want = Math.round(d.tokensPerStep());
    int pick = -1;
    for (int i = 0; i < ofPhase.size(); i++) {
      RestResult r = ofPhase.get(i);
      if (r.status() != PointStatus.OK || r.tokens() != want) {
        continue;
      }
      if (pick < 0
          || (RestBatch.UNIFORM.equals(r.routing())
              && !RestBatch.UNIFORM.equals(ofPhase.get(pick).routing()))) {
        pick = i;
      }
    }
    if (pick < 0) {
      String seen =
          ofPhase.stream()
              .map(
                  r ->
                      "tokens "
                          + r.tokens()
                          + " "
                          + r.routing()
                          + (r.status() == PointStatus.OK ? "" : " " + r.status().id()))
              .distinct()
              .collect(Collectors.joining(", "));
      return none(
          String.format(
              Locale.ROOT,
              "estimate: %s rest point(s) not used (%s): the %s deployment serves %d tokens per GPU"
                  + " per step, and a measured time per token holds at its own batch only",
              phase,
              seen,
              phase,
              want));
    }
    RestResult p = ofPhase.get(pick);
    Results file = files.get(pick);
    HardwareProfile src = sourceOverride;
    if (src == null && !"cpu".equalsIgnoreCase(file.run().backend())) {
      src = HardwareProfiles.forDevice(file.run().device()).orElse(null);
    }
    String device =
        src != null
            ? src.id().toUpperCase(Locale.ROOT)
            : file.run().device() != null && file.run().device().name() != null
                ? file.run().device().name()
                : file.run().backend() + " backend";
    Translator tr = src == null ? null : new Translator(src, target);
    Map<Op, Stage> stages = new EnumMap<>(Op.class);
    for (StageResult s : p.stages()) {
      OpWork work = new OpWork(s.op(), s.flops(), s.bytes());
      double factor = tr == null ? 1.0 : tr.factor(work, Precision.of(s.op()));
      String how =
          tr == null
              ? "not translated (" + device + ": no GPU profile)"
              : "roofline " + src.id() + " -> " + target.id();
      stages.put(s.op(), new Stage(s.op(), s.medianSeconds(), p.tokens(), factor, how));
    }
    if (stages.isEmpty()) {
      return none(
          "estimate: the " + phase + " rest point at tokens " + want + " holds no measured stage");
    }
    // A reference run's stages name their library: priced from it, the source says so.
    String library =
        p.stages().stream()
            .map(StageResult::implementation)
            .filter(m -> m != null && m.get("library") != null)
            .map(m -> m.get("library"))
            .findFirst()
            .orElse(null);
    return new RestMeasurement(
        "measured ("
            + device
            + ", tokens "
            + p.tokens()
            + ", "
            + p.routing()
            + (library == null ? "" : ", reference " + library)
            + ")",
        null,
        p,
        stages);
  }
}
