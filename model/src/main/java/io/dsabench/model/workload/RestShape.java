package io.dsabench.model.workload;

import io.dsabench.model.BadInputException;

/**
 * The shapes of a DeepSeek-V3.2 layer's non-attention work: its projections, experts, dense FFN and
 * head. {@link #DEEPSEEK_V3_2} holds config_671B_v3.2.json's values.
 *
 * @param name short name, recorded with the measurements ({@code deepseek-v3.2})
 * @param hidden model width (hidden_size)
 * @param qLoraRank query low-rank dim, q_a's output (q_lora_rank)
 * @param kvLoraRank latent KV dim, kv_a's output without rope (kv_lora_rank)
 * @param qkNopeDim per-head q·k dims without rope (qk_nope_head_dim)
 * @param ropeDim rope dims (qk_rope_head_dim)
 * @param vHeadDim per-head value dim (v_head_dim)
 * @param heads attention heads (num_attention_heads)
 * @param indexHeads lightning indexer heads (index_n_heads)
 * @param indexDim lightning indexer head dim (index_head_dim)
 * @param moeIntermediate expert FFN width (moe_intermediate_size)
 * @param routedExperts routed experts per MoE layer (n_routed_experts)
 * @param sharedExperts shared experts per MoE layer (n_shared_experts)
 * @param activeExperts routed experts each token uses (num_experts_per_tok)
 * @param expertGroups groups the router splits the experts into (n_group)
 * @param topKGroups groups each token's experts may come from (topk_group)
 * @param denseIntermediate dense FFN width of the first layers (intermediate_size)
 * @param vocab vocabulary size, the head's output (vocab_size)
 * @param source where the numbers come from
 */
public record RestShape(
    String name,
    int hidden,
    int qLoraRank,
    int kvLoraRank,
    int qkNopeDim,
    int ropeDim,
    int vHeadDim,
    int heads,
    int indexHeads,
    int indexDim,
    int moeIntermediate,
    int routedExperts,
    int sharedExperts,
    int activeExperts,
    int expertGroups,
    int topKGroups,
    int denseIntermediate,
    int vocab,
    String source) {

  /** DeepSeek-V3.2's shapes. */
  public static final RestShape DEEPSEEK_V3_2 =
      new RestShape(
          "deepseek-v3.2",
          7168,
          1536,
          512,
          128,
          64,
          128,
          128,
          64,
          128,
          2048,
          256,
          1,
          8,
          8,
          4,
          18432,
          129280,
          "DeepSeek-V3.2 config_671B_v3.2.json (huggingface.co/deepseek-ai/DeepSeek-V3.2-Exp)");

  /**
   * DeepSeek-V3.2's structure (the same calls, router and expert counts) at widths small enough for
   * the pure-Java backend to run in a test: no model's numbers, never a measurement to price.
   */
  public static final RestShape TINY =
      new RestShape(
          "tiny",
          256,
          128,
          128,
          128,
          64,
          64,
          4,
          64,
          64,
          128,
          256,
          1,
          8,
          8,
          4,
          256,
          1024,
          "a test shape: DeepSeek-V3.2's layer structure at small widths");

  /** The shape called {@code name}: {@code deepseek-v3.2} or {@code tiny}. */
  public static RestShape named(String name) {
    for (RestShape s : new RestShape[] {DEEPSEEK_V3_2, TINY}) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new BadInputException("rest-shape: '" + name + "' is not one of deepseek-v3.2, tiny");
  }

  public RestShape {
    if (name == null || name.isBlank()) {
      throw new BadInputException("name: a shape must be named");
    }
    positive("hidden", hidden);
    positive("qLoraRank", qLoraRank);
    positive("kvLoraRank", kvLoraRank);
    positive("qkNopeDim", qkNopeDim);
    positive("ropeDim", ropeDim);
    positive("vHeadDim", vHeadDim);
    positive("heads", heads);
    positive("indexHeads", indexHeads);
    positive("indexDim", indexDim);
    positive("moeIntermediate", moeIntermediate);
    positive("routedExperts", routedExperts);
    if (sharedExperts < 0) {
      throw new BadInputException("sharedExperts: " + sharedExperts + " is not a count >= 0");
    }
    positive("expertGroups", expertGroups);
    if (routedExperts % expertGroups != 0) {
      throw new BadInputException(
          "expertGroups: " + expertGroups + " does not divide routedExperts " + routedExperts);
    }
    if (topKGroups <= 0 || topKGroups > expertGroups) {
      throw new BadInputException(
          "topKGroups: " + topKGroups + " is not between 1 and expertGroups " + expertGroups);
    }
    int candidates = topKGroups * (routedExperts / expertGroups);
    if (activeExperts <= 0 || activeExperts > candidates) {
      throw new BadInputException(
          "activeExperts: "
              + activeExperts
              + " is not between 1 and the "
              + candidates
              + " experts of the kept groups");
    }
    positive("denseIntermediate", denseIntermediate);
    positive("vocab", vocab);
    if (source == null || source.isBlank()) {
      throw new BadInputException("source: the shapes must say where they come from");
    }
  }

  /** Routed experts one GPU holds at expert parallelism {@code ep}: ceil(routed / ep). */
  public int expertsPerGpu(int ep) {
    if (ep <= 0) {
      throw new BadInputException("expertParallel: " + ep + " is not a positive GPU count");
    }
    return (routedExperts + ep - 1) / ep;
  }

  private static void positive(String field, int v) {
    if (v <= 0) {
      throw new BadInputException(field + ": " + v + " is not a positive count");
    }
  }
}
