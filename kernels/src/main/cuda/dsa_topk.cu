// Causal top-k of indexer logits: the k largest of each row among the keys its query can see
// (query t of a sequence sees keys 0 .. P - T + t); a row that sees at most k keys takes them all
// and pads with -1. Output order is unspecified.
//
// One CTA of 512 threads per row (3 per SM), on the order-preserving 32-bit key of each float.
// Rows of at least 8192 visible keys (the default dsa_topk, variant v10 in kernels/NOTES.md):
//   the row's first 128 KB are prefetched into L2 (cp.async.bulk.prefetch) while a 4096-key
//   sample gives a threshold that about 2k keys pass; one pass over the row (four 16-byte loads in
//   flight per thread, the prefetch kept 128 KB ahead, one shared atomic per warp per 8 keys a
//   lane) keeps the keys above it in smem; an exact radix select among those emits the k largest.
// When the sample misjudged the row (fewer than k or more than CAP keys passed), and for shorter
//   rows: the exact radix select over the row in memory (11/11/10-bit digits; the threshold bin's
//   keys kept in smem when they fit). Equal keys at the very end are taken first come, first
//   served.
#include "topk_v10.cuh"

// grid = rows (batch * T), block = THREADS (512), dynamic smem = sizeof(TopkSmem) (dsa_topk_smem).
// indices [rows, k]. Variant v10 of kernels/NOTES.md: 128 KB L2 prefetch, the warp-aggregated
// filter with four 16-byte loads in flight, the sampled path from rows of 8192 (topk_v10.cuh).
extern "C" __global__ void __launch_bounds__(THREADS, 3)
    dsa_topk(const float* __restrict__ logits, int* __restrict__ indices, int T, int P, int k) {
  topk_body(logits, indices, T, P, k);
}

extern "C" {
// Dynamic shared memory dsa_topk needs (the launcher passes exactly this).
__constant__ int dsa_topk_smem = sizeof(TopkSmem);
__constant__ int dsa_topk_threads = THREADS;
}
