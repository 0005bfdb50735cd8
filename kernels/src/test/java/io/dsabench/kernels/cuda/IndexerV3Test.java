package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Work split and version switch of the v3 indexer; runs without a GPU. */
class IndexerV3Test {
  @Test
  void aSequencesTokensShareOneQueryTile() {
    assertThat(IndexerV3.queriesPerTile(1)).isEqualTo(1);
    assertThat(IndexerV3.queriesPerTile(2)).isEqualTo(2);
    // Three tokens take a tile of four (one wasted column block) rather than reading keys twice.
    assertThat(IndexerV3.queriesPerTile(3)).isEqualTo(4);
    assertThat(IndexerV3.queriesPerTile(4096)).isEqualTo(4);
  }

  @Test
  void itemsCountEveryKeyBlockOfEveryTile() {
    // Decode, 64 sequences x 2 tokens at 128K: one tile per sequence, 2048 blocks each.
    assertThat(IndexerV3.items(64, 2, 131072)).isEqualTo(64L * 2048);
    // Prefill 4096 queries: 1024 tiles; a partial last block counts.
    assertThat(IndexerV3.items(1, 4096, 1000)).isEqualTo(1024L * 16);
    assertThat(IndexerV3.items(1, 77, 1)).isEqualTo(20);
    assertThat(IndexerV3.grid(64L * 2048, 132)).isEqualTo(132);
    assertThat(IndexerV3.grid(20, 132)).isEqualTo(20);
  }

  @Test
  void versionDefaultsToTodaysKernelAndRejectsUnknownNames() {
    String old = System.getProperty("dsabench.cuda.indexer");
    try {
      System.clearProperty("dsabench.cuda.indexer");
      assertThat(IndexerV3.version()).isEqualTo("v2");
      System.setProperty("dsabench.cuda.indexer", "v3");
      assertThat(IndexerV3.version()).isEqualTo("v3");
      System.setProperty("dsabench.cuda.indexer", "v4");
      assertThat(IndexerV3.version()).isEqualTo("v4");
      System.setProperty("dsabench.cuda.indexer", "v5");
      assertThat(IndexerV3.version()).isEqualTo("v5");
      System.setProperty("dsabench.cuda.indexer", "v5g");
      assertThat(IndexerV3.version()).isEqualTo("v5g");
      System.setProperty("dsabench.cuda.indexer", "v6");
      assertThatThrownBy(IndexerV3::version)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("dsabench.cuda.indexer: 'v6' is not one of v2, v3, v4, v5, v5g");
    } finally {
      if (old == null) {
        System.clearProperty("dsabench.cuda.indexer");
      } else {
        System.setProperty("dsabench.cuda.indexer", old);
      }
    }
  }
}
