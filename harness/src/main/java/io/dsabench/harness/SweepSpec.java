package io.dsabench.harness;

import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a sweep measures: phases × variants × positions, with a token count per phase. Prefill
 * tokens are a chunk size: a prefill point at position p takes {@code min(tokens, p)} query tokens
 * (a chunk cannot start before the prompt does). Points come out in one canonical order (phase,
 * variant, position), which shards and merges rely on.
 *
 * <p>Decode tokens are the total query tokens of a point: with {@code decodeTokensPerSeq} N (2 for
 * DeepSeek-V3.2 decoding with one MTP draft token) a decode point of n tokens is n/N sequences of N
 * query tokens each, every sequence with its own cache; query token j of a sequence sees keys
 * {@code 0 .. p-N+j}. The points carry N ({@link SweepPoint#tokensPerSeq()}), and the {@link
 * io.dsabench.model.workload.WorkloadModel} counts their work that way: each sequence's caches read
 * once for its N tokens, token j attending to {@code p-N+j+1} keys.
 *
 * @param phases in order, no duplicates
 * @param variants in order, no duplicates
 * @param positions ascending after construction, no duplicates
 * @param tokens token count for each phase in {@code phases}
 * @param decodeTokensPerSeq query tokens per decode sequence, 1 to 4; divides the decode tokens
 */
public record SweepSpec(
    List<Phase> phases,
    List<Variant> variants,
    List<Integer> positions,
    Map<Phase, Integer> tokens,
    int decodeTokensPerSeq) {

  /** Positions of a GPU sweep: Figure 3's range, 1K to 128K. */
  public static final List<Integer> GPU_POSITIONS =
      List.of(1024, 2048, 4096, 8192, 16384, 32768, 65536, 98304, 131072);

  /**
   * Positions of a cpu sweep: few and small enough that the pure-Java reference finishes `make
   * bench` in minutes on two cores.
   */
  public static final List<Integer> CPU_POSITIONS = List.of(1024, 4096, 16384);

  /** Most query tokens per decode sequence: a few speculative (MTP) tokens, not a prefill. */
  public static final int MAX_DECODE_TOKENS_PER_SEQ = 4;

  public SweepSpec {
    phases = distinct("phases", phases, Phase::id);
    variants = distinct("variants", variants, Variant::id);
    if (positions == null || positions.isEmpty()) {
      throw new BadInputException("positions: empty; give at least one position");
    }
    Set<Integer> seen = new HashSet<>();
    for (Integer p : positions) {
      if (p == null || p <= 0) {
        throw new BadInputException("positions: " + p + " is not a positive token count");
      }
      if (!seen.add(p)) {
        throw new BadInputException(
            "positions: " + p + " appears twice; each point is measured once");
      }
    }
    positions = positions.stream().sorted().collect(Collectors.toUnmodifiableList());
    if (tokens == null) {
      throw new BadInputException("tokens: missing");
    }
    Map<Phase, Integer> t = new EnumMap<>(Phase.class);
    for (Phase ph : phases) {
      Integer n = tokens.get(ph);
      if (n == null) {
        throw new BadInputException("tokens: no count for phase " + ph.id());
      }
      if (n <= 0) {
        throw new BadInputException(
            "tokens: " + n + " is not a positive token count (" + ph.id() + ")");
      }
      t.put(ph, n);
    }
    tokens = Map.copyOf(t);
    if (decodeTokensPerSeq < 1 || decodeTokensPerSeq > MAX_DECODE_TOKENS_PER_SEQ) {
      throw new BadInputException(
          "decode-tokens-per-seq: "
              + decodeTokensPerSeq
              + " is not between 1 and "
              + MAX_DECODE_TOKENS_PER_SEQ
              + " (query tokens per decode sequence)");
    }
    if (t.containsKey(Phase.DECODE)) {
      int n = t.get(Phase.DECODE);
      if (n % decodeTokensPerSeq != 0) {
        throw new BadInputException(
            "decode-tokens-per-seq: "
                + decodeTokensPerSeq
                + " does not divide the "
                + n
                + " decode tokens (a decode point is tokens/N sequences of N tokens)");
      }
      if (positions.get(0) < decodeTokensPerSeq) {
        throw new BadInputException(
            "decode-tokens-per-seq: "
                + decodeTokensPerSeq
                + " exceeds position "
                + positions.get(0)
                + " (a sequence's query tokens are among its positions)");
      }
    }
  }

  /** A sweep with one query token per decode sequence. */
  public SweepSpec(
      List<Phase> phases,
      List<Variant> variants,
      List<Integer> positions,
      Map<Phase, Integer> tokens) {
    this(phases, variants, positions, tokens, 1);
  }

  /** The same sweep with {@code n} query tokens per decode sequence. */
  public SweepSpec withDecodeTokensPerSeq(int n) {
    return new SweepSpec(phases, variants, positions, tokens, n);
  }

  /**
   * The default sweep on a backend: GPU positions, prefill chunks of 4096 and decode as
   * DeepSeek-V3.2 serves it on cuda (64 sequences of 2 query tokens: one MTP draft each); a small
   * one on cpu.
   */
  public static SweepSpec defaults(String backend) {
    boolean cpu = "cpu".equals(backend);
    return new SweepSpec(
        List.of(Phase.PREFILL, Phase.DECODE),
        List.of(Variant.DENSE, Variant.DSA),
        cpu ? CPU_POSITIONS : GPU_POSITIONS,
        defaultTokens(backend),
        defaultDecodeTokensPerSeq(backend));
  }

  /**
   * Default tokens: prefill chunks of 4096 and 128 decode query tokens (64 sequences of 2) on GPUs,
   * 1 on cpu.
   */
  public static Map<Phase, Integer> defaultTokens(String backend) {
    boolean cpu = "cpu".equals(backend);
    return Map.of(Phase.PREFILL, cpu ? 1 : 4096, Phase.DECODE, cpu ? 1 : 128);
  }

  /**
   * Default query tokens per decode sequence: 2 on GPUs (V3.2 decodes with one MTP draft token, and
   * the cost model prices decode from that), 1 on cpu (its one-token default sweep).
   */
  public static int defaultDecodeTokensPerSeq(String backend) {
    return "cpu".equals(backend) ? 1 : 2;
  }

  /** Every point, in canonical order: phase, variant, then ascending position. */
  public List<SweepPoint> points() {
    List<SweepPoint> out = new ArrayList<>();
    for (Phase ph : phases) {
      for (Variant v : variants) {
        for (int p : positions) {
          int n = tokens.get(ph);
          out.add(
              ph == Phase.PREFILL
                  ? new SweepPoint(ph, v, p, Math.min(n, p))
                  : new SweepPoint(ph, v, p, n, decodeTokensPerSeq));
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * A canonical one-line description, stored in results ({@code run.extra.sweep}) so that merge can
   * tell shards of one sweep from a mix of sweeps, and list the points a lost shard took with it.
   */
  public String canonical() {
    return "phases="
        + phases.stream().map(Phase::id).collect(Collectors.joining(","))
        + ";variants="
        + variants.stream().map(Variant::id).collect(Collectors.joining(","))
        + ";positions="
        + positions.stream().map(String::valueOf).collect(Collectors.joining(","))
        + ";tokens="
        + phases.stream().map(ph -> ph.id() + ":" + tokens.get(ph)).collect(Collectors.joining(","))
        // Only when not 1, so that the sweeps of results written before the option still match.
        + (decodeTokensPerSeq == 1 ? "" : ";decodeTokensPerSeq=" + decodeTokensPerSeq);
  }

  /** Parses {@link #canonical()}; the message names the text and what is wrong with it. */
  public static SweepSpec parseCanonical(String text) {
    if (text == null) {
      throw new BadInputException("sweep: missing (run.extra.sweep is not set)");
    }
    Map<String, String> parts = new java.util.HashMap<>();
    for (String part : text.split(";")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new BadInputException("sweep: '" + text + "' is not key=value;... text");
      }
      parts.put(part.substring(0, eq), part.substring(eq + 1));
    }
    try {
      List<Phase> ph = split(parts.get("phases")).stream().map(Phase::of).toList();
      List<Variant> va = split(parts.get("variants")).stream().map(Variant::of).toList();
      List<Integer> po = split(parts.get("positions")).stream().map(Integer::valueOf).toList();
      Map<Phase, Integer> tk = new EnumMap<>(Phase.class);
      for (String kv : split(parts.get("tokens"))) {
        String[] a = kv.split(":");
        tk.put(Phase.of(a[0]), Integer.valueOf(a[1]));
      }
      String perSeq = parts.get("decodeTokensPerSeq");
      return new SweepSpec(ph, va, po, tk, perSeq == null ? 1 : Integer.parseInt(perSeq));
    } catch (RuntimeException e) {
      throw new BadInputException(
          "sweep: '" + text + "' cannot be read (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The query tokens per decode sequence that a {@link #canonical()} text declares: 1 when it names
   * none (as every sweep before the option did) or when there is no text at all.
   */
  public static int decodeTokensPerSeqOf(String canonical) {
    if (canonical != null) {
      for (String part : canonical.split(";")) {
        if (part.startsWith("decodeTokensPerSeq=")) {
          try {
            return Integer.parseInt(part.substring("decodeTokensPerSeq=".length()));
          } catch (NumberFormatException e) {
            throw new BadInputException(
                "sweep: '" + canonical + "' has a decodeTokensPerSeq that is not a number", e);
          }
        }
      }
    }
    return 1;
  }

  private static List<String> split(String s) {
    if (s == null || s.isEmpty()) {
      return List.of();
    }
    return List.of(s.split(","));
  }

  /**
   * Parses a position list like {@code 1K,4K,128K} or {@code 1024,4096}: K is 1024, M is 1048576.
   */
  public static List<Integer> parsePositions(String text) {
    if (text == null || text.isBlank()) {
      throw new BadInputException("positions: empty; give at least one position");
    }
    List<Integer> out = new ArrayList<>();
    for (String raw : text.split(",")) {
      out.add(parseCount("positions", raw.trim()));
    }
    return out;
  }

  /** Parses a token count with an optional K/M suffix; the message names the field. */
  public static int parseCount(String field, String raw) {
    String s = raw.toUpperCase(Locale.ROOT);
    long mult = 1;
    if (s.endsWith("K")) {
      mult = 1024;
      s = s.substring(0, s.length() - 1);
    } else if (s.endsWith("M")) {
      mult = 1024 * 1024;
      s = s.substring(0, s.length() - 1);
    }
    long v;
    try {
      v = Long.parseLong(s) * mult;
    } catch (NumberFormatException e) {
      throw new BadInputException(
          field + ": '" + raw + "' is not a token count (like 4096 or 4K)", e);
    }
    if (v <= 0) {
      throw new BadInputException(field + ": " + v + " is not a positive token count");
    }
    if (v > Integer.MAX_VALUE) {
      throw new BadInputException(field + ": " + v + " is more tokens than fit an int");
    }
    return (int) v;
  }

  private static <T> List<T> distinct(
      String field, List<T> values, java.util.function.Function<T, String> id) {
    if (values == null || values.isEmpty()) {
      throw new BadInputException(field + ": empty; give at least one");
    }
    Set<T> seen = new HashSet<>();
    for (T v : values) {
      if (v == null) {
        throw new BadInputException(field + ": null is not allowed");
      }
      if (!seen.add(v)) {
        throw new BadInputException(
            field + ": '" + id.apply(v) + "' appears twice; each point is measured once");
      }
    }
    return List.copyOf(values);
  }
}
