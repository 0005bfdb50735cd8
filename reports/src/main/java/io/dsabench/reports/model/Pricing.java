package io.dsabench.reports.model;

/**
 * The hardware and price the costs are stated for.
 *
 * @param hardware the priced hardware profile, e.g. {@code h800}
 * @param usdPerGpuHour the price of one GPU for one hour
 * @param note how measured times were moved to this hardware, or that they were not
 */
public record Pricing(String hardware, double usdPerGpuHour, String note) {
  public Pricing {
    Checks.notBlank("pricing.hardware", hardware);
    if (!(usdPerGpuHour > 0) || !Double.isFinite(usdPerGpuHour)) {
      throw new IllegalArgumentException(
          "price: " + usdPerGpuHour + " is not a positive USD per GPU-hour");
    }
  }
}
