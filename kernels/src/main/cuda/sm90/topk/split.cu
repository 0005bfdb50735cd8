// Causal top-k of indexer logits with several CTAs per row ("split"), for the few long rows of
// decode (64-256 rows of 32K-128K logits: one CTA per row would leave most SMs idle) and as a
// candidate for prefill rows. Semantics as dsa_topk.cu: the k largest of each row among the keys
// its query sees (query t of a sequence sees keys 0 .. P - T + t), all of them padded with -1 when
// at most k are visible; output order unspecified; equal keys at the threshold first come, first
// served.
//
// grid = (ceil(P / SLICE), rows), 512 threads. CTA (s, r) owns keys [s*SLICE, (s+1)*SLICE) of
// row r's visible keys and reads them exactly once:
//   1. cp.async copies its slice into shared memory (all of it in flight at once);
//   2. meanwhile it computes the row's threshold tau from a 4096-logit sample spread over the row
//      (every CTA of the row computes the same tau: same data, same arithmetic), chosen so that
//      about 2k keys of the row pass it;
//   3. it counts its slice's keys >= tau, reserves room for them in the row's candidate list in
//      global memory with one atomicAdd, and writes them there, with one atomicMax of its largest
//      key;
//   4. the CTA that finishes the row last (a per-row counter) selects the k largest candidates
//      exactly (radix select on key - tau in shared memory) and resets the row's counters to zero
//      for the next launch.
// If the sample misjudged the row (fewer than k or more than CAPG candidates), the last CTA runs
// the exact radix select over the row in global memory instead. Rows shorter than MINROW are
// selected that way by one CTA.
//
// State (`state`, owned by the caller): per row r, at state + r * ROW_INTS, a header of 4 ints
// {done, count, maxKey, unused}, then CAPG candidate keys and CAPG candidate indices (scratch).
// Every header must be zero before the first launch (zero the whole buffer when allocating it);
// every launch leaves them zero. A row's place does not depend on the launch's row count, so a
// buffer allocated for more rows serves any launch with fewer: no row's scratch can overlap
// another row's header.
#include "dsa_common.cuh"

