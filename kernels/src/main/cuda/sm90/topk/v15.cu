// Causal top-k, candidate v15 (issue 16, prefill rows): v13 (sm90/topk/v13.cu) rebuilt on
// template knobs so that a row takes fewer threads and less shared memory, and more rows stay
// resident per SM. Semantics as dsa_topk.cu: the k largest visible keys of each row, -1 padded,
// order unspecified.
//
// Why: at 4096 rows x 32K, v13 (3 rows per SM at ~74 KB) spends ~50 us of its ~254 in the
// per-row select and another ~80 us of filter + threshold past a plain read of the same bytes:
// while one row runs its barrier-bound phases (sample round trip, threshold, select), only the
// other two rows of its SM stream. Round p12 showed that a row's fixed work does not hide under
// its own stream, so the lever is more rows per SM, each with the same bytes in flight per SM:
// - NT threads per row (256 or 128 instead of 512) and CAP candidates (4096 instead of 8192: 32 KB
//   of (key, index) pairs) with NB histogram bins (2048 or 1024): ~40 KB -> 5 rows per SM, ~37 KB
//   -> 6; more 16-byte loads per thread in the filter (NLD) keep the bytes in flight per SM.
// - With CAP = 2k the sample aims at (k + CAP) / 2 passing keys (the middle of the [k, CAP] band
//   where the filter's candidates are usable) instead of 2k, and (EXACT) the threshold is the
//   sample's r-th largest key itself, ranked within the window histogram's bin, instead of that
//   bin's lower edge: a 16-bit bin holds ~1/128 of the value, up to several hundred keys of a long
//   row, which a band of 1024 either side cannot absorb.
// - The select ranks a threshold bin of at most RANK_MAX keys directly as v13 does; its histogram
//   digits are log2(NB) bits. The exact select over the row in memory (short rows, rows the sample
//   misjudged) is a radix loop of log2(NB)-bit digits that moves to the candidate select as soon
//   as the remaining bin fits in CAP.
#include "topk_v10.cuh"  // TOPK_PHASE_END, prefetch_row_l2, dsak::float_key (nothing else used)

