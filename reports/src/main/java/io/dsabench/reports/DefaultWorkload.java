package io.dsabench.reports;

import io.dsabench.costmodel.capacity.TrafficMix;
import io.dsabench.costmodel.capacity.WorkloadFile;

/**
 * The traffic a report plans for when nobody gives one ({@code --workload}): the shape of {@code
 * examples/workloads/chat.yaml}, built in so that a report's first page always has a bottom line,
 * and named as the default wherever it is shown. A test holds it equal to the example file.
 */
final class DefaultWorkload {
  /** How the plan names it. */
  static final String LABEL =
      "chat, the default workload (examples/workloads/chat.yaml's traffic; --workload FILE plans"
          + " yours)";

  private static final String YAML =
      """
      name: chat
      requestsPerSecond: 200
      cacheHitRatio: 0.55
      targetUtilization: 0.7
      prompt: {distribution: lognormal, median: 2500, sigma: 1.0, max: 65536}
      output:
        distribution: empirical
        lengths: [[150, 0.35], [400, 0.40], [1000, 0.20], [3000, 0.05]]
      """;

  private DefaultWorkload() {}

  static TrafficMix mix() {
    return WorkloadFile.parse(YAML);
  }
}
