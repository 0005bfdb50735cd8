/**
 * Number formats exactly as the GPU holds them, shared by the {@code cpu} backend (which computes
 * with them), the {@code cuda} backend (which uploads with them) and the correctness check.
 *
 * <ul>
 *   <li>{@link io.dsabench.kernels.numerics.Bf16}: fp32 to bfloat16, round to nearest even, NaN
 *       kept; the storage type of every attention input and output.
 *   <li>{@link io.dsabench.kernels.numerics.E4m3}: fp8 e4m3 "fn" (max 448, no infinities), round to
 *       nearest even, saturating; a 256-entry table decodes.
 *   <li>{@link io.dsabench.kernels.numerics.KvFp8}: DeepSeek-V3.2's 656-byte FP8 MLA cache entry:
 *       512 e4m3 latent values in 4 tiles with an fp32 scale = amax / 448 each, the 4 scales, then
 *       64 bf16 rope values, little-endian.
 *   <li>{@link io.dsabench.kernels.numerics.IndexerFp8}: the lightning indexer's k rows, e4m3 with
 *       one fp32 scale per row.
 * </ul>
 *
 * <p>Everything works on plain arrays, one element at a time, with no allocation in the per-value
 * paths: uploads of hundreds of megabytes go through here.
 */
package io.dsabench.kernels.numerics;
