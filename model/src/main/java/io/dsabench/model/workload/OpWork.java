package io.dsabench.model.workload;

import io.dsabench.model.BadInputException;

/**
 * What one op does at one sweep point: floating-point operations and the bytes it must move to or
 * from memory at least once (unique traffic; gathers count each gathered entry per query).
 */
public record OpWork(Op op, double flops, double bytes) {
  public OpWork {
    if (op == null) {
      throw new BadInputException("op: null is not an op");
    }
    if (!(flops >= 0) || !(bytes >= 0)) {
      throw new BadInputException(
          "work of " + op.id() + ": flops " + flops + " and bytes " + bytes + " must be >= 0");
    }
  }

  /** FLOPs per byte. */
  public double intensity() {
    return bytes == 0 ? Double.POSITIVE_INFINITY : flops / bytes;
  }
}
