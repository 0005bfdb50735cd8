package io.dsabench.costmodel.cost;

import io.dsabench.model.BadInputException;
import io.dsabench.model.workload.Phase;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one phase is served, as far as the rest-of-model estimate and capacity planning need it.
 * Defaults follow DeepSeek's published serving layout where it is published and are marked
 * assumptions where not ({@link #sources()}); every field is editable ({@code --set
 * deployment.decode.FIELD=VALUE}, {@link #toBuilder()}).
 *
 * @param phase the phase served this way
 * @param batchTokensPerGpu prefill: prompt tokens in flight per GPU; decode: sequences per GPU
 *     (each step carries {@link #queryTokensPerStep()} query tokens of each); the weights a GPU
 *     streams per step are shared by them. Capacity planning lowers the decode batch to what fits
 *     in memory
 * @param expertParallel GPUs the routed experts are spread over (EP degree), the deployment unit:
 *     attention, shared expert and dense layers are replicated on each (data-parallel attention)
 * @param gpusPerNode GPUs per node (NVLink domain)
 * @param gemmEfficiency fraction of the fp8 peak the model's matrix products achieve
 * @param memoryEfficiency fraction of HBM bandwidth streaming the weights achieves
 * @param weightBytesPerParam bytes per weight (1: fp8 weights as DeepSeek serves)
 * @param networkBytesPerSecond scale-out (InfiniBand) line rate per GPU, one direction
 * @param networkEfficiency fraction of the line rate all-to-all achieves (1: line rate)
 * @param routing how a token reaches its experts over the network: {@code node-limited} (one copy
 *     per remote node that holds any of its experts, forwarded over NVLink there; at most {@code
 *     maxNodesPerToken} nodes) or {@code per-expert} (one copy per expert on another node)
 * @param maxNodesPerToken node-limited routing's cap on the nodes a token reaches
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
 * @param memoryReserveFraction share of each GPU's memory kept for activations, buffers and
 *     fragmentation; the rest, less the weights, holds KV caches
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
    double networkEfficiency,
    String routing,
    int maxNodesPerToken,
    double dispatchBytesPerValue,
    double combineBytesPerValue,
    boolean overlapCommunication,
    double headTokenFraction,
    int mtpDraftTokens,
    double memoryReserveFraction) {

  /** Node-limited routing: one copy per remote node holding any of the token's experts. */
  public static final String NODE_LIMITED = "node-limited";

  /** Per-expert routing: one copy per expert on another node. */
  public static final String PER_EXPERT = "per-expert";

  /**
   * Prefill as DeepSeek serves V3/R1: 4 nodes, routed experts EP32 (inference system overview,
   * 2025-03-01), dispatched with node-limited routing to at most 4 nodes (V3 report §2.1.2).
   */
  public static final Deployment PREFILL =
      builder(Phase.PREFILL)
          .batchTokensPerGpu(16384)
          .expertParallel(32)
          .gpusPerNode(8)
          .gemmEfficiency(0.40)
          .memoryEfficiency(0.80)
          .weightBytesPerParam(1.0)
          .networkBytesPerSecond(50e9)
          .networkEfficiency(1.0)
          .routing(NODE_LIMITED)
          .maxNodesPerToken(4)
          .dispatchBytesPerValue(1.0)
          .combineBytesPerValue(2.0)
          .overlapCommunication(true)
          .headTokenFraction(0.0)
          .mtpDraftTokens(1)
          .memoryReserveFraction(0.10)
          .build();

  /**
   * Decode as DeepSeek serves V3/R1: 18 nodes, routed experts EP144 (inference system overview);
   * decode dispatches to each expert directly over InfiniBand (V3 report §3.4).
   */
  public static final Deployment DECODE =
      PREFILL.toBuilder()
          .phase(Phase.DECODE)
          .batchTokensPerGpu(128)
          .expertParallel(144)
          .gemmEfficiency(0.25)
          .routing(PER_EXPERT)
          .headTokenFraction(1.0)
          .build();

  public Deployment {
    checkPhase(phase);
    positive("batchTokensPerGpu", batchTokensPerGpu);
    gpus("expertParallel", expertParallel);
    gpus("gpusPerNode", gpusPerNode);
    fraction("gemmEfficiency", gemmEfficiency);
    fraction("memoryEfficiency", memoryEfficiency);
    positive("weightBytesPerParam", weightBytesPerParam);
    positive("networkBytesPerSecond", networkBytesPerSecond);
    fraction("networkEfficiency", networkEfficiency);
    checkRouting(routing);
    checkMaxNodes(maxNodesPerToken);
    nonNegative("dispatchBytesPerValue", dispatchBytesPerValue);
    nonNegative("combineBytesPerValue", combineBytesPerValue);
    checkHeadTokenFraction(headTokenFraction);
    checkMtpDraftTokens(mtpDraftTokens);
    checkMemoryReserve(memoryReserveFraction);
  }

  /** Query tokens a decode step carries per sequence: the token and its MTP drafts. */
  public int queryTokensPerStep() {
    return phase == Phase.DECODE ? 1 + mtpDraftTokens : 1;
  }

  /** Query tokens one step of one GPU carries: the batch, times the tokens per step in decode. */
  public double tokensPerStep() {
    return batchTokensPerGpu * queryTokensPerStep();
  }

  /**
   * Copies of a token's hidden state that cross the network per MoE layer, from the EP degree and
   * the routing rule, with the token's {@code activeExperts} spread uniformly over the EP group:
   *
   * <ul>
   *   <li>per-expert: each expert on another node gets its own copy: active · (1 − gpusPerNode /
   *       EP) (decode at EP144: 8 · (1 − 8/144) = 7.56)
   *   <li>node-limited: one copy per other node holding any of its experts, expected (N − 1) · (1 −
   *       (1 − 1/N)^active) over N = EP / gpusPerNode nodes, and never more than maxNodesPerToken
   *       (prefill at EP32, 4 nodes: 3 · (1 − 0.75^8) = 2.70)
   * </ul>
   */
  public double remoteCopiesPerToken(int activeExperts) {
    double nodes = Math.max(1, Math.ceil((double) expertParallel / gpusPerNode));
    if (PER_EXPERT.equals(routing)) {
      return activeExperts * Math.max(0, 1 - (double) gpusPerNode / expertParallel);
    }
    double hit = (nodes - 1) * (1 - Math.pow(1 - 1 / nodes, activeExperts));
    return Math.min(hit, maxNodesPerToken);
  }

  /** The default deployment of a phase. */
  public static Deployment defaults(Phase phase) {
    return phase == Phase.PREFILL ? PREFILL : DECODE;
  }

  /** Where each default of {@link #PREFILL} and {@link #DECODE} comes from, by field. */
  public static Map<String, String> sources() {
    var m = new LinkedHashMap<String, String>();
    m.put(
        "batchTokensPerGpu",
        "assumption: prefill 16384 tokens in flight (weights negligible); decode 128 sequences"
            + " per GPU (capacity plans lower it to what fits in memory)");
    m.put(
        "expertParallel",
        "DeepSeek-V3/R1 inference system overview (2025-03-01): prefill EP32, decode EP144; the"
            + " deployment unit GPUs are counted in");
    m.put("gpusPerNode", "H800 HGX nodes of 8 GPUs (DeepSeek-V3 report §3.1)");
    m.put(
        "gemmEfficiency",
        "assumption: prefill 0.40, decode 0.25 of fp8 peak (grouped expert GEMMs with a few"
            + " hundred rows per expert run well below DeepGEMM's large-GEMM figures)");
    m.put("memoryEfficiency", "assumption: 0.80 of HBM bandwidth for streaming weights");
    m.put("weightBytesPerParam", "DeepSeek-V3 report §3.3: fp8 weights for the GEMMs");
    m.put(
        "networkBytesPerSecond",
        "DeepSeek-V3 report §3.1: one 400 Gb/s InfiniBand NIC per GPU = 50e9 B/s line rate");
    m.put(
        "networkEfficiency",
        "line rate (1.0) by default; measured: DeepEP README (H800, CX7 400 Gb/s) low-latency"
            + " kernels at EP128 39 GB/s dispatch and combine (0.78), normal kernels at EP32 58/57"
            + " GB/s bottleneck bandwidth (NVLink forwarding counted)");
    m.put(
        "routing",
        "prefill node-limited (V3 report §2.1.2: at most 4 nodes per token, NVLink forwarding);"
            + " decode per-expert (V3 report §3.4: direct point-to-point over IB)");
    m.put("maxNodesPerToken", "DeepSeek-V3 report §2.1.2: M = 4 nodes per token");
    m.put("dispatchBytesPerValue", "DeepSeek-V3 report §3.3: dispatch in fp8");
    m.put("combineBytesPerValue", "DeepSeek-V3 report §3.3: combine in bf16");
    m.put(
        "overlapCommunication",
        "DeepSeek-V3 report §3.4 / inference overview: two micro-batches overlap all-to-all with"
            + " compute");
    m.put(
        "headTokenFraction",
        "prefill 0 (logits only for the last prompt token), decode 1 (every token)");
    m.put(
        "mtpDraftTokens",
        "DeepSeek-V3 report §5.4.3: one MTP module, one draft token per step, 85-90% accepted;"
            + " V3.2 keeps it (config num_nextn_predict_layers = 1)");
    m.put(
        "memoryReserveFraction",
        "assumption: 10% of GPU memory for activations, communication buffers, fragmentation");
    return Collections.unmodifiableMap(m);
  }

  /** A builder for {@code phase}, every other field still to be set. */
  public static Builder builder(Phase phase) {
    return new Builder().phase(phase);
  }

  /** A builder holding this deployment, to change some of it. */
  public Builder toBuilder() {
    return new Builder()
        .phase(phase)
        .batchTokensPerGpu(batchTokensPerGpu)
        .expertParallel(expertParallel)
        .gpusPerNode(gpusPerNode)
        .gemmEfficiency(gemmEfficiency)
        .memoryEfficiency(memoryEfficiency)
        .weightBytesPerParam(weightBytesPerParam)
        .networkBytesPerSecond(networkBytesPerSecond)
        .networkEfficiency(networkEfficiency)
        .routing(routing)
        .maxNodesPerToken(maxNodesPerToken)
        .dispatchBytesPerValue(dispatchBytesPerValue)
        .combineBytesPerValue(combineBytesPerValue)
        .overlapCommunication(overlapCommunication)
        .headTokenFraction(headTokenFraction)
        .mtpDraftTokens(mtpDraftTokens)
        .memoryReserveFraction(memoryReserveFraction);
  }

  /**
   * Builds a {@link Deployment}, JMH-style: each setter checks its value against the rule the
   * record's constructor applies (the same methods) and names the field, the value and the rule. A
   * field left unset fails its rule at {@link #build()}.
   */
  public static final class Builder {
    private Phase phase;
    private double batchTokensPerGpu = Double.NaN;
    private int expertParallel;
    private int gpusPerNode;
    private double gemmEfficiency = Double.NaN;
    private double memoryEfficiency = Double.NaN;
    private double weightBytesPerParam = Double.NaN;
    private double networkBytesPerSecond = Double.NaN;
    private double networkEfficiency = Double.NaN;
    private String routing;
    private int maxNodesPerToken;
    private double dispatchBytesPerValue = Double.NaN;
    private double combineBytesPerValue = Double.NaN;
    private boolean overlapCommunication;
    private double headTokenFraction = Double.NaN;
    private int mtpDraftTokens;
    private double memoryReserveFraction = Double.NaN;

    private Builder() {}

    public Builder phase(Phase v) {
      phase = checkPhase(v);
      return this;
    }

    public Builder batchTokensPerGpu(double v) {
      batchTokensPerGpu = positive("batchTokensPerGpu", v);
      return this;
    }

    public Builder expertParallel(int v) {
      expertParallel = gpus("expertParallel", v);
      return this;
    }

    public Builder gpusPerNode(int v) {
      gpusPerNode = gpus("gpusPerNode", v);
      return this;
    }

    public Builder gemmEfficiency(double v) {
      gemmEfficiency = fraction("gemmEfficiency", v);
      return this;
    }

    public Builder memoryEfficiency(double v) {
      memoryEfficiency = fraction("memoryEfficiency", v);
      return this;
    }

    public Builder weightBytesPerParam(double v) {
      weightBytesPerParam = positive("weightBytesPerParam", v);
      return this;
    }

    public Builder networkBytesPerSecond(double v) {
      networkBytesPerSecond = positive("networkBytesPerSecond", v);
      return this;
    }

    public Builder networkEfficiency(double v) {
      networkEfficiency = fraction("networkEfficiency", v);
      return this;
    }

    /** {@link #NODE_LIMITED} or {@link #PER_EXPERT}. */
    public Builder routing(String v) {
      routing = checkRouting(v);
      return this;
    }

    public Builder maxNodesPerToken(int v) {
      maxNodesPerToken = checkMaxNodes(v);
      return this;
    }

    public Builder dispatchBytesPerValue(double v) {
      dispatchBytesPerValue = nonNegative("dispatchBytesPerValue", v);
      return this;
    }

    public Builder combineBytesPerValue(double v) {
      combineBytesPerValue = nonNegative("combineBytesPerValue", v);
      return this;
    }

    public Builder overlapCommunication(boolean v) {
      overlapCommunication = v;
      return this;
    }

    public Builder headTokenFraction(double v) {
      headTokenFraction = checkHeadTokenFraction(v);
      return this;
    }

    public Builder mtpDraftTokens(int v) {
      mtpDraftTokens = checkMtpDraftTokens(v);
      return this;
    }

    public Builder memoryReserveFraction(double v) {
      memoryReserveFraction = checkMemoryReserve(v);
      return this;
    }

    public Deployment build() {
      return new Deployment(
          phase,
          batchTokensPerGpu,
          expertParallel,
          gpusPerNode,
          gemmEfficiency,
          memoryEfficiency,
          weightBytesPerParam,
          networkBytesPerSecond,
          networkEfficiency,
          routing,
          maxNodesPerToken,
          dispatchBytesPerValue,
          combineBytesPerValue,
          overlapCommunication,
          headTokenFraction,
          mtpDraftTokens,
          memoryReserveFraction);
    }
  }

  private static Phase checkPhase(Phase v) {
    if (v == null) {
      throw new BadInputException("deployment.phase: null is not one of prefill, decode");
    }
    return v;
  }

  private static int gpus(String field, int v) {
    if (v <= 0) {
      throw new BadInputException(field + ": " + v + " is not a positive GPU count");
    }
    return v;
  }

  private static String checkRouting(String v) {
    if (!NODE_LIMITED.equals(v) && !PER_EXPERT.equals(v)) {
      throw new BadInputException(
          "routing: '" + v + "' is not one of " + NODE_LIMITED + ", " + PER_EXPERT);
    }
    return v;
  }

  private static int checkMaxNodes(int v) {
    if (v <= 0) {
      throw new BadInputException("maxNodesPerToken: " + v + " is not a positive node count");
    }
    return v;
  }

  private static double checkHeadTokenFraction(double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new BadInputException("headTokenFraction: " + v + " is not between 0 and 1");
    }
    return v;
  }

  private static int checkMtpDraftTokens(int v) {
    if (v < 0 || v > 3) {
      throw new BadInputException(
          "mtpDraftTokens: " + v + " is not between 0 and 3 draft tokens per step");
    }
    return v;
  }

  private static double checkMemoryReserve(double v) {
    if (!(v >= 0 && v < 1)) {
      throw new BadInputException("memoryReserveFraction: " + v + " is not in [0, 1)");
    }
    return v;
  }

  private static double positive(String field, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new BadInputException(field + ": " + v + " is not a positive number");
    }
    return v;
  }

  private static double nonNegative(String field, double v) {
    if (!(v >= 0) || !Double.isFinite(v)) {
      throw new BadInputException(field + ": " + v + " is not a number >= 0");
    }
    return v;
  }

  private static double fraction(String field, double v) {
    if (!(v > 0 && v <= 1)) {
      throw new BadInputException(field + ": " + v + " is not a fraction in (0, 1]");
    }
    return v;
  }
}
