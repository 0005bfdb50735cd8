package io.dsabench.costmodel.reference;

import io.dsabench.costmodel.cost.Curve;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's Figure 3 (H800, 2 USD per GPU-hour), read from the bundled {@code figure3.csv}
 * (vertices taken from the PDF's vector paths; its {@code #} lines say so and are kept as {@link
 * #notes()}).
 */
public final class Figure3Reference {
  /** Classpath resource holding the reference curves. */
  public static final String RESOURCE = "/io/dsabench/costmodel/reference/figure3.csv";

  /** The hardware the paper priced on. */
  public static final String HARDWARE = "h800";

  /** The paper's price, USD per GPU-hour. */
  public static final double USD_PER_GPU_HOUR = 2.0;

  /**
   * The paper's prefill crossover: the interior vertex of prefill_v3.2, where masked MHA gives way
   * to sparse attention (~6.6K).
   */
  public static final int PAPER_CROSSOVER_POSITION = 6590;

  private final Map<Curve, ReferenceCurve> curves;
  private final List<String> notes;

  private Figure3Reference(Map<Curve, ReferenceCurve> curves, List<String> notes) {
    this.curves = curves;
    this.notes = List.copyOf(notes);
  }

  /** Loads the bundled reference. */
  public static Figure3Reference load() {
    try (InputStream in = Figure3Reference.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(RESOURCE + ": cannot be read", e);
    }
  }

  /**
   * Parses {@code curve,position_tokens,usd_per_million_tokens} rows; {@code #} lines are notes.
   *
   * @throws IllegalArgumentException naming the line and the problem
   */
  public static Figure3Reference parse(String csv, String name) {
    Map<Curve, List<ReferencePoint>> pts = new EnumMap<>(Curve.class);
    List<String> notes = new ArrayList<>();
    int lineNo = 0;
    try (BufferedReader r = new BufferedReader(new java.io.StringReader(csv))) {
      for (String line; (line = r.readLine()) != null; ) {
        lineNo++;
        String s = line.strip();
        if (s.isEmpty()) {
          continue;
        }
        if (s.startsWith("#")) {
          notes.add(s.substring(1).strip());
          continue;
        }
        if (s.equals("curve,position_tokens,usd_per_million_tokens")) {
          continue;
        }
        String[] f = s.split(",");
        if (f.length != 3) {
          throw new IllegalArgumentException(
              name + " line " + lineNo + ": '" + s + "' does not have 3 fields");
        }
        try {
          pts.computeIfAbsent(Curve.ofId(f[0].strip()), c -> new ArrayList<>())
              .add(
                  new ReferencePoint(
                      Integer.parseInt(f[1].strip()), Double.parseDouble(f[2].strip())));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(name + " line " + lineNo + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<Curve, ReferenceCurve> curves = new EnumMap<>(Curve.class);
    for (Curve c : Curve.values()) {
      List<ReferencePoint> v = pts.get(c);
      if (v == null) {
        throw new IllegalArgumentException(name + ": curve " + c.id() + " is missing");
      }
      curves.put(c, new ReferenceCurve(c, v));
    }
    return new Figure3Reference(curves, notes);
  }

  /** One curve. */
  public ReferenceCurve curve(Curve c) {
    return curves.get(c);
  }

  /** All four, in {@link Curve} order. */
  public List<ReferenceCurve> curves() {
    return List.copyOf(curves.values());
  }

  /** The file's comment lines: where the numbers come from. */
  public List<String> notes() {
    return notes;
  }
}
