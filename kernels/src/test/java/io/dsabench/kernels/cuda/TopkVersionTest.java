package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The top-k selector; runs without a GPU. */
class TopkVersionTest {
  @AfterEach
  void clearProperty() {
    System.clearProperty(TopkVersion.PROPERTY);
  }

  @Test
  void versionDefaultsToV13AndIsV10OffHopper() {
    System.clearProperty(TopkVersion.PROPERTY);
    assertThat(TopkVersion.version(true)).isEqualTo("v13");
    assertThat(TopkVersion.version(false)).isEqualTo("v10");
    for (String v : new String[] {"v10", "gmax2", "gmax3", "v13"}) {
      System.setProperty(TopkVersion.PROPERTY, v);
      assertThat(TopkVersion.version(true)).isEqualTo(v);
      assertThat(TopkVersion.version(false)).isEqualTo("v10");
    }
  }

  @Test
  void removedAndUnknownVersionsAreNamedWithTheChoices() {
    for (String gone :
        new String[] {
          "split8k", "split16k", "cluster", "split", "s16", "s16p", "v11", "p12", "c12", "gmax"
        }) {
      System.setProperty(TopkVersion.PROPERTY, gone);
      assertThatThrownBy(() -> TopkVersion.version(true))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("dsabench.cuda.topk: '" + gone + "' is not one of v10, v13, gmax2, gmax3");
    }
  }
}
