// The device code of the one-CTA-per-row top-k v10: the sampled threshold, the filter pass, the
// exact radix selects. Included by dsa_topk.cu (the shipped kernel) and by sm90/topk/gmax.cu (a
// candidate that falls back to v10's path). The filter variants v0-v9 it was chosen from lost on
// the H200 and left the sources (kernels/NOTES.md says where they are).
#pragma once
#include <type_traits>

#include "dsa_common.cuh"

// Phase timing (the standalone driver only): built with -DTOPK_STOP=n, a kernel ends after its
// phase n, thread 0 storing a value that phase produced to out[0] so the work stays observable;
// the trailing arguments are what the enclosing function returns. Unset (every shipped build):
// no code.
#ifdef TOPK_STOP
#define TOPK_PHASE_END(n, val, ...)              \
  do {                                           \
    if (TOPK_STOP == (n)) {                      \
      if (threadIdx.x == 0) out[0] = (int)(val); \
      return __VA_ARGS__;                        \
    }                                            \
  } while (0)
#else
#define TOPK_PHASE_END(n, val, ...) \
  do {                              \
  } while (0)
#endif

namespace {

constexpr int THREADS = 512;  // 3 CTAs per SM: one row's barriers hide behind the others
constexpr int CAP = 8192;     // candidates kept in smem (8 bytes each)
constexpr int SAMPLE_CHUNKS = 32, SAMPLE_CHUNK = 128, SAMPLE = SAMPLE_CHUNKS * SAMPLE_CHUNK;

struct TopkSmem {
  int hist[2048];
  uint32_t candKey[CAP];
  int candIdx[CAP];
  int warpSums[32];
  int outCount;
  int candCount;
  unsigned maxKey;
  int eqTaken;
  int selBin;
  int selAbove;
  int selEq;
};

// Finds B with count(bins > B) < kRem <= count(bins >= B) over hist[0..nbins); writes B, the count
// above it and hist[B] to smem. Every thread must call it.
__device__ void select_bin(TopkSmem& s, int nbins, int kRem) {
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int per = nbins / THREADS;  // 2 or 4; thread t owns bins from the top down
  int local[4] = {0, 0, 0, 0};
  int mine = 0;
  for (int j = 0; j < per; j++) {
    local[j] = s.hist[nbins - 1 - (tid * per + j)];
    mine += local[j];
  }
  // Exclusive prefix over threads (in top-down bin order).
  int incl = mine;
#pragma unroll
  for (int o = 1; o < 32; o <<= 1) {
    int v = __shfl_up_sync(0xffffffffu, incl, o);
    if (lane >= o) incl += v;
  }
  if (lane == 31) s.warpSums[warp] = incl;
  __syncthreads();
  if (warp == 0) {
    int v = s.warpSums[lane];
    int wi = v;
#pragma unroll
    for (int o = 1; o < 32; o <<= 1) {
      int u = __shfl_up_sync(0xffffffffu, wi, o);
      if (lane >= o) wi += u;
    }
    s.warpSums[lane] = wi - v;  // exclusive
  }
  __syncthreads();
  int above = s.warpSums[warp] + incl - mine;
  for (int j = 0; j < per; j++) {
    if (above < kRem && above + local[j] >= kRem) {
      s.selBin = nbins - 1 - (tid * per + j);
      s.selAbove = above;
      s.selEq = local[j];
    }
    above += local[j];
  }
  __syncthreads();
}

// select_bin over 2048 bins with two barriers instead of three (v13's OPT_FBIN): each warp's
// total by one reduction, every warp finds its own place among the warp totals, and only the one
// warp that holds the kRem-th key scans its lanes. Same contract as select_bin (selBin untouched
// when the bins hold fewer than kRem keys). Every thread must call it.
__device__ __forceinline__ void select_bin_fast(TopkSmem& s, int kRem) {
  static_assert(2048 == 4 * THREADS, "four bins per thread");
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int4 h = reinterpret_cast<const int4*>(s.hist)[THREADS - 1 - tid];
  const int local[4] = {h.w, h.z, h.y, h.x};  // bins 2047 - 4 tid - j, top down
  const int mine = h.x + h.y + h.z + h.w;
  const int wsum = __reduce_add_sync(0xffffffffu, mine);
  if (lane == 0) s.warpSums[warp] = wsum;
  __syncthreads();
  const int ws = lane < THREADS / 32 ? s.warpSums[lane] : 0;
  const int before = __reduce_add_sync(0xffffffffu, lane < warp ? ws : 0);
  if (before < kRem && before + wsum >= kRem) {  // warp-uniform: exactly one warp
    int incl = mine;
#pragma unroll
    for (int o = 1; o < 32; o <<= 1) {
      const int v = __shfl_up_sync(0xffffffffu, incl, o);
      if (lane >= o) incl += v;
    }
    int above = before + incl - mine;
#pragma unroll
    for (int j = 0; j < 4; j++) {
      if (above < kRem && above + local[j] >= kRem) {
        s.selBin = 2047 - (4 * tid + j);
        s.selAbove = above;
        s.selEq = local[j];
      }
      above += local[j];
    }
  }
  __syncthreads();
}

// Appends idx to out[] for every lane with pred, one shared atomic per warp.
__device__ __forceinline__ void emit(bool pred, int idx, int* counter, int* out) {
  const unsigned ball = __ballot_sync(0xffffffffu, pred);
  if (ball == 0) return;
  const int lane = threadIdx.x & 31;
  const int leader = __ffs(ball) - 1;
  int base = 0;
  if (lane == leader) base = atomicAdd(counter, __popc(ball));
  base = __shfl_sync(0xffffffffu, base, leader);
  if (pred) out[base + __popc(ball & ((1u << lane) - 1))] = idx;
}

// Calls f(key, idx, valid) for every element of row[0..n), in warp-uniform trip counts (so f may
// use full-warp collectives), 4 elements per thread per step with 16-byte loads where aligned.
template <typename F>
__device__ __forceinline__ void for_each_global(const float* __restrict__ row, int n, F&& f) {
  const int tid = threadIdx.x;
  // Scalar head up to 16-byte alignment.
  const int head = min(n, (int)((16 - ((uintptr_t)row & 15)) & 15) / 4);
  {
    const bool v = tid < head;
    f(v ? dsak::float_key(row[tid]) : 0u, tid, v);
  }
  const float4* body = reinterpret_cast<const float4*>(row + head);
  const int nv = (n - head) / 4;
  // Two 16-byte loads in flight per thread before any use: more bytes in flight per SM.
  const int steps = (nv + 2 * THREADS - 1) / (2 * THREADS);
  for (int st = 0; st < steps; st++) {
    const int i0 = st * 2 * THREADS + tid, i1 = i0 + THREADS;
    const bool v0 = i0 < nv, v1 = i1 < nv;
    const float4 x0 = v0 ? __ldcs(body + i0) : make_float4(0.f, 0.f, 0.f, 0.f);
    const float4 x1 = v1 ? __ldcs(body + i1) : make_float4(0.f, 0.f, 0.f, 0.f);
    const int b0 = head + i0 * 4, b1 = head + i1 * 4;
    f(dsak::float_key(x0.x), b0, v0);
    f(dsak::float_key(x0.y), b0 + 1, v0);
    f(dsak::float_key(x0.z), b0 + 2, v0);
    f(dsak::float_key(x0.w), b0 + 3, v0);
    f(dsak::float_key(x1.x), b1, v1);
    f(dsak::float_key(x1.y), b1 + 1, v1);
    f(dsak::float_key(x1.z), b1 + 2, v1);
    f(dsak::float_key(x1.w), b1 + 3, v1);
  }
  const int tail0 = head + nv * 4;
  {
    const int i = tail0 + tid;
    const bool v = tid < n - tail0;
    f(v ? dsak::float_key(row[i]) : 0u, i, v);
  }
}

template <typename F>
__device__ __forceinline__ void for_each_cand(const TopkSmem& s, int n, F&& f) {
  const int steps = (n + THREADS - 1) / THREADS;
  for (int st = 0; st < steps; st++) {
    const int i = st * THREADS + threadIdx.x;
    const bool v = i < n;
    f(v ? s.candKey[i] : 0u, v ? s.candIdx[i] : 0, v);
  }
}

// The exact radix select over the row in global memory (two to four reads of it).
__device__ void radix_global(TopkSmem& s, const float* __restrict__ row, int vis, int k,
                             int* __restrict__ out) {
  const int tid = threadIdx.x;
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  if (tid == 0) {
    s.outCount = 0;
    s.candCount = 0;
    s.eqTaken = 0;
  }
  __syncthreads();

  // Pass 1: top 11 bits.
  for_each_global(row, vis, [&](uint32_t key, int, bool v) {
    if (v) atomicAdd(&s.hist[key >> 21], 1);
  });
  __syncthreads();
  select_bin(s, 2048, k);
  const uint32_t b0 = s.selBin;
  int kRem = k - s.selAbove;
  const int eq0 = s.selEq;
  const bool takeAll0 = eq0 == kRem;
  const bool inSmem = !takeAll0 && eq0 <= CAP;
  __syncthreads();
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  __syncthreads();

  // Pass 2: emit above b0; histogram (and keep) the b0 bin on bits 20..10.
  for_each_global(row, vis, [&](uint32_t key, int idx, bool v) {
    const uint32_t d = key >> 21;
    const bool eq = v && d == b0;
    emit(v && (d > b0 || (eq && takeAll0)), idx, &s.outCount, out);
    if (eq && !takeAll0) {
      atomicAdd(&s.hist[(key >> 10) & 2047], 1);
    }
    if (inSmem) {
      const unsigned ball = __ballot_sync(0xffffffffu, eq);
      if (ball) {
        const int lane = threadIdx.x & 31, leader = __ffs(ball) - 1;
        int base = 0;
        if (lane == leader) base = atomicAdd(&s.candCount, __popc(ball));
        base = __shfl_sync(0xffffffffu, base, leader);
        if (eq) {
          const int p = base + __popc(ball & ((1u << lane) - 1));
          s.candKey[p] = key;
          s.candIdx[p] = idx;
        }
      }
    }
  });
  __syncthreads();
  if (takeAll0) return;

  select_bin(s, 2048, kRem);
  const uint32_t b1 = s.selBin;
  kRem -= s.selAbove;
  const bool takeAll1 = s.selEq == kRem;
  __syncthreads();
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  __syncthreads();

  // Pass 3: among keys with top bits b0, emit digit1 > b1; histogram bits 9..0 of digit1 == b1.
  auto pass3 = [&](uint32_t key, int idx, bool v) {
    const bool in = v && (key >> 21) == b0;
    const uint32_t d = (key >> 10) & 2047;
    const bool eq = in && d == b1;
    emit(in && (d > b1 || (eq && takeAll1)), idx, &s.outCount, out);
    if (eq && !takeAll1) atomicAdd(&s.hist[key & 1023], 1);
  };
  const int nc = s.candCount;
  if (inSmem) {
    for_each_cand(s, nc, pass3);
  } else {
    for_each_global(row, vis, pass3);
  }
  __syncthreads();
  if (takeAll1) return;

  select_bin(s, 1024, kRem);
  const uint32_t b2 = s.selBin;
  const int kLast = kRem - s.selAbove;  // how many keys exactly equal to the threshold to take
  __syncthreads();

  // Pass 4: exact threshold key T* = (b0, b1, b2): emit above, and kLast of the equal ones.
  const uint32_t hi = (b0 << 11) | b1;
  auto pass4 = [&](uint32_t key, int idx, bool v) {
    const bool in = v && (key >> 10) == hi;
    const uint32_t d = key & 1023;
    emit(in && d > b2, idx, &s.outCount, out);
    if (in && d == b2) {
      if (atomicAdd(&s.eqTaken, 1) < kLast) out[atomicAdd(&s.outCount, 1)] = idx;
    }
  };
  if (inSmem) {
    for_each_cand(s, nc, pass4);
  } else {
    for_each_global(row, vis, pass4);
  }
}

// Top 22 bits of (a lower bound of) the r-th largest of the n keys in candKey: at least r keys
// are >= the returned threshold.
__device__ uint32_t cand_threshold(TopkSmem& s, int n, int r) {
  const int tid = threadIdx.x;
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  __syncthreads();
  for (int i = tid; i < n; i += THREADS) atomicAdd(&s.hist[s.candKey[i] >> 21], 1);
  __syncthreads();
  select_bin(s, 2048, r);
  const uint32_t b0 = s.selBin;
  const int r1 = r - s.selAbove;
  __syncthreads();
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  __syncthreads();
  for (int i = tid; i < n; i += THREADS) {
    const uint32_t key = s.candKey[i];
    if ((key >> 21) == b0) atomicAdd(&s.hist[(key >> 10) & 2047], 1);
  }
  __syncthreads();
  select_bin(s, 2048, r1);
  const uint32_t b1 = s.selBin;
  __syncthreads();
  return (b0 << 21) | (b1 << 10);
}

// The r-th largest of the n keys in candKey, to 16 bits (returned << 16: at least r keys are >=
// it), from ONE histogram of single 16-bit values in the 2048 just below mx16 (the keys' largest
// upper half): 16 octaves at 128 bins each, so the lanes of a warp rarely hit one bin, where the
// top 11 bits of cand_threshold put most of a sample into a few hot bins and need a second level.
// Returns 0 when fewer than r keys lie in the window (the caller takes cand_threshold). Every
// thread must call it with the same mx16; hist must be zero on entry.
// FAST (v13's OPT_FBIN): select_bin_fast.
template <bool FAST = false>
__device__ uint32_t window_threshold(TopkSmem& s, int n, int r, uint32_t mx16) {
  const int tid = threadIdx.x;
  const uint32_t wlo = mx16 >= 2047u ? mx16 - 2047u : 0u;
  if (tid == 0) s.selBin = -1;  // select_bin leaves it when the window holds fewer than r
  for (int i = tid; i < n; i += THREADS) {
    const uint32_t k16 = s.candKey[i] >> 16;
    if (k16 >= wlo) atomicAdd(&s.hist[k16 - wlo], 1);
  }
  __syncthreads();
  if constexpr (FAST) {
    select_bin_fast(s, r);
  } else {
    select_bin(s, 2048, r);
  }
  return s.selBin < 0 ? 0u : (wlo + (uint32_t)s.selBin) << 16;
}

// Emits the kk largest of the n (key, index) candidates in smem, all of them >= tau and <= maxKey:
// radix select on the offset key - tau, from the highest bit of maxKey - tau down in digits of up
// to 11 bits, so the first histogram already spreads the candidates over ~2048 bins (no hot bins,
// usually no second pass).
__device__ void select_cands(TopkSmem& s, int n, int kk, uint32_t tau, int* __restrict__ out) {
  const int tid = threadIdx.x;
  const uint32_t range = s.maxKey - tau;
  const int width = range == 0 ? 0 : 32 - __clz(range);
  int hi = width;  // bits >= hi of (key - tau) are fixed: == prefix (none at first)
  uint32_t prefix = 0;
  int kRem = kk;
  while (hi > 0) {
    const int sh = max(0, hi - 11);
    const uint32_t mask = (1u << (hi - sh)) - 1;
    const bool first = hi == width;
    auto match = [&](uint32_t rel) { return first || (rel >> hi) == prefix; };
    for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
    __syncthreads();
    for (int i = tid; i < n; i += THREADS) {
      const uint32_t rel = s.candKey[i] - tau;
      if (match(rel)) atomicAdd(&s.hist[(rel >> sh) & mask], 1);
    }
    __syncthreads();
    select_bin(s, 2048, kRem);
    const uint32_t B = s.selBin;
    const int above = s.selAbove;
    const bool takeAll = s.selEq == kRem - above;
    for_each_cand(s, n, [&](uint32_t key, int idx, bool v) {
      const uint32_t rel = key - tau;
      const bool m = v && match(rel);
      const uint32_t d = (rel >> sh) & mask;
      emit(m && (d > B || (takeAll && d == B)), idx, &s.outCount, out);
    });
    kRem -= above;
    if (takeAll) return;
    prefix = first ? B : ((prefix << (hi - sh)) | B);
    hi = sh;
    __syncthreads();
  }
  // All remaining candidates with (key - tau) == prefix are equal: take kRem of them.
  for (int i = tid; i < n; i += THREADS) {
    if (s.candKey[i] - tau == prefix && atomicAdd(&s.eqTaken, 1) < kRem) {
      out[atomicAdd(&s.outCount, 1)] = s.candIdx[i];
    }
  }
}

// The 4096-logit sample of a row (32 spread chunks of 128) as keys in candKey[0 .. SAMPLE);
// returns the largest of this thread's sample keys.
__device__ __forceinline__ uint32_t load_sample(TopkSmem& s, const float* __restrict__ row,
                                                int vis) {
  const int tid = threadIdx.x;
  constexpr int PER = SAMPLE / THREADS, TPC = SAMPLE_CHUNK / PER;  // per thread, per chunk
  const int c = tid / TPC, e = (tid % TPC) * PER;
  const long start = (long)c * (vis - SAMPLE_CHUNK) / (SAMPLE_CHUNKS - 1);
  uint32_t mx = 0;
#pragma unroll
  for (int j = 0; j < PER; j++) {
    const uint32_t key = dsak::float_key(__ldcs(row + start + e + j));
    s.candKey[tid * PER + j] = key;
    mx = max(mx, key);
  }
  return mx;
}

// ---------------------------------------------------------------- v10's sampled path
// How far the L2 prefetch runs ahead: the first PREFETCH_KB KB of a row at CTA start, then that
// far ahead of the filter pass.
constexpr int PREFETCH_KB = 128;
// 16-byte loads in flight per thread per step of the filter pass.
constexpr int FILTER_LOADS = 4;
// Rows at least this long take the sampled path; shorter ones the exact radix select.
constexpr int SAMPLED_MIN_ROW = 8192;

// L2 prefetch of row[lo, hi) by the TMA unit (sm_90 cp.async.bulk.prefetch): fire and forget, no
// registers, so the row streams into L2 while the CTA runs its sample/threshold phase. Addresses
// are rounded inwards to 16 bytes (the instruction's rule); the few bytes left out are read anyway.
__device__ __forceinline__ void prefetch_row_l2(const float* row, long lo, long hi) {
  uintptr_t a = ((uintptr_t)(row + lo) + 15) & ~(uintptr_t)15;
  const uintptr_t b = (uintptr_t)(row + hi) & ~(uintptr_t)15;
  while (a < b) {
    const uint32_t n = (uint32_t)min((uintptr_t)16384, b - a);
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("cp.async.bulk.prefetch.L2.global [%0], %1;\n" ::"l"(a), "r"(n) : "memory");
#endif
    a += n;
  }
}

// The filter passes' L2 prefetch before step st (thread 0 issues it): v10 (PF0_KB < 0) the slice
// PREFETCH_KB KB past the step; v13 (PF0_KB >= 0) the row up to PFA_KB KB past the step's end,
// pfDone the floats of the row already prefetched (none when PFA_KB is 0).
template <int PF0_KB, int PFA_KB, int STEP>
__device__ __forceinline__ void filter_prefetch(const float* __restrict__ row, int vis, int head,
                                                int st, int& pfDone) {
  if constexpr (PF0_KB < 0) {
    if (threadIdx.x == 0) {
      const long lo = head + (long)st * STEP * 4 + PREFETCH_KB * 256L;
      prefetch_row_l2(row, lo, min((long)vis, lo + STEP * 4));
    }
  } else if (PFA_KB > 0 && threadIdx.x == 0) {
    const int hi = min(vis, head + (st + 1) * STEP * 4 + PFA_KB * 256);
    if (hi > pfDone) {
      prefetch_row_l2(row, pfDone, hi);
      pfDone = hi;
    }
  }
}

// The filter passes' unaligned head and tail, one element per thread: the lanes with pred append
// (key, idx) at candCount, one shared atomic per warp; positions past CAP are counted, not stored.
__device__ __forceinline__ void append_cand(TopkSmem& s, bool pred, uint32_t key, int idx) {
  const int lane = threadIdx.x & 31;
  const unsigned ball = __ballot_sync(0xffffffffu, pred);
  if (ball) {
    const int leader = __ffs(ball) - 1;
    int base = 0;
    if (lane == leader) base = atomicAdd(&s.candCount, __popc(ball));
    base = __shfl_sync(0xffffffffu, base, leader);
    const int p = base + __popc(ball & ((1u << lane) - 1));
    if (pred && p < CAP) {
      s.candKey[p] = key;
      s.candIdx[p] = idx;
    }
  }
}

// The filter pass of sampled_select: keeps every key >= tau of row[0..vis) in smem, counts them in
// candCount and leaves the largest visible key in maxKey (callers zero both first). FILTER_LOADS
// 16-byte loads in flight per thread per step; one shared atomicAdd per warp per 8 elements (8
// ballots, offsets by prefix popcounts); the max kept in a register, reduced once at the end (the
// max over all visible keys is the max over the passing ones whenever any passes, the only case
// select_cands runs); an L2 prefetch kept PREFETCH_KB KB ahead of the step being read. v13
// (sm90/topk/v13.cu) sets PF0_KB >= 0: the first PF0_KB KB of the row are already prefetched and
// thread 0 keeps the prefetched range PFA_KB KB past the step being read (none when PFA_KB is 0).
template <int PF0_KB = -1, int PFA_KB = 0>
__device__ __forceinline__ void filter_pass(TopkSmem& s, const float* __restrict__ row, int vis,
                                            uint32_t tau) {
  constexpr int NLD = FILTER_LOADS;
  static_assert(NLD % 2 == 0, "the ballots go 8 elements (two loads) at a time");
  const int tid = threadIdx.x, lane = tid & 31;
  const unsigned lt = (1u << lane) - 1;
  uint32_t mx = 0;
  // The unaligned head and the tail.
  auto one = [&](uint32_t key, int idx, bool v) {
    append_cand(s, v && key >= tau, key, idx);
    if (v) mx = max(mx, key);
  };
  const int head = min(vis, (int)((16 - ((uintptr_t)row & 15)) & 15) / 4);
  {
    const bool v = tid < head;
    one(v ? dsak::float_key(row[tid]) : 0u, tid, v);
  }
  const float4* body = reinterpret_cast<const float4*>(row + head);
  const int nv = (vis - head) / 4;
  constexpr int STEP = NLD * THREADS;  // float4s per step
  const int steps = (nv + STEP - 1) / STEP;
  int pfDone = PF0_KB * 256;  // v13: floats of the row already prefetched (thread 0's view)
  for (int st = 0; st < steps; st++) {
    filter_prefetch<PF0_KB, PFA_KB, STEP>(row, vis, head, st, pfDone);
    float4 x[NLD];
    bool vv[NLD];
#pragma unroll
    for (int j = 0; j < NLD; j++) {
      const int i = st * STEP + j * THREADS + tid;
      vv[j] = i < nv;
      x[j] = vv[j] ? __ldcs(body + i) : make_float4(0.f, 0.f, 0.f, 0.f);
    }
#pragma unroll
    for (int g = 0; g < NLD; g += 2) {
      unsigned ball[8];
      int tot = 0;
#pragma unroll
      for (int e = 0; e < 8; e++) {
        const int j = g + e / 4;
        const float f = (e & 3) == 0   ? x[j].x
                        : (e & 3) == 1 ? x[j].y
                        : (e & 3) == 2 ? x[j].z
                                       : x[j].w;
        const uint32_t key = dsak::float_key(f);
        ball[e] = __ballot_sync(0xffffffffu, vv[j] && key >= tau);
        tot += __popc(ball[e]);
        if (vv[j]) mx = max(mx, key);
      }
      if (tot) {  // warp-uniform
        int base = 0;
        if (lane == 0) base = atomicAdd(&s.candCount, tot);
        base = __shfl_sync(0xffffffffu, base, 0);
#pragma unroll
        for (int e = 0; e < 8; e++) {
          const int j = g + e / 4;
          if ((ball[e] >> lane) & 1u) {
            const int p = base + __popc(ball[e] & lt);
            if (p < CAP) {
              const float f = (e & 3) == 0   ? x[j].x
                              : (e & 3) == 1 ? x[j].y
                              : (e & 3) == 2 ? x[j].z
                                             : x[j].w;
              s.candKey[p] = dsak::float_key(f);
              s.candIdx[p] = head + (st * STEP + j * THREADS + tid) * 4 + (e & 3);
            }
          }
          base += __popc(ball[e]);
        }
      }
    }
  }
  const int tail0 = head + nv * 4;
  {
    const int i = tail0 + tid;
    const bool v = tid < vis - tail0;
    one(v ? dsak::float_key(row[i]) : 0u, i, v);
  }
  const unsigned m = __reduce_max_sync(0xffffffffu, mx);
  if (lane == 0) atomicMax(&s.maxKey, m);
}

// The float that a key tau stands for, for the lean filters' float compares: every float f >= it
// has key(f) >= tau, except -0 against tau = key(+0) (-0 == +0 as floats), and NaN passes nothing.
// Keys at or below key(-inf) leave every non-NaN float: -inf; above, the key's float (its inverse
// map).
__device__ __forceinline__ float tau_float(uint32_t tau) {
  return tau <= 0x007FFFFFu ? -INFINITY
                            : __uint_as_float((tau & 0x80000000u) ? (tau & 0x7FFFFFFFu) : ~tau);
}

// filter_pass's contract with fewer instructions per key (round ptopk15's candidate; the
// profile of v13 at 4096 x 32K put filter_pass's per-element ballots, popcounts and index
// arithmetic at ~20 instructions a key and the kernel at 0.8 issued instructions per scheduler
// cycle). Per element one float compare against tau as a float and a predicated OR into the
// lane's 16-bit mask; per step one warp scan of the masks' popcounts and one shared atomic; the
// lane then writes its own passing elements (about one key in ten), float4 by float4. The max is
// taken over the passing keys only: select_cands reads maxKey only when at least k keys passed,
// and then it is the row's max. tau = key(+0) (where float compares cannot tell -0 from +0) and
// rows the caller wants exactly as filter_pass go through filter_pass itself.
// PRED (v13 since rounds ptopk17-21): the lane stores its passing elements by predicated stores of
// each of its 16 elements in turn (a mask bit, two stores, the position; no CAP test where the
// warp's whole run fits) instead of a loop over its set bits, whose trip count is the warp's
// largest (about 2.2 per float4 at 13% passing) and whose runtime component select cost ~9
// instructions an iteration (ncu, 4096 x 32K: that loop was 33% of the kernel's instructions);
// and candKey gets the passing floats' bits, not their keys, with no max kept: the caller
// converts the candidates in place and takes maxKey from them (raw_to_keys), a packed pass over
// ~1.3k candidates instead of a key conversion and a max on every element of the row.
template <int PF0_KB = -1, int PFA_KB = 0, bool PRED = false>
__device__ __forceinline__ void filter_pass_lean(TopkSmem& s, const float* __restrict__ row,
                                                 int vis, uint32_t tau) {
  if (tau == 0x80000000u) {
    filter_pass<PF0_KB, PFA_KB>(s, row, vis, tau);
    return;
  }
  constexpr int NLD = FILTER_LOADS;
  const int tid = threadIdx.x, lane = tid & 31;
  const float tauF = tau_float(tau);
  float fmx = __uint_as_float(0x7FFFFFFFu);  // NaN until a key passes (fmaxf drops NaN)
  // The unaligned head and the tail.
  auto one = [&](float f, int idx, bool v) {
    const bool pred = v && f >= tauF;
    append_cand(s, pred, PRED ? __float_as_uint(f) : dsak::float_key(f), idx);
    if (!PRED && pred) fmx = fmaxf(fmx, f);
  };
  const int head = min(vis, (int)((16 - ((uintptr_t)row & 15)) & 15) / 4);
  {
    const bool v = tid < head;
    one(v ? row[tid] : 0.f, tid, v);
  }
  const float4* body = reinterpret_cast<const float4*>(row + head);
  const int nv = (vis - head) / 4;
  constexpr int STEP = NLD * THREADS;  // float4s per step
  const int steps = (nv + STEP - 1) / STEP;
  int pfDone = PF0_KB * 256;
  for (int st = 0; st < steps; st++) {
    filter_prefetch<PF0_KB, PFA_KB, STEP>(row, vis, head, st, pfDone);
    float4 x[NLD];
    uint32_t msk = 0;
#pragma unroll
    for (int j = 0; j < NLD; j++) {
      const int i = st * STEP + j * THREADS + tid;
      x[j] = i < nv ? __ldcs(body + i) : make_float4(0.f, 0.f, 0.f, 0.f);
    }
#pragma unroll
    for (int j = 0; j < NLD; j++) {
      uint32_t m = 0;
      if (x[j].x >= tauF) m |= 1u;
      if (x[j].y >= tauF) m |= 2u;
      if (x[j].z >= tauF) m |= 4u;
      if (x[j].w >= tauF) m |= 8u;
      if (st * STEP + j * THREADS + tid >= nv) m = 0;
      msk |= m << (4 * j);
    }
    const int cnt = __popc(msk);
    int incl = cnt;
#pragma unroll
    for (int o = 1; o < 32; o <<= 1) {
      const int y = __shfl_up_sync(0xffffffffu, incl, o);
      if (lane >= o) incl += y;
    }
    const int tot = __shfl_sync(0xffffffffu, incl, 31);
    if (tot) {  // warp-uniform
      int base = 0;
      if (lane == 31) base = atomicAdd(&s.candCount, tot);
      base = __shfl_sync(0xffffffffu, base, 31);
      int p = base + incl - cnt;
      if constexpr (PRED) {
        // Every element in turn, static component: predicated stores in one asm (C++ `if`s here
        // compile to a branch per element), the position as a shared address that a passing
        // element advances by 4.
        uint32_t a = dsak::smem_u32(s.candKey) + 4u * (uint32_t)p;
        auto put = [&](auto guard) {
#pragma unroll
          for (int j = 0; j < NLD; j++) {
            const int idx0 = head + (st * STEP + j * THREADS + tid) * 4;
#pragma unroll
            for (int c = 0; c < 4; c++) {
              const float f = c == 0 ? x[j].x : c == 1 ? x[j].y : c == 2 ? x[j].z : x[j].w;
              const uint32_t v = __float_as_uint(f);
              uint32_t on = msk & (1u << (4 * j + c));
              if constexpr (decltype(guard)::value) {
                if (on) on = p < CAP;
                p += (msk >> (4 * j + c)) & 1u;
              }
              asm volatile(
                  "{\n.reg .pred q;\nsetp.ne.u32 q, %1, 0;\n"
                  "@q st.shared.u32 [%0], %2;\n@q st.shared.u32 [%0+%4], %3;\n"
                  "@q add.u32 %0, %0, 4;\n}\n"
                  : "+r"(a)
                  : "r"(on), "r"(v), "r"(idx0 + c), "n"(CAP * 4)
                  : "memory");
            }
          }
        };
        static_assert(__builtin_offsetof(TopkSmem, candIdx) ==
                          __builtin_offsetof(TopkSmem, candKey) + CAP * 4,
                      "candIdx right after candKey");
        if (base + tot <= CAP) {  // warp-uniform
          put(std::false_type{});
        } else {
          put(std::true_type{});
        }
      } else {
#pragma unroll
        for (int j = 0; j < NLD; j++) {
          uint32_t m = (msk >> (4 * j)) & 15u;
          const int idx0 = head + (st * STEP + j * THREADS + tid) * 4;
          while (m) {
            const int c = __ffs(m) - 1;
            m &= m - 1;
            const float f = c == 0 ? x[j].x : c == 1 ? x[j].y : c == 2 ? x[j].z : x[j].w;
            if (p < CAP) {
              s.candKey[p] = dsak::float_key(f);
              s.candIdx[p] = idx0 + c;
            }
            p++;
            fmx = fmaxf(fmx, f);
          }
        }
      }
    }
  }
  const int tail0 = head + nv * 4;
  {
    const int i = tail0 + tid;
    const bool v = tid < vis - tail0;
    one(v ? row[i] : 0.f, i, v);
  }
  // The largest passing key (fmaxf may return -0 for a max of +0 and -0: take +0's key, the
  // larger, so maxKey never falls below a candidate's key).
  if constexpr (PRED) return;  // the caller's raw_to_keys takes the max
  const bool any = !isnan(fmx);
  uint32_t mx = any ? dsak::float_key(fmx) : 0u;
  if (any && fmx == 0.f) mx = 0x80000000u;
  mx = __reduce_max_sync(0xffffffffu, mx);
  if (lane == 0) atomicMax(&s.maxKey, mx);
}

// After filter_pass_lean<..., PRED = true>: the n candidates' float bits become their keys in place
// and maxKey their largest (callers zeroed maxKey before the filter). Every thread calls it; ends
// with a barrier.
__device__ __forceinline__ void raw_to_keys(TopkSmem& s, int n) {
  uint32_t mx = 0;
  for (int i = threadIdx.x; i < n; i += THREADS) {
    const uint32_t key = dsak::float_key(__uint_as_float(s.candKey[i]));
    s.candKey[i] = key;
    mx = max(mx, key);
  }
  mx = __reduce_max_sync(0xffffffffu, mx);
  if ((threadIdx.x & 31) == 0) atomicMax(&s.maxKey, mx);
  __syncthreads();
}

// One read of the row: a threshold from a sample (32 spread chunks of 128 logits) that about 2k
// keys of the row should pass, then the filter pass that keeps the keys above it in smem, then an
// exact select among those. Returns false (nothing emitted) when the sample misjudged the row:
// fewer than k or more than CAP keys passed. WIN (v13, and gmax2 / gmax3 on their maxima): the
// threshold from window_threshold (one histogram in a 16-octave window below the sample's maximum,
// 5 barriers) instead of cand_threshold's two top-bit levels (12 barriers, hot bins);
// cand_threshold still where the window holds too few sample keys.
template <bool WIN = false>
__device__ bool sampled_select(TopkSmem& s, const float* __restrict__ row, int vis, int k,
                               int* __restrict__ out) {
  const int tid = threadIdx.x;
  const int r = (int)min((long)SAMPLE, max(1L, ((long)SAMPLE * 2 * k + vis - 1) / vis));
  uint32_t tau;
  if constexpr (WIN) {
    const int lane = tid & 31, warp = tid >> 5;
    for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
    const uint32_t mx = __reduce_max_sync(0xffffffffu, load_sample(s, row, vis));
    if (lane == 0) s.warpSums[warp] = (int)mx;
    __syncthreads();
    const uint32_t smax =
        __reduce_max_sync(0xffffffffu, (uint32_t)s.warpSums[lane % (THREADS / 32)]);
    TOPK_PHASE_END(1, smax, true);
    tau = window_threshold(s, SAMPLE, r, smax >> 16);
    if (tau == 0) tau = cand_threshold(s, SAMPLE, r);
  } else {
    load_sample(s, row, vis);
    __syncthreads();
    TOPK_PHASE_END(1, s.candKey[tid], true);
    tau = cand_threshold(s, SAMPLE, r);
  }
  TOPK_PHASE_END(2, tau, true);
  if (tid == 0) {
    s.candCount = 0;
    s.maxKey = 0;
  }
  __syncthreads();
  filter_pass(s, row, vis, tau);
  __syncthreads();
  const int n = s.candCount;
  TOPK_PHASE_END(3, n, true);
  if (n < k || n > CAP) return false;
  select_cands(s, n, k, tau, out);
  return true;
}

// The kernel body: rows that see at most k keys take them all (-1 padded); rows of at least
// SAMPLED_MIN_ROW keys take the sampled path (its row prefetch started first); the exact radix
// select over the row in memory for shorter rows and wherever the sample misjudged the row.
template <bool WIN = false>
__device__ __forceinline__ void topk_body(const float* __restrict__ logits,
                                          int* __restrict__ indices, int T, int P, int k) {
  extern __shared__ __align__(16) uint8_t dyn[];
  TopkSmem& s = *reinterpret_cast<TopkSmem*>(dyn);
  const int r = blockIdx.x;
  const int t = r % T;
  const int vis = P - T + t + 1;
  const float* row = logits + (size_t)r * P;
  int* out = indices + (size_t)r * k;
  const int tid = threadIdx.x;
  if (vis <= k) {
    for (int i = tid; i < k; i += THREADS) out[i] = i < vis ? i : -1;
    return;
  }
  if (tid == 0) prefetch_row_l2(row, 0, min((long)vis, PREFETCH_KB * 256L));
  if (tid == 0) {
    s.outCount = 0;
    s.eqTaken = 0;
  }
  if (vis >= SAMPLED_MIN_ROW && 2 * k <= CAP) {
    if (sampled_select<WIN>(s, row, vis, k, out)) return;
    __syncthreads();
  }
  radix_global(s, row, vis, k, out);
}

}  // namespace
