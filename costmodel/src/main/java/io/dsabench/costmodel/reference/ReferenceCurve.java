package io.dsabench.costmodel.reference;

import io.dsabench.costmodel.cost.Curve;
import io.dsabench.model.BadInputException;
import java.util.List;

/** One of the paper's curves: vertices joined by straight lines, as drawn in the PDF. */
public record ReferenceCurve(Curve curve, List<ReferencePoint> vertices) {
  public ReferenceCurve {
    vertices = List.copyOf(vertices);
    if (vertices.size() < 2) {
      throw new BadInputException(
          "reference " + curve.id() + ": " + vertices.size() + " vertices, need at least 2");
    }
  }

  /**
   * USD per million tokens at {@code position}, linear between vertices.
   *
   * @throws IllegalArgumentException outside the drawn range
   */
  public double usdPerMillionAt(double position) {
    ReferencePoint first = vertices.get(0);
    ReferencePoint last = vertices.get(vertices.size() - 1);
    if (position < first.position() || position > last.position()) {
      throw new BadInputException(
          "position: "
              + position
              + " is outside the paper's "
              + curve.id()
              + " range "
              + first.position()
              + ".."
              + last.position());
    }
    for (int i = 0; i < vertices.size() - 1; i++) {
      ReferencePoint a = vertices.get(i);
      ReferencePoint b = vertices.get(i + 1);
      if (position <= b.position()) {
        double t = (position - a.position()) / (double) (b.position() - a.position());
        return a.usdPerMillionTokens() + t * (b.usdPerMillionTokens() - a.usdPerMillionTokens());
      }
    }
    return last.usdPerMillionTokens();
  }
}
