// Causal top-k that reads only the parts of a row that can hold a winner, guided by the 8-key
// group maxima the indexer wrote beside the logits (an indexer g variant, sm90/indexer/fp8.cu:
// gmax[row * ceil(P/8) + key / 8], invisible keys counted as -inf). Semantics as dsa_topk.cu: the k
// largest visible keys of each row, -1 padded, order unspecified.
//
// Why: v10 reads the whole row (512 KB at 128K) and spends ~10 us per row on a sampled threshold
// before it streams; a decode top-k of 128 rows is then 42-45 us, one lone CTA per SM streaming
// its row at ~15 GB/s. Here, per row (one CTA of 512 threads):
//   1. min / max, then one histogram over the row's G = ceil(vis/8) group maxima (bins spread over
//      their own key range; a second level only when the first leaves too many groups): a
//      threshold tau such that at least k groups have a maximum >= tau, so at least k keys are
//      >= tau; the number of such groups is exact (about k at 128K, 1/8 of the row);
//   2. the list of those groups in shared memory (every key >= tau lies in one of them);
//   3. a gather of just those groups (32 bytes each: ~64 KB of a 512 KB row at 128K), keeping
//      keys >= tau as candidates (~2.2k for iid logits);
//   4. v10's exact select among the candidates.
// The answer is exact whatever tau is, as long as the group maxima are those of the logits read:
// at least k candidates, all keys >= tau among them. When fewer than k or more than GL_CAND keys
// pass, or more than GL_LIST groups (ties, a clustered row), or for rows under 2k groups, it runs
// v10's path (sampled threshold, then the exact radix select over the row).
// The caller must pass group maxima written by the indexer for these very logits: stale ones can
// hide a winner (CudaDsaOps keeps that pairing; kernels/NOTES.md).
#include <cstddef>

#include "topk_v10.cuh"

