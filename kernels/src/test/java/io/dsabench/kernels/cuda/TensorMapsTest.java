package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Argument checks run before the driver is reached, so they hold on machines without a GPU. */
class TensorMapsTest {
  @Test
  void rankOutsideOneToFiveIsRefused() {
    assertThatThrownBy(
            () ->
                TensorMaps.encodeTiled(
                    TensorMaps.BFLOAT16,
                    0,
                    new long[0],
                    new long[0],
                    new int[0],
                    new int[0],
                    TensorMaps.INTERLEAVE_NONE,
                    TensorMaps.SWIZZLE_128B,
                    TensorMaps.L2_PROMOTION_NONE,
                    TensorMaps.OOB_FILL_ZEROS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tensor map: rank 0 is not between 1 and 5");
  }

  @Test
  void strideAndBoxCountsMustMatchTheRank() {
    assertThatThrownBy(
            () ->
                TensorMaps.encodeTiled(
                    TensorMaps.BFLOAT16,
                    0,
                    new long[] {192, 4096},
                    new long[0],
                    new int[] {64, 128},
                    new int[] {1, 1},
                    TensorMaps.INTERLEAVE_NONE,
                    TensorMaps.SWIZZLE_128B,
                    TensorMaps.L2_PROMOTION_NONE,
                    TensorMaps.OOB_FILL_ZEROS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "tensor map: rank 2 needs 1 strides and 2 box dims and element strides, got 0, 2, 2");
  }
}
