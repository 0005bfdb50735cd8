package io.dsabench.kernels;

/**
 * What a backend runs on. For {@code cpu}: the host's processor, cores as {@code smCount} and the
 * JVM's maximum heap as {@code memoryBytes}.
 */
public record DeviceInfo(
    String name, String computeCapability, String driverVersion, int smCount, long memoryBytes) {
  public DeviceInfo {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("device name: must not be blank");
    }
  }
}
