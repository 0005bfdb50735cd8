// Causal top-k, candidate v13 (issue 16, prefill rows): v10 (dsa_topk.cu, topk_v10.cuh) with its
// per-row phases cut. Semantics as dsa_topk.cu: the k largest visible keys of each row, -1 padded,
// order unspecified. One CTA of 512 threads per row, 3 per SM, v10's shared memory plus 4 bytes.
//
// Why (round topk7's phase stops at 4096 x 32K: sample 81 us, threshold 20, filter 129, select
// 60 of 290; round ptopk10: the same design with NO L2 prefetch was the fastest of three
// distances):
// - v10 prefetches the first 128 KB of its row (all of a 32K row) BEFORE its sample loads, so at
//   three CTAs per SM the sample's one round trip queues behind up to ~50 MB of the wave's
//   prefetches (the 81 us is mostly that queue). v13 issues the sample loads first and prefetches
//   only PF0_KB at the start, then keeps the prefetch PFA_KB ahead of the filter pass: fewer bytes
//   queued ahead of every other CTA's sample, the same bytes read.
// - The threshold is v11's one-level window histogram (5 barriers instead of ~13).
// - The select: after any radix level whose threshold bin holds at most RANK_MAX keys, those keys
//   are listed once and ranked directly (each thread counts the listed keys above its own), instead
//   of one or two more 11-bit levels of ~6 block barriers each. On indexer-like rows the first
//   level's bin holds a few keys, so one level is the whole select.
// - The filter (since round ptopk15): filter_pass_lean (topk_v10.cuh), a float compare into a
//   per-lane mask per element, one warp scan and one shared atomic per step, per-lane writes of
//   the keys that pass; filter_pass's per-element ballots and index arithmetic made the kernel
//   issue-bound (ncu: 0.80 issued per scheduler cycle at 4096 x 32K). H200: 4096 x 32K 255 -> 234
//   us, 64K 391 -> 333, 128K 634 -> 575; the filter now ends at the row's read time.
// - Rounds ptopk17-21 (OPT_ALL below): the filter's candidate writes predicated and raw (its
//   per-lane loop over set bits was a third of the instructions), the histogram cleared by 16-byte
//   stores, and a threshold aimed at k plus four deviations of the sample's estimate instead of
//   2k. H200: 4096 x 32K 231 -> 183 us, 16K 182 -> 134, 64K 329 -> 305, 128K 569 -> 562.
// Everything else (the exact radix select over the row in memory wherever the sample misjudged
// the row, the short-row paths) is v10's.
#include "topk_v10.cuh"

