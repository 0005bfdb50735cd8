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
 * <p>The dense MLA kernels live in {@code dense_prefill.cu} and {@code dense_decode.cu}; the DSA
 * ops are delegated to {@link io.dsabench.kernels.cuda.CudaDsaOps}.
 */
package io.dsabench.kernels.cuda;
