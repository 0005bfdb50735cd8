// Causal top-k for decode rows (candidate "c12", issue 16): each row split over a cluster of C CTAs
// that reads every logit once and needs nothing from the indexer. Semantics as dsa_topk.cu: the k
// largest visible keys of each row, -1 padded, order unspecified; equal keys at the very end are
// taken first come, first served.
//
// Why: v10 puts one CTA on each row, so 128 decode rows of 128K keep 128 CTAs on 132 SMs, each
// streaming 512 KB alone (~17 GB/s per CTA: 29 us of filter) after a ~4 us sampled threshold.
// gmax3 reads far less but needs the indexer's 8-key group maxima, which cost the indexer more
// than top-k saves. Here a row is C consecutive CTAs of one cluster (C chosen by the launcher so
// rows * C CTAs fill the GPU's 3 CTAs per SM once), each owning a slice of ~vis/C keys:
//   1. sample: each CTA loads 16 spread chunks of 128 keys of its slice (2048 keys) and starts an
//   L2
//      prefetch of its slice's first 128 KB; the cluster agrees the sample's maximum (pushed to
//      every peer through distributed shared memory) and one histogram of 16-bit keys in the 16
//      octaves below it (bins pulled from every peer and summed), giving a threshold tau that about
//      2k keys of the row should pass (v10's sample rule over C * 2048 keys); a range-wide level on
//      the top 11 bits when the window holds too few sample keys;
//   2. stream: v10's filter pass over the slice (four 16-byte loads in flight per thread, the
//      prefetch kept 128 KB ahead) keeps every key >= tau in shared memory (~2k / C per CTA);
//   3. the CTAs push their candidate counts and maxima to each other; when the cluster holds at
//      least k candidates (so the k-th largest key is >= tau and every winner is a candidate) and
//      none overflowed, an exact radix select over the union: each level's histogram is summed over
//      the cluster, every CTA picks the same bin and emits its own winners through one output
//      counter in rank 0's shared memory (usually two levels: 16-bit then 11-bit digits).
// Otherwise (a sample that misjudged the row, ties filling a slice, rows under C12_MIN_ROW keys),
// rank 0 runs v10's exact radix select over the whole row while the other CTAs leave.
#include "topk_v10.cuh"

