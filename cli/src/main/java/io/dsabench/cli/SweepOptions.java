package io.dsabench.cli;

import io.dsabench.harness.SweepSpec;
import io.dsabench.harness.stats.StopRule;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The sweep and sampling options {@code bench} and {@code reference} share, so that the two
 * commands take the same points the same way and their runs pair point for point.
 */
final class SweepOptions {
  @Option(
      names = "--phases",
      split = ",",
      paramLabel = "PHASE",
      description =
          "prefill, decode (default: both); bench also takes rest: the rest of the model (projections,"
              + " experts, dense FFN, head) at each phase's deployment batch")
  List<String> phases;

  @Option(
      names = "--variants",
      split = ",",
      paramLabel = "VARIANT",
      description = "dense, dsa (default: both)")
  List<String> variants;

  @Option(
      names = "--positions",
      paramLabel = "1K,..",
      description =
          "context positions; K = 1024 (default: 1K,2K,4K,8K,16K,32K,64K,96K,128K on a GPU;"
              + " 1K,4K,16K on cpu)")
  String positions;

  @Option(
      names = "--tokens",
      paramLabel = "N",
      description =
          "query tokens per point: N for both phases, or prefill=N,decode=M (default: 4096/128"
              + " on a GPU, that is 64 decode sequences of 2; 1 on cpu)")
  String tokens;

  @Option(
      names = "--decode-tokens-per-seq",
      paramLabel = "N",
      description =
          "query tokens per decode sequence, 1-4 (2: decode with one MTP draft token, as"
              + " DeepSeek-V3.2 serves); a decode point of n tokens is n/N sequences, so N must"
              + " divide the decode tokens (default: 2 on a GPU, 1 on cpu); recorded in every"
              + " point's tokensPerSeq")
  Integer decodeTokensPerSeq;

  @Option(
      names = "--max-noise",
      paramLabel = "F",
      description =
          "stop sampling when the median's 95%% CI half-width / median is below F (default 0.01 on"
              + " a GPU, 0.02 on cpu)")
  Double maxNoise;

  @Option(
      names = "--max-time",
      paramLabel = "S",
      description = "time cap of one sampling session, seconds (default 1 on a GPU, 0.5 on cpu)")
  Double maxTime;

  @Option(
      names = "--min-samples",
      paramLabel = "N",
      description = "samples taken whatever the noise (default 10 on a GPU, 3 on cpu)")
  Integer minSamples;

  /** Whether {@code rest} is among the phases given ({@code bench --phases ..,rest}). */
  boolean rest() {
    return phases != null && phases.stream().anyMatch(p -> "rest".equalsIgnoreCase(p.trim()));
  }

  /** Whether attention points are asked for: no phases given, or a phase other than rest. */
  boolean attention() {
    return phases == null || phases.stream().anyMatch(p -> !"rest".equalsIgnoreCase(p.trim()));
  }

  /** Checks every sweep option as given, before the backend (and so its defaults) is known. */
  void check() {
    phases();
    variants();
    if (positions != null) {
      SweepSpec.parsePositions(positions);
    }
    BenchCommand.parseTokens(tokens, "cpu");
    stop(StopRule.GPU);
  }

  /** The sweep on {@code backend}: what was given, the backend's defaults for the rest. */
  SweepSpec spec(String backend) {
    SweepSpec defaults = SweepSpec.defaults(backend);
    List<Phase> ph = phases();
    List<Variant> va = variants();
    return new SweepSpec(
        ph == null ? defaults.phases() : ph,
        va == null ? defaults.variants() : va,
        positions == null ? defaults.positions() : SweepSpec.parsePositions(positions),
        BenchCommand.parseTokens(tokens, backend),
        decodeTokensPerSeq == null
            ? SweepSpec.defaultDecodeTokensPerSeq(backend)
            : decodeTokensPerSeq);
  }

  /** Whether positions were given (then a point that does not fit is an error, not a skip). */
  boolean explicitPositions() {
    return positions != null;
  }

  /** {@code base} with the sampling options that were given. */
  StopRule stop(StopRule base) {
    StopRule stop = base;
    if (minSamples != null) {
      stop = stop.withMinSamples(minSamples);
    }
    if (maxNoise != null) {
      stop = stop.withMaxNoise(maxNoise);
    }
    if (maxTime != null) {
      stop = stop.withMaxSeconds(maxTime);
    }
    return stop;
  }

  /**
   * The attention phases given ({@code rest} left out; callers that take no rest see it refused by
   * {@link Phase#of}), or null when none were given.
   */
  private List<Phase> phases() {
    if (phases == null) {
      return null;
    }
    List<Phase> ph =
        phases.stream()
            .filter(p -> !(restAllowed && "rest".equalsIgnoreCase(p.trim())))
            .map(Phase::of)
            .toList();
    // "--phases rest" alone: no attention points, so the spec keeps its default phases unused.
    return ph.isEmpty() ? null : ph;
  }

  // Only bench measures the rest of the model; reference refuses "rest" as a phase.
  boolean restAllowed;

  private List<Variant> variants() {
    return variants == null ? null : variants.stream().map(Variant::of).toList();
  }
}
