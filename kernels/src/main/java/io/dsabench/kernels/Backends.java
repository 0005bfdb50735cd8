package io.dsabench.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds backends by short name through {@link ServiceLoader}. */
public final class Backends {
  private Backends() {}

  /** Short names of every registered backend, sorted. */
  public static List<String> names() {
    return new ArrayList<>(providers().keySet());
  }

  /**
   * Opens the named backend; {@code auto} means {@code cuda} when it can start, else {@code cpu}.
   *
   * @throws IllegalArgumentException for an unknown name, naming the known ones
   * @throws BackendUnavailableException when the backend cannot start here, saying why
   */
  public static Backend open(String name) throws BackendUnavailableException {
    if ("auto".equals(name)) {
      try {
        return open("cuda");
      } catch (BackendUnavailableException | IllegalArgumentException e) {
        return open("cpu");
      }
    }
    BackendProvider provider = providers().get(name);
    if (provider == null) {
      throw new IllegalArgumentException(
          "backend: '" + name + "' is not one of auto, " + String.join(", ", names()));
    }
    try {
      return provider.open();
    } catch (LinkageError e) {
      // Native loading failures must never take the JVM down; keep the cause.
      throw new BackendUnavailableException(name + " unavailable: " + e, e);
    }
  }

  private static TreeMap<String, BackendProvider> providers() {
    TreeMap<String, BackendProvider> byName = new TreeMap<>();
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      byName.put(p.name(), p);
    }
    return byName;
  }
}
