package io.dsabench.harness.fleet;

import io.dsabench.model.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The GPUs of this host as {@code nvidia-smi} lists them (index, UUID, name): the identity the DCGM
 * exporter labels metrics with, and the lock id of each device. Empty where nvidia-smi is not
 * installed (then GPUs are known by index only).
 */
public final class Gpus {
  /** One GPU. */
  public record Gpu(int index, String uuid, String name) {}

  private Gpus() {}

  public static List<Gpu> list() {
    List<Gpu> out = new ArrayList<>();
    try {
      Process p =
          new ProcessBuilder(
                  "nvidia-smi", "--query-gpu=index,uuid,name", "--format=csv,noheader,nounits")
              .redirectErrorStream(true)
              .start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return List.of();
      }
      for (String line : text.split("\n")) {
        String[] a = line.split(",", 3);
        if (a.length == 3) {
          try {
            out.add(new Gpu(Integer.parseInt(a[0].trim()), a[1].trim(), a[2].trim()));
          } catch (NumberFormatException e) {
            // Not a GPU line (a warning): skip it.
          }
        }
      }
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
    return List.copyOf(out);
  }

  /** The GPU with this index, or null. */
  public static Gpu byIndex(List<Gpu> gpus, int index) {
    for (Gpu g : gpus) {
      if (g.index() == index) {
        return g;
      }
    }
    return null;
  }

  /**
   * The GPU a process sees as its device 0: the first entry of {@code CUDA_VISIBLE_DEVICES} (an
   * index or a UUID), else index 0; null when unknown.
   */
  public static Gpu visibleFirst(List<Gpu> gpus) {
    String v = System.getenv("CUDA_VISIBLE_DEVICES");
    String first = v == null || v.isBlank() ? "0" : v.split(",")[0].trim();
    for (Gpu g : gpus) {
      if (g.uuid().equals(first) || String.valueOf(g.index()).equals(first)) {
        return g;
      }
    }
    return null;
  }

  /**
   * Parses {@code --devices}: {@code all} (every GPU nvidia-smi lists) or indexes like {@code 0,1}.
   */
  public static List<Integer> parseDevices(String text, List<Gpu> gpus) {
    if (text == null || text.isBlank()) {
      throw new BadInputException("devices: empty; give all or indexes like 0,1");
    }
    if (text.trim().equals("all")) {
      if (gpus.isEmpty()) {
        throw new BadInputException(
            "devices: 'all' needs nvidia-smi to list the GPUs, and it lists none here; give indexes"
                + " like 0,1");
      }
      return gpus.stream().map(Gpu::index).toList();
    }
    List<Integer> out = new ArrayList<>();
    for (String s : text.split(",")) {
      int i;
      try {
        i = Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        throw new BadInputException(
            "devices: '" + s.trim() + "' is not a GPU index (give all or indexes like 0,1)", e);
      }
      if (i < 0) {
        throw new BadInputException("devices: " + i + " is not a GPU index (>= 0)");
      }
      if (out.contains(i)) {
        throw new BadInputException("devices: " + i + " appears twice");
      }
      out.add(i);
    }
    return List.copyOf(out);
  }
}