namespace {

constexpr int GL_NB = 8;                // 16-byte loads in flight per thread (group maxima)
constexpr int GL_NG = 4;                // loads in flight per thread in the gather
constexpr int GL_LIST = 4096;           // candidate groups kept, in candKey[GL_CAND ..)
constexpr int GL_CAND = CAP - GL_LIST;  // candidate keys kept, in candKey/candIdx[0 .. GL_CAND)
constexpr int GL_REFINE = 3072;         // more groups than this after level 1: refine tau

// f(key, idx, valid) for every element of a[0..n), in warp-uniform trip counts (f may use warp
// collectives), GL_NB 16-byte loads in flight per thread where a is 16-byte aligned.
template <typename F>
__device__ __forceinline__ void for_each_gm(const float* __restrict__ a, int n, F&& f) {
  const int tid = threadIdx.x;
  const int head = min(n, (int)((16 - ((uintptr_t)a & 15)) & 15) / 4);
  {
    const bool v = tid < head;
    f(v ? dsak::float_key(__ldg(a + tid)) : 0u, tid, v);
  }
  const float4* body = reinterpret_cast<const float4*>(a + head);
  const int nv = (n - head) / 4;
  constexpr int STEP = GL_NB * THREADS;
  for (int st = 0; st < nv; st += STEP) {
    float4 x[GL_NB];
#pragma unroll
    for (int j = 0; j < GL_NB; j++) {
      const int i = st + j * THREADS + tid;
      x[j] = i < nv ? __ldg(body + i) : make_float4(0.f, 0.f, 0.f, 0.f);
    }
#pragma unroll
    for (int j = 0; j < GL_NB; j++) {
      const int i = st + j * THREADS + tid;
      const bool v = i < nv;
      const int b = head + 4 * i;
      f(dsak::float_key(x[j].x), b, v);
      f(dsak::float_key(x[j].y), b + 1, v);
      f(dsak::float_key(x[j].z), b + 2, v);
      f(dsak::float_key(x[j].w), b + 3, v);
    }
  }
  const int tail0 = head + nv * 4;
  {
    const int i = tail0 + tid;
    const bool v = tid < n - tail0;
    f(v ? dsak::float_key(__ldg(a + i)) : 0u, i, v);
  }
}

// Appends (key, idx) for the lanes with pred to the candidates (one shared atomic per warp);
// positions past GL_CAND are counted, not stored.
__device__ __forceinline__ void keep(TopkSmem& s, bool pred, uint32_t key, int idx) {
  const unsigned ball = __ballot_sync(0xffffffffu, pred);
  if (ball == 0) return;
  const int lane = threadIdx.x & 31, leader = __ffs(ball) - 1;
  int base = 0;
  if (lane == leader) base = atomicAdd(&s.candCount, __popc(ball));
  base = __shfl_sync(0xffffffffu, base, leader);
  const int p = base + __popc(ball & ((1u << lane) - 1));
  if (pred && p < GL_CAND) {
    s.candKey[p] = key;
    s.candIdx[p] = idx;
  }
}

// Steps 1-4 above; false (nothing emitted) when the row needs v10's path. Step 1 is gmax2's
// window threshold: one histogram of single 16-bit values in the 2048 below the largest maximum
// (16 octaves, ~128 bins each: the lanes of a warp rarely share a bin, and the k-th group lands in
// a bin of tens of groups, so no second level); the range-wide levels (gmax's, which lost to it)
// only when the window holds fewer than k maxima.
__device__ bool gmax_select(TopkSmem& s, const float* __restrict__ row,
                            const float* __restrict__ gm, int vis, int k, int* __restrict__ out) {
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  constexpr int NW = THREADS / 32;
  const int G = (vis + 7) >> 3;
  int* const list = reinterpret_cast<int*>(s.candKey + GL_CAND);

  // 1a. Range of the group maxima (their keys); hist zeroed meanwhile.
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  uint32_t lo = 0xffffffffu, hi = 0;
  for_each_gm(gm, G, [&](uint32_t key, int, bool v) {
    if (v) {
      lo = min(lo, key);
      hi = max(hi, key);
    }
  });
  lo = __reduce_min_sync(0xffffffffu, lo);
  hi = __reduce_max_sync(0xffffffffu, hi);
  if (lane == 0) {  // candIdx is free until step 3
    s.candIdx[warp] = (int)lo;
    s.candIdx[32 + warp] = (int)hi;
  }
  __syncthreads();
  lo = __reduce_min_sync(0xffffffffu, (uint32_t)s.candIdx[lane % NW]);
  hi = __reduce_max_sync(0xffffffffu, (uint32_t)s.candIdx[32 + lane % NW]);
  TOPK_PHASE_END(1, hi, true);
  uint32_t tau = 0;
  int groups = 0;
  bool windowed = false;
  const uint32_t mx16 = hi >> 16, wlo = mx16 >= 2047u ? mx16 - 2047u : 0u;
  if (tid == 0) s.selBin = -1;  // select_bin leaves it when the window holds fewer than k
  for_each_gm(gm, G, [&](uint32_t key, int, bool v) {
    const uint32_t k16 = key >> 16;
    if (v && k16 >= wlo) atomicAdd(&s.hist[k16 - wlo], 1);
  });
  __syncthreads();
  select_bin(s, 2048, k);
  if (s.selBin >= 0) {
    tau = (wlo + (uint32_t)s.selBin) << 16;  // exactly selAbove + selEq maxima are >= tau
    groups = s.selAbove + s.selEq;
    windowed = true;
  } else {
    for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
    __syncthreads();
  }
  const uint32_t range = hi - lo;
  const int width = range == 0 ? 0 : 32 - __clz(range);
  const int shift = max(0, width - 11);  // (range >> shift) < 2048
  if (!windowed) {
    // 1b. Level 1: 2048 bins of (key - lo) >> shift.
    for_each_gm(gm, G, [&](uint32_t key, int, bool v) {
      if (v) atomicAdd(&s.hist[(key - lo) >> shift], 1);
    });
    __syncthreads();
    select_bin(s, 2048, k);  // at least k groups in bins >= selBin
    tau = lo + ((uint32_t)s.selBin << shift);
    groups = s.selAbove + s.selEq;
  }
  TOPK_PHASE_END(2, tau, true);
  if (!windowed && groups > GL_REFINE && shift > 0) {
    // 1c. Level 2 inside bin B: the next (up to) 11 bits.
    const uint32_t B = s.selBin;
    const int kRem = k - s.selAbove;
    const int above = s.selAbove;
    const int shift2 = max(0, shift - 11);
    const uint32_t mask2 = (1u << (shift - shift2)) - 1;
    __syncthreads();
    for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
    __syncthreads();
    for_each_gm(gm, G, [&](uint32_t key, int, bool v) {
      if (v && ((key - lo) >> shift) == B) atomicAdd(&s.hist[((key - lo) >> shift2) & mask2], 1);
    });
    __syncthreads();
    select_bin(s, 2048, kRem);
    tau += (uint32_t)s.selBin << shift2;
    groups = above + s.selAbove + s.selEq;
  }
  TOPK_PHASE_END(3, tau, true);
  if (groups > GL_LIST) return false;  // ties or a clustered row: v10's path
  // 2. The groups whose maximum is >= tau (exactly `groups` of them).
  if (tid == 0) {
    s.candCount = 0;
    s.maxKey = hi;  // the row's largest key: >= every candidate, as select_cands needs
  }
  __syncthreads();
  for_each_gm(gm, G,
              [&](uint32_t key, int g, bool v) { emit(v && key >= tau, g, &s.candCount, list); });
  __syncthreads();
  const int ng = s.candCount;
  TOPK_PHASE_END(4, ng, true);
  __syncthreads();
  if (tid == 0) s.candCount = 0;
  __syncthreads();
  // 3. Gather the groups, keep keys >= tau. Rows starting on 16 bytes: two float4 per group.
  if (((uintptr_t)row & 15) == 0) {
    const int items = 2 * ng;
    for (int st = 0; st < items; st += GL_NG * THREADS) {
      float4 x[GL_NG];
      int base[GL_NG];
#pragma unroll
      for (int j = 0; j < GL_NG; j++) {
        const int i = st + j * THREADS + tid;
        base[j] = i < items ? list[i >> 1] * 8 + (i & 1) * 4 : vis;
        if (base[j] + 3 < vis) {
          x[j] = __ldcs(reinterpret_cast<const float4*>(row + base[j]));
        } else {  // the row's last partial group (or no item): scalars, -inf past vis
          x[j].x = base[j] < vis ? row[base[j]] : -INFINITY;
          x[j].y = base[j] + 1 < vis ? row[base[j] + 1] : -INFINITY;
          x[j].z = base[j] + 2 < vis ? row[base[j] + 2] : -INFINITY;
          x[j].w = -INFINITY;
        }
      }
#pragma unroll
      for (int j = 0; j < GL_NG; j++) {
        const int i = st + j * THREADS + tid;
        const bool v = i < items;
        uint32_t kk;
        kk = dsak::float_key(x[j].x);
        keep(s, v && base[j] < vis && kk >= tau, kk, base[j]);
        kk = dsak::float_key(x[j].y);
        keep(s, v && base[j] + 1 < vis && kk >= tau, kk, base[j] + 1);
        kk = dsak::float_key(x[j].z);
        keep(s, v && base[j] + 2 < vis && kk >= tau, kk, base[j] + 2);
        kk = dsak::float_key(x[j].w);
        keep(s, v && base[j] + 3 < vis && kk >= tau, kk, base[j] + 3);
      }
    }
  } else {  // unaligned rows (odd P): one float per thread per key
    const int items = 8 * ng;
    for (int st = 0; st < items; st += GL_NG * THREADS) {
      float x[GL_NG];
      int idx[GL_NG];
#pragma unroll
      for (int j = 0; j < GL_NG; j++) {
        const int i = st + j * THREADS + tid;
        idx[j] = i < items ? list[i >> 3] * 8 + (i & 7) : vis;
        x[j] = idx[j] < vis ? __ldcs(row + idx[j]) : -INFINITY;
      }
#pragma unroll
      for (int j = 0; j < GL_NG; j++) {
        const uint32_t kk = dsak::float_key(x[j]);
        keep(s, idx[j] < vis && kk >= tau, kk, idx[j]);
      }
    }
  }
  __syncthreads();
  const int n = s.candCount;
  TOPK_PHASE_END(5, n, true);
  if (n < k || n > GL_CAND) return false;
  // 4. The k largest among them.
  select_cands(s, n, k, tau, out);
  return true;
}

__device__ __forceinline__ void gmax_body(const float* __restrict__ logits,
                                          const float* __restrict__ gmax, int* __restrict__ indices,
                                          int T, int P, int k) {
  extern __shared__ __align__(16) uint8_t dyn[];
  TopkSmem& s = *reinterpret_cast<TopkSmem*>(dyn);
  const int r = blockIdx.x;
  const int vis = P - T + r % T + 1;
  const float* row = logits + (size_t)r * P;
  const float* gm = gmax + (size_t)r * ((P + 7) >> 3);
  int* out = indices + (size_t)r * k;
  const int tid = threadIdx.x;
  if (vis <= k) {
    for (int i = tid; i < k; i += THREADS) out[i] = i < vis ? i : -1;
    return;
  }
  if (tid == 0) {
    s.outCount = 0;
    s.eqTaken = 0;
  }
  const int G = (vis + 7) >> 3;
  if (G >= 2 * k && 2 * k <= GL_CAND) {
    if (tid == 0) prefetch_row_l2(gm, 0, G);  // the maxima stream into L2 while hist is zeroed
    if (gmax_select(s, row, gm, vis, k, out)) return;
    __syncthreads();
  }
  // v10's path (dsa_topk): sampled threshold over the row, else the exact radix select.
  if (vis >= SAMPLED_MIN_ROW && 2 * k <= CAP) {
    if (tid == 0) prefetch_row_l2(row, 0, min((long)vis, PREFETCH_KB * 256L));
    if (sampled_select(s, row, vis, k, out)) return;
    __syncthreads();
  }
  radix_global(s, row, vis, k, out);
}

// ---------------------------------------------------------------- gmax3 (candidate)
// gmax2's steps with the row's group maxima held in shared memory and the gather in ONE round trip:
//   1. one pass over the maxima from memory (16-byte loads, all in flight at once at 128K) that
//      copies their keys into smem (over candKey/candIdx, free until the filter) and takes the max;
//   2. gmax2's 16-octave window histogram, from smem;
//   3. one pass from smem that lists the groups >= tau (one shared atomic per warp, after a warp
//      scan of per-thread counts) and, as it lists them, issues the cp.async copies of each group's
//      32 bytes into its slot; then a single wait: the ~2.1k groups' round trips overlap;
//   4. keys >= tau from the slots into the candidates (counted first, one atomic per warp), then
//      v10's exact select among them.
// Rows with more than G3_MAXG groups, or a window holding fewer than k maxima, take gmax2's path
// (gmax_select, from memory); more than G3_SLOTS listed groups (ties, clustered rows) or a
// gather that misses (fewer than k or more than CAP candidates): v10's path. One CTA per SM (the
// slots and the copy of the maxima need ~162 KB): the decode kernel; rows under 2k groups, as in
// gmax, take v10's path.
constexpr int G3_MAXG = 16384;             // group maxima copied to smem (rows up to 128K keys)
constexpr int G3_PER = G3_MAXG / THREADS;  // 32 maxima per thread, bit j of a 32-bit mask each
constexpr int G3_SLOTS = 2560;             // gathered groups (k = 2048 plus the tau bin's tens)
constexpr int G3_CHUNKS = 2 * G3_SLOTS / THREADS;  // 16-byte slot halves per thread in the filter
static_assert(G3_MAXG % THREADS == 0 && G3_PER == 32, "one mask bit per copied maximum");
static_assert(2 * G3_SLOTS % THREADS == 0 && 4 * G3_CHUNKS <= 64, "one 64-bit mask in the filter");
static_assert(offsetof(TopkSmem, candIdx) == offsetof(TopkSmem, candKey) + 4 * CAP &&
                  2 * CAP >= G3_MAXG,
              "the maxima's copy spans candKey and candIdx");

struct Gmax3Smem {
  TopkSmem t;
  int listCount;
  int list[G3_SLOTS];                     // slot -> group
  __align__(16) float data[G3_SLOTS][8];  // slot -> the group's 8 logits (cp.async targets)
};

// Exclusive offset of this lane's n among the warp's, and the warp's base in *counter (one shared
// atomic per warp). Every lane of the warp must call it.
__device__ __forceinline__ int warp_append(int n, int* counter) {
  const int lane = threadIdx.x & 31;
  int incl = n;
#pragma unroll
  for (int o = 1; o < 32; o <<= 1) {
    const int v = __shfl_up_sync(0xffffffffu, incl, o);
    if (lane >= o) incl += v;
  }
  int base = 0;
  if (lane == 31 && incl > 0) base = atomicAdd(counter, incl);
  return __shfl_sync(0xffffffffu, base, 31) + incl - n;
}

__device__ __forceinline__ void cp_async16(void* dst, const void* src) {
  const uint32_t d = (uint32_t)__cvta_generic_to_shared(dst);
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(d), "l"(src) : "memory");
}
__device__ __forceinline__ void cp_async4(void* dst, const void* src) {
  const uint32_t d = (uint32_t)__cvta_generic_to_shared(dst);
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4;\n" ::"r"(d), "l"(src) : "memory");
}

