package io.dsabench.harness.stage;

import io.dsabench.harness.stats.StopRule;
import io.dsabench.model.BadInputException;

/**
 * How a measuring process (a JMH fork, or the sweep's own JVM) takes its samples; written by the
 * sweep as JSON into the point's session directory and read by every fork.
 *
 * @param backend backend short name to open ({@code cuda}, {@code cpu})
 * @param stop the stopping rule
 * @param l2Flush whether to overwrite {@code scratchBytes} of device memory before every sample, so
 *     that no sample finds its inputs in the L2 cache the previous one warmed
 * @param rotateInputs whether to keep several copies of small inputs and rotate through them, so
 *     that back-to-back samples do not reread inputs that sit in L2
 * @param scratchBytes size of the flush buffer and the rotation budget; 2× the largest L2 of the
 *     GPUs we run on (B200: 126 MB) rounded up
 * @param inputScale random inputs are uniform in [−scale, scale]; NaN makes every input NaN, which
 *     tests use as a deliberately bad input
 * @param seed seed of the random inputs
 * @param profile whether the process profiles itself with async-profiler
 */
public record SessionConfig(
    String backend,
    StopRule stop,
    boolean l2Flush,
    boolean rotateInputs,
    long scratchBytes,
    float inputScale,
    long seed,
    boolean profile) {

  public static final long DEFAULT_SCRATCH_BYTES = 256L << 20;

  public SessionConfig {
    if (backend == null || backend.isBlank()) {
      throw new BadInputException("backend: must not be blank");
    }
    if (stop == null) {
      throw new BadInputException("stop: missing");
    }
    if (scratchBytes <= 0) {
      throw new BadInputException(
          "scratchBytes: " + scratchBytes + " is not a positive byte count");
    }
  }

  /** Defaults for a backend: nvbench-like GPU rule with rotation on cuda, a short rule on cpu. */
  public static SessionConfig defaults(String backend) {
    boolean cpu = "cpu".equals(backend);
    return new SessionConfig(
        backend,
        cpu ? StopRule.CPU : StopRule.GPU,
        false,
        !cpu,
        DEFAULT_SCRATCH_BYTES,
        1f,
        42L,
        false);
  }

  public SessionConfig withStop(StopRule s) {
    return new SessionConfig(
        backend, s, l2Flush, rotateInputs, scratchBytes, inputScale, seed, profile);
  }

  public SessionConfig withL2Flush(boolean f) {
    return new SessionConfig(
        backend, stop, f, rotateInputs, scratchBytes, inputScale, seed, profile);
  }

  public SessionConfig withRotateInputs(boolean r) {
    return new SessionConfig(backend, stop, l2Flush, r, scratchBytes, inputScale, seed, profile);
  }

  public SessionConfig withInputScale(float s) {
    return new SessionConfig(backend, stop, l2Flush, rotateInputs, scratchBytes, s, seed, profile);
  }

  public SessionConfig withProfile(boolean p) {
    return new SessionConfig(
        backend, stop, l2Flush, rotateInputs, scratchBytes, inputScale, seed, p);
  }

  /** One line for {@code run.extra.sampling}. */
  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "warmup>=%d runs and %.3gs; samples %d..%d; stop at median CI half-width <= %.3g%% or"
            + " %.3gs; l2Flush=%s; rotateInputs=%s (%d MiB)%s",
        stop.warmupRuns(),
        stop.warmupSeconds(),
        stop.minSamples(),
        stop.maxSamples(),
        100 * stop.maxNoise(),
        stop.maxSeconds(),
        l2Flush,
        rotateInputs,
        scratchBytes >> 20,
        "cuda".equals(backend)
            ? "; launches queued behind a stream hold (host launch latency not timed)"
            : "");
  }
}
