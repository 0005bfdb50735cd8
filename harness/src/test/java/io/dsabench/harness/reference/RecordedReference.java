package io.dsabench.harness.reference;

import io.dsabench.harness.SweepSpec;
import io.dsabench.harness.stats.StopRule;
import io.dsabench.model.results.Results;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A reference run rebuilt from the recorded H200 exchange, for tests of what reads one. */
public final class RecordedReference {
  private RecordedReference() {}

  /**
   * The recorded one-token points: prefill dense at 16K and 128K, prefill and decode at 128K for
   * both variants (the recording's other points fail as unrecorded), every recorded sample taken.
   */
  public static Results sweep(Path dir) throws Exception {
    SweepSpec spec =
        new SweepSpec(
            List.of(Phase.PREFILL, Phase.DECODE),
            List.of(Variant.DENSE, Variant.DSA),
            List.of(16384, 131072),
            Map.of(Phase.PREFILL, 4096, Phase.DECODE, 64));
    return new ReferenceSweep(
            spec,
            new StopRule(3, 0.1, 10, 10, 1.0, 1e9),
            dir.resolve("reference.json"),
            ReplayChannel::new,
            "replay")
        .run();
  }
}
