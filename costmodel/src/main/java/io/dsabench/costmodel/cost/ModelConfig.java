package io.dsabench.costmodel.cost;

import io.dsabench.model.BadInputException;

/**
 * The whole-model shapes the rest-of-model estimate needs. {@link #DEEPSEEK_V3_2} holds
 * config_671B_v3.2.json's values (V3.1-Terminus has the same shapes without the indexer).
 *
 * @param hidden model width
 * @param qLoraRank query low-rank dim (MLA's q_a output)
 * @param kvLoraRank latent KV dim (MLA's kv_a output, without rope)
 * @param heads attention heads
 * @param qkNopeDim per-head q·k dims without rope
 * @param ropeDim rope dims
 * @param vHeadDim per-head value dim
 * @param layers transformer layers
 * @param denseLayers leading layers with a dense FFN
 * @param denseIntermediate dense FFN width
 * @param moeIntermediate expert FFN width
 * @param routedExperts routed experts per MoE layer
 * @param sharedExperts shared experts per MoE layer
 * @param activeExperts routed experts each token uses
 * @param vocab vocabulary size (embedding and head)
 * @param indexHeads lightning indexer heads (its q comes from the q_lora vector)
 * @param indexDim lightning indexer head dim
 * @param mtpLayers multi-token-prediction modules (config num_nextn_predict_layers): each one more
 *     transformer layer (MLA and MoE) plus a 2h·h projection, sharing the embedding and head
 * @param v31CacheBytesPerToken KV cache per token and layer as V3.1 serves it: the 576-wide latent
 *     in bf16 (1152 B)
 * @param v32CacheBytesPerToken KV cache per token and layer as V3.2 serves it: the latent in fp8
 *     with scales and a bf16 rope part (656 B), plus the indexer's fp8 key and scale (132 B)
 * @param source where the numbers come from
 */
public record ModelConfig(
    int hidden,
    int qLoraRank,
    int kvLoraRank,
    int heads,
    int qkNopeDim,
    int ropeDim,
    int vHeadDim,
    int layers,
    int denseLayers,
    int denseIntermediate,
    int moeIntermediate,
    int routedExperts,
    int sharedExperts,
    int activeExperts,
    int vocab,
    int indexHeads,
    int indexDim,
    int mtpLayers,
    int v31CacheBytesPerToken,
    int v32CacheBytesPerToken,
    String source) {

  /** DeepSeek-V3.2's shapes. */
  public static final ModelConfig DEEPSEEK_V3_2 =
      new ModelConfig(
          7168,
          1536,
          512,
          128,
          128,
          64,
          128,
          61,
          3,
          18432,
          2048,
          256,
          1,
          8,
          129280,
          64,
          128,
          1,
          576 * 2,
          656 + 132,
          "DeepSeek-V3.2 config_671B_v3.2.json");

  public ModelConfig {
    positive("hidden", hidden);
    positive("qLoraRank", qLoraRank);
    positive("kvLoraRank", kvLoraRank);
    positive("heads", heads);
    positive("qkNopeDim", qkNopeDim);
    positive("ropeDim", ropeDim);
    positive("vHeadDim", vHeadDim);
    positive("layers", layers);
    if (denseLayers < 0 || denseLayers > layers) {
      throw new BadInputException(
          "denseLayers: " + denseLayers + " is not between 0 and layers " + layers);
    }
    positive("denseIntermediate", denseIntermediate);
    positive("moeIntermediate", moeIntermediate);
    positive("routedExperts", routedExperts);
    if (sharedExperts < 0) {
      throw new BadInputException("sharedExperts: " + sharedExperts + " is not a count >= 0");
    }
    if (activeExperts <= 0 || activeExperts > routedExperts) {
      throw new BadInputException(
          "activeExperts: "
              + activeExperts
              + " is not between 1 and routedExperts "
              + routedExperts);
    }
    positive("vocab", vocab);
    positive("indexHeads", indexHeads);
    positive("indexDim", indexDim);
    positive("v31CacheBytesPerToken", v31CacheBytesPerToken);
    positive("v32CacheBytesPerToken", v32CacheBytesPerToken);
    if (mtpLayers < 0) {
      throw new BadInputException("mtpLayers: " + mtpLayers + " is not a count >= 0");
    }
  }

  /**
   * KV cache bytes per token of context, all layers (the MTP module's included: it keeps its own
   * cache).
   */
  public double kvBytesPerToken(ModelVersion version) {
    int perLayer = version == ModelVersion.V3_2 ? v32CacheBytesPerToken : v31CacheBytesPerToken;
    return (double) perLayer * (layers + mtpLayers);
  }

  /** Layers with a MoE FFN. */
  public int moeLayers() {
    return layers - denseLayers;
  }

  private static void positive(String field, int v) {
    if (v <= 0) {
      throw new BadInputException(field + ": " + v + " is not a positive count");
    }
  }
}
