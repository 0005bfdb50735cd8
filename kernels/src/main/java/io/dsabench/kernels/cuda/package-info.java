/**
 * The {@code cuda} backend: JCuda's driver API over kernels that nvcc compiled at build time.
 *
 * <p>How a call reaches the GPU: {@link io.dsabench.kernels.cuda.CudaProvider} opens a {@link
 * io.dsabench.kernels.cuda.CudaBackend}, which initialises the driver, retains the device's primary
 * context and loads each module lazily from the classpath resource {@code
 * io/dsabench/kernels/cuda/<module>.sm_90a.cubin} on compute capability 9.0 (wgmma and other
 * Hopper-only instructions), else {@code <module>.compute_80.ptx}, which the driver compiles for
 * the device it finds. nvcc never runs at run time; {@code manifest.properties} beside the kernels
 * records whether nvcc existed when the jar was built, so a jar built without it says so instead of
 * failing on a missing resource.
 *
 * <p>Every driver call goes through {@code Cuda.call}, which turns JCuda's {@code CudaException}
 * into a {@link io.dsabench.kernels.KernelException} naming the call, the {@code CUresult} and the
 * site. Buffers, events, modules and the context are {@link AutoCloseable}; {@code close()} never
 * throws, because it runs in finally blocks where a second exception would hide the first. A
 * machine without a driver or GPU gets a {@link io.dsabench.kernels.BackendUnavailableException}
 * ("cuda unavailable: ...") and never a crashed JVM: native loading errors are caught as {@link
 * LinkageError}.
 *
 * <p>One source file per shipped kernel, in a folder per architecture and phase: Hopper runs the
 * dense MLA kernels of {@code sm90/prefill/dense.cu} and {@code sm90/decode/dense.cu} (launched by
 * {@code DensePrefillV3} and {@code DenseDecodeV3}), every other GPU the portable ones of {@code
 * sm80/prefill/dense.cu} and {@code sm80/decode/dense.cu} ({@code DensePrefillV1}, {@code
 * DenseDecodeV1}). Their launch constants (threads, shared memory, tile sizes) are exported by each
 * module as {@code extern "C" __device__ const int} and read at first use, never copied into Java.
 * The DSA ops are delegated to {@link io.dsabench.kernels.cuda.CudaDsaOps}, which reads the v5
 * indexer's shared memory the same way but still carries the top-k and sparse kernels' sizes as
 * Java constants; {@code CudaDsaOpsTest} checks those against what the compiled modules export.
 */
package io.dsabench.kernels.cuda;
