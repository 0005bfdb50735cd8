package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dsabench.kernels.KernelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fp8 GEMM's selector, split rule, refusals and exported constants; runs without a GPU. */
class CudaGemmOpsTest {
  @AfterEach
  void clearProperty() {
    System.clearProperty(CudaGemmOps.PROPERTY);
  }

  @Test
  void versionDefaultsToAutoAndNamesTheChoices() {
    assertThat(CudaGemmOps.version()).isEqualTo("auto");
    System.setProperty(CudaGemmOps.PROPERTY, "v2");
    assertThat(CudaGemmOps.version()).isEqualTo("v2");
    System.setProperty(CudaGemmOps.PROPERTY, "v3");
    assertThat(CudaGemmOps.version()).isEqualTo("v3");
    // v1, v4 and v5 left the sources (they lost on the H200): refused with what is left.
    for (String gone : new String[] {"v1", "v4", "v5"}) {
      System.setProperty(CudaGemmOps.PROPERTY, gone);
      assertThatThrownBy(CudaGemmOps::version)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("dsabench.cuda.fp8gemm: '" + gone + "' is not one of auto, off, v2, v3");
    }
  }

  @Test
  void autoTakesV3WhereItsTilesFillTheSms() {
    // prefill q_a: 128 row blocks x 8 column blocks of 192
    assertThat(CudaGemmOps.autoVersion(128, 1536, 192, 132)).isEqualTo("v3");
    // decode o at 256 rows: 2 x 38 = 76 tiles of 192 < 132 SMs
    assertThat(CudaGemmOps.autoVersion(2, 7168, 192, 132)).isEqualTo("v2");
    // decode lm_head at 256 rows: 2 x 674 tiles
    assertThat(CudaGemmOps.autoVersion(2, 129280, 192, 132)).isEqualTo("v3");
  }

  @Test
  void kIsSplitOnlyWhenTheTilesLeaveSmsIdle() {
    assertThat(CudaGemmOps.splits(132, 56, 132)).isEqualTo(1);
    assertThat(CudaGemmOps.splits(384, 12, 132)).isEqualTo(1);
    // decode q_a: 2 row blocks x 12 column blocks, k 7168
    assertThat(CudaGemmOps.splits(24, 56, 132)).isEqualTo(5);
    // at least 4 k blocks per split
    assertThat(CudaGemmOps.splits(1, 56, 132)).isEqualTo(14);
    assertThat(CudaGemmOps.splits(1, 3, 132)).isEqualTo(1);
  }

  @Test
  void refusalsSayWhy() {
    assertThatThrownBy(() -> CudaGemmOps.requireRunnable("cuda", false, "NVIDIA A100", "8.0"))
        .isInstanceOf(KernelException.class)
        .hasMessage(
            "cuda: fp8Gemm needs sm_90a (wgmma and TMA); NVIDIA A100 is compute capability 8.0");
    System.setProperty(CudaGemmOps.PROPERTY, "off");
    assertThatThrownBy(() -> CudaGemmOps.requireRunnable("cuda", true, "NVIDIA H200", "9.0"))
        .isInstanceOf(KernelException.class)
        .hasMessage(
            "cuda: fp8Gemm is off until an H200 round proves sm90/gemm/fp8.cu;"
                + " -Ddsabench.cuda.fp8gemm=auto, v2 or v3 runs it");
    System.setProperty(CudaGemmOps.PROPERTY, "v2");
    CudaGemmOps.requireRunnable("cuda", true, "NVIDIA H200", "9.0");
  }

  @Test
  void theLaunchReadsSymbolsTheCubinDefines() throws IOException {
    String cubin;
    try (InputStream in =
        CudaGemmOpsTest.class
            .getClassLoader()
            .getResourceAsStream(CudaBackend.RESOURCES + CudaGemmOps.MODULE + ".sm_90a.cubin")) {
      assumeTrue(in != null, "the fp8 GEMM cubin was not built (no nvcc)");
      cubin = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    for (String name : CudaGemmOps.CONSTANTS) {
      assertThat(cubin).as(name).contains(name + "\0");
    }
    for (String v : CudaGemmOps.VERSIONS) {
      assertThat(cubin).contains(CudaGemmOps.KERNEL + "_" + v + "\0");
    }
    assertThat(cubin).contains(CudaGemmOps.FINISH + "\0");
  }
}
