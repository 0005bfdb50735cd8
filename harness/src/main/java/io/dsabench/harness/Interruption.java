package io.dsabench.harness;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Records that a sweep was stopped before it finished, and by what: while one is open, a JVM
 * shutdown before {@link #close} hands the cause ({@code SIGINT}, {@code SIGTERM}, {@code SIGHUP},
 * else {@code shutdown}) to the sweep, which writes it into its results file.
 *
 * <p>The JVM does not say which signal began its shutdown, so the first use installs handlers for
 * INT, TERM and HUP that note the signal's name and then hand it to the handler that was there (the
 * JVM's own, which starts the shutdown as before). A signal the process ignores (HUP under nohup)
 * is left ignored. The handlers go through {@code sun.misc.Signal} by reflection: it is the only
 * API for this in Java 17 ({@code jdk.unsupported}), and a JVM without it only loses the name.
 * Signals are process-wide, so this state is too.
 */
public final class Interruption implements AutoCloseable {
  private static final AtomicReference<String> SIGNAL = new AtomicReference<>();
  private static boolean watching;

  private final Thread hook;

  private Interruption(Thread hook) {
    this.hook = hook;
  }

  /**
   * Until {@link #close}, a shutdown of this JVM calls {@code record} with its cause, once, from a
   * shutdown hook (so it must be quick and must not wait on the sweep's own thread).
   */
  public static Interruption onShutdown(Consumer<String> record) {
    watchSignals();
    Thread hook = new Thread(() -> record.accept(cause()), "dsabench-interrupted");
    Runtime.getRuntime().addShutdownHook(hook);
    return new Interruption(hook);
  }

  /** The signal that began this JVM's shutdown, else {@code shutdown}. */
  public static String cause() {
    String s = SIGNAL.get();
    return s == null ? "shutdown" : s;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs, as it should.
    }
  }

  private static synchronized void watchSignals() {
    if (watching) {
      return;
    }
    watching = true;
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Constructor<?> newSignal = signal.getConstructor(String.class);
      Method install = signal.getMethod("handle", signal, handler);
      Method handle = handler.getMethod("handle", signal);
      Object ignore = handler.getField("SIG_IGN").get(null);
      Object dfl = handler.getField("SIG_DFL").get(null);
      for (String name : List.of("INT", "TERM", "HUP")) {
        Object sig = newSignal.newInstance(name);
        Object[] previous = new Object[1];
        Object recorder =
            Proxy.newProxyInstance(
                handler.getClassLoader(),
                new Class<?>[] {handler},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "handle" -> {
                        SIGNAL.compareAndSet(null, "SIG" + name);
                        handle.invoke(previous[0], args[0]);
                        yield null;
                      }
                      case "hashCode" -> System.identityHashCode(proxy);
                      case "equals" -> proxy == args[0];
                      default -> "dsabench signal recorder for SIG" + name;
                    });
        try {
          previous[0] = install.invoke(null, sig, recorder);
        } catch (ReflectiveOperationException e) {
          continue; // a signal the JVM reserves (-Xrs, a debugger's): leave it alone
        }
        if (previous[0] == null || previous[0].equals(ignore) || previous[0].equals(dfl)) {
          // Ignored on purpose, or not the JVM's to handle: put it back as it was.
          install.invoke(null, sig, previous[0] == null ? dfl : previous[0]);
        }
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // No sun.misc.Signal here: interruptions are still recorded, as "shutdown".
    }
  }
}