// 1: done (k indices emitted); 0: take gmax2's path; -1: take v10's. Nothing is emitted unless 1.
__device__ int gmax3_select(Gmax3Smem& S, const float* __restrict__ row,
                            const float* __restrict__ gm, int vis, int k, int* __restrict__ out) {
  TopkSmem& s = S.t;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  constexpr int NW = THREADS / 32;
  const int G = (vis + 7) >> 3;
  if (G > G3_MAXG) return 0;
  // gs[g]: the key of group g's maximum, g < G, over candKey and candIdx (adjacent, see above).
  uint32_t* const gs =
      reinterpret_cast<uint32_t*>(reinterpret_cast<uint8_t*>(&s) + offsetof(TopkSmem, candKey));

  // 1. Copy the maxima's keys to smem, and their max; hist zeroed meanwhile.
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  if (tid == 0) {
    S.listCount = 0;
    s.candCount = 0;
    s.selBin = -1;  // select_bin leaves it when the window holds fewer than k
  }
  uint32_t hi = 0;
  for_each_gm(gm, G, [&](uint32_t key, int g, bool v) {
    if (v) {
      gs[g] = key;
      hi = max(hi, key);
    }
  });
  hi = __reduce_max_sync(0xffffffffu, hi);
  if (lane == 0) s.warpSums[warp] = (int)hi;
  __syncthreads();
  hi = __reduce_max_sync(0xffffffffu, (uint32_t)s.warpSums[lane % NW]);
  TOPK_PHASE_END(1, hi, 1);

  // 2. The window threshold (gmax2's), from smem: thread t owns groups t + THREADS * j.
  const uint32_t mx16 = hi >> 16, wlo = mx16 >= 2047u ? mx16 - 2047u : 0u;
#pragma unroll
  for (int j = 0; j < G3_PER; j++) {
    const int g = tid + j * THREADS;
    if (g < G) {
      const uint32_t k16 = gs[g] >> 16;
      if (k16 >= wlo) atomicAdd(&s.hist[k16 - wlo], 1);
    }
  }
  __syncthreads();
  select_bin(s, 2048, k);      // ends with a barrier
  if (s.selBin < 0) return 0;  // fewer than k maxima in the window: gmax2's range-wide levels
  const uint32_t tau = (wlo + (uint32_t)s.selBin) << 16;
  const int groups = s.selAbove + s.selEq;  // exactly the maxima >= tau
  TOPK_PHASE_END(2, tau, 1);
  TOPK_PHASE_END(3, tau, 1);
  if (groups > G3_SLOTS) return -1;

  // 3. List the groups >= tau and issue their copies; one wait for all of them.
  uint32_t mask = 0;
  int cnt = 0;
#pragma unroll
  for (int j = 0; j < G3_PER; j++) {
    const int g = tid + j * THREADS;
    const bool p = g < G && gs[g] >= tau;
    mask |= (uint32_t)p << j;
    cnt += p;
  }
  int slot = warp_append(cnt, &S.listCount);
  const bool aligned = ((uintptr_t)row & 15) == 0;
  while (mask) {
    const int j = __ffs(mask) - 1;
    mask &= mask - 1;
    const int g = tid + j * THREADS, b = 8 * g;
    S.list[slot] = g;
    float* d = S.data[slot];
    if (aligned && b + 8 <= vis) {
      cp_async16(d, row + b);
      cp_async16(d + 4, row + b + 4);
    } else {  // odd rows, or the row's last partial group: the visible keys one by one
      for (int e = 0; e < 8 && b + e < vis; e++) cp_async4(d + e, row + b + e);
    }
    slot++;
  }
  asm volatile("cp.async.wait_all;\n" ::: "memory");
  __syncthreads();
  const int ng = S.listCount;  // == groups
  TOPK_PHASE_END(4, ng, 1);

  // 4. Keys >= tau into the candidates: thread t reads slot halves t + THREADS * j (16 bytes).
  const int chunks = 2 * ng;
  const float4* const d4 = reinterpret_cast<const float4*>(&S.data[0][0]);
  auto passes = [&](int c, int e, float x) {
    return c < chunks && 8 * S.list[c >> 1] + 4 * (c & 1) + e < vis && dsak::float_key(x) >= tau;
  };
  uint64_t pm = 0;
  cnt = 0;
#pragma unroll
  for (int j = 0; j < G3_CHUNKS; j++) {
    const int c = tid + j * THREADS;
    if (c < chunks) {
      const float4 x = d4[c];
      const uint64_t m = (uint64_t)passes(c, 0, x.x) | (uint64_t)passes(c, 1, x.y) << 1 |
                         (uint64_t)passes(c, 2, x.z) << 2 | (uint64_t)passes(c, 3, x.w) << 3;
      pm |= m << (4 * j);
      cnt += __popcll(m);
    }
  }
  int p = warp_append(cnt, &s.candCount);
  while (pm) {
    const int bit = __ffsll(pm) - 1;
    pm &= pm - 1;
    const int c = tid + (bit >> 2) * THREADS, e = bit & 3;
    if (p < CAP) {
      s.candKey[p] = dsak::float_key(S.data[c >> 1][4 * (c & 1) + e]);
      s.candIdx[p] = 8 * S.list[c >> 1] + 4 * (c & 1) + e;
    }
    p++;
  }
  __syncthreads();
  const int n = s.candCount;
  TOPK_PHASE_END(5, n, 1);
  if (n < k || n > CAP) return -1;
  if (tid == 0) s.maxKey = hi;  // >= every candidate, as select_cands needs
  __syncthreads();
  select_cands(s, n, k, tau, out);
  return 1;
}

