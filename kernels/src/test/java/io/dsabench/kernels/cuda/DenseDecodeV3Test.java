package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The v3 decode's host-side launch arithmetic; no GPU needed. */
class DenseDecodeV3Test {
  private static final int BLOCK_N = 64;
  private static final int OVERHEAD = 5;

  /**
   * The schedule written out unit by unit: part q owns units [q * perPart, (q + 1) * perPart) of
   * the sequences laid end to end, each sequence OVERHEAD units of set-up and then its tiles.
   */
  private static boolean splitByEnumeration(int batch, int position, int parts) {
    long tiles = (position + (long) BLOCK_N - 1) / BLOCK_N;
    long units = tiles + OVERHEAD;
    long perPart = (batch * units + parts - 1) / parts;
    for (int b = 0; b < batch; b++) {
      Set<Long> owners = new HashSet<>();
      for (long u = b * units + OVERHEAD; u < (b + 1) * units; u++) {
        owners.add(u / perPart);
      }
      if (owners.size() > 1) {
        return true;
      }
    }
    return false;
  }

  @Test
  void anySplitAgreesWithTheScheduleWrittenOutUnitByUnit() {
    for (int parts : new int[] {1, 22, 33, 66, 132}) {
      for (int batch : new int[] {1, 2, 3, 64, 65, 66, 67, 128, 133}) {
        for (int position : new int[] {1, 63, 64, 65, 1000, 1024, 4096, 4097, 8192}) {
          assertThat(DenseDecodeV3.anySplit(batch, position, parts, BLOCK_N, OVERHEAD))
              .as("batch %d, position %d, parts %d", batch, position, parts)
              .isEqualTo(splitByEnumeration(batch, position, parts));
        }
      }
    }
  }

  @Test
  void sixtyFourSequencesOfOneKTokensFitOnePartEachWithoutACombine() {
    assertThat(DenseDecodeV3.anySplit(64, 1024, 66, BLOCK_N, OVERHEAD)).isFalse();
    assertThat(DenseDecodeV3.anySplit(64, 4096, 66, BLOCK_N, OVERHEAD)).isTrue();
    assertThat(DenseDecodeV3.anySplit(1, 4097, 66, BLOCK_N, OVERHEAD)).isTrue();
  }

  @Test
  void partsFillTheSmsWithTheRowBlocksOfOneSequence() {
    assertThat(DenseDecodeV3.parts(132, 2, 256)).isEqualTo(66);
    assertThat(DenseDecodeV3.parts(132, 4, 256)).isEqualTo(33);
    assertThat(DenseDecodeV3.parts(132, 6, 256)).isEqualTo(22);
    assertThat(DenseDecodeV3.parts(2, 4, 256)).isEqualTo(1);
    assertThat(DenseDecodeV3.parts(132, 2, 40)).isEqualTo(40);
  }
}
