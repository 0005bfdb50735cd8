package io.dsabench.kernels;

/** Element types the ops read and write, as a GPU holds them. */
public enum DType {
  /** bfloat16: 8 exponent bits, 7 mantissa bits; rounded to nearest even from fp32. */
  BF16(2),
  /** fp8 e4m3 (OCP "e4m3fn": max 448, no infinities), rounded to nearest even, saturating. */
  FP8_E4M3(1),
  FP32(4),
  INT32(4),
  /**
   * DeepSeek-V3.2's FP8 MLA cache entry, one element per token, 656 bytes: 512 e4m3 values of the
   * latent (4 tiles of 128, each with one fp32 scale), the 4 fp32 scales, then the 64 rope values
   * in bf16.
   */
  KV_FP8_656(656);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes one element occupies in device memory. */
  public int bytes() {
    return bytes;
  }
}