__device__ __forceinline__ void gmax3_body(const float* __restrict__ logits,
                                           const float* __restrict__ gmax,
                                           int* __restrict__ indices, int T, int P, int k) {
  extern __shared__ __align__(16) uint8_t dyn[];
  Gmax3Smem& S = *reinterpret_cast<Gmax3Smem*>(dyn);
  TopkSmem& s = S.t;
  const int r = blockIdx.x;
  const int vis = P - T + r % T + 1;
  const float* row = logits + (size_t)r * P;
  const float* gm = gmax + (size_t)r * ((P + 7) >> 3);
  int* out = indices + (size_t)r * k;
  const int tid = threadIdx.x;
  if (vis <= k) {
    for (int i = tid; i < k; i += THREADS) out[i] = i < vis ? i : -1;
    return;
  }
  if (tid == 0) {
    s.outCount = 0;
    s.eqTaken = 0;
  }
  const int G = (vis + 7) >> 3;
  if (G >= 2 * k && 2 * k <= GL_CAND) {
    const int got = gmax3_select(S, row, gm, vis, k, out);
    if (got > 0) return;
    __syncthreads();
    if (got == 0 && gmax_select(s, row, gm, vis, k, out)) return;
    __syncthreads();
  }
  if (vis >= SAMPLED_MIN_ROW && 2 * k <= CAP) {
    if (tid == 0) prefetch_row_l2(row, 0, min((long)vis, PREFETCH_KB * 256L));
    if (sampled_select(s, row, vis, k, out)) return;
    __syncthreads();
  }
  radix_global(s, row, vis, k, out);
}

}  // namespace