namespace {
namespace c12 {

constexpr int SAMPLE_PER_CTA = 2048;  // 16 warps x one 128-key chunk x 4 keys a lane
constexpr int MAX_CLUSTER = 8;        // portable cluster size
constexpr int MIN_ROW = 16384;        // shorter rows: rank 0 takes v10's exact radix select
static_assert(SAMPLE_PER_CTA == 4 * THREADS, "one 128-key chunk per warp, 4 keys a lane");

// Beside v10's TopkSmem: values pushed by each rank (slot = its rank) and rank 0's row counters.
struct Extra {
  uint32_t sampleMax[MAX_CLUSTER];
  int count[MAX_CLUSTER];
  uint32_t streamMax[MAX_CLUSTER];
  int out;  // rank 0: indices emitted for the row
  int eq;   // rank 0: threshold-equal keys taken
};

struct Shared {
  TopkSmem s;
  Extra x;
};

// ---------------------------------------------------------------- cluster helpers (sm_90)
__device__ __forceinline__ uint32_t map(const void* p, uint32_t rank) {
  const uint32_t a = (uint32_t)__cvta_generic_to_shared(p);
  uint32_t o;
  asm volatile("mapa.shared::cluster.u32 %0, %1, %2;\n" : "=r"(o) : "r"(a), "r"(rank));
  return o;
}
__device__ __forceinline__ uint4 ld4(uint32_t a) {
  uint4 v;
  asm volatile("ld.shared::cluster.v4.u32 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
               : "r"(a)
               : "memory");
  return v;
}
__device__ __forceinline__ int add(uint32_t a, int v) {
  int o;
  asm volatile("atom.shared::cluster.add.u32 %0, [%1], %2;\n"
               : "=r"(o)
               : "r"(a), "r"(v)
               : "memory");
  return o;
}
__device__ __forceinline__ void st(uint32_t a, uint32_t v) {
  asm volatile("st.shared::cluster.u32 [%0], %1;\n" ::"r"(a), "r"(v) : "memory");
}
__device__ __forceinline__ uint32_t rank() {
  uint32_t r;
  asm volatile("mov.u32 %0, %%cluster_ctarank;\n" : "=r"(r));
  return r;
}
// Stores v into *slot of the CTA of rank peer (its own slot when the cluster is one CTA).
template <int C>
__device__ __forceinline__ void put(uint32_t* slot, uint32_t peer, uint32_t v) {
  if constexpr (C > 1) {
    st(map(slot, peer), v);
  } else {
    *slot = v;
  }
}
// Every thread of every CTA of the cluster; orders shared-memory accesses, remote ones included.
// A CTA-wide barrier when the cluster is one CTA.
template <int C>
__device__ __forceinline__ void sync() {
  if constexpr (C > 1) {
    asm volatile(
        "barrier.cluster.arrive.release.aligned;\nbarrier.cluster.wait.acquire.aligned;\n" ::
            : "memory");
  } else {
    __syncthreads();
  }
}

// The two halves of a cluster barrier, split so its latency hides behind the sample loads: no CTA
// may touch a peer's shared memory before every CTA of the cluster has started (arrive at the
// start, wait before the first remote store). No code when the cluster is one CTA.
template <int C>
__device__ __forceinline__ void arrive() {
  if constexpr (C > 1) asm volatile("barrier.cluster.arrive.release.aligned;\n" ::: "memory");
}
template <int C>
__device__ __forceinline__ void wait() {
  if constexpr (C > 1) asm volatile("barrier.cluster.wait.acquire.aligned;\n" ::: "memory");
}

// Sums hist[0..2048) over the cluster into every CTA's own hist: all bins final (barrier), each
// thread pulls its 4 bins from every CTA (16-byte DSMEM loads), nobody reads a peer any more
// (barrier), then the sums are stored.
template <int C>
__device__ __forceinline__ void merge_hist(TopkSmem& s) {
  if constexpr (C == 1) {
    __syncthreads();
  } else {
    const int tid = threadIdx.x;
    sync<C>();
    uint4 sum = make_uint4(0, 0, 0, 0);
    // Two peers' loads in flight at a time: all C at once spill at the 40-register cap.
#pragma unroll 2
    for (int q = 0; q < C; q++) {
      const uint4 o = ld4(map(&s.hist[tid * 4], q));
      sum.x += o.x;
      sum.y += o.y;
      sum.z += o.z;
      sum.w += o.w;
    }
    sync<C>();
    *reinterpret_cast<uint4*>(&s.hist[tid * 4]) = sum;
    __syncthreads();
  }
}

// Appends idx to out[] for every lane with pred: one atomic per warp on the row's counter (rank 0's
// shared memory for a cluster).
template <int C>
__device__ __forceinline__ void emit(bool pred, int idx, int* local, uint32_t remote, int* out) {
  const unsigned ball = __ballot_sync(0xffffffffu, pred);
  if (ball == 0) return;
  const int lane = threadIdx.x & 31;
  const int leader = __ffs(ball) - 1;
  int base = 0;
  if (lane == leader) base = C > 1 ? add(remote, __popc(ball)) : atomicAdd(local, __popc(ball));
  base = __shfl_sync(0xffffffffu, base, leader);
  if (pred) out[base + __popc(ball & ((1u << lane) - 1))] = idx;
}

// Step 1: the cluster's sampled threshold (every CTA returns the same tau).
template <int C>
__device__ uint32_t sample_threshold(Shared& sh, const float* __restrict__ row, int vis, int lo,
                                     int n, int k, uint32_t q) {
  TopkSmem& s = sh.s;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  uint32_t mx = 0;
  {
    const long start = lo + (long)warp * (n - 128) / (THREADS / 32 - 1);
    uint32_t key[4];
#pragma unroll
    for (int j = 0; j < 4; j++) key[j] = dsak::float_key(__ldcs(row + start + lane + 32 * j));
    // The slice's first 128 KB stream into L2 while the cluster agrees the threshold.
    if (tid == 0) prefetch_row_l2(row, lo, lo + min((long)n, PREFETCH_KB * 256L));
#pragma unroll
    for (int j = 0; j < 4; j++) {
      s.candKey[warp * 128 + lane + 32 * j] = key[j];
      mx = max(mx, key[j]);
    }
  }
  mx = __reduce_max_sync(0xffffffffu, mx);
  if (lane == 0) s.warpSums[warp] = (int)mx;
  wait<C>();  // every CTA of the cluster has started: peers' shared memory may be written
  __syncthreads();
  if (warp == 0) {
    const uint32_t m = __reduce_max_sync(0xffffffffu, (uint32_t)s.warpSums[lane % (THREADS / 32)]);
    if (lane < C) put<C>(&sh.x.sampleMax[q], lane, m);
  }
  sync<C>();
  uint32_t smax = 0;
#pragma unroll
  for (int p = 0; p < C; p++) smax = max(smax, sh.x.sampleMax[p]);

  // The r-th largest of the cluster's sample, r = the share of the sample that 2k keys are of the
  // row.
  constexpr int NS = SAMPLE_PER_CTA * C;
  const int r = (int)min((long)NS, max(1L, ((long)NS * 2 * k + vis - 1) / vis));
  const uint32_t mx16 = smax >> 16;
  const uint32_t wlo = mx16 >= 2047u ? mx16 - 2047u : 0u;
  for (int i = tid; i < SAMPLE_PER_CTA; i += THREADS) {
    const uint32_t k16 = s.candKey[i] >> 16;
    if (k16 >= wlo) atomicAdd(&s.hist[k16 - wlo], 1);
  }
  if (tid == 0) s.selBin = -1;  // select_bin leaves it when the window holds fewer than r
  merge_hist<C>(s);
  select_bin(s, 2048, r);
  if (s.selBin >= 0) return (wlo + (uint32_t)s.selBin) << 16;  // same branch in every CTA
  // Few sample keys in the 16 octaves below the maximum (mostly negative rows): the top 11 bits.
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  __syncthreads();
  for (int i = tid; i < SAMPLE_PER_CTA; i += THREADS) atomicAdd(&s.hist[s.candKey[i] >> 21], 1);
  merge_hist<C>(s);
  select_bin(s, 2048, r);
  return (uint32_t)s.selBin << 21;
}

// Step 3: the k largest of the cluster's n (this CTA) candidates, all >= tau and <= gmax: radix
// select on key - tau from the highest bit of gmax - tau down in digits of up to 11 bits (v10's
// select_cands with every histogram summed over the cluster); slice-relative indices + lo.
template <int C>
__device__ void cluster_select(Shared& sh, int n, int k, uint32_t tau, uint32_t gmax, int lo,
                               int* __restrict__ out) {
  TopkSmem& s = sh.s;
  const int tid = threadIdx.x;
  const uint32_t outA = C > 1 ? map(&sh.x.out, 0) : 0u;
  const uint32_t eqA = C > 1 ? map(&sh.x.eq, 0) : 0u;
  const uint32_t range = gmax - tau;
  const int width = range == 0 ? 0 : 32 - __clz(range);
  int hi = width;  // bits >= hi of (key - tau) are fixed: == prefix (none at first)
  uint32_t prefix = 0;
  int kRem = k;
  while (hi > 0) {
    const int sh_ = max(0, hi - 11);
    const uint32_t mask = (1u << (hi - sh_)) - 1;
    const bool first = hi == width;
    auto match = [&](uint32_t rel) { return first || (rel >> hi) == prefix; };
    for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
    __syncthreads();
    for (int i = tid; i < n; i += THREADS) {
      const uint32_t rel = s.candKey[i] - tau;
      if (match(rel)) atomicAdd(&s.hist[(rel >> sh_) & mask], 1);
    }
    merge_hist<C>(s);
    select_bin(s, 2048, kRem);
    const uint32_t B = s.selBin;
    const int above = s.selAbove;
    const bool takeAll = s.selEq == kRem - above;
    for_each_cand(s, n, [&](uint32_t key, int idx, bool v) {
      const uint32_t rel = key - tau;
      const uint32_t d = (rel >> sh_) & mask;
      const bool m = v && match(rel);
      emit<C>(m && (d > B || (takeAll && d == B)), lo + idx, &s.outCount, outA, out);
    });
    kRem -= above;
    if (takeAll) return;
    prefix = first ? B : ((prefix << (hi - sh_)) | B);
    hi = sh_;
    __syncthreads();
  }
  // All remaining candidates with (key - tau) == prefix are equal: take kRem of them.
  for (int i = tid; i < n; i += THREADS) {
    if (s.candKey[i] - tau == prefix) {
      const int e = C > 1 ? add(eqA, 1) : atomicAdd(&s.eqTaken, 1);
      if (e < kRem) out[C > 1 ? add(outA, 1) : atomicAdd(&s.outCount, 1)] = lo + s.candIdx[i];
    }
  }
}

template <int C>
__device__ __forceinline__ void body(const float* __restrict__ logits, int* __restrict__ indices,
                                     int T, int P, int k) {
  extern __shared__ __align__(16) uint8_t dyn[];
  Shared& sh = *reinterpret_cast<Shared*>(dyn);
  TopkSmem& s = sh.s;
  const uint32_t q = C > 1 ? rank() : 0u;
  const int r = blockIdx.x / C;
  const int t = r % T;
  const int vis = P - T + t + 1;
  const float* row = logits + (size_t)r * P;
  int* out = indices + (size_t)r * k;
  const int tid = threadIdx.x;
  // Every CTA of a cluster takes the same branch (vis is the row's): no cluster barrier is left
  // waiting on a CTA that returned.
  if (vis <= k) {
    if (q == 0)
      for (int i = tid; i < k; i += THREADS) out[i] = i < vis ? i : -1;
    return;
  }
  if (vis < MIN_ROW || 2 * k > CAP) {
    if (q == 0) radix_global(s, row, vis, k, out);
    return;
  }
  // Slice q: keys [lo, lo + n), a multiple of 4 keys long but for the last.
  const int S = (((vis + C - 1) / C) + 3) & ~3;
  const int lo = min(vis, (int)q * S);
  const int n = min(vis - lo, S);
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  if (tid == 0) {
    s.candCount = 0;
    s.maxKey = 0;
    s.outCount = 0;
    s.eqTaken = 0;
    sh.x.out = 0;  // read (rank 0's) only after the cluster barriers below
    sh.x.eq = 0;
  }
  // (the zeroing above is ordered before any use by the barriers inside sample_threshold)
  arrive<C>();
  const uint32_t tau = sample_threshold<C>(sh, row, vis, lo, n, k, q);
  TOPK_PHASE_END(1, tau);
  __syncthreads();  // the sample in candKey is read; the stream overwrites it
  filter_pass(s, row + lo, n, tau);
  __syncthreads();
  const int nc = s.candCount;
  TOPK_PHASE_END(2, nc);
  if (tid < C) {
    put<C>(reinterpret_cast<uint32_t*>(&sh.x.count[q]), tid, (uint32_t)nc);
    put<C>(&sh.x.streamMax[q], tid, s.maxKey);
  }
  sync<C>();
  int total = 0;
  bool overflow = false;
  uint32_t gmax = 0;
#pragma unroll
  for (int p = 0; p < C; p++) {
    total += sh.x.count[p];
    overflow |= sh.x.count[p] > CAP;
    gmax = max(gmax, sh.x.streamMax[p]);
  }
  if (total < k || overflow) {
    // The sample misjudged the row: rank 0 alone runs the exact select over the row in memory.
    if (q == 0) radix_global(s, row, vis, k, out);
    return;
  }
  cluster_select<C>(sh, nc, k, tau, gmax, lo, out);
  sync<C>();  // rank 0's counters outlive every peer's atomics on them
}

}  // namespace c12
}  // namespace

