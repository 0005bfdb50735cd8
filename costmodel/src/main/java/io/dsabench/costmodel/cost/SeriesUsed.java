package io.dsabench.costmodel.cost;

/**
 * Where one set of attention times came from, as printed beside the curves.
 *
 * @param series phase/variant and the stages summed, e.g. {@code decode/dsa [indexer,
 *     sparse_decode, topk]}
 * @param file the results file as the user named it
 * @param runId its run id
 * @param device the device it was measured on
 * @param tokensPerSeq decode: query tokens per sequence of the points used; null for prefill
 * @param points how many measured points
 * @param fromPosition the first position their chunks cover
 * @param toPosition the last position their chunks cover
 * @param translated true when moved to the target GPU
 * @param note what a reader should know (decode measured at other tokens per sequence than the
 *     deployment serves), or null
 */
public record SeriesUsed(
    String series,
    String file,
    String runId,
    String device,
    Integer tokensPerSeq,
    int points,
    int fromPosition,
    int toPosition,
    boolean translated,
    String note) {}
