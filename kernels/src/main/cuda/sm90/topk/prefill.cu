// Causal top-k for many rows (prefill), candidate p12 (issue 16; kernels/NOTES.md "Round ptopk10").
// Semantics as dsa_topk.cu: the k largest of the keys each row's query can see (query t of a
// sequence sees keys 0 .. P - T + t), rows seeing at most k keys take them all and pad with -1,
// output order unspecified.
//
// Why a new kernel: v10 (dsa_topk.cu) runs one CTA per row, and each row's sample round trip,
// threshold and select (~14 us per CTA at 32K) sit in series with its own stream; three CTAs per
// SM do not hide them, so 4096 rows of 32K take 0.29 ms where the bytes alone take ~0.16.
//
// Design: a persistent grid of two CTAs per SM; CTA b takes rows b, b + grid, ... The row is
// streamed into a ring of shared-memory slots by 1D bulk copies (cp.async.bulk, mbarrier
// completion) that thread 0 issues whenever a slot frees, across row boundaries: while the CTA
// selects row r, the next row's first slots are already landing, and the other CTA of the SM
// streams. Each row's threshold comes from a 4096-logit sample (32 spread pieces of 128) that
// thread 0 fetches into its own buffer as soon as the previous row's threshold is known, so the
// sample's round trip hides under the previous row. Only the visible keys are read (the causal
// tail is never loaded).
//   1. threshold tau: one histogram of the sample's 16-bit keys in the 16 octaves below its
//      maximum, aiming at (k + CAP) / 2 row keys >= tau (two top-bit levels when the window holds
//      too few sample keys);
//   2. filter: every ring slot (4096 logits) once: keys >= tau into smem candidates, one shared
//      atomic per warp per 8 keys a lane; the row maximum in a register;
//   3. select: an exact radix select among the candidates (offset from tau, 11-bit digits).
// Rows seeing at most CAP keys take tau = 0 (all pass). When the sample misjudged the row (fewer
// than k or more than CAP candidates) or k > CAP / 2, an exact radix select over the row in global
// memory (three to four reads of it) runs instead; equal keys at the very end are taken first come,
// first served.
#include <stdint.h>

#include "dsa_common.cuh"
#include "sm90/hopper.cuh"

