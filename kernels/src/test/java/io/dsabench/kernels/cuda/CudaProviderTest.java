package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dsabench.kernels.Backend;
import io.dsabench.kernels.BackendUnavailableException;
import io.dsabench.kernels.Backends;
import io.dsabench.kernels.KernelException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CudaProviderTest {
  private static boolean gpuHere() {
    try (Backend b = new CudaProvider().open()) {
      return b.name().equals("cuda");
    } catch (BackendUnavailableException e) {
      return false;
    }
  }

  @Test
  void withoutAGpuOpeningSaysWhyAndTheJvmSurvives() {
    assumeTrue(!gpuHere(), "a GPU is here; the unavailable path cannot be exercised");
    assertThatThrownBy(() -> new CudaProvider().open())
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageStartingWith("cuda unavailable: ");
    // A second attempt must fail the same way rather than with a NoClassDefFoundError.
    assertThatThrownBy(() -> new CudaProvider().open())
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageStartingWith("cuda unavailable: ");
  }

  @Test
  void autoWithoutAGpuSaysWhyInOneLineAndOpensCpu() throws Exception {
    assumeTrue(!gpuHere(), "a GPU is here; auto opens cuda");
    List<String> said = new ArrayList<>();
    try (Backend b = Backends.open("auto", said::add)) {
      assertThat(b.name()).isEqualTo("cpu");
    }
    assertThat(said).hasSize(1);
    assertThat(said.get(0)).startsWith("cuda unavailable: ").doesNotContain("\n");
  }

  @Test
  void firstLineKeepsOnlyTheFirstLine() {
    assertThat(Backends.firstLine("cuda unavailable: no driver\n\tat x.y(Z.java:1)"))
        .isEqualTo("cuda unavailable: no driver");
    assertThat(Backends.firstLine(null)).isEqualTo("no reason given");
  }

  @Test
  void providerIsNamedCuda() {
    assertThat(new CudaProvider().name()).isEqualTo("cuda");
  }

  @Test
  void driverFailuresNameTheCallTheErrorAndTheSite() {
    KernelException e =
        Cuda.failure(
            "cuMemAlloc(8 bytes)", "CudaBackend.allocate", "CUDA_ERROR_OUT_OF_MEMORY", null);
    assertThat(e)
        .hasMessage("cuMemAlloc(8 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY at CudaBackend.allocate");
    assertThat(e.outOfMemory()).isTrue();
    KernelException other =
        Cuda.failure("cuLaunchKernel(x)", "site", "CUDA_ERROR_ILLEGAL_ADDRESS", null);
    assertThat(other.outOfMemory()).isFalse();
  }

  @Test
  void decodeSplitsFillTheGpu() {
    // 64 sequences x 2 row blocks = 128 blocks on 132 SMs: already 97% of a wave.
    assertThat(DenseDecodeShape.splits(128, 2048, 132)).isEqualTo(1);
    // One sequence: 2 blocks, so split the KV range 66 ways... capped at 64, still > 90%.
    int s = DenseDecodeShape.splits(2, 2048, 132);
    assertThat(2 * s).isGreaterThanOrEqualTo(119);
    // Short contexts keep at least 4 tiles per split.
    assertThat(DenseDecodeShape.splits(2, 8, 132)).isEqualTo(2);
  }

  @Test
  void sharedMemoryFitsAHopperBlock() {
    assertThat(DenseDecodeShape.SHARED_BYTES).isLessThanOrEqualTo(227 * 1024);
    assertThat(DensePrefillShape.sharedBytes(true))
        .isEqualTo(214016)
        .isLessThanOrEqualTo(227 * 1024);
    assertThat(DensePrefillShape.sharedBytes(false)).isLessThanOrEqualTo(227 * 1024 / 2 - 1024);
  }
}