// grid = rows * C (C consecutive CTAs per row: one cluster), block = dsa_topk_c12_threads (512),
// dynamic shared memory = dsa_topk_c12_smem (3 CTAs per SM); indices [rows, k]. The launcher picks
// the largest C of 1, 2, 3, 4, 6, 8 with rows * C <= dsa_topk_c12_ctas_per_sm * SMs (one wave).
#define C12_KERNEL(C)                                                                              \
  extern "C" __global__ void __cluster_dims__(C, 1, 1) __launch_bounds__(THREADS, 3)               \
      dsa_topk_c12_c##C(const float* __restrict__ logits, int* __restrict__ indices, int T, int P, \
                        int k) {                                                                   \
    c12::body<C>(logits, indices, T, P, k);                                                        \
  }
C12_KERNEL(1)
C12_KERNEL(2)
C12_KERNEL(3)
C12_KERNEL(4)
C12_KERNEL(6)
C12_KERNEL(8)
#undef C12_KERNEL

extern "C" __device__ const int dsa_topk_c12_smem = (int)sizeof(c12::Shared);
extern "C" __device__ const int dsa_topk_c12_threads = THREADS;
extern "C" __device__ const int dsa_topk_c12_ctas_per_sm = 3;
extern "C" __device__ const int dsa_topk_c12_min_row = c12::MIN_ROW;
