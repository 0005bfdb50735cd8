package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every launch constant a dense launcher reads is exported by the module it reads it from, in the
 * kernels this build compiled (skipped when the build had no nvcc): a misspelt name would otherwise
 * surface only on a GPU, as a failed cuModuleGetGlobal.
 */
class ExportedConstantsTest {
  private static byte[] resource(String name) throws IOException {
    try (InputStream in =
        ExportedConstantsTest.class
            .getClassLoader()
            .getResourceAsStream(CudaBackend.RESOURCES + name)) {
      assumeTrue(in != null, name + " was not built (no nvcc when the kernels were compiled)");
      return in.readAllBytes();
    }
  }

  /** The values a compute_80 PTX module gives its {@code extern "C" __device__ const int}s. */
  private static int ptxConstant(String ptx, String name) {
    Matcher m =
        Pattern.compile("\\.global \\.align 4 \\.u32 " + Pattern.quote(name) + " = (\\d+);")
            .matcher(ptx);
    assertThat(m.find()).as("%s is exported by the PTX", name).isTrue();
    return Integer.parseInt(m.group(1));
  }

  @Test
  void theV1LaunchersReadConstantsTheirPtxExports() throws IOException {
    String prefill =
        new String(resource(DensePrefillV1.MODULE + ".compute_80.ptx"), StandardCharsets.US_ASCII);
    for (String name :
        List.of(DensePrefillV1.THREADS, DensePrefillV1.SHARED_BYTES, DensePrefillV1.BLOCK_M)) {
      assertThat(ptxConstant(prefill, name)).as(name).isPositive();
    }
    String decode =
        new String(resource(DenseDecodeV1.MODULE + ".compute_80.ptx"), StandardCharsets.US_ASCII);
    for (String name :
        List.of(
            DenseDecodeV1.THREADS,
            DenseDecodeV1.SHARED_BYTES,
            DenseDecodeV1.ROWS,
            DenseDecodeV1.BLOCK_N,
            DenseDecodeV1.COMBINE_THREADS)) {
      assertThat(ptxConstant(decode, name)).as(name).isPositive();
    }
  }

  @Test
  void theV3LaunchersReadSymbolsTheirCubinsDefine() throws IOException {
    // A cubin is ELF: its string table holds each symbol's name, NUL-terminated.
    String prefill =
        new String(resource(DensePrefillV3.MODULE + ".sm_90a.cubin"), StandardCharsets.ISO_8859_1);
    for (String name :
        List.of(
            DensePrefillV3.THREADS,
            DensePrefillV3.SHARED_BYTES,
            DensePrefillV3.BLOCK_M,
            DensePrefillV3.BLOCK_N)) {
      assertThat(prefill).as(name).contains(name + "\0");
    }
    String decode =
        new String(resource(DenseDecodeV3.MODULE + ".sm_90a.cubin"), StandardCharsets.ISO_8859_1);
    for (String name :
        List.of(
            DenseDecodeV3.THREADS,
            DenseDecodeV3.SHARED_BYTES,
            DenseDecodeV3.ROWS,
            DenseDecodeV3.BLOCK_N,
            DenseDecodeV3.OVERHEAD_TILES,
            DenseDecodeV3.COMBINE_ROWS,
            DenseDecodeV3.MAX_PARTS)) {
      assertThat(decode).as(name).contains(name + "\0");
    }
  }
}
