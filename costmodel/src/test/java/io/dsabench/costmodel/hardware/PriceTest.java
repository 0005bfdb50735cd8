package io.dsabench.costmodel.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One price rule for the CLI, the report and the API: what it accepts, and how it refuses. */
class PriceTest {
  @ParameterizedTest
  @CsvSource({"2, 2", "0.5, 0.5", "1000, 1000", "+3.25, 3.25", "2e1, 20", ".5, 0.5", "7., 7"})
  void plainDecimalsInRangeAreAccepted(String text, double expected) {
    assertThat(Price.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "-0",
        "0.0",
        "-0.0",
        "-1",
        "1000.0001",
        "1e308",
        "1e309",
        "1e99999",
        "-1e308",
        "0x1p3",
        "2d",
        "2f",
        "NaN",
        "Infinity",
        "-Infinity",
        "",
        " ",
        "abc",
        "1,5",
        "2 USD",
        "1e",
        "e5",
        "--2",
        "2\u0000",
        "١"
      })
  void everythingElseIsRefusedNamingTheTextAsGiven(String text) {
    assertThatThrownBy(() -> Price.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "price: '"
                + text
                + "' is not a price: a plain decimal of USD per GPU-hour above 0 and at most"
                + " 1000");
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "-0.0, 0", "-2, -2", "1e308, 100000000000000000000000000000000000000000"})
  void numbersAreRefusedAsAPersonWritesThem(double v, String start) {
    assertThatThrownBy(() -> Price.check(v)).hasMessageStartingWith("price: '" + start);
    assertThatThrownBy(() -> Price.check(v)).message().doesNotContain("Infinity", "E", "-0");
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void nonFiniteNumbersAreRefused(double v) {
    assertThatThrownBy(() -> Price.check(v)).isInstanceOf(IllegalArgumentException.class);
  }
}
