package io.dsabench.costmodel.capacity;

import io.dsabench.model.BadInputException;

/**
 * A token length and its relative weight in a distribution.
 *
 * @param length tokens, at least 1
 * @param weight relative frequency, positive (weights need not sum to 1)
 */
public record WeightedLength(int length, double weight) {
  public WeightedLength {
    if (length < 1) {
      throw new BadInputException("length: " + length + " is not a positive token count");
    }
    if (!(weight > 0) || !Double.isFinite(weight)) {
      throw new BadInputException("weight: " + weight + " is not a positive weight");
    }
  }
}
