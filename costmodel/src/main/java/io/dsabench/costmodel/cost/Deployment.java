package io.dsabench.costmodel.cost;

import io.dsabench.costmodel.workload.Phase;

/**
 * How one phase is served, as far as the rest-of-model estimate needs it. Defaults follow
 * DeepSeek's published serving layout where it is published and are marked assumptions where not
 * ({@link #sources()}); every field is editable.
 *
 * @param phase the phase served this way
 * @param batchTokensPerGpu tokens one GPU carries through one forward step (prefill: prompt tokens
 *     in flight; decode: sequences), which amortises reading the weights
 * @param expertParallel GPUs the routed experts are spread over (EP degree); attention, shared
 *     expert and dense layers are replicated (data-parallel attention)
 * @param gpusPerNode GPUs per node (NVLink domain)
 * @param gemmEfficiency fraction of the fp8 peak the model's matrix products achieve
 * @param memoryEfficiency fraction of HBM bandwidth streaming the weights achieves
 * @param weightBytesPerParam bytes per weight (1: fp8 weights as DeepSeek serves)
 * @param networkBytesPerSecond scale-out (InfiniBand) bandwidth per GPU, one direction
 * @param remoteCopiesPerToken copies of a token's hidden state that cross the network per MoE layer
 *     (dispatch; the combine brings as many back)
 * @param dispatchBytesPerValue bytes per hidden value dispatched (1: fp8)
 * @param combineBytesPerValue bytes per hidden value combined (2: bf16)
 * @param overlapCommunication true when all-to-all overlaps with compute (two micro-batches): the
 *     step takes the longer of the two, else their sum
 * @param headTokenFraction share of tokens whose logits are computed (prefill: only the last prompt
 *     token needs them, so 0; decode: every token, 1)
 * @param mtpDraftTokens draft tokens the MTP module proposes per decode step (DeepSeek serves V3
 *     and V3.2 with one): a decode step then carries 1 + mtpDraftTokens query tokens per sequence,
 *     and decode attention is taken from measurements at that many tokens per sequence where a run
 *     has them
 */
