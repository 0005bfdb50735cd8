package io.dsabench.costmodel.workload;

/**
 * One measured point: (phase, variant, position p, tokens n). Prefill: n query tokens at positions
 * p−n … p−1 over p keys, one chunk of a chunked prefill. Decode: n sequences, one new token each,
 * context p.
 */
public record SweepPoint(Phase phase, Variant variant, int position, int tokens) {
  public SweepPoint {
    if (phase == null) {
      throw new IllegalArgumentException("phase: null is not one of prefill, decode");
    }
    if (variant == null) {
      throw new IllegalArgumentException("variant: null is not one of dense, dsa");
    }
    if (position <= 0) {
      throw new IllegalArgumentException(
          "position: " + position + " is not a positive token count");
    }
    if (tokens <= 0) {
      throw new IllegalArgumentException("tokens: " + tokens + " is not a positive token count");
    }
    if (phase == Phase.PREFILL && tokens > position) {
      throw new IllegalArgumentException(
          "tokens: " + tokens + " exceeds position " + position + " (a prefill chunk ends at p)");
    }
  }

  /** A key like {@code prefill/dsa/p=131072/n=4096} for tables and maps. */
  public String key() {
    return phase.id() + "/" + variant.id() + "/p=" + position + "/n=" + tokens;
  }
}
