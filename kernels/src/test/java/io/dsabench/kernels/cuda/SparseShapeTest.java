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
  void versionThirteenIsTheDefaultAndThreeAndFourStaySelectable() {
    System.clearProperty(SparseShape.PROPERTY);
    assertThat(SparseShape.version()).isEqualTo("v13");
    System.setProperty(SparseShape.PROPERTY, "v4");
    assertThat(SparseShape.version()).isEqualTo("v4");
    assertThat(SparseShape.isV4("v4")).isTrue();
    System.setProperty(SparseShape.PROPERTY, "v3");
    assertThat(SparseShape.version()).isEqualTo("v3");
    assertThat(SparseShape.isV4("v3")).isFalse();
    assertThat(SparseShape.isV4("v4pair")).isFalse();
    assertThat(SparseShape.isV4("v5")).isFalse();
    System.setProperty(SparseShape.PROPERTY, "v13");
    assertThat(SparseShape.version()).isEqualTo("v13");
    assertThat(SparseShape.isV4("v13")).isTrue();
    assertThat(SparseShape.v4Kernel(true, "v13")).isEqualTo("sparse_mla_fp8_v13");
    assertThat(SparseShape.v4Kernel(false, "v13")).isEqualTo("sparse_mla_bf16_v4");
  }

  @Test
  void removedAndUnknownVersionsAreNamedWithTheChoices() {
    for (String gone :
        new String[] {
          "v4pair", "v5", "v5pair", "v6", "v7", "v8", "v9", "v9b", "v10", "v10f", "v11", "v11f",
          "v12", "v12f", "v14"
        }) {
      System.setProperty(SparseShape.PROPERTY, gone);
      assertThatThrownBy(SparseShape::version)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("dsabench.cuda.sparse: '" + gone + "' is not one of v3, v4, v13");
    }
  }

  @Test
  void versionFourKernelsLiveInTheSm90Folders() {
    assertThat(SparseShape.v4Module(false)).isEqualTo("sm90/prefill/sparse");
    assertThat(SparseShape.v4Kernel(false, "v4")).isEqualTo("sparse_mla_bf16_v4");
    assertThat(SparseShape.v4Module(true)).isEqualTo("sm90/decode/sparse_fp8");
    assertThat(SparseShape.v4Kernel(true, "v4")).isEqualTo("sparse_mla_fp8_v4");
  }
}
