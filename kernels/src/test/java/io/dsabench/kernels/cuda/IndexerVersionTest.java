package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fp8 indexer selector; runs without a GPU. */
class IndexerVersionTest {
  @AfterEach
  void clearProperty() {
    System.clearProperty(IndexerVersion.PROPERTY);
  }

  @Test
  void versionDefaultsToThePickByShapeAndEveryKernelStaysSelectable() {
    System.clearProperty(IndexerVersion.PROPERTY);
    assertThat(IndexerVersion.version()).isEqualTo("auto");
    System.setProperty(IndexerVersion.PROPERTY, "v2");
    assertThat(IndexerVersion.version()).isEqualTo("v2");
    for (String v :
        new String[] {"v6", "v6g", "v8", "v8g", "v8h", "v12b", "v13bs", "v14g3e", "v17"}) {
      System.setProperty(IndexerVersion.PROPERTY, v);
      assertThat(IndexerVersion.version()).isEqualTo(v);
    }
  }

  @Test
  void autoPicksTheMeasuredFastestKernelPerShapeAndAForcedVersionStays() {
    // up to 128 decode rows: the g forms v13bs (one token) and v17 (two tokens), whose group
    // maxima top-k gmax3 reads; more one-token rows v6; else (128 x 2, prefill) v2
    assertThat(IndexerVersion.forShape("auto", 64, 1)).isEqualTo("v13bs");
    assertThat(IndexerVersion.forShape("auto", 128, 1)).isEqualTo("v13bs");
    assertThat(IndexerVersion.forShape("auto", 129, 1)).isEqualTo("v6");
    assertThat(IndexerVersion.forShape("auto", 256, 1)).isEqualTo("v6");
    assertThat(IndexerVersion.forShape("auto", 64, 2)).isEqualTo("v17");
    assertThat(IndexerVersion.forShape("auto", 1, 2)).isEqualTo("v17");
    assertThat(IndexerVersion.forShape("auto", 65, 2)).isEqualTo("v2");
    assertThat(IndexerVersion.forShape("auto", 128, 2)).isEqualTo("v2");
    assertThat(IndexerVersion.forShape("auto", 1, 4096)).isEqualTo("v2");
    assertThat(IndexerVersion.forShape("auto", 4, 3)).isEqualTo("v2");
    for (String v : new String[] {"v2", "v6g", "v6", "v8", "v8g", "v8h", "v12b", "v14g3e"}) {
      assertThat(IndexerVersion.forShape(v, 64, 1)).isEqualTo(v);
      assertThat(IndexerVersion.forShape(v, 1, 4096)).isEqualTo(v);
    }
    assertThat(IndexerVersion.writesGroupMaxima(IndexerVersion.forShape("auto", 64, 2))).isTrue();
    assertThat(IndexerVersion.writesGroupMaxima(IndexerVersion.forShape("auto", 64, 1))).isTrue();
    assertThat(IndexerVersion.writesGroupMaxima(IndexerVersion.forShape("auto", 128, 2))).isFalse();
  }

  @Test
  void theGVariantsWriteGroupMaxima() {
    assertThat(IndexerVersion.writesGroupMaxima("v6g")).isTrue();
    assertThat(IndexerVersion.writesGroupMaxima("v8g")).isTrue();
    assertThat(IndexerVersion.writesGroupMaxima("v8h")).isTrue();
    assertThat(IndexerVersion.writesGroupMaxima("v13bs")).isTrue();
    assertThat(IndexerVersion.writesGroupMaxima("v14g3e")).isTrue();
    assertThat(IndexerVersion.writesGroupMaxima("v17")).isTrue();
    assertThat(IndexerVersion.writesGroupMaxima("v12b")).isFalse();
    assertThat(IndexerVersion.writesGroupMaxima("v8")).isFalse();
    assertThat(IndexerVersion.writesGroupMaxima("v6")).isFalse();
    assertThat(IndexerVersion.writesGroupMaxima("v2")).isFalse();
  }

  @Test
  void removedAndUnknownVersionsAreNamedWithTheChoices() {
    for (String gone :
        new String[] {
          "v3", "v4", "v10", "v9", "v9g", "v8c", "v8i", "v8ci", "v5", "v5g", "v7", "v7g", "v12p",
          "v12g", "v12pg", "v12bg", "v13bg", "v14g3", "v14g1e", "v14s3e", "v17n", "v17g", "v15a"
        }) {
      System.setProperty(IndexerVersion.PROPERTY, gone);
      assertThatThrownBy(IndexerVersion::version)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "dsabench.cuda.indexer: '"
                  + gone
                  + "' is not one of auto, v2, v6, v6g, v8, v8g, v8h, v12b, v13bs, v14g3e, v17");
    }
  }
}
