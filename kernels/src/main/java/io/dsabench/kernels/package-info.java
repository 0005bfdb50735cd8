/**
 * The ops API: one backend-neutral face for the six ops DeepSeek-V3.2's attention is made of.
 *
 * <p>{@link io.dsabench.kernels.Backend} holds memory ({@link io.dsabench.kernels.DeviceBuffer},
 * typed by {@link io.dsabench.kernels.DType} as a GPU holds it: bf16, e4m3, the 656-byte FP8 cache
 * entry), times work on its own clock ({@link io.dsabench.kernels.DeviceTimer}: CUDA events on
 * GPUs) and runs the ops, whose arguments are the records of {@link io.dsabench.kernels.Ops},
 * checked on construction:
 *
 * <ul>
 *   <li>dense MLA prefill in MHA mode (128 heads, q·k 192, v 128, causal);
 *   <li>dense MLA decode in absorbed MQA mode (one 576-wide latent entry shared by 128 heads);
 *   <li>the lightning indexer (fp8 with one scale per key row, or bf16);
 *   <li>causal top-k of its logits;
 *   <li>sparse MQA attention over the selected entries, for prefill and for decode.
 * </ul>
 *
 * <p>Every op shares one batch/causal convention (see {@link io.dsabench.kernels.Backend}): a batch
 * of sequences, each with {@code tokensPerSeq} query tokens at the end of {@code position} keys.
 *
 * <p>Backends are found by short name through {@link java.util.ServiceLoader} ({@link
 * io.dsabench.kernels.Backends}, {@link io.dsabench.kernels.BackendProvider}): {@code cpu}, the
 * pure-Java reference in {@code cpu}, and {@code cuda}, JCuda over nvcc-built cubins in {@code
 * cuda}. One that cannot start throws {@link io.dsabench.kernels.BackendUnavailableException}
 * saying why, never crashes the JVM; {@code auto} falls back to {@code cpu} and reports the reason.
 * {@code check} compares any backend with the reference on fresh random inputs.
 *
 * <p>This module imports none of dsabench's others, so the shapes in {@link
 * io.dsabench.kernels.Mla} repeat the cost model's on purpose.
 */
package io.dsabench.kernels;
