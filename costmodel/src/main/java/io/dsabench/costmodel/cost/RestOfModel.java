package io.dsabench.costmodel.cost;

import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.costmodel.hardware.Precision;
import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Estimates the non-attention work per token from the model config, every component a roofline on
 * the target GPU ({@link Component}): FLOPs from the weight shapes (2 per multiply-add, one token)
 * at the deployment's GEMM efficiency, weights per GPU from the deployment's parallelism streamed
 * once per step and shared by the step's tokens, and expert-parallel all-to-all over the NIC at the
 * deployment's achieved rate, with the copies per token derived from the EP degree and the routing
 * rule ({@link Deployment#remoteCopiesPerToken}). Norms, rope, softmax, routing top-k and
 * activation functions are left out: they are elementwise and small beside the matrix products.
 *
 * <p>What each component counts (h = hidden, per layer unless said):
 *
 * <ul>
 *   <li>mla_projections: q_a h·q_lora, q_b q_lora·heads·(nope+rope), kv_a h·(kv_lora+rope), o
 *       heads·v·h, plus the latent-to-head maps — prefill (MHA mode) up-projects each token's
 *       latent to keys and values, kv_lora·heads·(nope+v); decode (MQA mode, absorbed) maps q_nope
 *       into the latent and the latent output back, heads·nope·kv_lora + heads·kv_lora·v
 *   <li>indexer_projections (V3.2 only): q from the q_lora vector q_lora·index_heads·index_dim, k
 *       h·index_dim, head weights h·index_heads
 *   <li>moe_experts (MoE layers): (active + shared)·3·h·moe_inter, router h·routed; weights per
 *       GPU: shared replicated, routed divided by EP
 *   <li>dense_ffn (first dense layers): 3·h·dense_inter
 *   <li>mtp_module: the multi-token-prediction module, one more MLA + MoE layer and its 2h·h
 *       projection, run for every prompt token in prefill (it keeps its own cache) and once per
 *       draft token in decode (drafts / (1 + drafts) per query token), plus the head for each draft
 *   <li>embedding: a lookup, no FLOPs; weights vocab·h (not streamed per step)
 *   <li>lm_head: h·vocab, for the deployment's share of tokens that need logits
 *   <li>all_to_all: MoE layers · remote copies · h · (dispatch + combine bytes) per token, over the
 *       NIC at line rate × networkEfficiency; overlapped with the rest (two micro-batches) or added
 * </ul>
 *
 * Where a results file measured the rest of the model at the deployment's batch ({@code bench
 * --phases rest}), {@link #withMeasured} prices the components it measured from it, translated to
 * the target, and keeps the estimate beside each; the all-to-all always stays this model.
 *
 * <p>The MTP module's attention is not here: it is one more attention layer per prompt token and
 * half a layer per decode query token with one draft, which {@link #attentionLayers} adds to the
 * measured attention.
 */
public final class RestOfModel {
  /** The network component's name: a model at the NIC rate, never measured by a rest point. */
  public static final String ALL_TO_ALL = "all_to_all";

  private RestOfModel() {}

  /** Attention layers per query token: the model's layers plus the MTP module's share. */
  public static double attentionLayers(ModelConfig c, Deployment d) {
    return c.layers() + mtpRunsPerToken(c, d);
  }

  /**
   * MTP layer runs per query token: every module over every prompt token in prefill; in decode one
   * run per draft per step, over 1 + drafts query tokens.
   */
  public static double mtpRunsPerToken(ModelConfig c, Deployment d) {
    if (c.mtpLayers() == 0 || d.mtpDraftTokens() == 0) {
      return 0;
    }
    return d.phase() == Phase.PREFILL
        ? c.mtpLayers()
        : (double) d.mtpDraftTokens() / (1 + d.mtpDraftTokens());
  }

  /** The estimate for {@code curve} on {@code gpu} (its vendor peak and bandwidth). */
  public static RestEstimate estimate(
      ModelConfig c, Deployment d, Curve curve, HardwareProfile gpu) {
    if (d.phase() != curve.phase()) {
      throw new BadInputException(
          "deployment.phase: " + d.phase().id() + " does not match curve " + curve.id());
    }
    boolean prefill = curve.phase() == Phase.PREFILL;
    double h = c.hidden();
    double bpp = d.weightBytesPerParam();
    double flopRate = d.gemmEfficiency() * gpu.peak().flopsPerSecond(Precision.FP8);
    double byteRate = d.memoryEfficiency() * gpu.peak().bytesPerSecond();
    double tokensPerStep = d.tokensPerStep();
    List<Component> parts = new ArrayList<>();

    double qa = h * c.qLoraRank();
    double qb = (double) c.qLoraRank() * c.heads() * (c.qkNopeDim() + c.ropeDim());
    double kva = h * (c.kvLoraRank() + c.ropeDim());
    double o = (double) c.heads() * c.vHeadDim() * h;
    double kvbParams = (double) c.kvLoraRank() * c.heads() * (c.qkNopeDim() + c.vHeadDim());
    double kvbMacs =
        prefill
            ? kvbParams
            : (double) c.heads() * c.qkNopeDim() * c.kvLoraRank()
                + (double) c.heads() * c.kvLoraRank() * c.vHeadDim();
    double mlaMacs = qa + qb + kva + o + kvbMacs;
    double mlaParams = qa + qb + kva + o + kvbParams;
    parts.add(
        part(
            "mla_projections",
            2 * mlaMacs * c.layers(),
            mlaParams * c.layers() * bpp,
            flopRate,
            byteRate,
            tokensPerStep,
            "q_a, q_b, kv_a, o and "
                + (prefill ? "kv_b up-projection (MHA mode)" : "absorbed kv_b (MQA mode)")
                + ", "
                + c.layers()
                + " layers; "
                + c.source()));
    double idx =
        (double) c.qLoraRank() * c.indexHeads() * c.indexDim()
            + h * c.indexDim()
            + h * c.indexHeads();
    if (curve.version() == ModelVersion.V3_2) {
      parts.add(
          part(
              "indexer_projections",
              2 * idx * c.layers(),
              idx * c.layers() * bpp,
              flopRate,
              byteRate,
              tokensPerStep,
              "V3.2 only: wq_b from q_lora, wk, head weights, "
                  + c.layers()
                  + " layers; DeepSeek-V3.2 report §2.1, "
                  + c.source()));
    }
    double expertParams = 3 * h * c.moeIntermediate();
    double moeMacs = (c.activeExperts() + c.sharedExperts()) * expertParams + h * c.routedExperts();
    double moeWeights =
        (c.sharedExperts() * expertParams + h * c.routedExperts())
            + c.routedExperts() * expertParams / d.expertParallel();
    parts.add(
        part(
            "moe_experts",
            2 * moeMacs * c.moeLayers(),
            moeWeights * c.moeLayers() * bpp,
            flopRate,
            byteRate,
            tokensPerStep,
            c.activeExperts()
                + " routed + "
                + c.sharedExperts()
                + " shared experts of 3·h·"
                + c.moeIntermediate()
                + ", router; routed weights / EP "
                + d.expertParallel()
                + ", "
                + c.moeLayers()
                + " layers"));
    double dense = 3 * h * c.denseIntermediate();
    parts.add(
        part(
            "dense_ffn",
            2 * dense * c.denseLayers(),
            dense * c.denseLayers() * bpp,
            flopRate,
            byteRate,
            tokensPerStep,
            "3·h·" + c.denseIntermediate() + ", " + c.denseLayers() + " layers"));
    double head = h * c.vocab();
    double mtpRuns = mtpRunsPerToken(c, d);
    if (c.mtpLayers() > 0) {
      double eh = 2 * h * h;
      double layerMacs = mlaMacs + moeMacs + eh + (curve.version() == ModelVersion.V3_2 ? idx : 0);
      double layerParams =
          mlaParams + moeWeights + eh + (curve.version() == ModelVersion.V3_2 ? idx : 0);
      // Decode: each draft needs its logits from the shared head; prefill needs none.
      double draftHead = prefill ? 0 : mtpRuns * head;
      parts.add(
          part(
              "mtp_module",
              2 * (mtpRuns * layerMacs + draftHead),
              d.mtpDraftTokens() == 0 ? 0 : c.mtpLayers() * layerParams * bpp,
              flopRate,
              byteRate,
              tokensPerStep,
              String.format(
                  Locale.ROOT,
                  "%s run(s) per %s token of one MLA + MoE layer and its 2h·h projection%s;"
                      + " DeepSeek-V3 report §2.2 and §5.4.3 (%d module, %d draft per step)",
                  num(mtpRuns),
                  prefill ? "prompt" : "decode query",
                  prefill ? "" : ", plus the head for the draft",
                  c.mtpLayers(),
                  d.mtpDraftTokens())));
    }
    parts.add(
        new Component(
            "embedding",
            0,
            head * bpp,
            0,
            0,
            0,
            0,
            "compute",
            "vocab·h held in memory; a row lookup per token, not streamed"));
    parts.add(
        part(
            "lm_head",
            2 * head * d.headTokenFraction(),
            head * bpp,
            flopRate,
            byteRate,
            tokensPerStep,
            "h·vocab for " + d.headTokenFraction() + " of tokens"));

    double copies = d.remoteCopiesPerToken(c.activeExperts());
    double commBytes =
        c.moeLayers() * copies * h * (d.dispatchBytesPerValue() + d.combineBytesPerValue());
    double rate = d.networkBytesPerSecond() * d.networkEfficiency();
    double comm = commBytes / rate;
    Component network =
        new Component(
            ALL_TO_ALL,
            0,
            0,
            commBytes,
            0,
            0,
            comm,
            "network",
            String.format(
                Locale.ROOT,
                "%d MoE layers x %.2f remote copies (%s routing, EP%d, %d GPUs/node) x h x (%s +"
                    + " %s B) at %.1f GB/s (%s of %.0f GB/s line rate); DeepEP measured on H800:"
                    + " 39 GB/s low-latency at EP128, 58/57 GB/s normal at EP32",
                c.moeLayers(),
                copies,
                d.routing(),
                d.expertParallel(),
                d.gpusPerNode(),
                num(d.dispatchBytesPerValue()),
                num(d.combineBytesPerValue()),
                rate / 1e9,
                num(d.networkEfficiency()),
                d.networkBytesPerSecond() / 1e9));
    parts.add(network);

    return totals(curve, parts, d, copies, commBytes, comm, RestEstimate.NO_REST_POINTS, -1);
  }

  /**
   * {@code est} with the components {@code m} measured priced from the measurement, each moved to
   * the target ({@link RestMeasurement.Stage#perTokenSeconds}) and multiplied by the layers that
   * have it: mla_projections and indexer_projections by the model's layers, moe_experts by the MoE
   * layers, dense_ffn by the dense layers, lm_head by the deployment's share of tokens that need
   * logits; mtp_module composed as its estimate composes it (its MTP runs per token of one MLA +
   * MoE (+ indexer, V3.2) layer, the head for each decode draft, and its 2h·h projection, which no
   * stage measures, at its estimate). Components the point did not measure, the embedding and the
   * all-to-all stay estimates.
   *
   * @param gpu the target GPU, for the MTP module's projection estimate
   */
  public static RestEstimate withMeasured(
      ModelConfig c, Deployment d, RestEstimate est, RestMeasurement m, HardwareProfile gpu) {
    if (!m.used()) {
      return new RestEstimate(
          est.curve(),
          est.components(),
          est.flopsPerToken(),
          est.weightBytesPerGpu(),
          est.computeSeconds(),
          est.weightSeconds(),
          est.onChipSeconds(),
          est.remoteCopiesPerToken(),
          est.commBytesPerToken(),
          est.commSeconds(),
          est.modelSeconds(),
          est.calibrationScale(),
          est.secondsPerToken(),
          est.estimateModelSeconds(),
          m.reason());
    }
    List<Component> parts = new ArrayList<>();
    List<String> priced = new ArrayList<>();
    for (Component comp : est.components()) {
      Component out = measured(c, d, est.curve(), comp, m, gpu);
      if (out.measured()) {
        priced.add(comp.name());
      }
      parts.add(out);
    }
    String what =
        priced.isEmpty()
            ? "estimate: the "
                + est.curve().phase().id()
                + " rest point ("
                + m.source()
                + ") measured none of this curve's components"
            : m.source() + ": " + String.join(", ", priced);
    return totals(
        est.curve(),
        parts,
        d,
        est.remoteCopiesPerToken(),
        est.commBytesPerToken(),
        est.commSeconds(),
        what,
        est.modelSeconds());
  }

  private static Component measured(
      ModelConfig c,
      Deployment d,
      Curve curve,
      Component comp,
      RestMeasurement m,
      HardwareProfile gpu) {
    String name = comp.name();
    switch (name) {
      case "mla_projections":
        return perLayer(comp, m, Op.MLA_PROJECTIONS, c.layers(), "layers");
      case "indexer_projections":
        return perLayer(comp, m, Op.INDEXER_PROJECTIONS, c.layers(), "layers");
      case "moe_experts":
        return perLayer(comp, m, Op.MOE_EXPERTS, c.moeLayers(), "MoE layers");
      case "dense_ffn":
        return perLayer(comp, m, Op.DENSE_FFN, c.denseLayers(), "dense layers");
      case "lm_head":
        return perLayer(
            comp, m, Op.LM_HEAD, d.headTokenFraction(), "of tokens (headTokenFraction)");
      case "mtp_module":
        return mtp(c, d, curve, comp, m, gpu);
      default:
        return comp; // embedding (no time) and all_to_all (a model at the NIC rate)
    }
  }

  private static Component perLayer(
      Component comp, RestMeasurement m, Op op, double times, String unit) {
    RestMeasurement.Stage s = m.stage(op);
    if (s == null) {
      return comp.estimateBecause("not measured by the rest point (" + m.source() + ")");
    }
    double perToken = s.perTokenSeconds() * times;
    return comp.measuredAs(
        perToken,
        m.source(),
        String.format(
            Locale.ROOT,
            "%s us per call x %s %s / %d tokens x %.3f (%s) = %s us per token",
            us(s.callSeconds()),
            num(times),
            unit,
            s.tokens(),
            s.factor(),
            s.translation(),
            us(perToken)));
  }

  private static Component mtp(
      ModelConfig c,
      Deployment d,
      Curve curve,
      Component comp,
      RestMeasurement m,
      HardwareProfile gpu) {
    double runs = mtpRunsPerToken(c, d);
    if (runs == 0) {
      return comp; // no draft tokens: the module does not run
    }
    boolean prefill = curve.phase() == Phase.PREFILL;
    boolean v32 = curve.version() == ModelVersion.V3_2;
    List<Op> needs = new ArrayList<>(List.of(Op.MLA_PROJECTIONS, Op.MOE_EXPERTS));
    if (v32) {
      needs.add(Op.INDEXER_PROJECTIONS);
    }
    if (!prefill) {
      needs.add(Op.LM_HEAD);
    }
    List<String> missing = new ArrayList<>();
    for (Op op : needs) {
      if (m.stage(op) == null) {
        missing.add(op.id());
      }
    }
    if (!missing.isEmpty()) {
      return comp.estimateBecause(
          "composed from per-layer stages the rest point did not measure ("
              + String.join(", ", missing)
              + ")");
    }
    double layer = 0;
    for (Op op : needs) {
      if (op != Op.LM_HEAD) {
        layer += m.stage(op).perTokenSeconds();
      }
    }
    double draftHead = prefill ? 0 : m.stage(Op.LM_HEAD).perTokenSeconds();
    // The module's 2h·h projection (embedding and hidden state in, one row out) is no measured op:
    // its estimate, a roofline like the others, stays in.
    double h = c.hidden();
    double eh = 2 * h * h;
    double flopRate = d.gemmEfficiency() * gpu.peak().flopsPerSecond(Precision.FP8);
    double byteRate = d.memoryEfficiency() * gpu.peak().bytesPerSecond();
    double ehSeconds =
        Math.max(
            2 * eh * runs / flopRate,
            c.mtpLayers() * eh * d.weightBytesPerParam() / d.tokensPerStep() / byteRate);
    double perToken = runs * (layer + draftHead) + ehSeconds;
    return comp.measuredAs(
        perToken,
        m.source(),
        String.format(
            Locale.ROOT,
            "%s runs per token x (one layer's %s = %s us%s) + 2h·h projection estimate %s us = %s"
                + " us per token; in decode the module runs over the batch's sequences, whose"
                + " weight streaming the measured per-token time at the full step shares",
            num(runs),
            String.join(" + ", needs.stream().filter(o -> o != Op.LM_HEAD).map(Op::id).toList()),
            us(layer),
            prefill ? "" : " + the head for the draft " + us(draftHead) + " us",
            us(ehSeconds),
            us(perToken)));
  }

  private static RestEstimate totals(
      Curve curve,
      List<Component> parts,
      Deployment d,
      double copies,
      double commBytes,
      double comm,
      String measurement,
      double estimateModelSeconds) {
    double flops = 0;
    double weights = 0;
    double computeSum = 0;
    double weightSum = 0;
    double onChip = 0;
    for (Component p : parts) {
      if (p.name().equals(ALL_TO_ALL)) {
        continue;
      }
      flops += p.flopsPerToken();
      weights += p.weightBytesPerGpu();
      computeSum += p.computeSeconds();
      weightSum += p.weightSeconds();
      onChip += p.seconds();
    }
    double total = d.overlapCommunication() ? Math.max(onChip, comm) : onChip + comm;
    return new RestEstimate(
        curve,
        parts,
        flops,
        weights,
        computeSum,
        weightSum,
        onChip,
        copies,
        commBytes,
        comm,
        total,
        1.0,
        total,
        estimateModelSeconds < 0 ? total : estimateModelSeconds,
        measurement);
  }

  private static String us(double seconds) {
    return String.format(Locale.ROOT, "%.3g", seconds * 1e6);
  }

  private static Component part(
      String name,
      double flops,
      double weightBytes,
      double flopRate,
      double byteRate,
      double tokensPerStep,
      String note) {
    double compute = flops / flopRate;
    double w = weightBytes / tokensPerStep / byteRate;
    return new Component(
        name,
        flops,
        weightBytes,
        0,
        compute,
        w,
        Math.max(compute, w),
        compute >= w ? "compute" : "weights",
        note);
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3g", v);
  }
}
