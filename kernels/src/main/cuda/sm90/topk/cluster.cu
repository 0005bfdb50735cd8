// Causal top-k for decode on sm_90a: dsa_topk's v10 body over a cluster of C CTAs per row, for the
// few long rows of decode (64-256 rows of 32K-128K logits), where one CTA per row leaves SMs idle
// or alone and a lone CTA streams its row at ~15 GB/s, half an SM's share of HBM. Semantics as
// dsa_topk.cu (the k largest visible keys of each row, -1 padded; order unspecified).
//
// grid = (C, rows), __cluster_dims__(C, 1, 1): the C CTAs of a row, one cluster.
//   1. every CTA computes the row's threshold tau from the same 4096-logit sample as v10 (same
//      data and arithmetic, so the same tau; C-fold redundant work, but in parallel on C SMs
//      instead of serial before the stream), while the first 128 KB of its slice stream into L2;
//   2. each runs v10's filter pass over its own 1/C of the row (four 16-byte loads in flight per
//      thread, a rolling L2 prefetch 128 KB ahead), keeping keys >= tau in its own shared memory;
//   3. cluster barrier; rank 0 reads the others' counts and maxima and copies their candidates
//      into its own list through distributed shared memory; cluster barrier (the others exit);
//   4. rank 0 runs v10's exact select among the ~2k candidates (or, when the sample misjudged the
//      row, v10's exact radix select over the whole row).
// No global scratch, counters or fences: the merge is on chip. Rows shorter than 8192 keys (or
// k > CAP / 2) take v10's one-CTA paths on rank 0.
#include <cooperative_groups.h>

#include "topk_v10.cuh"

namespace {

namespace cg = cooperative_groups;

constexpr int CL_PFKB = 128;     // L2 prefetch distance, as v10
constexpr int CL_MINROW = 8192;  // the sampled path from rows this long, as v10

template <int C>
__device__ __forceinline__ void topk_cluster(const float* __restrict__ logits, int* __restrict__ indices,
                                             int T, int P, int k) {
  extern __shared__ __align__(16) uint8_t dyn[];
  TopkSmem& s = *reinterpret_cast<TopkSmem*>(dyn);
  cg::cluster_group cluster = cg::this_cluster();
  const int rank = (int)cluster.block_rank();
  const int tid = threadIdx.x;
  const int r = blockIdx.y;
  const int vis = P - T + r % T + 1;
  const float* row = logits + (size_t)r * P;
  int* out = indices + (size_t)r * k;

  // The row-uniform choice of path: every CTA of the cluster takes the same one, so either all
  // of them reach the two cluster barriers below or none does.
  if (vis < CL_MINROW || 2 * k > CAP) {
    if (rank != 0) return;
    if (vis <= k) {
      for (int i = tid; i < k; i += THREADS) out[i] = i < vis ? i : -1;
      return;
    }
    radix_global(s, row, vis, k, out);
    return;
  }
  const int lo = (int)((long)vis * rank / C);
  const int hi = (int)((long)vis * (rank + 1) / C);
  if (tid == 0) {
    prefetch_row_l2(row, lo, min((long)hi, lo + CL_PFKB * 256L));
    s.outCount = 0;
    s.eqTaken = 0;
  }
  // 1. The row's threshold (v10's sampled_select_v<4, true, 128>, RANGE = false).
  const int rk = (int)min((long)SAMPLE, max(1L, ((long)SAMPLE * 2 * k + vis - 1) / vis));
  load_sample(s, row, vis);
  __syncthreads();
  const uint32_t tau = cand_threshold(s, SAMPLE, rk);
  if (tid == 0) {
    s.candCount = 0;
    s.maxKey = 0;
  }
  __syncthreads();
  // 2. This CTA's slice.
  filter_pass<4, true, CL_PFKB>(s, row + lo, hi - lo, tau, lo);
  // 3. Merge on rank 0. The barrier orders every CTA's smem writes before rank 0's remote reads
  // (release / acquire at cluster scope); the second keeps the others' smem alive until read.
  cluster.sync();
  if (rank != 0) {
    cluster.sync();
    return;
  }
  int cnt[C], off[C];
  int total = 0;
  uint32_t mx = 0;
#pragma unroll
  for (int c = 0; c < C; c++) {
    const TopkSmem* rs = cluster.map_shared_rank(&s, c);
    cnt[c] = rs->candCount;
    mx = max(mx, rs->maxKey);
    off[c] = total;
    total += cnt[c];
  }
  const bool ok = total >= k && total <= CAP;   // then every cnt[c] <= CAP: all were kept
  if (ok) {
#pragma unroll
    for (int c = 1; c < C; c++) {
      const TopkSmem* rs = cluster.map_shared_rank(&s, c);
      for (int i = tid; i < cnt[c]; i += THREADS) {
        s.candKey[off[c] + i] = rs->candKey[i];
        s.candIdx[off[c] + i] = rs->candIdx[i];
      }
    }
  }
  cluster.sync();
  if (tid == 0) s.maxKey = mx;
  __syncthreads();
  // 4. The k largest of the row.
  if (ok) {
    select_cands(s, total, k, tau, out);
  } else {
    radix_global(s, row, vis, k, out);
  }
}

}  // namespace

// grid = (C, batch * T), block = dsa_topk_cluster_threads (512), dynamic shared memory =
// dsa_topk_cluster_smem (v10's TopkSmem: 3 CTAs per SM); indices [rows, k]. The launcher picks C
// so that rows * C fills about one wave of 3 CTAs per SM (kernels/NOTES.md).
#define DSA_TOPK_CLUSTER(C)                                                                      \
  extern "C" __global__ void __cluster_dims__(C, 1, 1) __launch_bounds__(THREADS, 3)             \
      dsa_topk_cluster##C(const float* __restrict__ logits, int* __restrict__ indices, int T,    \
                          int P, int k) {                                                        \
    topk_cluster<C>(logits, indices, T, P, k);                                                   \
  }
DSA_TOPK_CLUSTER(2)
DSA_TOPK_CLUSTER(3)
DSA_TOPK_CLUSTER(4)
DSA_TOPK_CLUSTER(6)

extern "C" __device__ const int dsa_topk_cluster_smem = (int)sizeof(TopkSmem);
extern "C" __device__ const int dsa_topk_cluster_threads = THREADS;
