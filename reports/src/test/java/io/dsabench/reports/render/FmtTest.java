package io.dsabench.reports.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FmtTest {
  @Test
  void significantDigitsInPlainNotation() {
    assertThat(Fmt.sig(0.187149, 4)).isEqualTo("0.1871");
    assertThat(Fmt.sig(1234567, 4)).isEqualTo("1235000");
    assertThat(Fmt.sig(1200, 4)).isEqualTo("1200");
    assertThat(Fmt.sig(0.5, 4)).isEqualTo("0.5");
    assertThat(Fmt.sig(1.234e-7, 3)).isEqualTo("0.000000123");
    assertThat(Fmt.sig(0, 4)).isEqualTo("0");
  }

  @Test
  void unitsScaleFromSi() {
    assertThat(Fmt.ms(1.25e-3)).isEqualTo("1.25");
    assertThat(Fmt.tflops(612.44e12)).isEqualTo("612.4");
    assertThat(Fmt.tbps(4.8e12)).isEqualTo("4.8");
    assertThat(Fmt.percent(0.3129)).isEqualTo("31.3%");
    assertThat(Fmt.ratio(3.5571)).isEqualTo("3.56×");
    assertThat(Fmt.usdLarge(12345.6)).isEqualTo("12,346");
    assertThat(Fmt.gpus(12.04)).isEqualTo("12.0");
  }

  @Test
  void positionsReadLikePeopleSayThem() {
    assertThat(Fmt.tokens(131072)).isEqualTo("128K");
    assertThat(Fmt.tokens(8192)).isEqualTo("8K");
    assertThat(Fmt.tokens(6590)).isEqualTo("6590");
    assertThat(Fmt.tokens(0)).isEqualTo("0");
  }
}
