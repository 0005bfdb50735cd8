package io.dsabench.costmodel.hardware;

/** The resource that limits an op on a GPU. */
public enum Bound {
  /** Time set by FLOPs against the FLOP/s ceiling of the op's precision. */
  COMPUTE,
  /** Time set by bytes against memory bandwidth. */
  MEMORY
}
