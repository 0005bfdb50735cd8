package io.dsabench.model.workload;

import io.dsabench.model.BadInputException;

/**
 * One measured point: (phase, variant, position p, tokens n, tokens per sequence t).
 *
 * <p>Prefill: one sequence, a chunk of n query tokens at positions p−n … p−1 over p keys (one chunk
 * of a chunked prefill); t = n. Decode: n/t sequences of t query tokens each, every sequence with
 * its own cache of context p; query token j (0 … t−1) of a sequence sees p − t + 1 + j keys, so the
 * last one sees p. t = 1 is plain decode; t = 2 is decode with one MTP draft token, as V3.2 is
 * served. Either way a sequence's t query tokens are a causal chunk ending at p, which is what
 * {@link WorkloadModel} counts.
 */
public record SweepPoint(Phase phase, Variant variant, int position, int tokens, int tokensPerSeq) {
  public SweepPoint {
    if (phase == null) {
      throw new BadInputException("phase: null is not one of prefill, decode");
    }
    if (variant == null) {
      throw new BadInputException("variant: null is not one of dense, dsa");
    }
    if (position <= 0) {
      throw new BadInputException("position: " + position + " is not a positive token count");
    }
    if (tokens <= 0) {
      throw new BadInputException("tokens: " + tokens + " is not a positive token count");
    }
    if (phase == Phase.PREFILL && tokens > position) {
      throw new BadInputException(
          "tokens: " + tokens + " exceeds position " + position + " (a prefill chunk ends at p)");
    }
    if (phase == Phase.PREFILL && tokensPerSeq != tokens) {
      throw new BadInputException(
          "tokensPerSeq: "
              + tokensPerSeq
              + " is not the chunk's "
              + tokens
              + " tokens (a prefill point is one sequence)");
    }
    if (tokensPerSeq <= 0) {
      throw new BadInputException(
          "tokensPerSeq: " + tokensPerSeq + " is not a positive token count");
    }
    if (tokens % tokensPerSeq != 0) {
      throw new BadInputException(
          "tokensPerSeq: "
              + tokensPerSeq
              + " does not divide the "
              + tokens
              + " decode tokens (a decode point is tokens/t sequences of t tokens)");
    }
    if (tokensPerSeq > position) {
      throw new BadInputException(
          "tokensPerSeq: "
              + tokensPerSeq
              + " exceeds position "
              + position
              + " (a sequence's query tokens are among its positions)");
    }
  }

  /** A point with the default tokens per sequence: the whole chunk for prefill, 1 for decode. */
  public SweepPoint(Phase phase, Variant variant, int position, int tokens) {
    this(phase, variant, position, tokens, defaultTokensPerSeq(phase, tokens));
  }

  /** The whole chunk (prefill: one sequence) or 1 (decode without draft tokens). */
  public static int defaultTokensPerSeq(Phase phase, int tokens) {
    return phase == Phase.PREFILL ? tokens : 1;
  }

  /** Sequences in the point: 1 for prefill, n/t for decode. */
  public int sequences() {
    return tokens / tokensPerSeq;
  }

  /**
   * The mean number of keys a query token of the point sees, p − (t − 1)/2: the position its
   * per-token cost belongs to (a chunk of t tokens ending at p sees p − t + 1 … p keys).
   */
  public double meanPosition() {
    return position - (tokensPerSeq - 1) / 2.0;
  }

  /**
   * A key like {@code prefill/dsa/p=131072/n=4096} for tables and maps; decode points with more
   * than one token per sequence add {@code /t=2}.
   */
  public String key() {
    return phase.id()
        + "/"
        + variant.id()
        + "/p="
        + position
        + "/n="
        + tokens
        + (phase == Phase.DECODE && tokensPerSeq != 1 ? "/t=" + tokensPerSeq : "");
  }
}