public record Deployment(
    Phase phase,
    double batchTokensPerGpu,
    int expertParallel,
    int gpusPerNode,
    double gemmEfficiency,
    double memoryEfficiency,
    double weightBytesPerParam,
    double networkBytesPerSecond,
    double remoteCopiesPerToken,
    double dispatchBytesPerValue,
    double combineBytesPerValue,
    boolean overlapCommunication,
    double headTokenFraction,
    int mtpDraftTokens) {

  /**
   * Prefill as DeepSeek serves V3/R1: 4 nodes, routed experts EP32 (inference system overview,
   * 2025-03-01). Node-limited routing sends a token to at most 4 nodes (V3 report §2.1.2); with 4
   * nodes one of them is the token's own, so 3 copies cross InfiniBand.
   */
  public static final Deployment PREFILL =
      new Deployment(
          Phase.PREFILL, 16384, 32, 8, 0.40, 0.80, 1.0, 50e9, 3.0, 1.0, 2.0, true, 0.0, 1);

  /**
   * Decode as DeepSeek serves V3/R1: 18 nodes, routed experts EP144 (inference system overview).
   * Decode dispatches to each expert directly over InfiniBand (V3 report §3.4), so 8 copies, less
   * the 8/144 whose expert is on the token's own node: 8·(1 − 8/144) ≈ 7.56.
   */
  public static final Deployment DECODE =
      new Deployment(
          Phase.DECODE,
          128,
          144,
          8,
          0.25,
          0.80,
          1.0,
          50e9,
          8.0 * (1 - 8.0 / 144),
          1.0,
          2.0,
          true,
          1.0,
          1);

  public Deployment {
    if (phase == null) {
      throw new IllegalArgumentException("deployment.phase: null is not one of prefill, decode");
    }
    positive("batchTokensPerGpu", batchTokensPerGpu);
    if (expertParallel <= 0) {
      throw new IllegalArgumentException(
          "expertParallel: " + expertParallel + " is not a positive GPU count");
    }
    if (gpusPerNode <= 0) {
      throw new IllegalArgumentException(
          "gpusPerNode: " + gpusPerNode + " is not a positive GPU count");
    }
    fraction("gemmEfficiency", gemmEfficiency);
    fraction("memoryEfficiency", memoryEfficiency);
    positive("weightBytesPerParam", weightBytesPerParam);
    positive("networkBytesPerSecond", networkBytesPerSecond);
    nonNegative("remoteCopiesPerToken", remoteCopiesPerToken);
    nonNegative("dispatchBytesPerValue", dispatchBytesPerValue);
    nonNegative("combineBytesPerValue", combineBytesPerValue);
    if (mtpDraftTokens < 0 || mtpDraftTokens > 3) {
      throw new IllegalArgumentException(
          "mtpDraftTokens: " + mtpDraftTokens + " is not between 0 and 3 draft tokens per step");
    }
    if (!(headTokenFraction >= 0 && headTokenFraction <= 1)) {
      throw new IllegalArgumentException(
          "headTokenFraction: " + headTokenFraction + " is not between 0 and 1");
    }
  }

  /** Query tokens a decode step carries per sequence: the token and its MTP drafts. */
  public int queryTokensPerStep() {
    return 1 + mtpDraftTokens;
  }

  /** The default deployment of a phase. */
  public static Deployment defaults(Phase phase) {
    return phase == Phase.PREFILL ? PREFILL : DECODE;
  }

  /** Where each default of {@link #PREFILL} and {@link #DECODE} comes from, by field. */
  public static java.util.Map<String, String> sources() {
    var m = new java.util.LinkedHashMap<String, String>();
    m.put(
        "batchTokensPerGpu",
        "assumption: prefill 16384 tokens in flight (weights negligible); decode 128 sequences"
            + " per GPU");
    m.put(
        "expertParallel",
        "DeepSeek-V3/R1 inference system overview (2025-03-01): prefill EP32, decode EP144");
    m.put("gpusPerNode", "H800 HGX nodes of 8 GPUs (DeepSeek-V3 report §3.1)");
    m.put(
        "gemmEfficiency",
        "assumption: prefill 0.40, decode 0.25 of fp8 peak (grouped expert GEMMs with a few"
            + " hundred rows per expert run well below DeepGEMM's large-GEMM figures)");
    m.put("memoryEfficiency", "assumption: 0.80 of HBM bandwidth for streaming weights");
    m.put("weightBytesPerParam", "DeepSeek-V3 report §3.3: fp8 weights for the GEMMs");
    m.put(
        "networkBytesPerSecond",
        "DeepSeek-V3 report §3.1: one 400 Gb/s InfiniBand NIC per GPU = 50e9 B/s");
    m.put(
        "remoteCopiesPerToken",
        "prefill 3 (node-limited routing to ≤4 nodes, V3 report §2.1.2, one local);"
            + " decode 8·(1−8/144) (direct dispatch per expert, V3 report §3.4)");
    m.put("dispatchBytesPerValue", "DeepSeek-V3 report §3.3: dispatch in fp8");
    m.put("combineBytesPerValue", "DeepSeek-V3 report §3.3: combine in bf16");
    m.put(
        "overlapCommunication",
        "DeepSeek-V3 report §3.4 / inference overview: two micro-batches overlap all-to-all with"
            + " compute");
    m.put(
        "mtpDraftTokens",
        "DeepSeek-V3 report §5.4.3: one MTP module, one draft token per step, 85-90% accepted;"
            + " V3.2 keeps it (config num_nextn_predict_layers = 1)");
    m.put(
        "headTokenFraction",
        "prefill 0 (logits only for the last prompt token), decode 1 (every token)");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** A copy with another batch per GPU. */
  public Deployment withBatchTokensPerGpu(double v) {
    return new Deployment(
        phase,
        v,
        expertParallel,
        gpusPerNode,
        gemmEfficiency,
        memoryEfficiency,
        weightBytesPerParam,
        networkBytesPerSecond,
        remoteCopiesPerToken,
        dispatchBytesPerValue,
        combineBytesPerValue,
        overlapCommunication,
        headTokenFraction,
        mtpDraftTokens);
  }

  /** A copy with another expert-parallel degree. */
  public Deployment withExpertParallel(int v) {
    return new Deployment(
        phase,
        batchTokensPerGpu,
        v,
        gpusPerNode,
        gemmEfficiency,
        memoryEfficiency,
        weightBytesPerParam,
        networkBytesPerSecond,
        remoteCopiesPerToken,
        dispatchBytesPerValue,
        combineBytesPerValue,
        overlapCommunication,
        headTokenFraction,
        mtpDraftTokens);
  }

  /** A copy with another GEMM efficiency. */
  public Deployment withGemmEfficiency(double v) {
    return new Deployment(
        phase,
        batchTokensPerGpu,
        expertParallel,
        gpusPerNode,
        v,
        memoryEfficiency,
        weightBytesPerParam,
        networkBytesPerSecond,
        remoteCopiesPerToken,
        dispatchBytesPerValue,
        combineBytesPerValue,
        overlapCommunication,
        headTokenFraction,
        mtpDraftTokens);
  }

  /** A copy with other network parameters. */
  public Deployment withNetwork(double bytesPerSecond, double remoteCopies) {
    return new Deployment(
        phase,
        batchTokensPerGpu,
        expertParallel,
        gpusPerNode,
        gemmEfficiency,
        memoryEfficiency,
        weightBytesPerParam,
        bytesPerSecond,
        remoteCopies,
        dispatchBytesPerValue,
        combineBytesPerValue,
        overlapCommunication,
        headTokenFraction,
        mtpDraftTokens);
  }

  /** A copy with communication overlapped or not. */
  public Deployment withOverlap(boolean v) {
    return new Deployment(
        phase,
        batchTokensPerGpu,
        expertParallel,
        gpusPerNode,
        gemmEfficiency,
        memoryEfficiency,
        weightBytesPerParam,
        networkBytesPerSecond,
        remoteCopiesPerToken,
        dispatchBytesPerValue,
        combineBytesPerValue,
        v,
        headTokenFraction,
        mtpDraftTokens);
  }

  private static void positive(String field, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(field + ": " + v + " is not a positive number");
    }
  }

  private static void nonNegative(String field, double v) {
    if (!(v >= 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(field + ": " + v + " is not a number >= 0");
    }
  }

  private static void fraction(String field, double v) {
    if (!(v > 0 && v <= 1)) {
      throw new IllegalArgumentException(field + ": " + v + " is not a fraction in (0, 1]");
    }
  }
}
