package io.dsabench.costmodel.cost;

import io.dsabench.model.workload.Variant;

/** The two models Figure 3 compares: same weights shape, different attention. */
public enum ModelVersion {
  /** DeepSeek-V3.1-Terminus: dense MLA (MHA-mode prefill, MQA-mode decode). */
  V3_1("v3.1", Variant.DENSE),
  /** DeepSeek-V3.2: DSA (lightning indexer + top-k + sparse MLA), masked MHA for short prefill. */
  V3_2("v3.2", Variant.DSA);

  private final String id;
  private final Variant variant;

  ModelVersion(String id, Variant variant) {
    this.id = id;
    this.variant = variant;
  }

  /** {@code v3.1} or {@code v3.2}. */
  public String id() {
    return id;
  }

  /** The attention variant it runs. */
  public Variant variant() {
    return variant;
  }
}
