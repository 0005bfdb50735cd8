package io.dsabench.model.workload;

/** How the MQA-mode latent cache is stored: bytes per token. */
public enum KvFormat {
  /** 576 bf16 values. */
  BF16(576 * 2),
  /** V3.2's serving format: 512 e4m3 + 4 fp32 tile scales + 64 bf16 rope values. */
  FP8(656);

  private final int bytesPerToken;

  KvFormat(int bytesPerToken) {
    this.bytesPerToken = bytesPerToken;
  }

  public int bytesPerToken() {
    return bytesPerToken;
  }
}
