package io.dsabench.harness;

/**
 * Keys this harness writes into {@code run.extra} of a results file. Values are strings; paths are
 * relative to the results file's directory.
 */
public final class RunExtra {
  /** The declared sweep, {@link SweepSpec#canonical()}: lets merge find missing points. */
  public static final String SWEEP = "sweep";

  /** {@code I/N} when the run is one shard of a sweep. */
  public static final String SHARD = "shard";

  /** The raw JMH JSON beside the results. */
  public static final String JMH_JSON = "jmhJson";

  /** JMH's own text log (iterations, forks, errors). */
  public static final String JMH_LOG = "jmhLog";

  /** How the benchmarks ran: {@code jmh-fork} (the default) or {@code jmh-in-process}. */
  public static final String ENGINE = "engine";

  /** Why the engine is not the default, when it is not. */
  public static final String ENGINE_NOTE = "engineNote";

  /** The stopping rule and options the samples were taken under. */
  public static final String SAMPLING = "sampling";

  /** The host-side flame graph of {@code --profile}. */
  public static final String PROFILE = "profile";

  /** Shard files a merged run came from. */
  public static final String MERGED_FROM = "mergedFrom";

  /** How many declared points a merged run lacks. */
  public static final String MISSING_POINTS = "missingPoints";

  /** The devices of a multi-GPU run, {@code index:uuid:name} joined by commas. */
  public static final String DEVICES = "devices";

  /**
   * Device workers of a multi-GPU run that could not start or died, {@code GPU i: why} joined by
   * {@code "; "}; absent when every worker lived to the end. Their points went to the other
   * workers, or are failed when none was left.
   */
  public static final String WORKERS_LOST = "workersLost";

  /**
   * Set when the sweep was stopped before it finished: the signal that stopped it ({@code SIGINT},
   * {@code SIGTERM}, {@code SIGHUP}), or {@code shutdown} when the JVM was asked to exit some other
   * way. A {@code kill -9} leaves no trace here; {@code compare} still finds the points it lacks.
   */
  public static final String INTERRUPTED = "interrupted";

  private RunExtra() {}

  /**
   * The rest of the model the run measured ({@code bench --phases rest}): phases, tokens per GPU,
   * EP degree and routings, e.g. {@code phases=prefill,decode tokens=prefill:16384,decode:256
   * ep=prefill:32,decode:144 routing=uniform shape=deepseek-v3.2}; a shape other than deepseek-v3.2
   * ({@code tiny}, for tests) is no model's and must not be priced.
   */
  public static final String REST = "rest";
}
