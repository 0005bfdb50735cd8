/**
 * The {@code cpu} backend: DeepSeek-V3.2's six attention ops in pure Java, the reference that every
 * GPU kernel is checked against and what {@code dsabench bench} measures where no GPU is.
 *
 * <p>Buffers live on the heap in the GPU's formats (bf16 values pre-rounded in a {@code float[]},
 * e4m3 codes, 656-byte FP8 cache records; see {@link io.dsabench.kernels.numerics}); every op
 * accumulates in fp32 and rounds its attention output to bf16. The kernels are flash-style (key
 * blocks, online softmax), blocked so their inner loops run over a contiguous axis that HotSpot's
 * C2 turns into SIMD code, and split into tasks over (query row, head group, key range) on a
 * backend-owned {@link java.util.concurrent.ForkJoinPool}, so that even a single decode row keeps
 * every core busy. Top-k is a radix select, linear in the row length. The rest of a layer — FP8
 * GEMMs (plain or grouped over experts), SiLU·mul with fp8 quantization, and the MoE router — is
 * split over rows (and column blocks for the GEMM) the same way.
 *
 * <p>Start it with {@code Backends.open("cpu")} (found through {@link
 * io.dsabench.kernels.cpu.CpuProvider}) or {@code new CpuBackend(threads)}.
 */
package io.dsabench.kernels.cpu;
