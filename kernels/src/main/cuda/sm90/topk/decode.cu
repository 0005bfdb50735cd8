// Causal top-k for decode batches (issue 16, candidate v14): a row split over S independent CTAs.
// Semantics as dsa_topk.cu: the k largest visible keys of each row, -1 padded, order unspecified,
// equal keys at the very end taken first come, first served.
//
// Why: v10 keeps one CTA per row, and one CTA streams ~17 GB/s, so 128 decode rows of 128K take
// 42-46 us (the filter pass alone 29 us); spreading a row over a cluster (c12, round topk10) lost
// to its DSMEM histogram merges and ~9 cluster barriers. Here the S CTAs of a row never talk until
// the end:
//   1. every CTA loads the SAME deterministic 2048-key sample of the whole row (16 spread chunks of
//      128; after the first CTA they hit L2) and computes the SAME threshold tau from it (v11's
//      16-octave window histogram, v10's top-bit levels where the window holds too few): about
//      2k keys of the row pass, so no agreement step is needed; the L2 prefetch of the CTA's own
//      slice starts right after the sample loads are issued;
//   2. each CTA streams its contiguous slice once (two sets of NLD 16-byte loads, the next set in
//      flight while the current one is filtered) and keeps the keys >= tau in shared memory
//      (v10's warp-aggregated appends, one shared atomic per warp per 8 keys a lane);
//   3. one global atomicAdd per CTA reserves the slice's place in the row's candidate buffer, the
//      CTA copies its candidates there, and after a fence takes a ticket (atomicInc, which wraps to
//      0 on the last arrival: no reset needed); the CTA with the last ticket reads and zeroes the
//      row's count and maximum, loads the candidates into its shared memory and runs v10's exact
//      select_cands on them. When fewer than k or more than CAP keys passed (the sample misjudged
//      the row), it runs v10's exact radix select over the whole row instead (correct, slow, rare).
// Rows under V14_MIN_ROW keys or with 2k > CAP: one CTA runs v10's radix select over the row.
//
// Scratch (caller-allocated, ZEROED once before the first launch; every launch leaves it zero):
//   per row 4 uint32 (ticket, count, max key, unused), then per row CAP (key, index) pairs:
//   rows * dsa_topk_v14_scratch_row_bytes bytes. Launches on one stream never overlap, so one
//   scratch serves every call.
#include "topk_v10.cuh"

