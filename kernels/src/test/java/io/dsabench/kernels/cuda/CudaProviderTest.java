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
}
