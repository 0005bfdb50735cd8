package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sparse kernel selector; runs without a GPU. */
class SparseShapeTest {
  @AfterEach
  void clearProperty() {
    System.clearProperty(SparseShape.PROPERTY);
  }

  @Test
  void versionFourIsTheDefaultAndThreeAndTheCandidatesStaySelectable() {
    System.clearProperty(SparseShape.PROPERTY);
    assertThat(SparseShape.version()).isEqualTo("v4");
    System.setProperty(SparseShape.PROPERTY, "v3");
    assertThat(SparseShape.version()).isEqualTo("v3");
    assertThat(SparseShape.isV4("v3")).isFalse();
    assertThat(SparseShape.isV4("v4pair")).isFalse();
    System.setProperty(SparseShape.PROPERTY, "v5pair");
    assertThat(SparseShape.version()).isEqualTo("v5pair");
    assertThat(SparseShape.isV4("v5")).isTrue();
    assertThat(SparseShape.isV4("v5pair")).isTrue();
    System.setProperty(SparseShape.PROPERTY, "v6");
    assertThat(SparseShape.version()).isEqualTo("v6");
    assertThat(SparseShape.isV4("v6")).isTrue();
    System.setProperty(SparseShape.PROPERTY, "v7");
    assertThat(SparseShape.version()).isEqualTo("v7");
    assertThat(SparseShape.isV4("v7")).isTrue();
    System.setProperty(SparseShape.PROPERTY, "v8");
    assertThat(SparseShape.version()).isEqualTo("v8");
    assertThat(SparseShape.isV4("v8")).isTrue();
    System.setProperty(SparseShape.PROPERTY, "v9");
    assertThat(SparseShape.version()).isEqualTo("v9");
    assertThat(SparseShape.isV4("v9")).isTrue();
    assertThat(SparseShape.isV4("v9b")).isTrue();
    System.setProperty(SparseShape.PROPERTY, "v10");
    assertThat(SparseShape.version()).isEqualTo("v10");
    assertThat(SparseShape.isV4("v10")).isTrue();
    assertThat(SparseShape.isV4("v10f")).isTrue();
    System.setProperty(SparseShape.PROPERTY, "v11");
    assertThat(SparseShape.version()).isEqualTo("v11");
    assertThat(SparseShape.isV4("v11")).isTrue();
    assertThat(SparseShape.isV4("v11f")).isTrue();
    assertThat(SparseShape.isV4("v12")).isTrue();
    assertThat(SparseShape.isV4("v12f")).isTrue();
  }

  @Test
  void theFixedVersion12AndVersion13AreSelectable() {
    for (String v : new String[] {"v12", "v12f", "v13"}) {
      System.setProperty(SparseShape.PROPERTY, v);
      assertThat(SparseShape.version()).isEqualTo(v);
      assertThat(SparseShape.isV4(v)).isTrue();
    }
    assertThat(SparseShape.v4Kernel(true, "v13")).isEqualTo("sparse_mla_fp8_v13");
    assertThat(SparseShape.v4Kernel(false, "v13")).isEqualTo("sparse_mla_bf16_v4");
  }

  @Test
  void removedAndUnknownVersionsAreNamedWithTheChoices() {
    for (String gone : new String[] {"v4pair", "v14"}) {
      System.setProperty(SparseShape.PROPERTY, gone);
      assertThatThrownBy(SparseShape::version)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "dsabench.cuda.sparse: '"
                  + gone
                  + "' is not one of v3, v4, v5, v5pair, v6, v7, v8, v9, v9b, v10, v10f, v11, v11f,"
                  + " v12, v12f, v13");
    }
  }

  @Test
  void versionFourKernelsLiveInTheSm90Folders() {
    assertThat(SparseShape.v4Module(false)).isEqualTo("sm90/prefill/sparse");
    assertThat(SparseShape.v4Kernel(false, "v4")).isEqualTo("sparse_mla_bf16_v4");
    assertThat(SparseShape.v4Module(true)).isEqualTo("sm90/decode/sparse_fp8");
    assertThat(SparseShape.v4Kernel(true, "v4")).isEqualTo("sparse_mla_fp8_v4");
    assertThat(SparseShape.v4Kernel(false, "v5pair")).isEqualTo("sparse_mla_bf16_v4");
    assertThat(SparseShape.v4Kernel(true, "v5")).isEqualTo("sparse_mla_fp8_v5");
    assertThat(SparseShape.v4Kernel(true, "v5pair")).isEqualTo("sparse_mla_fp8_v5_pair");
    assertThat(SparseShape.v4Kernel(true, "v6")).isEqualTo("sparse_mla_fp8_v6");
    assertThat(SparseShape.v4Kernel(false, "v6")).isEqualTo("sparse_mla_bf16_v4");
    assertThat(SparseShape.v4Kernel(true, "v7")).isEqualTo("sparse_mla_fp8_v7");
    assertThat(SparseShape.v4Kernel(false, "v7")).isEqualTo("sparse_mla_bf16_v4");
    assertThat(SparseShape.v4Kernel(true, "v8")).isEqualTo("sparse_mla_fp8_v8");
    assertThat(SparseShape.v4Kernel(false, "v8")).isEqualTo("sparse_mla_bf16_v4");
    assertThat(SparseShape.v4Kernel(true, "v9")).isEqualTo("sparse_mla_fp8_v9");
    assertThat(SparseShape.v4Kernel(true, "v9b")).isEqualTo("sparse_mla_fp8_v9b");
    assertThat(SparseShape.v4Kernel(false, "v9")).isEqualTo("sparse_mla_bf16_v4");
    assertThat(SparseShape.v4Kernel(true, "v10")).isEqualTo("sparse_mla_fp8_v10");
    assertThat(SparseShape.v4Kernel(true, "v10f")).isEqualTo("sparse_mla_fp8_v10f");
    assertThat(SparseShape.v4Kernel(false, "v10")).isEqualTo("sparse_mla_bf16_v4");
    assertThat(SparseShape.v4Kernel(true, "v11")).isEqualTo("sparse_mla_fp8_v11");
    assertThat(SparseShape.v4Kernel(true, "v11f")).isEqualTo("sparse_mla_fp8_v11f");
    assertThat(SparseShape.v4Kernel(true, "v12")).isEqualTo("sparse_mla_fp8_v12");
    assertThat(SparseShape.v4Kernel(true, "v12f")).isEqualTo("sparse_mla_fp8_v12f");
    assertThat(SparseShape.v4Kernel(false, "v11")).isEqualTo("sparse_mla_bf16_v4");
  }
}
