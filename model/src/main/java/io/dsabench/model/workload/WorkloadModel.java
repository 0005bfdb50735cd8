package io.dsabench.model.workload;

import io.dsabench.model.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * FLOPs and bytes of every op at every sweep point, from the model's shapes. The FLOP counts are
 * those of the README's table of the work per attended (query, key) pair, summed exactly over each
 * sequence's causal chunk: a prefill query at position t sees t + 1 keys (all of them in dense MLA,
 * at most top-k under DSA); a decode sequence of t query tokens at context p is a chunk of t ending
 * at p (its tokens see p − t + 1 … p keys), so one token per sequence sees p.
 *
 * <p>Bytes are the unique memory traffic an ideal kernel moves: inputs read once, outputs written
 * once, each sequence's caches (latent cache, indexer keys) read once for all its query tokens,
 * except sparse attention, which counts every gathered cache entry once per query (that is what its
 * gather does when entries do not stay on chip; two tokens of one sequence select overlapping but
 * different entries).
 */
public final class WorkloadModel {
  private static final int BF16 = 2;
  private static final int FP32 = 4;
  private static final int INT32 = 4;

  private final ModelShape shape;
  private final KvFormat sparsePrefillKv;
  private final KvFormat sparseDecodeKv;

  /**
   * @param sparsePrefillKv cache format sparse prefill reads (FlashMLA's sparse prefill: bf16)
   * @param sparseDecodeKv cache format sparse decode reads (V3.2 serves from fp8)
   */
  public WorkloadModel(ModelShape shape, KvFormat sparsePrefillKv, KvFormat sparseDecodeKv) {
    if (shape == null || sparsePrefillKv == null || sparseDecodeKv == null) {
      throw new BadInputException("workload model: shape and kv formats must be given");
    }
    this.shape = shape;
    this.sparsePrefillKv = sparsePrefillKv;
    this.sparseDecodeKv = sparseDecodeKv;
  }

  /** DeepSeek-V3.2 as served: bf16 cache for sparse prefill, fp8 (656 B) for sparse decode. */
  public static WorkloadModel deepseekV32() {
    return new WorkloadModel(ModelShape.DEEPSEEK_V3_2, KvFormat.BF16, KvFormat.FP8);
  }

  public ModelShape shape() {
    return shape;
  }

  public KvFormat kvFormat(Phase phase) {
    return phase == Phase.PREFILL ? sparsePrefillKv : sparseDecodeKv;
  }

  /** The stages a point's variant runs, in order, without {@link Op#TOTAL}. */
  public static List<Op> stages(Phase phase, Variant variant) {
    if (variant == Variant.DENSE) {
      return List.of(phase == Phase.PREFILL ? Op.DENSE_PREFILL : Op.DENSE_DECODE);
    }
    return List.of(
        Op.INDEXER, Op.TOPK, phase == Phase.PREFILL ? Op.SPARSE_PREFILL : Op.SPARSE_DECODE);
  }

  /** Work of every stage of the point, followed by {@link Op#TOTAL} (their sum). */
  public List<OpWork> work(SweepPoint point) {
    List<OpWork> out = new ArrayList<>();
    double flops = 0;
    double bytes = 0;
    for (Op op : stages(point.phase(), point.variant())) {
      OpWork w = work(op, point);
      out.add(w);
      flops += w.flops();
      bytes += w.bytes();
    }
    out.add(new OpWork(Op.TOTAL, flops, bytes));
    return List.copyOf(out);
  }

  /** Work of one op at the point ({@link Op#TOTAL}: the sum over the point's stages). */
  public OpWork work(Op op, SweepPoint point) {
    int n = point.tokens();
    int p = point.position();
    int h = shape.heads();
    int k = shape.topK();
    double densePairs = densePairs(point);
    double sparsePairs = sparsePairs(point);
    // Prefill: one sequence; decode: n/t sequences, each with its own cache, read once for its t
    // query tokens.
    double sequences = point.sequences();
    switch (op) {
      case DENSE_PREFILL:
      case DENSE_PREFILL_MASKED:
        return new OpWork(
            op,
            2.0 * h * (shape.qkDim() + shape.vHeadDim()) * densePairs,
            BF16
                * ((double) n * h * shape.qkDim()
                    + (double) p * h * (shape.qkDim() + shape.vHeadDim())
                    + (double) n * h * shape.vHeadDim()));
      case DENSE_DECODE:
        return new OpWork(
            op,
            2.0 * h * (shape.latentDim() + shape.kvLoraRank()) * densePairs,
            BF16
                * ((double) n * h * shape.latentDim()
                    + sequences * p * shape.latentDim()
                    + (double) n * h * shape.kvLoraRank()));
      case INDEXER:
        // FP8: q and k in e4m3 (1 B), one fp32 scale per k row, fp32 weights and logits.
        return new OpWork(
            op,
            2.0 * shape.indexHeads() * shape.indexDim() * densePairs,
            (double) n * shape.indexHeads() * (shape.indexDim() + FP32)
                + sequences * p * (shape.indexDim() + FP32)
                + FP32 * densePairs);
      case TOPK:
        return new OpWork(op, 0, FP32 * densePairs + (double) INT32 * n * k);
      case SPARSE_PREFILL:
      case SPARSE_DECODE:
        return new OpWork(
            op,
            2.0 * h * (shape.latentDim() + shape.kvLoraRank()) * sparsePairs,
            (double) BF16 * n * h * shape.latentDim()
                + sparsePairs * kvFormat(point.phase()).bytesPerToken()
                + (double) INT32 * n * k
                + (double) BF16 * n * h * shape.kvLoraRank());
      case TOTAL:
        return work(point).get(stages(point.phase(), point.variant()).size());
      default:
        throw new BadInputException("op: " + op + " is not a known op");
    }
  }

  /**
   * (query, key) pairs a dense kernel attends to at the point: each sequence's chunk of t queries
   * ending at p sees p − t + 1 … p keys.
   */
  public static double densePairs(SweepPoint point) {
    long t = point.tokensPerSeq();
    long p = point.position();
    return point.sequences() * ((double) t * (p - t + 1) + (double) t * (t - 1) / 2.0);
  }

  /** (query, key) pairs under DSA: each query attends to min(visible keys, top-k). */
  public double sparsePairs(SweepPoint point) {
    long n = point.tokensPerSeq();
    long p = point.position();
    long k = shape.topK();
    double pairs = 0;
    long first = p - n + 1; // keys seen by the first query of a sequence's chunk
    // Queries that see fewer than k keys: visible counts first .. min(p, k-1).
    long lastBelow = Math.min(p, k - 1);
    if (first <= lastBelow) {
      long count = lastBelow - first + 1;
      pairs += (double) count * (first + lastBelow) / 2.0;
    }
    long atCap = n - Math.max(0, lastBelow - first + 1);
    pairs += (double) atCap * k;
    return point.sequences() * pairs;
  }
}