namespace {

constexpr int V14_SCH = 16;                         // sample chunks of SAMPLE_CHUNK keys
constexpr int V14_SAMPLE = V14_SCH * SAMPLE_CHUNK;  // 2048 keys, 4 per thread
constexpr int V14_MIN_ROW = 8192;                   // shorter rows: v10's radix select, one CTA
constexpr int V14_MIN_SLICE = 4096;                 // keys per slice at least (fewer slices if not)
constexpr int V14_CTAS_PER_SM = 2;                  // the launch bound below: rows * S <= 2 * SMs
constexpr int V14_MAX_SLICES = 16;
// Knobs of the stream (the round's driver times others): 16-byte loads per set (two sets in
// flight), KB of the slice prefetched into L2 at the start and kept ahead of the set being read.
constexpr int V14_NLD = 4, V14_PF0_KB = 32, V14_PFA_KB = 64;

struct Row14 {  // the row's counters in scratch
  unsigned ticket, count, maxKey, unused;
};

// The row's sample as keys in candKey[0 .. V14_SAMPLE); returns this thread's largest. Issued
// before thread 0's L2 prefetch of the slice so the sample's round trip does not queue behind it.
template <int PF0_KB>
__device__ __forceinline__ uint32_t load_sample14(TopkSmem& s, const float* __restrict__ row,
                                                  int vis, long pfLo, long pfHi) {
  const int tid = threadIdx.x;
  constexpr int PER = V14_SAMPLE / THREADS, TPC = SAMPLE_CHUNK / PER;
  static_assert(PER * THREADS == V14_SAMPLE && TPC * PER == SAMPLE_CHUNK, "sample layout");
  const int c = tid / TPC, e = (tid % TPC) * PER;
  const long start = (long)c * (vis - SAMPLE_CHUNK) / (V14_SCH - 1);
  float x[PER];
#pragma unroll
  for (int j = 0; j < PER; j++) x[j] = __ldcs(row + start + e + j);
  if (PF0_KB > 0 && tid == 0) prefetch_row_l2(row, pfLo, min(pfHi, pfLo + PF0_KB * 256L));
  uint32_t mx = 0;
#pragma unroll
  for (int j = 0; j < PER; j++) {
    const uint32_t key = dsak::float_key(x[j]);
    s.candKey[tid * PER + j] = key;
    mx = max(mx, key);
  }
  return mx;
}

// Appends the keys >= tau among 8 per lane (two float4) to candKey/candIdx: 8 ballots, one shared
// atomic per warp. idx0/idx1: the row index of each float4's first key; v0/v1: valid.
__device__ __forceinline__ void append8(TopkSmem& s, const float4& a, const float4& b, int idx0,
                                        int idx1, bool v0, bool v1, uint32_t tau, uint32_t& mx) {
  const int lane = threadIdx.x & 31;
  const unsigned lt = (1u << lane) - 1;
  const uint32_t key[8] = {dsak::float_key(a.x), dsak::float_key(a.y), dsak::float_key(a.z),
                           dsak::float_key(a.w), dsak::float_key(b.x), dsak::float_key(b.y),
                           dsak::float_key(b.z), dsak::float_key(b.w)};
  unsigned ball[8];
  int tot = 0;
#pragma unroll
  for (int e = 0; e < 8; e++) {
    const bool v = e < 4 ? v0 : v1;
    ball[e] = __ballot_sync(0xffffffffu, v && key[e] >= tau);
    tot += __popc(ball[e]);
    if (v) mx = max(mx, key[e]);
  }
  if (tot == 0) return;  // warp-uniform
  int base = 0;
  if (lane == 0) base = atomicAdd(&s.candCount, tot);
  base = __shfl_sync(0xffffffffu, base, 0);
#pragma unroll
  for (int e = 0; e < 8; e++) {
    if ((ball[e] >> lane) & 1u) {
      const int p = base + __popc(ball[e] & lt);
      if (p < CAP) {
        s.candKey[p] = key[e];
        s.candIdx[p] = (e < 4 ? idx0 : idx1) + (e & 3);
      }
    }
    base += __popc(ball[e]);
  }
}

// One key per thread (a slice's unaligned head or tail): keys >= tau appended, one atomic per warp.
__device__ __forceinline__ void append1(TopkSmem& s, uint32_t key, int idx, bool v, uint32_t tau,
                                        uint32_t& mx) {
  const int lane = threadIdx.x & 31;
  const bool pred = v && key >= tau;
  const unsigned ball = __ballot_sync(0xffffffffu, pred);
  if (ball) {
    int base = 0;
    if (lane == 0) base = atomicAdd(&s.candCount, __popc(ball));
    base = __shfl_sync(0xffffffffu, base, 0);
    const int p = base + __popc(ball & ((1u << lane) - 1));
    if (pred && p < CAP) {
      s.candKey[p] = key;
      s.candIdx[p] = idx;
    }
  }
  if (v) mx = max(mx, key);
}

// Streams the float4s [f0, f1) of body (= row + head) once, keeping keys >= tau in smem (count in
// candCount, possibly > CAP) and the slice's largest key in maxKey (callers zero both). Two sets
// of NLD loads: the next set is issued before the current one is filtered. Thread 0 keeps the L2
// prefetch PFA_KB past the set being read (row floats prefetched so far in pfDone).
template <int NLD, int PFA_KB>
__device__ __forceinline__ void stream_slice(TopkSmem& s, const float* __restrict__ row, int head,
                                             int f0, int f1, uint32_t tau, long pfDone,
                                             long pfEnd) {
  static_assert(NLD % 2 == 0, "append8 takes two loads");
  const int tid = threadIdx.x;
  const float4* body = reinterpret_cast<const float4*>(row + head);
  constexpr int SET = NLD * THREADS;  // float4s per set
  const int n4 = f1 - f0;
  const int sets = (n4 + SET - 1) / SET;
  uint32_t mx = 0;
  float4 x[NLD];
  auto load = [&](float4* dst, int set) {
#pragma unroll
    for (int j = 0; j < NLD; j++) {
      const int i = set * SET + j * THREADS + tid;
      dst[j] = i < n4 ? __ldcs(body + f0 + i) : make_float4(0.f, 0.f, 0.f, 0.f);
    }
  };
  if (sets > 0) load(x, 0);
  for (int st = 0; st < sets; st++) {
    float4 nx[NLD];
    if (st + 1 < sets) load(nx, st + 1);  // block-uniform
    if (PFA_KB > 0 && tid == 0) {
      const long hi = min(pfEnd, head + 4L * (f0 + (long)(st + 2) * SET) + PFA_KB * 256L);
      if (hi > pfDone) {
        prefetch_row_l2(row, pfDone, hi);
        pfDone = hi;
      }
    }
#pragma unroll
    for (int j = 0; j < NLD; j += 2) {
      const int i0 = st * SET + j * THREADS + tid, i1 = i0 + THREADS;
      append8(s, x[j], x[j + 1], head + 4 * (f0 + i0), head + 4 * (f0 + i1), i0 < n4, i1 < n4, tau,
              mx);
    }
    if (st + 1 < sets) {
#pragma unroll
      for (int j = 0; j < NLD; j++) x[j] = nx[j];
    }
  }
  const unsigned m = __reduce_max_sync(0xffffffffu, mx);
  if ((tid & 31) == 0 && m) atomicMax(&s.maxKey, m);
}

struct Shared14 {
  TopkSmem t;
  int base;    // this CTA's first slot in the row's candidate buffer
  int ticket;  // its arrival ticket (S - 1: the last, which selects)
};

template <int NLD, int PF0_KB, int PFA_KB>
__device__ __forceinline__ void topk14_body(const float* __restrict__ logits,
                                            int* __restrict__ indices, int T, int P, int k, int S,
                                            unsigned* __restrict__ scratch) {
  extern __shared__ __align__(16) uint8_t dyn14[];
  Shared14& S14 = *reinterpret_cast<Shared14*>(dyn14);
  TopkSmem& s = S14.t;
  const int r = blockIdx.x / S, j = blockIdx.x % S;
  const int rows = gridDim.x / S;
  const int t = r % T;
  const int vis = P - T + t + 1;
  const float* row = logits + (size_t)r * P;
  int* out = indices + (size_t)r * k;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  if (tid == 0) {
    s.outCount = 0;
    s.eqTaken = 0;
    s.candCount = 0;
    s.maxKey = 0;
  }
  if (vis <= k) {
    if (j == 0)
      for (int i = tid; i < k; i += THREADS) out[i] = i < vis ? i : -1;
    return;
  }
  if (vis < V14_MIN_ROW || 2 * k > CAP) {
    if (j != 0) return;
    if (tid == 0) prefetch_row_l2(row, 0, min((long)vis, PREFETCH_KB * 256L));
    radix_global(s, row, vis, k, out);  // v10's path for these rows
    return;
  }
  const int slices = min(S, vis / V14_MIN_SLICE);  // >= 1: vis >= 2 * V14_MIN_SLICE here
  if (j >= slices) return;
  // Slice j: float4s [f0, f1) of the row's 16-byte-aligned body; slice 0 also takes the unaligned
  // head, the last slice the tail.
  const int head = min(vis, (int)((16 - ((uintptr_t)row & 15)) & 15) / 4);
  const int nv = (vis - head) / 4;
  const int f0 = (int)((long)j * nv / slices), f1 = (int)((long)(j + 1) * nv / slices);
  const long lo = j == 0 ? 0 : head + 4L * f0;
  const long hi = j == slices - 1 ? vis : head + 4L * f1;

  // 1. The row's sample (the same for every slice), the slice's prefetch behind it.
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  const uint32_t mx = __reduce_max_sync(0xffffffffu, load_sample14<PF0_KB>(s, row, vis, lo, hi));
  if (lane == 0) s.warpSums[warp] = (int)mx;
  __syncthreads();
  const uint32_t smax = __reduce_max_sync(0xffffffffu, (uint32_t)s.warpSums[lane % (THREADS / 32)]);
  TOPK_PHASE_END(1, smax);
  // 2. tau: about 2k keys of the row pass (v10's rule on the 2048-key sample).
  const int rr = (int)min((long)V14_SAMPLE, max(1L, ((long)V14_SAMPLE * 2 * k + vis - 1) / vis));
  uint32_t tau = window_threshold(s, V14_SAMPLE, rr, smax >> 16);
  if (tau == 0) tau = cand_threshold(s, V14_SAMPLE, rr);
  TOPK_PHASE_END(2, tau);
  __syncthreads();  // the sample in candKey is dead from here

  // 3. Stream the slice.
  {
    uint32_t m = 0;  // the head's / tail's largest key
    if (j == 0) append1(s, tid < head ? dsak::float_key(row[tid]) : 0u, tid, tid < head, tau, m);
    if (j == slices - 1) {
      const int i = head + 4 * nv + tid;
      append1(s, i < vis ? dsak::float_key(row[i]) : 0u, i, i < vis, tau, m);
    }
    const unsigned wm = __reduce_max_sync(0xffffffffu, m);
    if (lane == 0 && wm) atomicMax(&s.maxKey, wm);
  }
  stream_slice<NLD, PFA_KB>(s, row, head, f0, f1, tau, min(hi, lo + PF0_KB * 256L), hi);
  __syncthreads();

  // 4. The slice's candidates into the row's buffer; a ticket; the last CTA selects.
  Row14* ctr = reinterpret_cast<Row14*>(scratch) + r;
  uint2* cand =
      reinterpret_cast<uint2*>(reinterpret_cast<Row14*>(scratch) + rows) + (size_t)r * CAP;
  const int nLoc = s.candCount;
  if (tid == 0) {
    // A slice over CAP overflows the row: make the count say so.
    S14.base = (int)atomicAdd(&ctr->count, nLoc > CAP ? CAP + 1 : nLoc);
    if (nLoc) atomicMax(&ctr->maxKey, s.maxKey);
  }
  __syncthreads();
  const int base = S14.base, nCopy = min(nLoc, CAP - base);
  for (int i = tid; i < nCopy; i += THREADS)
    __stcg(cand + base + i, make_uint2(s.candKey[i], s.candIdx[i]));
  __syncthreads();  // every copy issued before thread 0's fence (cumulative at gpu scope)
  if (tid == 0) {
    __threadfence();
    S14.ticket = (int)atomicInc(&ctr->ticket, (unsigned)(slices - 1));
  }
  __syncthreads();
  if (S14.ticket != slices - 1) return;
  if (tid == 0) {
    __threadfence();  // the other slices' copies are visible after their tickets
    s.candCount = (int)atomicExch(&ctr->count, 0u);
    s.maxKey = atomicExch(&ctr->maxKey, 0u);
  }
  __syncthreads();
  const int n = s.candCount;
  TOPK_PHASE_END(3, n);
  if (n < k || n > CAP) {  // the sample misjudged the row: exact, over the row in memory
    radix_global(s, row, vis, k, out);
    return;
  }
  for (int i = tid; i < n; i += THREADS) {
    const uint2 c = __ldcg(cand + i);
    s.candKey[i] = c.x;
    s.candIdx[i] = (int)c.y;
  }
  __syncthreads();
  TOPK_PHASE_END(4, s.candKey[tid]);
  select_cands(s, n, k, tau, out);
}

}  // namespace

