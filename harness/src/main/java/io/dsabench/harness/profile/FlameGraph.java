package io.dsabench.harness.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges collapsed stacks ({@code frame;frame;frame count} lines, async-profiler's {@code
 * collapsed} output, from every JMH fork of a sweep) into one self-contained HTML flame graph: an
 * SVG with a tooltip per frame, no script, no network. One graph for the whole sweep rather than
 * one per fork, because the question it answers is where the host side of a sweep spends time.
 */
public final class FlameGraph {
  private static final int WIDTH = 1200;
  private static final int ROW = 16;

  private static final class Node {
    final Map<String, Node> children = new TreeMap<>();
    long samples;
  }

  private final Node root = new Node();

  /** Adds the collapsed stacks of one file; malformed lines are ignored. */
  public FlameGraph add(Path collapsed) throws IOException {
    for (String line : Files.readAllLines(collapsed, StandardCharsets.UTF_8)) {
      int sp = line.lastIndexOf(' ');
      if (sp <= 0) {
        continue;
      }
      long n;
      try {
        n = Long.parseLong(line.substring(sp + 1).trim());
      } catch (NumberFormatException e) {
        continue;
      }
      Node node = root;
      node.samples += n;
      for (String frame : line.substring(0, sp).split(";")) {
        node = node.children.computeIfAbsent(frame, f -> new Node());
        node.samples += n;
      }
    }
    return this;
  }

  public long samples() {
    return root.samples;
  }

  /** Writes the HTML file. */
  public void write(Path html, String title) throws IOException {
    int depth = depth(root);
    int height = (depth + 1) * ROW + 40;
    StringBuilder svg = new StringBuilder();
    frame(svg, "all", root, 0, WIDTH, 0, height);
    layout(svg, root, 0, WIDTH, 1, height);
    String page =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>"
            + esc(title)
            + "</title><style>body{font:12px sans-serif;margin:8px}"
            + "svg text{font:11px monospace;pointer-events:none}</style></head><body><h3>"
            + esc(title)
            + "</h3><p>"
            + root.samples
            + " samples; hover a frame for its name and share.</p><svg xmlns=\"http://www.w3.org/2000/svg\" width=\""
            + WIDTH
            + "\" height=\""
            + height
            + "\">"
            + svg
            + "</svg></body></html>\n";
    Files.createDirectories(html.toAbsolutePath().getParent());
    Files.writeString(html, page, StandardCharsets.UTF_8);
  }

  private void layout(StringBuilder svg, Node node, double x, double w, int level, int height) {
    double cx = x;
    for (var e : node.children.entrySet()) {
      double cw = node.samples == 0 ? 0 : w * e.getValue().samples / node.samples;
      if (cw >= 0.5) {
        frame(svg, e.getKey(), e.getValue(), cx, cw, level, height);
        layout(svg, e.getValue(), cx, cw, level + 1, height);
      }
      cx += cw;
    }
  }

  private void frame(
      StringBuilder svg, String name, Node n, double x, double w, int level, int height) {
    double y = height - 20 - (level + 1) * ROW;
    int hue = Math.floorMod(name.hashCode(), 40);
    double share = root.samples == 0 ? 0 : 100.0 * n.samples / root.samples;
    svg.append(
        String.format(
            Locale.ROOT,
            "<g><title>%s (%d samples, %.2f%%)</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
                + " height=\"%d\" fill=\"hsl(%d,80%%,60%%)\" stroke=\"white\"/>",
            esc(name),
            n.samples,
            share,
            x,
            y,
            w,
            ROW - 1,
            hue + 10));
    int chars = (int) (w / 7);
    if (chars >= 3) {
      String label = name.length() > chars ? name.substring(0, chars - 2) + ".." : name;
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%.1f\">%s</text>",
              x + 2,
              y + ROW - 4,
              esc(label)));
    }
    svg.append("</g>");
  }

  private static int depth(Node n) {
    int d = 0;
    for (Node c : n.children.values()) {
      d = Math.max(d, 1 + depth(c));
    }
    return d;
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /**
   * Merges every {@code *.collapsed} file in {@code files} into {@code html}; false if none had
   * samples.
   */
  public static boolean merge(List<Path> files, Path html, String title) throws IOException {
    FlameGraph g = new FlameGraph();
    for (Path f : files) {
      g.add(f);
    }
    if (g.samples() == 0) {
      return false;
    }
    g.write(html, title);
    return true;
  }
}
