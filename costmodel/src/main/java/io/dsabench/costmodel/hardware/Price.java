package io.dsabench.costmodel.hardware;

import io.dsabench.model.BadInputException;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * The one rule for a price in USD per GPU-hour, wherever one comes in: {@code cost --price}, {@code
 * report --price}, the dashboard's {@code /api/cost?price=}, a hardware profile's default. A price
 * is a plain decimal (digits, an optional fraction and exponent: no {@code 0x1p3}, {@code 2d},
 * {@code Infinity}) above 0 and at most {@value #MAX_USD_PER_GPU_HOUR}.
 *
 * <p>0 is refused, and {@code -0} with it: a free GPU-hour makes every cost 0 and every comparison
 * with the paper meaningless, so it is more likely a slip than a question. The upper bound keeps
 * every derived figure finite (no {@code Infinity} in a table) and catches a typo before it prices
 * a report; a real rental is far below it.
 */
public final class Price {
  /** The highest price accepted; beyond it a typo is likelier than a real rental. */
  public static final double MAX_USD_PER_GPU_HOUR = 1000;

  /** The rule, as every refusal states it after {@code price: 'VALUE' }. */
  public static final String RULE =
      "is not a price: a plain decimal of USD per GPU-hour above 0 and at most 1000";

  /** A plain decimal: optional sign, digits with an optional fraction, optional exponent. */
  public static final Pattern PLAIN_DECIMAL =
      Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?");

  private Price() {}

  /**
   * Parses and checks a price as given (a command-line argument, a query parameter).
   *
   * @throws IllegalArgumentException {@link #message} of the text as given
   */
  public static double parse(String text) {
    if (text == null || !PLAIN_DECIMAL.matcher(text.strip()).matches()) {
      throw new BadInputException(message(String.valueOf(text)));
    }
    // BigDecimal first: "1e99999" must not become Infinity on the way to the bound check.
    BigDecimal exact = new BigDecimal(text.strip());
    if (exact.signum() <= 0 || exact.compareTo(BigDecimal.valueOf(MAX_USD_PER_GPU_HOUR)) > 0) {
      throw new BadInputException(message(text));
    }
    return exact.doubleValue();
  }

  /** Checks a price already held as a number (a profile's default, a library caller's value). */
  public static double check(double usd) {
    if (!(usd > 0 && usd <= MAX_USD_PER_GPU_HOUR)) {
      throw new BadInputException(message(format(usd)));
    }
    return usd;
  }

  /** {@code price: 'VALUE' <rule>}. */
  public static String message(String value) {
    return "price: '" + value + "' " + RULE;
  }

  /** A number as a person would write it: -0.0 is 0, 2.0 is 2, no exponent below 1e21. */
  private static String format(double v) {
    if (v == 0) {
      return "0";
    }
    if (!Double.isFinite(v)) {
      return String.valueOf(v);
    }
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
