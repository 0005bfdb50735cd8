package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CudaMoeOpsTest {
  @Test
  void routerSplitsFillTheSmsAtDecodeAndNeverSplitWhenRowBlocksDo() {
    // m = 256 on an H200: 4 row blocks of 64, 112 k tiles of 64 over hidden 7168.
    assertThat(CudaMoeOps.routerSplits(4, 112, 132)).isEqualTo(33);
    assertThat(CudaMoeOps.routerSplits(64, 112, 132)).isEqualTo(2);
    assertThat(CudaMoeOps.routerSplits(132, 112, 132)).isEqualTo(1);
    assertThat(CudaMoeOps.routerSplits(256, 112, 132)).isEqualTo(1);
    // One row block: capped at two k tiles per split.
    assertThat(CudaMoeOps.routerSplits(1, 112, 132)).isEqualTo(56);
    assertThat(CudaMoeOps.routerSplits(1, 3, 132)).isEqualTo(1);
  }

  @Test
  void routerVariantsAreNamedOrRefused() {
    assertThat(CudaMoeOps.routerSuffix("r64")).isEmpty();
    assertThat(CudaMoeOps.routerSuffix("r128")).isEqualTo("_r128");
    assertThat(CudaMoeOps.autoRouter(16384, 132)).isEqualTo("r128");
    assertThat(CudaMoeOps.autoRouter(4096, 132)).isEqualTo("r64");
    assertThat(CudaMoeOps.autoRouter(256, 132)).isEqualTo("r64");
    assertThatThrownBy(() -> CudaMoeOps.routerSuffix("r32"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dsabench.cuda.router: r32 is not a router variant (auto, r64 or r128)");
  }

  private static String ptx(String module) throws IOException {
    String name = CudaBackend.RESOURCES + module + ".compute_80.ptx";
    try (InputStream in = CudaMoeOpsTest.class.getClassLoader().getResourceAsStream(name)) {
      assumeTrue(in != null, name + " was not built (no nvcc when the kernels were compiled)");
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static int ptxConstant(String ptx, String name) {
    Matcher m =
        Pattern.compile("\\.global \\.align 4 \\.u32 " + Pattern.quote(name) + " = (\\d+);")
            .matcher(ptx);
    assertThat(m.find()).as("%s is exported by the PTX", name).isTrue();
    return Integer.parseInt(m.group(1));
  }

  @Test
  void theModulesExportTheConstantsTheLaunchesRead() throws IOException {
    String router = ptx(CudaMoeOps.ROUTER_MODULE);
    for (String name :
        List.of(
            CudaMoeOps.ROUTER_SMEM,
            CudaMoeOps.ROUTER_SMEM + CudaMoeOps.routerSuffix("r128"),
            CudaMoeOps.ROUTER_THREADS,
            CudaMoeOps.ROUTER_ROWS,
            CudaMoeOps.ROUTER_ROWS + CudaMoeOps.routerSuffix("r128"),
            CudaMoeOps.ROUTER_KTILE)) {
      assertThat(ptxConstant(router, name)).as(name).isPositive();
    }
    assertThat(ptxConstant(router, CudaMoeOps.ROUTER_EXPERTS)).isEqualTo(256);
    String swiglu = ptx(CudaMoeOps.SWIGLU_MODULE);
    for (String name : List.of(CudaMoeOps.SWIGLU_THREADS, CudaMoeOps.SWIGLU_ROWS)) {
      assertThat(ptxConstant(swiglu, name)).as(name).isPositive();
    }
  }
}
