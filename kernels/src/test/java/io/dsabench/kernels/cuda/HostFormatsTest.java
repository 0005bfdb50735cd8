package io.dsabench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.kernels.DType;
import io.dsabench.kernels.Mla;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostFormatsTest {
  @Test
  void bf16RoundsToNearestEven() {
    // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1.0).
    assertThat(HostFormats.fromBf16(HostFormats.toBf16(1f + 0x1p-8f))).isEqualTo(1f);
    assertThat(HostFormats.fromBf16(HostFormats.toBf16(1f + 3 * 0x1p-8f))).isEqualTo(1f + 0x1p-6f);
    assertThat(HostFormats.fromBf16(HostFormats.toBf16(-2.5f))).isEqualTo(-2.5f);
  }

  @Test
  void e4m3RoundTripsEveryCodeAndSaturates() {
    for (int code = 0; code < 256; code++) {
      if ((code & 0x7f) == 0x7f) {
        continue; // NaN
      }
      float v = HostFormats.fromE4m3((byte) code);
      assertThat(HostFormats.fromE4m3(HostFormats.toE4m3(v))).isEqualTo(v);
    }
    assertThat(HostFormats.fromE4m3(HostFormats.toE4m3(1000f))).isEqualTo(448f);
    assertThat(HostFormats.fromE4m3(HostFormats.toE4m3(-1000f))).isEqualTo(-448f);
    assertThat(HostFormats.fromE4m3(HostFormats.toE4m3(0x1p-10f))).isEqualTo(0f);
  }

  @Test
  void kv656RoundTripsWithinFp8Precision() {
    Random r = new Random(7);
    float[] v = new float[2 * Mla.KV_DIM];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    byte[] bytes = HostFormats.encode(DType.KV_FP8_656, v, 2);
    assertThat(bytes).hasSize(2 * 656);
    float[] back = HostFormats.decode(DType.KV_FP8_656, bytes, 2);
    for (int i = 0; i < v.length; i++) {
      assertThat(back[i]).isCloseTo(v[i], org.assertj.core.data.Offset.offset(0.07f * 4));
    }
  }

  @Test
  void encodeRejectsTheWrongLength() {
    assertThatThrownBy(() -> HostFormats.encode(DType.BF16, new float[3], 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("values: 3 floats do not fill BF16[4]");
  }
}
