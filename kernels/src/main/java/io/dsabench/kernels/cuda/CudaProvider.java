package io.dsabench.kernels.cuda;

import io.dsabench.kernels.Backend;
import io.dsabench.kernels.BackendProvider;
import io.dsabench.kernels.BackendUnavailableException;

/** Registers the {@code cuda} backend with {@link io.dsabench.kernels.Backends}. */
public final class CudaProvider implements BackendProvider {
  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public Backend open() throws BackendUnavailableException {
    return CudaBackend.open(0);
  }
}
