package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Grid and state arithmetic and the version switch of the split top-k; runs without a GPU. */
class TopkSplitTest {
  @Test
  void oneCtaPerSliceOfTheLongestRow() {
    assertThat(TopkSplit.slices(131072, 8192)).isEqualTo(16);
    assertThat(TopkSplit.slices(131072, 16384)).isEqualTo(8);
    assertThat(TopkSplit.slices(32771, 16384)).isEqualTo(3);
    assertThat(TopkSplit.slices(1, 8192)).isEqualTo(1);
  }

  @Test
  void stateHoldsAHeaderAndTwoCandidateListsPerRow() {
    assertThat(TopkSplit.stateInts(128, 6144)).isEqualTo(128L * 4 + 2L * 128 * 6144);
  }

  @Test
  void versionDefaultsToV10AndIsV10OffHopper() {
    String old = System.getProperty("dsabench.cuda.topk");
    try {
      System.clearProperty("dsabench.cuda.topk");
      assertThat(TopkSplit.version(true)).isEqualTo("v10");
      System.setProperty("dsabench.cuda.topk", "split8k");
      assertThat(TopkSplit.version(true)).isEqualTo("split8k");
      assertThat(TopkSplit.version(false)).isEqualTo("v10");
      System.setProperty("dsabench.cuda.topk", "split");
      assertThatThrownBy(() -> TopkSplit.version(true))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "dsabench.cuda.topk: 'split' is not one of v10, split8k, split16k, cluster, gmax");
      System.setProperty("dsabench.cuda.topk", "gmax");
      assertThat(TopkSplit.version(true)).isEqualTo("gmax");
      assertThat(TopkSplit.version(false)).isEqualTo("v10");
    } finally {
      if (old == null) {
        System.clearProperty("dsabench.cuda.topk");
      } else {
        System.setProperty("dsabench.cuda.topk", old);
      }
    }
  }
}
