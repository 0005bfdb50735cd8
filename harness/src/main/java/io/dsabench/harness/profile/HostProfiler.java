package io.dsabench.harness.profile;

import java.nio.file.Path;
import one.profiler.AsyncProfiler;

/**
 * async-profiler over this process's host side (JNI, launches, input preparation, JMH), loaded from
 * the library its Maven artifact ships. CPU samples from perf events where the kernel allows them,
 * else from a timer (containers usually forbid perf events). Collapsed stacks go to a file that
 * {@link FlameGraph} turns into one HTML flame graph for the sweep.
 */
public final class HostProfiler {
  private static final System.Logger LOG = System.getLogger(HostProfiler.class.getName());

  private final AsyncProfiler profiler;
  private final Path output;
  private final String event;

  private HostProfiler(AsyncProfiler profiler, Path output, String event) {
    this.profiler = profiler;
    this.output = output;
    this.event = event;
  }

  /**
   * Starts profiling; returns null (and says why on stderr) when async-profiler cannot run here, so
   * that a sweep never fails for want of a profile.
   */
  public static HostProfiler start(Path collapsedOutput) {
    AsyncProfiler p;
    try {
      p = AsyncProfiler.getInstance();
    } catch (RuntimeException | LinkageError e) {
      LOG.log(System.Logger.Level.WARNING, "profile: async-profiler unavailable here: " + e);
      return null;
    }
    for (String event : new String[] {"cpu", "itimer"}) {
      try {
        p.execute("start,event=" + event + ",interval=1ms");
        return new HostProfiler(p, collapsedOutput, event);
      } catch (Exception e) {
        // perf events refused (perf_event_paranoid, seccomp): try the timer next.
      }
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "profile: async-profiler could not start (cpu and itimer refused)");
    return null;
  }

  public String event() {
    return event;
  }

  /** Stops and writes collapsed stacks; never throws. */
  public void stop() {
    try {
      profiler.execute("stop,collapsed,file=" + output.toAbsolutePath());
    } catch (Exception | LinkageError e) {
      LOG.log(System.Logger.Level.WARNING, "profile: could not write " + output + ": " + e, e);
    }
  }
}
