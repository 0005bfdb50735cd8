package io.dsabench.harness;

import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.SweepPoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Shard {@code index} of {@code count} (0-based, as Kubernetes completion indexes and Slurm array
 * ids run): the points whose place in the canonical order is {@code index} modulo {@code count}.
 * Round-robin rather than contiguous blocks, so every shard gets a mix of short and long positions
 * and shards finish at about the same time.
 */
public record Shard(int index, int count) {
  /** The whole sweep. */
  public static final Shard ALL = new Shard(0, 1);

  public Shard {
    if (count < 1) {
      throw new BadInputException("shard: count " + count + " is not a positive number");
    }
    if (index < 0 || index >= count) {
      throw new BadInputException(
          "shard: index " + index + " is not between 0 and " + (count - 1) + " (I/N is 0-based)");
    }
  }

  /** Parses {@code I/N}. */
  public static Shard parse(String text) {
    String[] a = text == null ? new String[0] : text.trim().split("/");
    if (a.length != 2) {
      throw new BadInputException("shard: '" + text + "' is not I/N (like 0/4)");
    }
    try {
      return new Shard(Integer.parseInt(a[0].trim()), Integer.parseInt(a[1].trim()));
    } catch (NumberFormatException e) {
      throw new BadInputException("shard: '" + text + "' is not I/N (like 0/4)", e);
    }
  }

  public List<SweepPoint> select(List<SweepPoint> points) {
    List<SweepPoint> out = new ArrayList<>();
    for (int i = index; i < points.size(); i += count) {
      out.add(points.get(i));
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
