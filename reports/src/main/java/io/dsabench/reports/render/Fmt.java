package io.dsabench.reports.render;

import io.dsabench.reports.model.Summary;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * How numbers are displayed. Values are stored in SI units; display scales them (seconds to
 * milliseconds, FLOP/s to TFLOP/s) and rounds to significant digits, so a cpu run's 0.0123 TFLOP/s
 * and an H200's 612.4 TFLOP/s read equally well. Tests format the cost model's values with these
 * same functions and compare text.
 */
public final class Fmt {
  private Fmt() {}

  /** USD per million tokens: 4 significant digits. */
  public static String usd(double v) {
    return sig(v, 4);
  }

  /** Whole USD for large sums (USD per day), with thousands separators. */
  public static String usdLarge(double v) {
    return v >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : sig(v, 4);
  }

  /** A ratio such as dense/DSA: 3 significant digits and a times sign. */
  public static String ratio(double v) {
    return sig(v, 3) + "×";
  }

  /** Seconds shown as milliseconds, 4 significant digits. */
  public static String ms(double seconds) {
    return sig(seconds * 1e3, 4);
  }

  /** FLOP/s shown as TFLOP/s. */
  public static String tflops(double flopsPerSecond) {
    return sig(flopsPerSecond / 1e12, 4);
  }

  /** B/s shown as TB/s. */
  public static String tbps(double bytesPerSecond) {
    return sig(bytesPerSecond / 1e12, 4);
  }

  /** A fraction shown as a percentage with 3 significant digits. */
  public static String percent(double fraction) {
    return sig(fraction * 100, 3) + "%";
  }

  /** A relative error shown as a signed percentage with one decimal: +49.6%, -3.0%. */
  public static String signedPercent(double fraction) {
    return String.format(Locale.ROOT, "%+.1f%%", fraction * 100);
  }

  /** GPUs: one decimal (a plan may need a fraction of a node's GPUs before rounding up). */
  public static String gpus(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** Token position as people say it: 8K, 128K, 6.6K, 500. */
  public static String tokens(int position) {
    if (position >= 1024 && position % 1024 == 0) {
      return position / 1024 + "K";
    }
    return Integer.toString(position);
  }

  /** A summary's value as its hint says a reader sees it. */
  public static String of(Summary.Hint hint, double v) {
    return switch (hint) {
      case USD -> usd(v);
      case USD_LARGE -> usdLarge(v);
      case RATIO -> ratio(v);
      case PERCENT -> percent(v);
      case SIGNED_PERCENT -> signedPercent(v);
      case DURATION -> ms(v);
      case FLOPS -> tflops(v);
      case BANDWIDTH -> tbps(v);
      case COUNT -> Integer.toString((int) v);
      case GPUS -> gpus(v);
      case TOKENS -> String.format(Locale.ROOT, "%,d", Math.round(v));
    };
  }

  /** {@code v} rounded to {@code digits} significant digits, plain notation, no trailing zeros. */
  public static String sig(double v, int digits) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    if (v == 0) {
      return "0";
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN));
    // Large values keep their integer digits; stripping zeros must not turn 1200 into 1.2E+3.
    d = d.stripTrailingZeros();
    if (d.scale() < 0) {
      d = d.setScale(0, RoundingMode.UNNECESSARY);
    }
    return d.toPlainString();
  }
}
