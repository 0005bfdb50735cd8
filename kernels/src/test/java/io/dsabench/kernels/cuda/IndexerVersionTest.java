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
  void versionDefaultsToTodaysKernelAndTheCandidatesStaySelectable() {
    System.clearProperty(IndexerVersion.PROPERTY);
    assertThat(IndexerVersion.version()).isEqualTo("v2");
    System.setProperty(IndexerVersion.PROPERTY, "v5");
    assertThat(IndexerVersion.version()).isEqualTo("v5");
    System.setProperty(IndexerVersion.PROPERTY, "v5g");
    assertThat(IndexerVersion.version()).isEqualTo("v5g");
  }

  @Test
  void removedAndUnknownVersionsAreNamedWithTheChoices() {
    for (String gone : new String[] {"v3", "v4", "v6"}) {
      System.setProperty(IndexerVersion.PROPERTY, gone);
      assertThatThrownBy(IndexerVersion::version)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("dsabench.cuda.indexer: '" + gone + "' is not one of v2, v5, v5g");
    }
  }
}
