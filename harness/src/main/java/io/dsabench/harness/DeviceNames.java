package io.dsabench.harness;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Short device names, as published runs are filed: {@code reports/published/<slug>/}. */
public final class DeviceNames {
  private static final Pattern MODEL = Pattern.compile("\\b([A-Za-z]{1,4}\\d{2,4}[A-Za-z]?)\\b");

  private DeviceNames() {}

  /**
   * {@code NVIDIA H200} → {@code h200}, {@code NVIDIA H100 80GB HBM3} → {@code h100}, any cpu
   * backend → {@code cpu}.
   */
  public static String slug(String backend, String deviceName) {
    if ("cpu".equals(backend) || deviceName == null) {
      return "cpu";
    }
    String rest = deviceName.replaceAll("(?i)\\b(nvidia|tesla|geforce)\\b", " ");
    Matcher m = MODEL.matcher(rest);
    if (m.find()) {
      return m.group(1).toLowerCase(Locale.ROOT);
    }
    String s = deviceName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    return s.replaceAll("^-|-$", "");
  }
}
