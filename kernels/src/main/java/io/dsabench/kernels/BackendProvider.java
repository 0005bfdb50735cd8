package io.dsabench.kernels;

/**
 * Service-provider interface: a short name and a factory. Registered in {@code
 * META-INF/services/io.dsabench.kernels.BackendProvider} and found by {@link Backends}.
 */
public interface BackendProvider {
  /** Short name, e.g. {@code cuda}. */
  String name();

  /**
   * Starts the backend.
   *
   * @throws BackendUnavailableException saying exactly why it cannot run here
   */
  Backend open() throws BackendUnavailableException;
}
