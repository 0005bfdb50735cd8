package io.dsabench.costmodel.cost;

import io.dsabench.costmodel.hardware.HardwareProfile;
import io.dsabench.costmodel.hardware.Precision;
import io.dsabench.costmodel.workload.Phase;
import java.util.ArrayList;
import java.util.List;

/**
 * Estimates the non-attention work per token from the model config: FLOPs from the weight shapes (2
 * per multiply-add, one token), weights per GPU from the deployment's parallelism, network bytes
 * from expert-parallel dispatch and combine. Norms, rope, softmax, routing top-k and activation
 * functions are left out: they are elementwise and small beside the matrix products.
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
 *   <li>embedding: a lookup, no FLOPs; weights vocab·h (not streamed per step, not counted in
 *       weight time)
 *   <li>lm_head: h·vocab, for the deployment's share of tokens that need logits
 * </ul>
 */
public final class RestOfModel {
  private RestOfModel() {}

  /** The estimate for {@code curve} on {@code gpu} (its vendor peak and bandwidth). */
  public static RestEstimate estimate(
      ModelConfig c, Deployment d, Curve curve, HardwareProfile gpu) {
    if (d.phase() != curve.phase()) {
      throw new IllegalArgumentException(
          "deployment.phase: " + d.phase().id() + " does not match curve " + curve.id());
    }
    boolean prefill = curve.phase() == Phase.PREFILL;
    double h = c.hidden();
    double bpp = d.weightBytesPerParam();
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
        new Component(
            "mla_projections",
            2 * mlaMacs * c.layers(),
            mlaParams * c.layers() * bpp,
            "q_a, q_b, kv_a, o and "
                + (prefill ? "kv_b up-projection (MHA mode)" : "absorbed kv_b (MQA mode)")
                + ", "
                + c.layers()
                + " layers"));
    if (curve.version() == ModelVersion.V3_2) {
      double idx =
          (double) c.qLoraRank() * c.indexHeads() * c.indexDim()
              + h * c.indexDim()
              + h * c.indexHeads();
      parts.add(
          new Component(
              "indexer_projections",
              2 * idx * c.layers(),
              idx * c.layers() * bpp,
              "wq_b from q_lora, wk, head weights, " + c.layers() + " layers"));
    }
    double expertParams = 3 * h * c.moeIntermediate();
    double moeMacs = (c.activeExperts() + c.sharedExperts()) * expertParams + h * c.routedExperts();
    double moeWeights =
        (c.sharedExperts() * expertParams + h * c.routedExperts())
            + c.routedExperts() * expertParams / d.expertParallel();
    parts.add(
        new Component(
            "moe_experts",
            2 * moeMacs * c.moeLayers(),
            moeWeights * c.moeLayers() * bpp,
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
        new Component(
            "dense_ffn",
            2 * dense * c.denseLayers(),
            dense * c.denseLayers() * bpp,
            "3·h·" + c.denseIntermediate() + ", " + c.denseLayers() + " layers"));
    parts.add(new Component("embedding", 0, 0, "a row lookup per token; no FLOPs, not streamed"));
    double head = h * c.vocab();
    parts.add(
        new Component(
            "lm_head",
            2 * head * d.headTokenFraction(),
            head * bpp,
            "h·vocab for " + d.headTokenFraction() + " of tokens"));

    double flops = parts.stream().mapToDouble(Component::flopsPerToken).sum();
    double weights = parts.stream().mapToDouble(Component::weightBytesPerGpu).sum();
    double compute = flops / (d.gemmEfficiency() * gpu.peak().flopsPerSecond(Precision.FP8));
    double weightTime =
        weights / d.batchTokensPerGpu() / (d.memoryEfficiency() * gpu.peak().bytesPerSecond());
    double commBytes =
        c.moeLayers()
            * d.remoteCopiesPerToken()
            * h
            * (d.dispatchBytesPerValue() + d.combineBytesPerValue());
    double comm = commBytes / d.networkBytesPerSecond();
    double onChip = Math.max(compute, weightTime);
    double total = d.overlapCommunication() ? Math.max(onChip, comm) : onChip + comm;
    return new RestEstimate(
        curve, parts, flops, weights, compute, weightTime, commBytes, comm, total, 1.0, total);
  }
}
