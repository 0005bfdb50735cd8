package io.dsabench.costmodel.hardware;

import io.dsabench.model.BadInputException;
import io.dsabench.model.results.DeviceRecord;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The built-in GPU profiles. Peak numbers are the dense (no structured sparsity) tensor-core
 * figures of NVIDIA's datasheets, i.e. half of the "with sparsity" figures those sheets print.
 * Prices are defaults only; pass your own.
 */
public final class HardwareProfiles {
  private HardwareProfiles() {}

  /** An 80 GB Hopper's memory as the driver reports it (81559 MiB). */
  private static final double HOPPER_80GB = 81559.0 * 1024 * 1024;

  private static final String HOPPER_80GB_SOURCE =
      "80 GB HBM3 (H100 SXM datasheet); 81559 MiB as nvidia-smi reports an 80 GB H100";

  private static final String HOPPER_COMPUTE =
      "NVIDIA H100 Tensor Core GPU datasheet, SXM column: 1,979 TFLOP/s bf16 and 3,958 TFLOP/s"
          + " fp8 with sparsity, halved for dense";

  /**
   * H800 SXM5: H100 SXM5 compute (the DeepSeek-V3 report trains and serves on H800s, which keep
   * H100 compute and 3.35 TB/s of HBM3); the export variant differs in NVLink bandwidth, not in
   * these ceilings.
   */
  public static final HardwareProfile H800 =
      new HardwareProfile(
          "h800",
          "NVIDIA H800 SXM5",
          new Ceilings(
              989.5e12,
              1979e12,
              3.35e12,
              HOPPER_COMPUTE + " (H800 = H100 compute); HBM3 3.35 TB/s (H100 SXM datasheet)"),
          null,
          2.0,
          "DeepSeek-V3.2 paper, Figure 3: 2 USD per H800 GPU-hour (the V3 report's rental"
              + " assumption)",
          HOPPER_80GB,
          HOPPER_80GB_SOURCE + " (H800: the same 80 GB HBM3)");

  /** H100 SXM5. */
  public static final HardwareProfile H100 =
      new HardwareProfile(
          "h100",
          "NVIDIA H100 SXM5",
          new Ceilings(989.5e12, 1979e12, 3.35e12, HOPPER_COMPUTE + "; HBM3 3.35 TB/s"),
          null,
          2.0,
          "assumption, not a quote: the paper's H800 price for the same compute; set --price",
          HOPPER_80GB,
          HOPPER_80GB_SOURCE);

  /**
   * H200 SXM: H100 compute with 141 GB HBM3e at 4.8 TB/s; also the ceilings this project measured
   * on one (kernels/NOTES.md).
   */
  public static final HardwareProfile H200 =
      new HardwareProfile(
          "h200",
          "NVIDIA H200 SXM",
          new Ceilings(
              989.5e12,
              1979e12,
              4.8e12,
              "NVIDIA H200 Tensor Core GPU datasheet, SXM column: 1,979 / 3,958 TFLOP/s bf16 / fp8"
                  + " with sparsity, halved for dense; HBM3e 4.8 TB/s"),
          new Ceilings(
              744e12,
              1305e12,
              4.51e12,
              "measured by this project on one H200: bf16 GEMM 8192^3, fp8 e4m3 GEMM (2026-11-29);"
                  + " memory, a plain coalesced read of 2.1 GB (the top-k driver's read floor,"
                  + " 2026-11-30), above the 4.08 TB/s a device-to-device copy reaches (bytes read +"
                  + " written), which a read-mostly stage such as the one-token decode indexer"
                  + " passes"),
          2.5,
          "assumption, not a quote: H800 price scaled up for the larger, faster memory; set"
              + " --price",
          150109880320.0,
          "141 GB HBM3e (datasheet); 150109880320 B as the driver reported it in the published"
              + " H200 run");

  /** B200 (HGX B200, per GPU). */
  public static final HardwareProfile B200 =
      new HardwareProfile(
          "b200",
          "NVIDIA B200",
          new Ceilings(
              2.25e15,
              4.5e15,
              8.0e12,
              "NVIDIA HGX B200 datasheet, per GPU: 4.5 PFLOP/s bf16 and 9 PFLOP/s fp8 with"
                  + " sparsity, halved for dense; HBM3e 8 TB/s"),
          null,
          4.0,
          "assumption, not a quote: about twice the Hopper price for about twice the compute;"
              + " set --price",
          180e9,
          "NVIDIA HGX B200 datasheet: 1.44 TB HBM3e for 8 GPUs, 180 GB each");

  /** The built-in profiles, in command-line order. */
  public static List<HardwareProfile> all() {
    return List.of(H800, H100, H200, B200);
  }

  /** The ids accepted by {@link #byId}, comma-separated for messages. */
  public static String ids() {
    return String.join(", ", all().stream().map(HardwareProfile::id).toList());
  }

  /**
   * The profile with this id (case-insensitive).
   *
   * @throws IllegalArgumentException "hardware: 'x' is not one of h800, h100, h200, b200"
   */
  public static HardwareProfile byId(String id) {
    if (id != null) {
      String k = id.trim().toLowerCase(Locale.ROOT);
      for (HardwareProfile p : all()) {
        if (p.id().equals(k)) {
          return p;
        }
      }
    }
    throw new BadInputException("hardware: '" + id + "' is not one of " + ids());
  }

  /**
   * The profile of a device a run measured on, from its name ("NVIDIA H200", "NVIDIA H100 80GB
   * HBM3", "NVIDIA H800", "NVIDIA B200"); empty for anything else, e.g. a cpu backend's device.
   */
  public static Optional<HardwareProfile> forDevice(DeviceRecord device) {
    return device == null ? Optional.empty() : forDeviceName(device.name());
  }

  /** As {@link #forDevice}, from the name alone. */
  public static Optional<HardwareProfile> forDeviceName(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String n = name.toUpperCase(Locale.ROOT);
    // H100 PCIe/NVL have other ceilings; only the SXM parts are profiled.
    if (n.contains("H100") && (n.contains("PCIE") || n.contains("NVL"))) {
      return Optional.empty();
    }
    for (HardwareProfile p : all()) {
      if (n.matches(".*\\b" + p.id().toUpperCase(Locale.ROOT) + "\\b.*")) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
