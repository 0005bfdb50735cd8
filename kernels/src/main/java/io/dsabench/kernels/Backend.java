package io.dsabench.kernels;

/**
 * One backend-neutral face for the six ops that DeepSeek-V3.2's attention is made of, the three
 * that the rest of a layer needs (FP8 GEMMs, the expert activation, the router), and the memory and
 * timing they need. Implementations: {@code cpu} (pure Java, the reference) and {@code cuda} (JCuda
 * over nvcc-built cubins), found by {@link Backends}.
 *
 * <p>Query layout, shared by every op: a batch of {@code batch} sequences, each with {@code
 * tokensPerSeq} query tokens and {@code position} keys. Query token {@code j} of a sequence sits at
 * position {@code position - tokensPerSeq + j} and sees keys {@code 0 .. position - tokensPerSeq +
 * j} (causal). Prefill of a chunk of n tokens is {@code batch = 1, tokensPerSeq = n}; decode of n
 * sequences is {@code batch = n, tokensPerSeq = 1} (or 2 with a speculative token).
 *
 * <p>Numerics: inputs held as their {@link DType} (bf16, e4m3), fp32 accumulation, bf16 outputs for
 * attention, fp32 logits for the indexer. Calls are asynchronous on {@code cuda}; {@link
 * #synchronize()} or a {@link DeviceTimer} waits. Failures throw {@link KernelException}.
 */
public interface Backend extends AutoCloseable {
  /** Short name: {@code cpu} or {@code cuda}. */
  String name();

  DeviceInfo device();

  /**
   * Allocates {@code elements} of {@code dtype}; contents undefined.
   *
   * @throws KernelException with {@link KernelException#outOfMemory()} when memory runs out
   */
  DeviceBuffer allocate(DType dtype, long elements);

  /**
   * Fills with uniform random values in [-scale, scale], stored rounded to the buffer's type. FP32
   * buffers used as fp8 scales should be filled with {@link #upload}; {@link DType#KV_FP8_656}
   * entries get random latent values quantized with per-tile scales and random bf16 rope values.
   * Deterministic for a given seed and backend.
   */
  void fillRandom(DeviceBuffer buffer, long seed, float scale);

  /**
   * Copies host values in, rounding to the buffer's type. For {@link DType#KV_FP8_656}, {@code
   * values} holds 576 floats per token, quantized per tile of 128 with an fp32 scale = amax / 448.
   */
  void upload(DeviceBuffer buffer, float[] values);

  void uploadInts(DeviceBuffer buffer, int[] values);

  /** Copies out, widened to float ({@link DType#KV_FP8_656}: 576 dequantized floats per token). */
  float[] download(DeviceBuffer buffer);

  int[] downloadInts(DeviceBuffer buffer);

  DeviceTimer timer();

  /** Waits for all work issued so far. */
  void synchronize();

  /** Dense MLA prefill in MHA mode (see {@link Ops.DensePrefill}). */
  void densePrefill(Ops.DensePrefill op);

  /** Dense MLA decode in absorbed MQA mode (see {@link Ops.DenseDecode}). */
  void denseDecode(Ops.DenseDecode op);

  /** Lightning indexer logits (see {@link Ops.Indexer}). */
  void indexer(Ops.Indexer op);

  /** Causal top-k of indexer logits (see {@link Ops.TopK}). */
  void topK(Ops.TopK op);

  /** Sparse MQA-mode attention over selected tokens, one sequence (batch = 1). */
  void sparsePrefill(Ops.SparseAttention op);

  /** Sparse MQA-mode attention over selected tokens, a batch of sequences. */
  void sparseDecode(Ops.SparseAttention op);

  /** FP8 block-scaled matrix product, plain or grouped (see {@link Ops.Fp8Gemm}). */
  void fp8Gemm(Ops.Fp8Gemm op);

  /** SiLU(gate)·up quantized to FP8 with 1×128 scales (see {@link Ops.SwiGluQuant}). */
  void swiGluQuant(Ops.SwiGluQuant op);

  /** MoE router: sigmoid scores, group-limited top-k (see {@link Ops.Router}). */
  void router(Ops.Router op);

  /** Frees everything this backend holds; never throws. */
  @Override
  void close();
}