namespace ptopk {

constexpr int THREADS = 512;    // per CTA; every thread filters and selects
constexpr int CTAS_PER_SM = 2;  // the other CTA streams while one selects
constexpr int CAP = 4096;       // candidates kept in smem (8 bytes each)
constexpr int CHUNK = 4096;     // logits per ring slot (16 KB)
constexpr int STAGES = 3;       // ring slots: 48 KB in flight per CTA, 96 KB per SM
constexpr int PIECES = 32, PIECE = 128, SAMPLE = PIECES * PIECE;
static_assert(CHUNK == 2 * 4 * THREADS, "the filter takes two float4 per thread per slot");

struct Smem {
  float ring[STAGES][CHUNK];  // bulk-copy destinations: 16-byte aligned (offset 0)
  float sample[SAMPLE];
  uint32_t candKey[CAP];
  int candIdx[CAP];
  int hist[2048];
  uint64_t full[STAGES];  // slot landed (one arrival + the slot's bytes)
  uint64_t sampleFull;    // sample landed
  int warpSums[32];
  int outCount, candCount, eqTaken, selBin, selAbove, selEq;
  unsigned maxKey;
};

__device__ __forceinline__ void bulk_g2s(uint32_t dst, const void* src, uint32_t bytes,
                                         uint32_t bar) {
  asm volatile(
      "cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];\n" ::
          "r"(dst),
      "l"(src), "r"(bytes), "r"(bar)
      : "memory");
}

// A row as this kernel reads it: `head` scalar logits up to 16-byte alignment, a body of `body`
// logits (a multiple of 4) streamed in nch ring slots, then at most 3 scalar logits.
struct Row {
  const float* p;
  int* out;
  int vis, head, body, nch;
  int mode;  // ALL: vis <= k; DENSE: vis <= CAP (tau = 0); SAMPLED; GLOBAL: radix over memory
};
enum { ALL = 0, DENSE = 1, SAMPLED = 2, GLOBAL = 3 };

__device__ __forceinline__ Row row_of(const float* logits, int* indices, int r, int T, int P,
                                      int k) {
  Row g;
  g.p = logits + (size_t)r * P;
  g.out = indices + (size_t)r * k;
  g.vis = P - T + (r % T) + 1;
  g.head = min(g.vis, (int)((16 - ((uintptr_t)g.p & 15)) & 15) / 4);
  g.body = (g.vis - g.head) & ~3;
  g.mode = g.vis <= k ? ALL : g.vis <= CAP ? DENSE : 2 * k <= CAP ? SAMPLED : GLOBAL;
  g.nch = (g.mode == DENSE || g.mode == SAMPLED) ? (g.body + CHUNK - 1) / CHUNK : 0;
  return g;
}

// A position in the CTA's sequence of ring chunks (rows blockIdx.x, + gridDim.x, ...; chunks of
// each row in order). Thread 0 keeps two: the next chunk to copy into the ring, and the one to
// prefetch into L2, PREFETCH_CHUNKS further on.
struct Cursor {
  int row, chunk;
};

// Moves c to the next chunk (skipping rows without chunks) and gives its global address and size;
// false past the last row.
__device__ __forceinline__ bool next_chunk(Cursor& c, const float* logits, int* indices, int rows,
                                           int T, int P, int k, const float*& src, int& n) {
  while (c.row < rows) {
    const Row g = row_of(logits, indices, c.row, T, P, k);
    if (c.chunk < g.nch) {
      const int lo = c.chunk * CHUNK;
      n = min(CHUNK, g.body - lo);
      src = g.p + g.head + lo;
      c.chunk++;
      return true;
    }
    c.row += gridDim.x;
    c.chunk = 0;
  }
  return false;
}

// How many chunks past the ring's newest copy thread 0 keeps prefetched into L2 (the ring's copies
// then hit L2, and HBM keeps streaming while this CTA selects with a full ring). The kernel body
// takes it as a template argument PF so the round can time other distances.
constexpr int PREFETCH_CHUNKS = 2;

// Thread 0's issue state: the ring cursor, chunks issued so far (chunk q goes to slot q % STAGES,
// use q / STAGES), the L2 prefetch cursor, and the next row whose sample to fetch (rows >= it).
struct Issuer {
  Cursor ring, pf;
  uint32_t q;
  int srow;
};

__device__ __forceinline__ void prefetch_l2(const void* src, int bytes) {
  asm volatile("cp.async.bulk.prefetch.L2.global [%0], %1;\n" ::"l"(src), "r"(bytes) : "memory");
}

// Issues the next chunk of the CTA's sequence into the slot it maps to (the caller knows that slot
// is free) and the L2 prefetch of the chunk PF further on; nothing past the last row.
template <int PF>
__device__ __forceinline__ void issue_chunk(Smem& s, Issuer& is, const float* logits, int* indices,
                                            int rows, int T, int P, int k) {
  const float* src;
  int n;
  if (!next_chunk(is.ring, logits, indices, rows, T, P, k, src, n)) return;
  const int slot = is.q % STAGES;
  const uint32_t bar = dsak::smem_u32(&s.full[slot]);
  dsa::sm90::mbar_arrive_expect_tx(bar, n * 4);
  bulk_g2s(dsak::smem_u32(s.ring[slot]), src, n * 4, bar);
  is.q++;
  if (PF > 0 && next_chunk(is.pf, logits, indices, rows, T, P, k, src, n)) prefetch_l2(src, n * 4);
}

// Fetches the sample of the next sampled row at or after is.srow (the caller knows the sample
// buffer is free), and moves is.srow past it.
__device__ __forceinline__ void issue_sample(Smem& s, Issuer& is, const float* logits, int* indices,
                                             int rows, int T, int P, int k) {
  for (; is.srow < rows; is.srow += gridDim.x) {
    const Row g = row_of(logits, indices, is.srow, T, P, k);
    if (g.mode != SAMPLED) continue;
    const uint32_t bar = dsak::smem_u32(&s.sampleFull);
    dsa::sm90::mbar_arrive_expect_tx(bar, SAMPLE * 4);
    for (int c = 0; c < PIECES; c++) {
      // Spread over the body, 16-byte aligned (body >= CAP - 3 > PIECE).
      const int at = (int)(((long)c * (g.body - PIECE) / (PIECES - 1)) & ~3L);
      bulk_g2s(dsak::smem_u32(&s.sample[c * PIECE]), g.p + g.head + at, PIECE * 4, bar);
    }
    is.srow += gridDim.x;
    return;
  }
}

// Finds B with count(bins > B) < kRem <= count(bins >= B) over hist[0..nbins) (nbins 1024 or
// 2048); writes B, the count above it and hist[B] to smem (selBin untouched when no bin
// qualifies). Every thread must call it; it ends with a barrier.
__device__ void select_bin(Smem& s, int nbins, int kRem) {
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int per = nbins / THREADS;  // thread t owns bins from the top down
  int local[4] = {0, 0, 0, 0};
  int mine = 0;
#pragma unroll
  for (int j = 0; j < 4; j++) {
    if (j < per) {
      local[j] = s.hist[nbins - 1 - (tid * per + j)];
      mine += local[j];
    }
  }
  int incl = mine;
#pragma unroll
  for (int o = 1; o < 32; o <<= 1) {
    const int v = __shfl_up_sync(0xffffffffu, incl, o);
    if (lane >= o) incl += v;
  }
  if (lane == 31) s.warpSums[warp] = incl;
  __syncthreads();
  if (warp == 0) {
    const int v = lane < THREADS / 32 ? s.warpSums[lane] : 0;
    int wi = v;
#pragma unroll
    for (int o = 1; o < 32; o <<= 1) {
      const int u = __shfl_up_sync(0xffffffffu, wi, o);
      if (lane >= o) wi += u;
    }
    if (lane < THREADS / 32) s.warpSums[lane] = wi - v;  // exclusive
  }
  __syncthreads();
  int above = s.warpSums[warp] + incl - mine;
#pragma unroll
  for (int j = 0; j < 4; j++) {
    if (j < per) {
      if (above < kRem && above + local[j] >= kRem) {
        s.selBin = nbins - 1 - (tid * per + j);
        s.selAbove = above;
        s.selEq = local[j];
      }
      above += local[j];
    }
  }
  __syncthreads();
}

__device__ __forceinline__ void zero_hist(Smem& s) {
  for (int i = threadIdx.x; i < 2048; i += THREADS) s.hist[i] = 0;
}

// Appends idx to out[] for every lane with pred, one shared atomic per warp.
__device__ __forceinline__ void emit(bool pred, int idx, int* counter, int* out) {
  const unsigned ball = __ballot_sync(0xffffffffu, pred);
  if (ball == 0) return;
  const int lane = threadIdx.x & 31, leader = __ffs(ball) - 1;
  int base = 0;
  if (lane == leader) base = atomicAdd(counter, __popc(ball));
  base = __shfl_sync(0xffffffffu, base, leader);
  if (pred) out[base + __popc(ball & ((1u << lane) - 1))] = idx;
}

// Appends (key, idx) to the candidates for every lane with pred, one shared atomic per warp;
// entries past CAP are counted, not stored (the caller then takes the global path).
__device__ __forceinline__ void keep(Smem& s, bool pred, uint32_t key, int idx) {
  const unsigned ball = __ballot_sync(0xffffffffu, pred);
  if (ball == 0) return;
  const int lane = threadIdx.x & 31, leader = __ffs(ball) - 1;
  int base = 0;
  if (lane == leader) base = atomicAdd(&s.candCount, __popc(ball));
  base = __shfl_sync(0xffffffffu, base, leader);
  const int p = base + __popc(ball & ((1u << lane) - 1));
  if (pred && p < CAP) {
    s.candKey[p] = key;
    s.candIdx[p] = idx;
  }
}

// ---------------------------------------------------------------- threshold from the sample
// A key tau with (about) r of the SAMPLE sample keys >= it. One histogram of 16-bit key values in
// the 2048 just below the sample's largest (16 octaves, 128 bins each: a warp's lanes rarely share
// a bin); where that window holds fewer than r keys, two levels of top-bit bins.
__device__ uint32_t sample_threshold(Smem& s, int r) {
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  constexpr int PER = SAMPLE / THREADS;
  uint32_t key[PER];
  uint32_t mx = 0;
#pragma unroll
  for (int j = 0; j < PER; j++) {
    key[j] = dsak::float_key(s.sample[j * THREADS + tid]);
    mx = max(mx, key[j]);
  }
  zero_hist(s);
  mx = __reduce_max_sync(0xffffffffu, mx);
  if (lane == 0) s.warpSums[warp] = (int)mx;
  if (tid == 0) s.selBin = -1;
  __syncthreads();
  const uint32_t smax = __reduce_max_sync(0xffffffffu, (uint32_t)s.warpSums[lane % (THREADS / 32)]);
  const uint32_t mx16 = smax >> 16, wlo = mx16 >= 2047u ? mx16 - 2047u : 0u;
#pragma unroll
  for (int j = 0; j < PER; j++) {
    const uint32_t k16 = key[j] >> 16;
    if (k16 >= wlo) atomicAdd(&s.hist[k16 - wlo], 1);
  }
  __syncthreads();
  select_bin(s, 2048, r);
  if (s.selBin >= 0) return (wlo + (uint32_t)s.selBin) << 16;

  // Fewer than r sample keys in the window: top 11 bits, then the next 11 inside that bin.
  zero_hist(s);
  __syncthreads();
#pragma unroll
  for (int j = 0; j < PER; j++) atomicAdd(&s.hist[key[j] >> 21], 1);
  __syncthreads();
  select_bin(s, 2048, r);
  const uint32_t b0 = s.selBin;
  const int r1 = r - s.selAbove;
  zero_hist(s);
  __syncthreads();
#pragma unroll
  for (int j = 0; j < PER; j++)
    if ((key[j] >> 21) == b0) atomicAdd(&s.hist[(key[j] >> 10) & 2047], 1);
  __syncthreads();
  select_bin(s, 2048, r1);
  return (b0 << 21) | ((uint32_t)s.selBin << 10);
}

// ---------------------------------------------------------------- filter
// Keeps the keys >= tau of one landed ring slot (n logits, a multiple of 4; base = the row index of
// its first) and folds them into mx. Two float4 per thread, their 8 keys' ballots added up so the
// warp takes its slots with one shared atomic.
__device__ __forceinline__ void filter_slot(Smem& s, const float* slot, int n, int base,
                                            uint32_t tau, uint32_t& mx) {
  const int tid = threadIdx.x, lane = tid & 31;
  const unsigned lt = (1u << lane) - 1;
  const int nv = n / 4;
  const float4* v4 = reinterpret_cast<const float4*>(slot);
  float f[8];
  bool vv[2];
#pragma unroll
  for (int j = 0; j < 2; j++) {
    const int i = j * THREADS + tid;
    vv[j] = i < nv;
    const float4 x = vv[j] ? v4[i] : make_float4(0.f, 0.f, 0.f, 0.f);
    f[4 * j] = x.x;
    f[4 * j + 1] = x.y;
    f[4 * j + 2] = x.z;
    f[4 * j + 3] = x.w;
  }
  unsigned ball[8];
  int tot = 0;
#pragma unroll
  for (int e = 0; e < 8; e++) {
    const uint32_t key = dsak::float_key(f[e]);
    const bool v = vv[e / 4];
    ball[e] = __ballot_sync(0xffffffffu, v && key >= tau);
    tot += __popc(ball[e]);
    if (v) mx = max(mx, key);
  }
  if (tot == 0) return;  // warp-uniform
  int at = 0;
  if (lane == 0) at = atomicAdd(&s.candCount, tot);
  at = __shfl_sync(0xffffffffu, at, 0);
#pragma unroll
  for (int e = 0; e < 8; e++) {
    if ((ball[e] >> lane) & 1u) {
      const int p = at + __popc(ball[e] & lt);
      if (p < CAP) {
        s.candKey[p] = dsak::float_key(f[e]);
        s.candIdx[p] = base + 4 * ((e / 4) * THREADS + tid) + (e & 3);
      }
    }
    at += __popc(ball[e]);
  }
}

// ---------------------------------------------------------------- select among the candidates
template <typename F>
__device__ __forceinline__ void for_each_cand(const Smem& s, int n, F&& f) {
  const int steps = (n + THREADS - 1) / THREADS;
  for (int st = 0; st < steps; st++) {
    const int i = st * THREADS + threadIdx.x;
    const bool v = i < n;
    f(v ? s.candKey[i] : 0u, v ? s.candIdx[i] : 0, v);
  }
}

// Emits the kk largest of the n candidates (all >= tau, <= maxKey): radix select on key - tau from
// the highest bit of maxKey - tau down, in digits of up to 11 bits.
__device__ void select_cands(Smem& s, int n, int kk, uint32_t tau, int* __restrict__ out) {
  const int tid = threadIdx.x;
  const uint32_t range = s.maxKey - tau;
  const int width = range == 0 ? 0 : 32 - __clz(range);
  int hi = width;
  uint32_t prefix = 0;
  int kRem = kk;
  while (hi > 0) {
    const int sh = max(0, hi - 11);
    const uint32_t mask = (1u << (hi - sh)) - 1;
    const bool first = hi == width;
    auto match = [&](uint32_t rel) { return first || (rel >> hi) == prefix; };
    zero_hist(s);
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
  // The remaining candidates with key - tau == prefix are equal: take kRem of them.
  for (int i = tid; i < n; i += THREADS) {
    if (s.candKey[i] - tau == prefix && atomicAdd(&s.eqTaken, 1) < kRem)
      out[atomicAdd(&s.outCount, 1)] = s.candIdx[i];
  }
}

// ---------------------------------------------------------------- exact select over memory
// f(key, idx, valid) for every visible logit of the row, warp-uniform trip counts.
template <typename F>
__device__ __forceinline__ void for_each_global(const Row& g, F&& f) {
  const int tid = threadIdx.x;
  {
    const bool v = tid < g.head;
    f(v ? dsak::float_key(g.p[tid]) : 0u, tid, v);
  }
  const float4* body = reinterpret_cast<const float4*>(g.p + g.head);
  const int nv = g.body / 4;
  for (int st = 0; st < (nv + THREADS - 1) / THREADS; st++) {
    const int i = st * THREADS + tid;
    const bool v = i < nv;
    const float4 x = v ? __ldcg(body + i) : make_float4(0.f, 0.f, 0.f, 0.f);
    const int b = g.head + 4 * i;
    f(dsak::float_key(x.x), b, v);
    f(dsak::float_key(x.y), b + 1, v);
    f(dsak::float_key(x.z), b + 2, v);
    f(dsak::float_key(x.w), b + 3, v);
  }
  {
    const int i = g.head + g.body + tid;
    const bool v = i < g.vis && tid < 4;
    f(v ? dsak::float_key(g.p[i]) : 0u, i, v);
  }
}

// The exact radix select over the row in memory: 11/11/10-bit digits; the first digit's threshold
// bin kept in smem when it fits (then the last two digits read smem, not the row).
__device__ void radix_global(Smem& s, const Row& g, int k) {
  const int tid = threadIdx.x;
  int* out = g.out;
  zero_hist(s);
  if (tid == 0) {
    s.outCount = 0;
    s.candCount = 0;
    s.eqTaken = 0;
  }
  __syncthreads();
  for_each_global(g, [&](uint32_t key, int, bool v) {
    if (v) atomicAdd(&s.hist[key >> 21], 1);
  });
  __syncthreads();
  select_bin(s, 2048, k);
  const uint32_t b0 = s.selBin;
  int kRem = k - s.selAbove;
  const int eq0 = s.selEq;
  const bool takeAll0 = eq0 == kRem;
  const bool inSmem = !takeAll0 && eq0 <= CAP;
  zero_hist(s);
  __syncthreads();
  for_each_global(g, [&](uint32_t key, int idx, bool v) {
    const uint32_t d = key >> 21;
    const bool eq = v && d == b0;
    emit(v && (d > b0 || (eq && takeAll0)), idx, &s.outCount, out);
    if (eq && !takeAll0) atomicAdd(&s.hist[(key >> 10) & 2047], 1);
    if (inSmem) keep(s, eq, key, idx);
  });
  __syncthreads();
  if (takeAll0) return;
  select_bin(s, 2048, kRem);
  const uint32_t b1 = s.selBin;
  kRem -= s.selAbove;
  const bool takeAll1 = s.selEq == kRem;
  zero_hist(s);
  __syncthreads();
  auto pass3 = [&](uint32_t key, int idx, bool v) {
    const bool in = v && (key >> 21) == b0;
    const uint32_t d = (key >> 10) & 2047;
    const bool eq = in && d == b1;
    emit(in && (d > b1 || (eq && takeAll1)), idx, &s.outCount, out);
    if (eq && !takeAll1) atomicAdd(&s.hist[key & 1023], 1);
  };
  const int nc = s.candCount;
  if (inSmem)
    for_each_cand(s, nc, pass3);
  else
    for_each_global(g, pass3);
  __syncthreads();
  if (takeAll1) return;
  select_bin(s, 1024, kRem);
  const uint32_t b2 = s.selBin;
  const int kLast = kRem - s.selAbove;
  const uint32_t hi = (b0 << 11) | b1;
  auto pass4 = [&](uint32_t key, int idx, bool v) {
    const bool in = v && (key >> 10) == hi;
    const uint32_t d = key & 1023;
    emit(in && d > b2, idx, &s.outCount, out);
    if (in && d == b2 && atomicAdd(&s.eqTaken, 1) < kLast) out[atomicAdd(&s.outCount, 1)] = idx;
  };
  if (inSmem)
    for_each_cand(s, nc, pass4);
  else
    for_each_global(g, pass4);
}

// The kernel: rows blockIdx.x, + gridDim.x, ... of [rows, P] logits; indices [rows, k]. STOP
// (diagnostics of the round's driver; 0 in the shipped kernel): 1 ends each row after its filter
// (no select; thread 0 stores the candidate count to out[0]), 2 only streams (slots waited for and
// refilled, one logit per thread read, no threshold: thread 0 stores the row max to out[0]).
template <int PF, int STOP = 0>
__device__ __forceinline__ void prefill_body(const float* __restrict__ logits,
                                             int* __restrict__ indices, int rows, int T, int P,
                                             int k) {
  extern __shared__ __align__(128) uint8_t dyn[];
  Smem& s = *reinterpret_cast<Smem*>(dyn);
  const int tid = threadIdx.x, lane = tid & 31;
  Issuer is{{(int)blockIdx.x, 0}, {(int)blockIdx.x, 0}, 0u, (int)blockIdx.x};
  if (tid == 0) {
    for (int i = 0; i < STAGES; i++) dsa::sm90::mbar_init(dsak::smem_u32(&s.full[i]), 1);
    dsa::sm90::mbar_init(dsak::smem_u32(&s.sampleFull), 1);
    dsa::sm90::mbar_init_fence();
    // The prefetch cursor starts STAGES + PF chunks in (the first STAGES are copied into the ring
    // now, the next PF prefetched here).
    for (int i = 0; PF > 0 && i < STAGES + PF; i++) {
      const float* src;
      int n;
      if (!next_chunk(is.pf, logits, indices, rows, T, P, k, src, n)) break;
      if (i >= STAGES) prefetch_l2(src, n * 4);
    }
    for (int i = 0; i < STAGES; i++) issue_chunk<PF>(s, is, logits, indices, rows, T, P, k);
    issue_sample(s, is, logits, indices, rows, T, P, k);
  }
  __syncthreads();
  uint32_t qc = 0, uc = 0;  // slots and samples consumed
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const Row g = row_of(logits, indices, r, T, P, k);
    if (g.mode == ALL) {
      for (int i = tid; i < k; i += THREADS) g.out[i] = i < g.vis ? i : -1;
      continue;
    }
    if (g.mode == GLOBAL) {
      radix_global(s, g, k);
      __syncthreads();
      continue;
    }
    uint32_t tau = 0;
    if (g.mode == SAMPLED) {
      const int target = (k + CAP) / 2;
      const int rr = (int)min((long)SAMPLE, max(1L, ((long)SAMPLE * target + g.vis - 1) / g.vis));
      dsa::sm90::mbar_wait(dsak::smem_u32(&s.sampleFull), uc & 1);
      uc++;
      if constexpr (STOP == 2) {
        __syncthreads();  // everyone is past the wait: the sample buffer may be refilled
      } else {
        tau = sample_threshold(s, rr);  // ends with a barrier: the sample buffer is free
      }
      if (tid == 0) issue_sample(s, is, logits, indices, rows, T, P, k);
    }
    if (tid == 0) {
      s.candCount = 0;
      s.maxKey = 0;
      s.outCount = 0;
      s.eqTaken = 0;
    }
    __syncthreads();
    uint32_t mx = 0;
    {  // the scalar head and tail
      const bool vh = tid < g.head;
      const uint32_t kh = vh ? dsak::float_key(g.p[tid]) : 0u;
      keep(s, vh && kh >= tau, kh, tid);
      if (vh) mx = max(mx, kh);
      const int it = g.head + g.body + tid;
      const bool vt = tid < 4 && it < g.vis;
      const uint32_t kt = vt ? dsak::float_key(g.p[it]) : 0u;
      keep(s, vt && kt >= tau, kt, it);
      if (vt) mx = max(mx, kt);
    }
    for (int c = 0; c < g.nch; c++, qc++) {
      const int slot = qc % STAGES;
      dsa::sm90::mbar_wait(dsak::smem_u32(&s.full[slot]), (qc / STAGES) & 1);
      if constexpr (STOP == 2) {
        mx = max(mx, dsak::float_key(s.ring[slot][tid]));
      } else {
        filter_slot(s, s.ring[slot], min(CHUNK, g.body - c * CHUNK), g.head + c * CHUNK, tau, mx);
      }
      __syncthreads();  // every thread is done with the slot: refill it
      if (tid == 0) {
        // The slot's generic-proxy reads above come before the bulk copy's async-proxy writes.
        asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
        issue_chunk<PF>(s, is, logits, indices, rows, T, P, k);
      }
    }
    mx = __reduce_max_sync(0xffffffffu, mx);
    if (lane == 0) atomicMax(&s.maxKey, mx);
    __syncthreads();
    const int n = s.candCount;
    if constexpr (STOP != 0) {
      if (tid == 0) g.out[0] = STOP == 1 ? n : (int)s.maxKey;
      __syncthreads();
      continue;
    }
    if (n >= k && n <= CAP) {
      select_cands(s, n, k, tau, g.out);
    } else {
      __syncthreads();
      radix_global(s, g, k);
    }
    __syncthreads();
  }
}

}  // namespace ptopk

// grid = min(rows, dsa_topk_prefill_ctas_per_sm * SMs), block = dsa_topk_prefill_threads (512),
// dynamic shared memory = dsa_topk_prefill_smem; indices [rows, k]; rows = batch * T.
extern "C" __global__ void __launch_bounds__(ptopk::THREADS, ptopk::CTAS_PER_SM)
    dsa_topk_prefill(const float* __restrict__ logits, int* __restrict__ indices, int rows, int T,
                     int P, int k) {
  ptopk::prefill_body<ptopk::PREFETCH_CHUNKS>(logits, indices, rows, T, P, k);
}

// Launch constants, read by CudaDsaOps at load.
extern "C" __device__ const int dsa_topk_prefill_smem = (int)sizeof(ptopk::Smem);
extern "C" __device__ const int dsa_topk_prefill_threads = ptopk::THREADS;
extern "C" __device__ const int dsa_topk_prefill_ctas_per_sm = ptopk::CTAS_PER_SM;
