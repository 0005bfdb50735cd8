package io.dsabench.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Consumer;

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
    return open(name, reason -> {});
  }

  /**
   * Opens the named backend like {@link #open(String)}; when {@code auto} cannot start {@code
   * cuda}, first tells {@code onFallback} why, in one line, so that the run can say so instead of
   * silently measuring the cpu backend.
   */
  public static Backend open(String name, Consumer<String> onFallback)
      throws BackendUnavailableException {
    if ("auto".equals(name)) {
      try {
        return open("cuda", onFallback);
      } catch (BackendUnavailableException e) {
        onFallback.accept(firstLine(e.getMessage()));
      } catch (IllegalArgumentException e) {
        onFallback.accept("cuda unavailable: this build registers no cuda backend");
      }
      return open("cpu", onFallback);
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

  /**
   * The first line of a reason: native loaders append pages of nested stack traces to their
   * messages, and a user needs the first line.
   */
  public static String firstLine(String reason) {
    if (reason == null) {
      return "no reason given";
    }
    int nl = reason.indexOf('\n');
    return (nl >= 0 ? reason.substring(0, nl) : reason).strip();
  }

  private static Map<String, BackendProvider> providers() {
    TreeMap<String, BackendProvider> byName = new TreeMap<>();
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      byName.put(p.name(), p);
    }
    return byName;
  }
}
