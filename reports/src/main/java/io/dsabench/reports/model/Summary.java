package io.dsabench.reports.model;

/**
 * One number of a result that says what it is, after nvbench's summaries: every printer (the CSV,
 * the page, the terminal) iterates a result's summaries instead of writing each metric by hand, so
 * a metric is named, united and formatted in one place, the result record that holds it.
 *
 * @param tag the stable machine name, the CSV's {@code metric} ({@code median_seconds})
 * @param name the short name a page cell is keyed by, its {@code data-key} ({@code median})
 * @param value the value in SI units at full precision; null where there is none (never made up)
 * @param unit the unit as the CSV writes it ({@code s}, {@code USD/Mtok}); empty for a pure number
 * @param hint how a printer rounds it for a reader
 * @param note what qualifies the value (a flag, the setting it holds for), or null
 */
public record Summary(String tag, String name, Double value, String unit, Hint hint, String note) {
  public Summary {
    Checks.notBlank("summary.tag", tag);
    Checks.notBlank("summary.name", name);
    Checks.notNull("summary.unit", unit);
    Checks.notNull("summary.hint", hint);
  }

  /** How a value is rounded for a reader; the CSV and JSON always carry it unrounded. */
  public enum Hint {
    /** USD per million tokens, 4 significant digits or so. */
    USD,
    /** A large sum of USD (per day), no cents. */
    USD_LARGE,
    /** A ratio, "3.2×". */
    RATIO,
    /** A fraction shown as a percentage. */
    PERCENT,
    /** A relative change shown as a signed percentage. */
    SIGNED_PERCENT,
    /** A duration in seconds, shown in milliseconds. */
    DURATION,
    /** FLOP/s, shown in TFLOP/s. */
    FLOPS,
    /** B/s, shown in TB/s. */
    BANDWIDTH,
    /** A whole count (samples, GPUs provisioned). */
    COUNT,
    /** GPUs kept busy, a fraction of GPUs. */
    GPUS,
    /** A token position. */
    TOKENS
  }
}
