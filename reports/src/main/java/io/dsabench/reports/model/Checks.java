package io.dsabench.reports.model;

/** Argument checks shared by the report records; messages name the field and the rule. */
final class Checks {
  private Checks() {}

  static void notNull(String field, Object value) {
    if (value == null) {
      throw new IllegalArgumentException(field + ": missing");
    }
  }

  static void notBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + ": must not be blank");
    }
  }

  static void finiteNonNegative(String field, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(field + ": " + value + " is not a finite number >= 0");
    }
  }

  static void positive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + ": " + value + " is not a positive token count");
    }
  }
}
