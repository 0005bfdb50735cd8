package io.dsabench.model.workload;

import io.dsabench.model.BadInputException;

/**
 * The attention shapes of a DeepSeek-V3.2-class model. {@link #DEEPSEEK_V3_2} holds
 * config_671B_v3.2.json's values.
 *
 * @param layers transformer layers
 * @param denseFfnLayers leading layers with a dense FFN instead of MoE
 * @param heads attention query heads
 * @param qkNopeDim per-head q·k dims without rope (MHA mode)
 * @param ropeDim rope dims (shared by q·k in both modes)
 * @param vHeadDim per-head value dim (MHA mode)
 * @param kvLoraRank latent dim: the value of an absorbed MQA-mode entry
 * @param indexHeads lightning indexer heads
 * @param indexDim lightning indexer head dim
 * @param topK tokens each DSA query attends to
 */
public record ModelShape(
    int layers,
    int denseFfnLayers,
    int heads,
    int qkNopeDim,
    int ropeDim,
    int vHeadDim,
    int kvLoraRank,
    int indexHeads,
    int indexDim,
    int topK) {

  public static final ModelShape DEEPSEEK_V3_2 =
      new ModelShape(61, 3, 128, 128, 64, 128, 512, 64, 128, 2048);

  public ModelShape {
    positive("layers", layers);
    if (denseFfnLayers < 0 || denseFfnLayers > layers) {
      throw new BadInputException(
          "denseFfnLayers: " + denseFfnLayers + " is not between 0 and layers " + layers);
    }
    positive("heads", heads);
    positive("qkNopeDim", qkNopeDim);
    positive("ropeDim", ropeDim);
    positive("vHeadDim", vHeadDim);
    positive("kvLoraRank", kvLoraRank);
    positive("indexHeads", indexHeads);
    positive("indexDim", indexDim);
    positive("topK", topK);
  }

  /** MHA-mode q·k dim (192 for V3.2). */
  public int qkDim() {
    return qkNopeDim + ropeDim;
  }

  /** MQA-mode entry width: latent + rope (576 for V3.2). */
  public int latentDim() {
    return kvLoraRank + ropeDim;
  }

  private static void positive(String field, int v) {
    if (v <= 0) {
      throw new BadInputException(field + ": " + v + " is not a positive count");
    }
  }
}