namespace {

constexpr int THREADS = 512;
constexpr int CAPG = 6144;   // candidates per row: about 2k expected (+5 sigma at 128K rows)
constexpr int MINROW = 8192;
constexpr int SAMPLE_CHUNKS = 32, SAMPLE_CHUNK = 128, SAMPLE = SAMPLE_CHUNKS * SAMPLE_CHUNK;
constexpr int PER = SAMPLE / THREADS;   // sample keys per thread
constexpr int ROW_INTS = 4 + 2 * CAPG;  // a row's header and candidate scratch in `state`

template <int SLICE>
struct SplitSmem {
  static constexpr int DATA = SLICE * 4 > CAPG * 8 ? SLICE * 4 : CAPG * 8;
  // The slice (steps 1-3), then the candidates of the final select (step 4) or of the fallback.
  union {
    float slice[SLICE];
    struct {
      uint32_t key[CAPG];
      int idx[CAPG];
    } cand;
    uint8_t bytes[DATA];
  } u;
  int hist[2048];
  int warpSums[32];
  int warpBase[32];
  int outCount, candCount, eqTaken, selBin, selAbove, selEq, last;
  uint32_t maxKey, base;
};

// The per-row header in `state`.
struct RowState {
  int done;
  int count;
  uint32_t maxKey;
  int unused;
};

// Finds B with count(bins > B) < kRem <= count(bins >= B) over hist[0..nbins); leaves B, the count
// above it and hist[B] in smem. Every thread must call it.
template <typename Sm>
__device__ void select_bin(Sm& s, int nbins, int kRem) {
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int per = nbins / THREADS;   // 2 or 4; thread t owns bins from the top down
  int local[4] = {0, 0, 0, 0};
  int mine = 0;
  for (int j = 0; j < per; j++) {
    local[j] = s.hist[nbins - 1 - (tid * per + j)];
    mine += local[j];
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
    if (lane < THREADS / 32) s.warpSums[lane] = wi - v;   // exclusive
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

// Appends idx to out[] for every lane with pred: one shared atomic per warp.
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

// f(key, idx, valid) for every element of row[0..n) in warp-uniform trip counts (f may use
// full-warp collectives), two 16-byte loads in flight per thread where aligned.
template <typename F>
__device__ __forceinline__ void for_each_global(const float* __restrict__ row, int n, F&& f) {
  const int tid = threadIdx.x;
  const int head = min(n, (int)((16 - ((uintptr_t)row & 15)) & 15) / 4);
  {
    const bool v = tid < head;
    f(v ? dsak::float_key(row[tid]) : 0u, tid, v);
  }
  const float4* body = reinterpret_cast<const float4*>(row + head);
  const int nv = (n - head) / 4;
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

template <typename Sm, typename F>
__device__ __forceinline__ void for_each_cand(const Sm& s, int n, F&& f) {
  const int steps = (n + THREADS - 1) / THREADS;
  for (int st = 0; st < steps; st++) {
    const int i = st * THREADS + threadIdx.x;
    const bool v = i < n;
    f(v ? s.u.cand.key[i] : 0u, v ? s.u.cand.idx[i] : 0, v);
  }
}

// Exact radix select over row[0..vis) in global memory (11/11/10-bit digits; two to four reads of
// the row, the threshold bin's keys kept in smem when they fit). outCount and eqTaken start at 0.
template <typename Sm>
__device__ void radix_global(Sm& s, const float* __restrict__ row, int vis, int k,
                             int* __restrict__ out) {
  const int tid = threadIdx.x;
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  if (tid == 0) s.candCount = 0;
  __syncthreads();
  for_each_global(row, vis, [&](uint32_t key, int, bool v) {
    if (v) atomicAdd(&s.hist[key >> 21], 1);
  });
  __syncthreads();
  select_bin(s, 2048, k);
  const uint32_t b0 = s.selBin;
  int kRem = k - s.selAbove;
  const int eq0 = s.selEq;
  const bool takeAll0 = eq0 == kRem;
  const bool inSmem = !takeAll0 && eq0 <= CAPG;
  __syncthreads();
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  __syncthreads();
  for_each_global(row, vis, [&](uint32_t key, int idx, bool v) {
    const uint32_t d = key >> 21;
    const bool eq = v && d == b0;
    emit(v && (d > b0 || (eq && takeAll0)), idx, &s.outCount, out);
    if (eq && !takeAll0) atomicAdd(&s.hist[(key >> 10) & 2047], 1);
    if (inSmem) {
      const unsigned ball = __ballot_sync(0xffffffffu, eq);
      if (ball) {
        const int lane = threadIdx.x & 31, leader = __ffs(ball) - 1;
        int base = 0;
        if (lane == leader) base = atomicAdd(&s.candCount, __popc(ball));
        base = __shfl_sync(0xffffffffu, base, leader);
        if (eq) {
          const int p = base + __popc(ball & ((1u << lane) - 1));
          s.u.cand.key[p] = key;
          s.u.cand.idx[p] = idx;
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
  const int kLast = kRem - s.selAbove;
  __syncthreads();
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

// Emits the kk largest of the n candidates in smem, all >= tau and <= s.maxKey: radix select on
// key - tau from the highest bit of maxKey - tau down, digits of up to 11 bits.
template <typename Sm>
__device__ void select_cands(Sm& s, int n, int kk, uint32_t tau, int* __restrict__ out) {
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
    for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
    __syncthreads();
    for (int i = tid; i < n; i += THREADS) {
      const uint32_t rel = s.u.cand.key[i] - tau;
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
  for (int i = tid; i < n; i += THREADS) {
    if (s.u.cand.key[i] - tau == prefix && atomicAdd(&s.eqTaken, 1) < kRem) {
      out[atomicAdd(&s.outCount, 1)] = s.u.cand.idx[i];
    }
  }
}

// Threshold with about r of the SAMPLE keys at or above it (22-bit precision), from the keys each
// thread holds in registers: two histograms (11 + 11 bits).
template <typename Sm>
__device__ uint32_t sample_threshold(Sm& s, const uint32_t (&key)[PER], int r) {
  const int tid = threadIdx.x;
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  __syncthreads();
#pragma unroll
  for (int j = 0; j < PER; j++) atomicAdd(&s.hist[key[j] >> 21], 1);
  __syncthreads();
  select_bin(s, 2048, r);
  const uint32_t b0 = s.selBin;
  const int r1 = r - s.selAbove;
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  __syncthreads();
#pragma unroll
  for (int j = 0; j < PER; j++) {
    if ((key[j] >> 21) == b0) atomicAdd(&s.hist[(key[j] >> 10) & 2047], 1);
  }
  __syncthreads();
  select_bin(s, 2048, r1);
  return (b0 << 21) | ((uint32_t)s.selBin << 10);
}

template <int SLICE>
__device__ __forceinline__ void topk_split(const float* __restrict__ logits, int* __restrict__ indices,
                                           int* __restrict__ state, int T, int P, int k) {
  using Sm = SplitSmem<SLICE>;
  extern __shared__ __align__(16) uint8_t dyn[];
  Sm& s = *reinterpret_cast<Sm*>(dyn);
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int r = blockIdx.y, sl = blockIdx.x;
  const int vis = P - T + r % T + 1;
  const float* row = logits + (size_t)r * P;
  int* out = indices + (size_t)r * k;
  const int lo = sl * SLICE;
  if (lo >= vis) return;
  const bool sampled = vis >= MINROW && 2 * k <= CAPG;
  if (!sampled) {
    if (sl != 0) return;
    if (vis <= k) {
      for (int i = tid; i < k; i += THREADS) out[i] = i < vis ? i : -1;
      return;
    }
    if (tid == 0) {
      s.outCount = 0;
      s.eqTaken = 0;
    }
    radix_global(s, row, vis, k, out);
    return;
  }
  int* rowState = state + (size_t)r * ROW_INTS;
  RowState* rs = reinterpret_cast<RowState*>(rowState);
  uint32_t* gKey = reinterpret_cast<uint32_t*>(rowState + 4);
  int* gIdx = rowState + 4 + CAPG;
  const int len = min(SLICE, vis - lo);
  const int nslices = (vis + SLICE - 1) / SLICE;

  // 1. The slice into smem: 16-byte copies when the slice starts 16-byte aligned, else 4-byte.
  {
    const float* src = row + lo;
    const uint32_t dst = dsak::smem_u32(s.u.slice);
    if (((uintptr_t)src & 15) == 0) {
      const int n16 = len / 4;
      for (int i = tid; i < n16; i += THREADS) dsak::cp_async_16(dst + 16 * i, src + 4 * i, 16);
      for (int i = 4 * n16 + tid; i < len; i += THREADS) {
        asm volatile("cp.async.ca.shared.global [%0], [%1], 4, 4;\n" ::"r"(dst + 4 * i), "l"(src + i));
      }
    } else {
      for (int i = tid; i < len; i += THREADS) {
        asm volatile("cp.async.ca.shared.global [%0], [%1], 4, 4;\n" ::"r"(dst + 4 * i), "l"(src + i));
      }
    }
    dsak::cp_async_commit();
  }

  // 2. The row's threshold from its sample (the same in every CTA of the row).
  uint32_t tau;
  {
    constexpr int TPC = SAMPLE_CHUNK / PER;
    const int c = tid / TPC, e = (tid % TPC) * PER;
    const long start = (long)c * (vis - SAMPLE_CHUNK) / (SAMPLE_CHUNKS - 1);
    uint32_t key[PER];
#pragma unroll
    for (int j = 0; j < PER; j++) key[j] = dsak::float_key(__ldg(row + start + e + j));
    const int rk = (int)min((long)SAMPLE, max(1L, ((long)SAMPLE * 2 * k + vis - 1) / vis));
    tau = sample_threshold(s, key, rk);
  }

  // 3. Count this slice's keys >= tau, reserve room in the row's list, write them.
  dsak::cp_async_wait<0>();
  __syncthreads();
  uint32_t mx = 0;
  int cnt = 0;
  for (int i = tid; i - tid < len; i += THREADS) {
    const bool v = i < len;
    const uint32_t key = v ? dsak::float_key(s.u.slice[i]) : 0u;
    cnt += __popc(__ballot_sync(0xffffffffu, v && key >= tau));
    mx = max(mx, key);
  }
  mx = __reduce_max_sync(0xffffffffu, mx);
  if (lane == 0) {
    s.warpSums[warp] = cnt;
    s.warpBase[warp] = (int)mx;
  }
  __syncthreads();
  if (warp == 0) {
    const int c = lane < THREADS / 32 ? s.warpSums[lane] : 0;
    const uint32_t m = lane < THREADS / 32 ? (uint32_t)s.warpBase[lane] : 0u;
    int incl = c;
#pragma unroll
    for (int o = 1; o < 32; o <<= 1) {
      const int v = __shfl_up_sync(0xffffffffu, incl, o);
      if (lane >= o) incl += v;
    }
    const int total = __shfl_sync(0xffffffffu, incl, 31);
    const uint32_t ctaMax = __reduce_max_sync(0xffffffffu, m);
    int base = 0;
    if (lane == 0) {
      base = total > 0 ? atomicAdd(&rs->count, total) : 0;
      atomicMax(&rs->maxKey, ctaMax);
    }
    base = __shfl_sync(0xffffffffu, base, 0);
    if (lane < THREADS / 32) s.warpBase[lane] = base + incl - c;
  }
  __syncthreads();
  {
    int pos = s.warpBase[warp];
    const unsigned lt = (1u << lane) - 1;
    for (int i = tid; i - tid < len; i += THREADS) {
      const bool v = i < len;
      const uint32_t key = v ? dsak::float_key(s.u.slice[i]) : 0u;
      const bool pred = v && key >= tau;
      const unsigned ball = __ballot_sync(0xffffffffu, pred);
      const int p = pos + __popc(ball & lt);
      if (pred && p < CAPG) {
        gKey[p] = key;
        gIdx[p] = lo + i;
      }
      pos += __popc(ball);
    }
  }

  // 4. The last CTA of the row selects. Every writer fences its candidate stores before the
  // CTA's arrival on the row counter; the last CTA reads them from L2 (ld.cg).
  __threadfence();
  __syncthreads();
  if (tid == 0) {
    s.last = atomicAdd(&rs->done, 1) == nslices - 1;
  }
  __syncthreads();
  if (!s.last) return;
  __threadfence();
  const int n = __ldcg(&rs->count);
  if (tid == 0) {
    s.outCount = 0;
    s.eqTaken = 0;
    s.maxKey = __ldcg(&rs->maxKey);
  }
  if (n >= k && n <= CAPG) {
    for (int i = tid; i < n; i += THREADS) {
      s.u.cand.key[i] = __ldcg(gKey + i);
      s.u.cand.idx[i] = __ldcg(gIdx + i);
    }
    __syncthreads();
    select_cands(s, n, k, tau, out);
  } else {
    __syncthreads();
    radix_global(s, row, vis, k, out);
  }
  if (tid == 0) {
    rs->count = 0;
    rs->maxKey = 0;
    rs->done = 0;
  }
}

}  // namespace

// grid = (ceil(P / SLICE), batch * T), block = dsa_topk_split_threads, dynamic shared memory =
// dsa_topk_split{8k,16k}_smem; state: int[rows * (4 + 2 * dsa_topk_split_cap)] for at least the
// launch's rows, all zero when allocated (each launch leaves the row headers zero).
#define DSA_TOPK_SPLIT(NAME, SLICE)                                                               \
  extern "C" __global__ void __launch_bounds__(THREADS, 3)                                        \
      dsa_topk_##NAME(const float* __restrict__ logits, int* __restrict__ indices,                \
                      int* __restrict__ state, int T, int P, int k) {                             \
    topk_split<SLICE>(logits, indices, state, T, P, k);                                            \
  }                                                                                               \
  extern "C" __device__ const int dsa_topk_##NAME##_smem = (int)sizeof(SplitSmem<SLICE>);         \
  extern "C" __device__ const int dsa_topk_##NAME##_slice = SLICE;
DSA_TOPK_SPLIT(split8k, 8192)
DSA_TOPK_SPLIT(split16k, 16384)

extern "C" __device__ const int dsa_topk_split_threads = THREADS;
extern "C" __device__ const int dsa_topk_split_cap = CAPG;
