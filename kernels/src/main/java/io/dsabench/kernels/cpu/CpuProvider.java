package io.dsabench.kernels.cpu;

import io.dsabench.kernels.Backend;
import io.dsabench.kernels.BackendProvider;

/** Registers the pure-Java reference backend under the name {@code cpu}; it always starts. */
public final class CpuProvider implements BackendProvider {
  @Override
  public String name() {
    return CpuBackend.NAME;
  }

  @Override
  public Backend open() {
    return new CpuBackend();
  }
}