// grid = rows * S (row r's slice j is CTA r * S + j), block = dsa_topk_v14_threads, dynamic smem =
// dsa_topk_v14_smem; S slices per row, 1 <= S <= dsa_topk_v14_max_slices (the launcher takes the
// largest with rows * S <= dsa_topk_v14_ctas_per_sm * SMs); scratch: rows *
// dsa_topk_v14_scratch_row_bytes bytes, zero before the first launch (left zero by every launch).
extern "C" __global__ void __launch_bounds__(THREADS, V14_CTAS_PER_SM)
    dsa_topk_v14(const float* __restrict__ logits, int* __restrict__ indices, int T, int P, int k,
                 int S, unsigned* __restrict__ scratch) {
  topk14_body<V14_NLD, V14_PF0_KB, V14_PFA_KB>(logits, indices, T, P, k, S, scratch);
}

extern "C" __device__ const int dsa_topk_v14_smem = (int)sizeof(Shared14);
extern "C" __device__ const int dsa_topk_v14_threads = THREADS;
extern "C" __device__ const int dsa_topk_v14_ctas_per_sm = V14_CTAS_PER_SM;
extern "C" __device__ const int dsa_topk_v14_max_slices = V14_MAX_SLICES;
extern "C" __device__ const int dsa_topk_v14_scratch_row_bytes = (int)(sizeof(Row14) + CAP * 8);
