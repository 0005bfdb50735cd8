package io.dsabench.harness.fleet;

import io.dsabench.harness.stage.SessionConfig;
import java.util.List;

/**
 * What a device worker needs, written by the coordinator as JSON and named on the worker's command
 * line.
 *
 * @param session sampling rule and input options
 * @param outDir the worker's own output directory (its jmh.json, jmh.log, sessions)
 * @param forks JMH forks per benchmark
 * @param warmupIterations JMH warm-up sessions per fork
 * @param iterations JMH sampling sessions per fork
 * @param jvmArgs arguments of the worker's JMH forks
 * @param deviceIndex the host's index of the GPU the worker is pinned to
 * @param uuid that GPU's UUID, or null when unknown
 * @param decodeTokensPerSeq query tokens per decode sequence (0, as a config without the field
 *     reads, means 1)
 */
public record WorkerConfig(
    SessionConfig session,
    String outDir,
    int forks,
    int warmupIterations,
    int iterations,
    List<String> jvmArgs,
    int deviceIndex,
    String uuid,
    int decodeTokensPerSeq) {
  public WorkerConfig {
    decodeTokensPerSeq = decodeTokensPerSeq == 0 ? 1 : decodeTokensPerSeq;
  }

  /** This config for the worker of one GPU, writing under {@code dir}. */
  public WorkerConfig forDevice(int index, String gpuUuid, String dir) {
    return new WorkerConfig(
        session,
        dir,
        forks,
        warmupIterations,
        iterations,
        jvmArgs,
        index,
        gpuUuid,
        decodeTokensPerSeq);
  }
}