// dsa_topk_gmax2: grid = rows (batch * T), block = dsa_topk_gmax_threads (512), dynamic shared
// memory = dsa_topk_gmax_smem (v10's TopkSmem); gmax [rows, ceil(P/8)] from an indexer g variant
// (v6g, v8g, v8h, v13bs, v14g3e) on the same logits; indices [rows, k]. (dsa_topk_gmax, the same
// without the window threshold, lost to it and left: kernels/NOTES.md.)
extern "C" __global__ void __launch_bounds__(THREADS, 2)
    dsa_topk_gmax2(const float* __restrict__ logits, const float* __restrict__ gmax,
                   int* __restrict__ indices, int T, int P, int k) {
  gmax_body(logits, gmax, indices, T, P, k);
}

// dsa_topk_gmax3: the candidate with one-round-trip gather (gmax3_select), same arguments and
// threads; dynamic shared memory = dsa_topk_gmax3_smem (~162 KB: one CTA per SM).
extern "C" __global__ void __launch_bounds__(THREADS, 1)
    dsa_topk_gmax3(const float* __restrict__ logits, const float* __restrict__ gmax,
                   int* __restrict__ indices, int T, int P, int k) {
  gmax3_body(logits, gmax, indices, T, P, k);
}

extern "C" __device__ const int dsa_topk_gmax_smem = (int)sizeof(TopkSmem);
extern "C" __device__ const int dsa_topk_gmax_threads = THREADS;
extern "C" __device__ const int dsa_topk_gmax3_smem = (int)sizeof(Gmax3Smem);