namespace topk15 {

// Threshold bins of at most this many keys are finished by direct ranking (listed in hist).
constexpr int RANK_MAX = 256;
constexpr int CHUNK = 128;     // sample chunk: contiguous keys
constexpr int MIN_ROW = 8192;  // rows at least this long take the sampled path

template <int NT_, int CAP_, int NB_>
struct Smem {
  static constexpr int NT = NT_, CAP = CAP_, NB = NB_, NW = NT / 32;
  static constexpr int DB = NB == 2048 ? 11 : NB == 1024 ? 10 : 9;  // histogram digit bits
  static_assert(NB == (1 << DB) && NB % NT == 0 && NB >= 2 * RANK_MAX, "histogram layout");
  static_assert(NW <= 32 && NT % 32 == 0, "warp layout");
  int hist[NB];
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
  int listCount;
  uint32_t exactTau;
};

extern __shared__ __align__(16) uint8_t dyn15[];

// The row's shared storage (dynamic shared memory): a 32-bit shared address, not a generic pointer
// passed along, which is what keeps the out-of-line functions within the register budget.
template <class S>
__device__ __forceinline__ S& smem() {
  return *reinterpret_cast<S*>(dyn15);
}

// Finds B with count(bins > B) < kRem <= count(bins >= B) over hist[0..NB); writes B, the count
// above it and hist[B] (selBin is left alone when the bins hold fewer than kRem). Every thread
// must call it; it ends with a barrier.
template <class S>
__device__ __forceinline__ void select_bin(S& s, int kRem) {
  constexpr int PER = S::NB / S::NT;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  // A thread's PER bins are read twice (sum, then the walk) rather than held in PER registers:
  // hist does not change before the closing barrier.
  const int* mybins = s.hist + S::NB - PER * (tid + 1);  // its bins, top-down = index-descending
  int mine = 0;
#pragma unroll
  for (int j = 0; j < PER; j++) mine += mybins[j];
  int incl = mine;
#pragma unroll
  for (int o = 1; o < 32; o <<= 1) {
    const int v = __shfl_up_sync(0xffffffffu, incl, o);
    if (lane >= o) incl += v;
  }
  if (lane == 31) s.warpSums[warp] = incl;
  __syncthreads();
  // Every warp scans the NW warp totals itself (NW <= 16): no second barrier for a broadcast.
  const int wv = lane < S::NW ? s.warpSums[lane] : 0;
  int wi = wv;
#pragma unroll
  for (int o = 1; o < S::NW; o <<= 1) {
    const int u = __shfl_up_sync(0xffffffffu, wi, o);
    if (lane >= o) wi += u;
  }
  int above = __shfl_sync(0xffffffffu, wi - wv, warp) + incl - mine;
#pragma unroll
  for (int j = PER - 1; j >= 0; j--) {
    const int c = mybins[j];
    if (above < kRem && above + c >= kRem) {
      s.selBin = S::NB - PER * (tid + 1) + j;
      s.selAbove = above;
      s.selEq = c;
    }
    above += c;
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

// Calls f(key, idx, valid) for every element of row[0..n), in warp-uniform trip counts (f may use
// full-warp collectives), 16-byte loads where aligned, two per thread per step.
template <int NT, typename F>
__device__ __forceinline__ void for_each_global(const float* __restrict__ row, int n, F&& f) {
  const int tid = threadIdx.x;
  const int head = min(n, (int)((16 - ((uintptr_t)row & 15)) & 15) / 4);
  {
    const bool v = tid < head;
    f(v ? dsak::float_key(row[tid]) : 0u, tid, v);
  }
  const float4* body = reinterpret_cast<const float4*>(row + head);
  const int nv = (n - head) / 4;
  const int steps = (nv + 2 * NT - 1) / (2 * NT);
  for (int st = 0; st < steps; st++) {
    const int i0 = st * 2 * NT + tid, i1 = i0 + NT;
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

// Emits the kRem largest of the listCount candidates listed (positions) in hist[0..RANK_MAX): a
// listed key's rank is the number of listed keys greater than it, or equal and listed before it.
template <class S>
__device__ __noinline__ void rank_list(int kRem, int* __restrict__ out) {
  S& s = smem<S>();
  const int tid = threadIdx.x;
  const int* listPos = s.hist;
  uint32_t* listKey = reinterpret_cast<uint32_t*>(s.hist + RANK_MAX);
  __syncthreads();
  const int m = s.listCount;
  for (int j = tid; j < m; j += S::NT) listKey[j] = s.candKey[listPos[j]];
  __syncthreads();
  const int mw = (m + 31) & ~31;
  for (int base = 0; base < mw; base += S::NT) {
    const int me = base + tid;
    if (me < mw) {  // whole warps: emit's ballot
      const bool mine = me < m;
      const uint32_t key = mine ? listKey[me] : 0u;
      int r = 0;
      for (int j = 0; j < m; j++) {
        const uint32_t kj = listKey[j];
        r += (kj > key) || (kj == key && j < me);
      }
      emit(mine && r < kRem, mine ? s.candIdx[listPos[me]] : 0, &s.outCount, out);
    }
  }
}

// Emits the kk largest of the n (key, index) candidates in smem, all >= tau and <= maxKey: radix
// on key - tau from the top bit of maxKey - tau in digits of up to DB bits; after a level whose
// threshold bin holds at most RANK_MAX keys, those are listed (in hist) and ranked directly (a
// strict order: greater, or equal and listed first), so exactly kRem are emitted.
template <class S>
__device__ __noinline__ void select_cands(int n, int kk, uint32_t tau, uint32_t maxKey,
                                          int* __restrict__ out) {
  S& s = smem<S>();
  constexpr int NT = S::NT, DB = S::DB;
  const int tid = threadIdx.x;
  int* listPos = s.hist;
  const uint32_t range = maxKey - tau;
  const int width = range == 0 ? 0 : 32 - __clz(range);
  int hi = width;
  uint32_t prefix = 0;
  int kRem = kk;
  while (hi > 0) {
    const int sh = max(0, hi - DB);
    const uint32_t mask = (1u << (hi - sh)) - 1;
    const bool first = hi == width;
    auto match = [&](uint32_t rel) { return first || (rel >> hi) == prefix; };
    for (int i = tid; i < S::NB; i += NT) s.hist[i] = 0;
    if (tid == 0) s.listCount = 0;
    __syncthreads();
    for (int i = tid; i < n; i += NT) {
      const uint32_t rel = s.candKey[i] - tau;
      if (match(rel)) atomicAdd(&s.hist[(rel >> sh) & mask], 1);
    }
    __syncthreads();
    select_bin(s, kRem);  // hist is free from here
    const uint32_t B = s.selBin;
    const int above = s.selAbove;
    const bool takeAll = s.selEq == kRem - above;
    const bool rank = !takeAll && s.selEq <= RANK_MAX;  // block-uniform
    const int steps = (n + NT - 1) / NT;
    if (rank) {  // emit the keys above B, list the positions of B's keys
      for (int st = 0; st < steps; st++) {
        const int i = st * NT + tid;
        const bool v = i < n;
        const uint32_t rel = (v ? s.candKey[i] : tau) - tau;
        const bool m = v && match(rel);
        const uint32_t d = (rel >> sh) & mask;
        emit(m && d > B, v ? s.candIdx[i] : 0, &s.outCount, out);
        emit(m && d == B, i, &s.listCount, listPos);
      }
    } else {
      for (int st = 0; st < steps; st++) {
        const int i = st * NT + tid;
        const bool v = i < n;
        const uint32_t rel = (v ? s.candKey[i] : tau) - tau;
        const uint32_t d = (rel >> sh) & mask;
        emit(v && match(rel) && (d > B || (takeAll && d == B)), v ? s.candIdx[i] : 0, &s.outCount,
             out);
      }
    }
    kRem -= above;
    if (takeAll) return;
    if (rank) {
      rank_list<S>(kRem, out);
      return;
    }
    prefix = first ? B : ((prefix << (hi - sh)) | B);
    hi = sh;
    __syncthreads();
  }
  for (int i = tid; i < n; i += NT) {
    if (s.candKey[i] - tau == prefix && atomicAdd(&s.eqTaken, 1) < kRem) {
      out[atomicAdd(&s.outCount, 1)] = s.candIdx[i];
    }
  }
}

// The exact select over the row in global memory: DB-bit digits from the top; one read builds a
// level's histogram, the next emits the keys above its threshold bin and, when that bin holds at
// most CAP keys, keeps them in smem for select_cands (usually after the first level: two reads).
template <class S>
__device__ __noinline__ void radix_global(const float* __restrict__ row, int vis, int k,
                                          int* __restrict__ out) {
  S& s = smem<S>();
  constexpr int NT = S::NT, DB = S::DB;
  const int tid = threadIdx.x, lane = tid & 31;
  int hi = 32, kRem = k;
  uint32_t prefix = 0;
  while (true) {
    const int sh = max(0, hi - DB);
    const uint32_t mask = (1u << (hi - sh)) - 1;
    const bool first = hi == 32;
    const uint32_t pre = prefix;
    const int h = hi;
    auto match = [first, pre, h](uint32_t key) { return first || (key >> h) == pre; };
    for (int i = tid; i < S::NB; i += NT) s.hist[i] = 0;
    if (tid == 0) s.candCount = 0;
    __syncthreads();
    for_each_global<NT>(row, vis, [&](uint32_t key, int, bool v) {
      if (v && match(key)) atomicAdd(&s.hist[(key >> sh) & mask], 1);
    });
    __syncthreads();
    select_bin(s, kRem);
    const uint32_t B = s.selBin;
    const int above = s.selAbove, eq = s.selEq;
    const bool takeAll = eq == kRem - above;
    const bool keep = !takeAll && sh > 0 && eq <= S::CAP;  // block-uniform
    for_each_global<NT>(row, vis, [&](uint32_t key, int idx, bool v) {
      const bool m = v && match(key);
      const uint32_t d = (key >> sh) & mask;
      emit(m && (d > B || (takeAll && d == B)), idx, &s.outCount, out);
      if (keep) {
        const bool in = m && d == B;
        const unsigned ball = __ballot_sync(0xffffffffu, in);
        if (ball) {
          const int leader = __ffs(ball) - 1;
          int base = 0;
          if (lane == leader) base = atomicAdd(&s.candCount, __popc(ball));
          base = __shfl_sync(0xffffffffu, base, leader);
          if (in) {
            const int p = base + __popc(ball & ((1u << lane) - 1));
            s.candKey[p] = key;
            s.candIdx[p] = idx;
          }
        }
      }
    });
    kRem -= above;
    if (takeAll) return;
    prefix = first ? B : ((prefix << (hi - sh)) | B);
    hi = sh;
    __syncthreads();
    if (keep) {  // the bin's eq keys are in smem, all in [prefix << hi, (prefix + 1) << hi)
      const uint32_t lo = prefix << hi;
      select_cands<S>(eq, kRem, lo, lo | ((1u << hi) - 1), out);
      return;
    }
    if (hi == 0) break;
  }
  // Every key left equals prefix: take kRem of them.
  for_each_global<NT>(row, vis, [&](uint32_t key, int idx, bool v) {
    if (v && key == prefix && atomicAdd(&s.eqTaken, 1) < kRem) {
      out[atomicAdd(&s.outCount, 1)] = idx;
    }
  });
}

// Top 2*DB bits of (a lower bound of) the r-th largest of the n keys in candKey.
template <class S>
__device__ uint32_t cand_threshold(S& s, int n, int r) {
  constexpr int NT = S::NT, DB = S::DB;
  const int tid = threadIdx.x;
  for (int i = tid; i < S::NB; i += NT) s.hist[i] = 0;
  __syncthreads();
  for (int i = tid; i < n; i += NT) atomicAdd(&s.hist[s.candKey[i] >> (32 - DB)], 1);
  __syncthreads();
  select_bin(s, r);
  const uint32_t b0 = s.selBin;
  const int r1 = r - s.selAbove;
  for (int i = tid; i < S::NB; i += NT) s.hist[i] = 0;
  __syncthreads();
  for (int i = tid; i < n; i += NT) {
    const uint32_t key = s.candKey[i];
    if ((key >> (32 - DB)) == b0) atomicAdd(&s.hist[(key >> (32 - 2 * DB)) & (S::NB - 1)], 1);
  }
  __syncthreads();
  select_bin(s, r1);
  return (b0 << (32 - DB)) | ((uint32_t)s.selBin << (32 - 2 * DB));
}

// The r-th largest of the n sample keys in candKey from ONE histogram of 16-bit values in the NB
// just below mx16 (the keys' largest upper half). Returns 0 when fewer than r keys lie in the
// window (the caller takes cand_threshold). EXACT: the r-th largest key itself, ranked among the
// sample keys of its bin (when that bin holds at most RANK_MAX; its lower edge otherwise); else the
// bin's lower edge. Either way at least r sample keys are >= the result. hist must be zero on
// entry.
template <bool EXACT, class S>
__device__ uint32_t window_threshold(S& s, int n, int r, uint32_t mx16) {
  constexpr int NT = S::NT;
  const int tid = threadIdx.x;
  const uint32_t wlo = mx16 >= (uint32_t)(S::NB - 1) ? mx16 - (S::NB - 1) : 0u;
  if (tid == 0) {
    s.selBin = -1;  // select_bin leaves it when the window holds fewer than r
    s.listCount = 0;
  }
  for (int i = tid; i < n; i += NT) {
    const uint32_t k16 = s.candKey[i] >> 16;
    if (k16 >= wlo) atomicAdd(&s.hist[k16 - wlo], 1);
  }
  __syncthreads();
  select_bin(s, r);
  if (s.selBin < 0) return 0u;
  const uint32_t b16 = wlo + (uint32_t)s.selBin;
  if (!EXACT || s.selEq > RANK_MAX) return b16 << 16;
  // List the bin's sample keys (hist is free), then the one whose strict rank is r - above - 1.
  const int rr = r - s.selAbove;  // 1 <= rr <= selEq
  uint32_t* list = reinterpret_cast<uint32_t*>(s.hist);
  const int steps = (n + NT - 1) / NT;
  for (int st = 0; st < steps; st++) {
    const int i = st * NT + tid;
    const uint32_t key = i < n ? s.candKey[i] : 0u;
    const bool in = i < n && (key >> 16) == b16;
    const unsigned ball = __ballot_sync(0xffffffffu, in);
    if (ball) {
      const int lane = tid & 31, leader = __ffs(ball) - 1;
      int base = 0;
      if (lane == leader) base = atomicAdd(&s.listCount, __popc(ball));
      base = __shfl_sync(0xffffffffu, base, leader);
      if (in) list[base + __popc(ball & ((1u << lane) - 1))] = key;
    }
  }
  __syncthreads();
  const int m = s.listCount;
  for (int me = tid; me < m; me += NT) {
    const uint32_t key = list[me];
    int rk = 0;
    for (int j = 0; j < m; j++) {
      const uint32_t kj = list[j];
      rk += (kj > key) || (kj == key && j < me);
    }
    if (rk == rr - 1) s.exactTau = key;
  }
  __syncthreads();
  return s.exactTau;  // >= b16 << 16 > 0
}

// SCH spread chunks of CHUNK keys into candKey, loaded before thread 0's L2 prefetch of the row's
// first PF0_KB; returns this thread's largest sample key.
template <class S, int SCH, int PF0_KB>
__device__ __forceinline__ uint32_t load_sample(S& s, const float* __restrict__ row, int vis) {
  const int tid = threadIdx.x;
  constexpr int SAMPLE = SCH * CHUNK;
  constexpr int PER = SAMPLE / S::NT, TPC = CHUNK / PER;
  static_assert(PER * S::NT == SAMPLE && TPC * PER == CHUNK, "sample layout");
  const int c = tid / TPC, e = (tid % TPC) * PER;
  const long start = (long)c * (vis - CHUNK) / (SCH - 1);
  float x[PER];
#pragma unroll
  for (int j = 0; j < PER; j++) x[j] = __ldcs(row + start + e + j);
  if (PF0_KB > 0 && tid == 0) prefetch_row_l2(row, 0, min((long)vis, PF0_KB * 256L));
  uint32_t mx = 0;
#pragma unroll
  for (int j = 0; j < PER; j++) {
    const uint32_t key = dsak::float_key(x[j]);
    s.candKey[tid * PER + j] = key;
    mx = max(mx, key);
  }
  return mx;
}

// v10's filter pass at NT threads and NLD 16-byte loads per thread per step: keeps every key >= tau
// of row[0..vis) in smem (the first CAP), counts them in candCount, leaves the largest visible key
// in maxKey (callers zero both); thread 0 keeps the L2 prefetch PFA_KB ahead of the step read.
template <class S, int NLD, int PF0_KB, int PFA_KB>
__device__ __forceinline__ void filter_pass(S& s, const float* __restrict__ row, int vis,
                                            uint32_t tau) {
  constexpr int NT = S::NT;
  static_assert(NLD % 2 == 0, "the ballots go 8 elements (two loads) at a time");
  const int tid = threadIdx.x, lane = tid & 31;
  const unsigned lt = (1u << lane) - 1;
  uint32_t mx = 0;
  auto one = [&](uint32_t key, int idx, bool v) {
    const bool pred = v && key >= tau;
    const unsigned ball = __ballot_sync(0xffffffffu, pred);
    if (ball) {
      const int leader = __ffs(ball) - 1;
      int base = 0;
      if (lane == leader) base = atomicAdd(&s.candCount, __popc(ball));
      base = __shfl_sync(0xffffffffu, base, leader);
      const int p = base + __popc(ball & lt);
      if (pred && p < S::CAP) {
        s.candKey[p] = key;
        s.candIdx[p] = idx;
      }
    }
    if (v) mx = max(mx, key);
  };
  const int head = min(vis, (int)((16 - ((uintptr_t)row & 15)) & 15) / 4);
  {
    const bool v = tid < head;
    one(v ? dsak::float_key(row[tid]) : 0u, tid, v);
  }
  const float4* body = reinterpret_cast<const float4*>(row + head);
  const int nv = (vis - head) / 4;
  constexpr int STEP = NLD * NT;  // float4s per step
  const int steps = (nv + STEP - 1) / STEP;
  int pfDone = PF0_KB * 256;  // floats of the row already prefetched (thread 0's view)
  for (int st = 0; st < steps; st++) {
    if (PFA_KB > 0 && tid == 0) {
      const int hi = min(vis, head + (st + 1) * STEP * 4 + PFA_KB * 256);
      if (hi > pfDone) {
        prefetch_row_l2(row, pfDone, hi);
        pfDone = hi;
      }
    }
    float4 x[NLD];
    bool vv[NLD];
#pragma unroll
    for (int j = 0; j < NLD; j++) {
      const int i = st * STEP + j * NT + tid;
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
            if (p < S::CAP) {
              const float f = (e & 3) == 0   ? x[j].x
                              : (e & 3) == 1 ? x[j].y
                              : (e & 3) == 2 ? x[j].z
                                             : x[j].w;
              s.candKey[p] = dsak::float_key(f);
              s.candIdx[p] = head + (st * STEP + j * NT + tid) * 4 + (e & 3);
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

// The knobs of one variant.
template <int NT_, int CAP_, int NB_, int SCH_, int NLD_, int PF0_, int PFA_, bool EXACT_>
struct Cfg {
  static constexpr int NT = NT_, CAP = CAP_, NB = NB_, SCH = SCH_, NLD = NLD_, PF0 = PF0_,
                       PFA = PFA_;
  static constexpr bool EXACT = EXACT_;
  using Sm = Smem<NT, CAP, NB>;
};

// Sample, threshold, filter, select. Returns false (nothing emitted) when fewer than k or more
// than CAP keys passed the threshold.
template <class C>
__device__ bool sampled_select(typename C::Sm& s, const float* __restrict__ row, int vis, int k,
                               int* __restrict__ out) {
  constexpr int NT = C::NT;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  constexpr int SAMPLE = C::SCH * CHUNK;
  // Aim at `want` passing keys: 2k as v10 where CAP leaves room, else the middle of [k, CAP].
  const long want = min(2L * k, ((long)k + C::CAP) / 2);
  const int r = (int)min((long)SAMPLE, max(1L, ((long)SAMPLE * want + vis - 1) / vis));
  for (int i = tid; i < C::NB; i += NT) s.hist[i] = 0;
  const uint32_t mx =
      __reduce_max_sync(0xffffffffu, load_sample<typename C::Sm, C::SCH, C::PF0>(s, row, vis));
  if (lane == 0) s.warpSums[warp] = (int)mx;
  __syncthreads();
  const uint32_t smax = __reduce_max_sync(0xffffffffu, (uint32_t)s.warpSums[lane % (NT / 32)]);
  TOPK_PHASE_END(1, smax, true);
  uint32_t tau = window_threshold<C::EXACT>(s, SAMPLE, r, smax >> 16);
  if (tau == 0) tau = cand_threshold(s, SAMPLE, r);
  TOPK_PHASE_END(2, tau, true);
  if (tid == 0) {
    s.candCount = 0;
    s.maxKey = 0;
  }
  __syncthreads();
  filter_pass<typename C::Sm, C::NLD, C::PF0, C::PFA>(s, row, vis, tau);
  __syncthreads();
  const int n = s.candCount;
  TOPK_PHASE_END(3, n, true);
  if (n < k || n > C::CAP) return false;
  select_cands<typename C::Sm>(n, k, tau, s.maxKey, out);
  return true;
}

template <class C>
__device__ __forceinline__ void body(const float* __restrict__ logits, int* __restrict__ indices,
                                     int T, int P, int k) {
  auto& s = smem<typename C::Sm>();
  const int r = blockIdx.x;
  const int t = r % T;
  const int vis = P - T + t + 1;
  const float* row = logits + (size_t)r * P;
  int* out = indices + (size_t)r * k;
  const int tid = threadIdx.x;
  if (vis <= k) {
    for (int i = tid; i < k; i += C::NT) out[i] = i < vis ? i : -1;
    return;
  }
  if (tid == 0) {
    s.outCount = 0;
    s.eqTaken = 0;
  }
  if (vis >= MIN_ROW && 2 * k <= C::CAP) {
    if (sampled_select<C>(s, row, vis, k, out)) return;
    __syncthreads();
  } else if (tid == 0) {
    prefetch_row_l2(row, 0, min((long)vis, 128 * 256L));  // as v10 on this path
  }
  radix_global<typename C::Sm>(row, vis, k, out);
}

// Rows per SM each variant is built for (__launch_bounds__' minimum): what its shared memory
// allows (228 KB per SM, 1 KB reserved per CTA).
template <class C>
constexpr int rows_per_sm() {
  return (int)(233472 / (sizeof(typename C::Sm) + 1024));
}

}  // namespace topk15

// The shipped knobs of v15: 128 threads, 4096 candidates, 1024 bins (~37 KB: 6 rows per SM),
// eight 16-byte loads per thread per filter step (6 x 128 x 8 x 16 B = 96 KB in flight per SM, as
// v13's 3 x 512 x 4 x 16), a 2048-key sample, the exact sample threshold, v13's prefetch (32 KB at
// the start, 64 KB ahead). ptopk14_bench.cu times the others.
using Topk15 = topk15::Cfg<128, 4096, 1024, 16, 8, 32, 64, true>;

// grid = rows (batch * T), block = dsa_topk_v15_threads, dynamic shared memory = dsa_topk_v15_smem;
// indices [rows, k].
extern "C" __global__ void __launch_bounds__(Topk15::NT, topk15::rows_per_sm<Topk15>())
    dsa_topk_v15(const float* __restrict__ logits, int* __restrict__ indices, int T, int P, int k) {
  topk15::body<Topk15>(logits, indices, T, P, k);
}

extern "C" __device__ const int dsa_topk_v15_smem = (int)sizeof(Topk15::Sm);
extern "C" __device__ const int dsa_topk_v15_threads = Topk15::NT;