namespace {

// Threshold bins of at most this many keys are finished by direct ranking (listed in hist).
constexpr int RANK_MAX = 256;

struct Topk13Smem {
  TopkSmem t;
  int listCount;  // keys of the threshold bin listed for ranking
};

// SCH spread chunks of 128 logits (SCH * 128 keys) into candKey; returns this thread's largest.
// The loads are issued before thread 0's L2 prefetch of the row's first PF0_KB, so they do not
// queue behind it.
template <int SCH, int PF0_KB>
__device__ __forceinline__ uint32_t load_sample13(TopkSmem& s, const float* __restrict__ row,
                                                  int vis) {
  const int tid = threadIdx.x;
  constexpr int SAMPLE13 = SCH * SAMPLE_CHUNK;
  constexpr int PER = SAMPLE13 / THREADS, TPC = SAMPLE_CHUNK / PER;
  static_assert(PER * THREADS == SAMPLE13 && TPC * PER == SAMPLE_CHUNK, "sample layout");
  const int c = tid / TPC, e = (tid % TPC) * PER;
  const long start = (long)c * (vis - SAMPLE_CHUNK) / (SCH - 1);
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

// The knobs of rounds ptopk17-21 (OPT bits; the shipped v13 sets all three, the driver's v13l none:
// v13 as round ptopk15 shipped it):
// - OPT_PRED: filter_pass_lean's PRED (predicated stores of the passing floats' bits, converted to
//   keys and their max taken by raw_to_keys after the filter);
// - OPT_ZERO4: the histogram cleared by one 16-byte store per thread;
// - OPT_SIGMA: the threshold aims at k plus four standard deviations of the sample's estimate
//   (r = rk + 4 sqrt(rk) sample keys above it, rk = SAMPLE13 k / vis: ~1.34k passing keys at 32K,
//   ~1.7k at 128K) instead of 2k: fewer candidates to select; a row with fewer than k passing
//   keys takes the exact path, slower only (three deviations showed that cost at 64K / 128K, four
//   did not on the rounds' rows). The deviation is the binomial one: on rows whose neighbouring
//   keys correlate (the sample is 16 runs of 128) the estimate spreads wider and falls back more.
constexpr int OPT_PRED = 1, OPT_ZERO4 = 2, OPT_SIGMA = 4;
constexpr int OPT_ALL = OPT_PRED | OPT_ZERO4 | OPT_SIGMA;
template <int OPT>
__device__ __forceinline__ void zero_hist13(TopkSmem& s) {
  if constexpr (OPT & OPT_ZERO4) {
    static_assert(2048 == 4 * THREADS, "one int4 of the histogram per thread");
    reinterpret_cast<int4*>(s.hist)[threadIdx.x] = make_int4(0, 0, 0, 0);
  } else {
    for (int i = threadIdx.x; i < 2048; i += THREADS) s.hist[i] = 0;
  }
}

// v10's select_cands (the kk largest of n candidates >= tau, radix on key - tau from the top bit
// of maxKey - tau in digits of up to 11 bits), except that a level whose threshold bin B holds at
// most RANK_MAX keys lists their positions (in hist, free after select_bin) while it emits the keys
// above B, and the kRem largest of the list are then found by rank: a listed key's rank is the
// number of listed keys greater than it, or equal and listed before it (a strict order, so exactly
// kRem are emitted, ties first listed first taken). Not inlined: inlined, ptxas spills 8 bytes of
// the kernel at the 40 registers that three CTAs of 512 threads leave; as a call it fits without.
template <int OPT>
__device__ __noinline__ void select_cands13(Topk13Smem& S, int n, int kk, uint32_t tau,
                                            int* __restrict__ out) {
  TopkSmem& s = S.t;
  const int tid = threadIdx.x;
  int* listPos = s.hist;  // candidate positions of the listed keys
  uint32_t* listKey = reinterpret_cast<uint32_t*>(s.hist + RANK_MAX);  // their keys
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
    zero_hist13<OPT>(s);
    if (tid == 0) S.listCount = 0;
    __syncthreads();
    for (int i = tid; i < n; i += THREADS) {
      const uint32_t rel = s.candKey[i] - tau;
      if (match(rel)) atomicAdd(&s.hist[(rel >> sh) & mask], 1);
    }
    __syncthreads();
    select_bin(s, 2048, kRem);  // ends with a barrier: hist is free from here
    const uint32_t B = s.selBin;
    const int above = s.selAbove;
    const bool takeAll = s.selEq == kRem - above;
    const bool rank = !takeAll && s.selEq <= RANK_MAX;  // block-uniform
    if (rank) {
      // Emit the keys above B; list the positions of the bin's keys (both warp-aggregated).
      const int steps = (n + THREADS - 1) / THREADS;
      for (int st = 0; st < steps; st++) {
        const int i = st * THREADS + tid;
        const bool v = i < n;
        const uint32_t rel = (v ? s.candKey[i] : tau) - tau;
        const bool m = v && match(rel);
        const uint32_t d = (rel >> sh) & mask;
        emit(m && d > B, v ? s.candIdx[i] : 0, &s.outCount, out);
        emit(m && d == B, i, &S.listCount, listPos);
      }
    } else {
      for_each_cand(s, n, [&](uint32_t key, int idx, bool v) {
        const uint32_t rel = key - tau;
        const bool m = v && match(rel);
        const uint32_t d = (rel >> sh) & mask;
        emit(m && (d > B || (takeAll && d == B)), idx, &s.outCount, out);
      });
    }
    kRem -= above;
    if (takeAll) return;
    if (rank) {
      __syncthreads();
      const int m = S.listCount;  // == selEq
      const int pos = tid < m ? listPos[tid] : 0;
      const uint32_t key = s.candKey[pos];
      if (tid < m) listKey[tid] = key;
      __syncthreads();
      const int mw = (m + 31) & ~31;
      if (tid < mw) {  // whole warps: emit's ballot
        const bool mine = tid < m;
        int r = 0;
        for (int j = 0; j < m; j++) {
          const uint32_t kj = listKey[j];
          r += (kj > key) || (kj == key && j < tid);
        }
        emit(mine && r < kRem, s.candIdx[pos], &s.outCount, out);
      }
      return;
    }
    prefix = first ? B : ((prefix << (hi - sh)) | B);
    hi = sh;
    __syncthreads();
  }
  for (int i = tid; i < n; i += THREADS) {
    if (s.candKey[i] - tau == prefix && atomicAdd(&s.eqTaken, 1) < kRem) {
      out[atomicAdd(&s.outCount, 1)] = s.candIdx[i];
    }
  }
}

// v10's sampled_select<WIN = true> with the sample of SCH chunks loaded ahead of the row's first
// prefetch, filter_pass's v13 prefetch distance and select_cands13. Returns false (nothing emitted)
// when fewer than k or more than CAP keys passed the threshold.
template <int PF0_KB, int PFA_KB, int SCH, bool LEAN = true, int OPT = OPT_ALL>
__device__ bool sampled_select13(Topk13Smem& S, const float* __restrict__ row, int vis, int k,
                                 int* __restrict__ out) {
  TopkSmem& s = S.t;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  constexpr int SAMPLE13 = SCH * SAMPLE_CHUNK;
  // The sample keys above the threshold: rk + 4 sqrt(rk) (OPT_SIGMA), else SAMPLE13 x 2k / vis.
  int r;
  if constexpr ((OPT & OPT_SIGMA) != 0) {
    const float rk = (float)SAMPLE13 * k / vis;
    r = min(SAMPLE13, max(1, (int)ceilf(rk + 4.f * sqrtf(rk))));
  } else {
    r = (int)min((long)SAMPLE13, max(1L, ((long)SAMPLE13 * 2 * k + vis - 1) / vis));
  }
  zero_hist13<OPT>(s);
  const uint32_t mx = __reduce_max_sync(0xffffffffu, load_sample13<SCH, PF0_KB>(s, row, vis));
  if (lane == 0) s.warpSums[warp] = (int)mx;
  __syncthreads();
  const uint32_t smax = __reduce_max_sync(0xffffffffu, (uint32_t)s.warpSums[lane % (THREADS / 32)]);
  TOPK_PHASE_END(1, smax, true);
  uint32_t tau = window_threshold(s, SAMPLE13, r, smax >> 16);
  if (tau == 0) tau = cand_threshold(s, SAMPLE13, r);
  TOPK_PHASE_END(2, tau, true);
  if (tid == 0) {
    s.candCount = 0;
    s.maxKey = 0;
  }
  __syncthreads();
  if constexpr (LEAN) {
    filter_pass_lean<PF0_KB, PFA_KB, (OPT & OPT_PRED) != 0>(s, row, vis, tau);
  } else {
    filter_pass<PF0_KB, PFA_KB>(s, row, vis, tau);
  }
  __syncthreads();
  const int n = s.candCount;
  TOPK_PHASE_END(3, n, true);
  if (n < k || n > CAP) return false;
  if constexpr (LEAN && (OPT & OPT_PRED) != 0) {
    if (tau != 0x80000000u) raw_to_keys(s, n);  // tau = key(+0) went through filter_pass: keys
  }
  select_cands13<OPT>(S, n, k, tau, out);
  return true;
}

// v10's topk_body with the sampled path above (no prefetch before the sample). Short rows and
// misjudged rows: v10's radix_global, which reads the row from memory as in v10.
template <int PF0_KB, int PFA_KB, int SCH, bool LEAN = true, int OPT = OPT_ALL>
__device__ __forceinline__ void topk13_body(const float* __restrict__ logits,
                                            int* __restrict__ indices, int T, int P, int k) {
  extern __shared__ __align__(16) uint8_t dyn13[];
  Topk13Smem& S = *reinterpret_cast<Topk13Smem*>(dyn13);
  TopkSmem& s = S.t;
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
  if (tid == 0) {
    s.outCount = 0;
    s.eqTaken = 0;
  }
  if (vis >= SAMPLED_MIN_ROW && 2 * k <= CAP) {
    if (sampled_select13<PF0_KB, PFA_KB, SCH, LEAN, OPT>(S, row, vis, k, out)) return;
    __syncthreads();
  } else if (tid == 0) {
    prefetch_row_l2(row, 0, min((long)vis, PREFETCH_KB * 256L));  // as v10 on this path
  }
  radix_global(s, row, vis, k, out);
}

// The shipped choice of the template's knobs (the round's driver times the others): round
// ptopk11's fastest, v13s, samples 16 chunks (2048 keys) instead of 32.
constexpr int V13_PF0_KB = 32, V13_PFA_KB = 64, V13_SCH = 16;

}  // namespace

// grid = rows (batch * T), block = dsa_topk_v13_threads (512), dynamic shared memory =
// dsa_topk_v13_smem; indices [rows, k].
extern "C" __global__ void __launch_bounds__(THREADS, 3)
    dsa_topk_v13(const float* __restrict__ logits, int* __restrict__ indices, int T, int P, int k) {
  topk13_body<V13_PF0_KB, V13_PFA_KB, V13_SCH>(logits, indices, T, P, k);
}

extern "C" __device__ const int dsa_topk_v13_smem = (int)sizeof(Topk13Smem);
extern "C" __device__ const int dsa_topk_v13_threads = THREADS;
