package io.dsabench.model.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The device a run (or a point, in multi-GPU runs) was measured on. {@code index} and {@code uuid}
 * are optional and identify one GPU of a host.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "name",
  "computeCapability",
  "driverVersion",
  "smCount",
  "memoryBytes",
  "index",
  "uuid"
})
public record DeviceRecord(
    String name,
    String computeCapability,
    String driverVersion,
    int smCount,
    long memoryBytes,
    Integer index,
    String uuid) {
  public DeviceRecord(
      String name, String computeCapability, String driverVersion, int smCount, long memoryBytes) {
    this(name, computeCapability, driverVersion, smCount, memoryBytes, null, null);
  }
}
