package io.dsabench.costmodel.cost;

import io.dsabench.model.workload.Phase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one phase is served, as far as the rest-of-model estimate and capacity planning need it.
 * Defaults follow DeepSeek's published serving layout where it is published and are marked
 * assumptions where not ({@link #sources()}); every field is editable ({@code --set
 * deployment.decode.FIELD=VALUE}, {@link #with}).
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
      new Deployment(
          Phase.PREFILL,
          16384,
          32,
          8,
          0.40,
          0.80,
          1.0,
          50e9,
          1.0,
          NODE_LIMITED,
          4,
          1.0,
          2.0,
          true,
          0.0,
          1,
          0.10);

  /**
   * Decode as DeepSeek serves V3/R1: 18 nodes, routed experts EP144 (inference system overview);
   * decode dispatches to each expert directly over InfiniBand (V3 report §3.4).
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
          1.0,
          PER_EXPERT,
          4,
          1.0,
          2.0,
          true,
          1.0,
          1,
          0.10);

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
    fraction("networkEfficiency", networkEfficiency);
    if (!NODE_LIMITED.equals(routing) && !PER_EXPERT.equals(routing)) {
      throw new IllegalArgumentException(
          "routing: '" + routing + "' is not one of " + NODE_LIMITED + ", " + PER_EXPERT);
    }
    if (maxNodesPerToken <= 0) {
      throw new IllegalArgumentException(
          "maxNodesPerToken: " + maxNodesPerToken + " is not a positive node count");
    }
    nonNegative("dispatchBytesPerValue", dispatchBytesPerValue);
    nonNegative("combineBytesPerValue", combineBytesPerValue);
    if (!(headTokenFraction >= 0 && headTokenFraction <= 1)) {
      throw new IllegalArgumentException(
          "headTokenFraction: " + headTokenFraction + " is not between 0 and 1");
    }
    if (mtpDraftTokens < 0 || mtpDraftTokens > 3) {
      throw new IllegalArgumentException(
          "mtpDraftTokens: " + mtpDraftTokens + " is not between 0 and 3 draft tokens per step");
    }
    if (!(memoryReserveFraction >= 0 && memoryReserveFraction < 1)) {
      throw new IllegalArgumentException(
          "memoryReserveFraction: " + memoryReserveFraction + " is not in [0, 1)");
    }
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

  /**
   * A copy with one field replaced, rebuilt through the canonical constructor (so the value passes
   * the same checks as the defaults).
   *
   * @throws IllegalArgumentException naming the field, for an unknown field or a value that breaks
   *     its rule
   */
  public Deployment with(String field, Object value) {
    RecordComponent[] comps = Deployment.class.getRecordComponents();
    Object[] args = new Object[comps.length];
    Class<?>[] types = new Class<?>[comps.length];
    boolean found = false;
    try {
      for (int i = 0; i < comps.length; i++) {
        types[i] = comps[i].getType();
        boolean mine = comps[i].getName().equals(field);
        found |= mine;
        args[i] = mine ? value : comps[i].getAccessor().invoke(this);
      }
      if (!found) {
        throw new IllegalArgumentException(
            "deployment: '" + field + "' is not a field (known: " + sources().keySet() + ")");
      }
      return Deployment.class.getDeclaredConstructor(types).newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A copy with another batch per GPU. */
  public Deployment withBatchTokensPerGpu(double v) {
    return with("batchTokensPerGpu", v);
  }

  /** A copy with another expert-parallel degree. */
  public Deployment withExpertParallel(int v) {
    return with("expertParallel", v);
  }

  /** A copy with another GEMM efficiency. */
  public Deployment withGemmEfficiency(double v) {
    return with("gemmEfficiency", v);
  }

  /** A copy with communication overlapped or not. */
  public Deployment withOverlap(boolean v) {
    return with("overlapCommunication", v);
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
