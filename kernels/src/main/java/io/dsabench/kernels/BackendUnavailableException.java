package io.dsabench.kernels;

/** A backend cannot start here; the message says exactly why (no driver, no GPU, no cubin...). */
public final class BackendUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public BackendUnavailableException(String message) {
    super(message);
  }

  public BackendUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
