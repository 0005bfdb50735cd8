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
// - Rounds ptopk25-28 (OPT_SHIP below): the kernel was issue-bound (ncu, 4096 x 32K: 126 M warp
//   instructions, 77% of issue slots; the filter 55% of them, ~228 a warp per step of 16 keys a
//   lane), so its instructions were counted and cut: filter_pass_fast, a select on the raw bits
//   with no conversion or maximum pass whose common first level is written out
//   (select_first13), a two-barrier select_bin, a 16-byte sample load. H200: 109 M instructions;
//   4096 x 32K 184 -> 171 us, 16K 134 -> 118, 64K 307 -> 300, 128K 562 -> 554.
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
// Rounds ptopk25-28's knobs (on top of OPT_ALL; the forms that lost are in kernels/NOTES.md):
// - OPT_FBIN: select_bin_fast (two barriers, one warp's scan) for the window threshold and the
//   select;
// - OPT_NORAW: the candidates stay the floats' bits (no conversion pass): the select converts
//   where it reads them, its first level scaled by the sample's largest key with keys above it
//   sharing the top bin, so no pass for their maximum either (a row whose k-th key falls in that
//   top bin takes the pass and starts the select again);
// - OPT_FAST (with OPT_NORAW): filter_pass_fast (the filter's instructions counted: see there) and
//   select_first13 (the select's first level written out for the case that finishes it);
// - OPT_S4: the sample by one 16-byte load per thread (chunk starts aligned down to 16 bytes;
//   2048-key samples only);
// - OPT_S3: rows of at most 48K keys aim at three deviations, not four (longer rows keep four).
constexpr int OPT_FBIN = 16, OPT_NORAW = 32, OPT_S4 = 64, OPT_S3 = 256, OPT_FAST = 2048;
// The shipped v13 (round ptopk28; the driver's v13a is OPT_ALL, v13 before it).
constexpr int OPT_SHIP = OPT_ALL | OPT_FBIN | OPT_NORAW | OPT_FAST | OPT_S4;
template <int OPT>
__device__ __forceinline__ void select_bin13(TopkSmem& s, int kRem) {
  if constexpr ((OPT & OPT_FBIN) != 0) {
    select_bin_fast(s, kRem);
  } else {
    select_bin(s, 2048, kRem);
  }
}
template <int OPT>
__device__ __forceinline__ void zero_hist13(TopkSmem& s) {
  if constexpr (OPT & OPT_ZERO4) {
    static_assert(2048 == 4 * THREADS, "one int4 of the histogram per thread");
    reinterpret_cast<int4*>(s.hist)[threadIdx.x] = make_int4(0, 0, 0, 0);
  } else {
    for (int i = threadIdx.x; i < 2048; i += THREADS) s.hist[i] = 0;
  }
}

// ---------------------------------------------------------------- OPT_NORAW / OPT_FAST
// A raw candidate's key: the key of its float, at least tau (a -0 that passed the float compare
// against +0 counts as +0: the two floats are equal).
__device__ __forceinline__ uint32_t pkey(uint32_t raw, uint32_t tau) {
  return max(dsak::float_key(__uint_as_float(raw)), tau);
}

// One step of a warp's inclusive scan: lanes >= O add the value O lanes below (shfl.up's own
// validity predicate, no lane test).
template <int O>
__device__ __forceinline__ void scan_up(int& incl) {
  asm("{\n.reg .u32 t;\n.reg .pred p;\n"
      "shfl.sync.up.b32 t|p, %0, %1, 0, -1;\n@p add.u32 %0, %0, t;\n}\n"
      : "+r"(incl)
      : "n"(O));
}

// filter_pass_lean<PRED>'s contract (every float >= tau_float(tau) of row[0..vis) kept as its bits
// in candKey and its index in candIdx, counted in candCount; positions past CAP counted, not
// stored; no maximum), for any tau (a -0 passing +0 is pkey's), in fewer instructions (round
// ptopk28: the ncu page of v13bn put the filter at ~1035 instructions a warp per 32K row, 228 a
// step of 16 keys a lane): per element one set.ge (0 or -1), their sums subtracted from the
// lane's count; the warp's scan by shfl.up with its validity predicate (no lane tests); one shared
// atomic by lane 31 (ptxas still wraps it in its warp aggregation, as it does C++'s atomicAdd);
// the row's full steps load without bounds tests (its last step loads NaN past the row, which no
// compare passes); the L2 prefetch behind a warp-uniform test (thread 0's test made every warp
// compute its arguments); and per element one setp.ge as the predicate of its two stores (count
// and stores are the same PTX compare, so they agree whatever the build's float flags).
template <int PF0_KB, int PFA_KB>
__device__ __forceinline__ void filter_pass_fast(TopkSmem& s, const float* __restrict__ row,
                                                 int vis, uint32_t tau) {
  constexpr int NLD = FILTER_LOADS;
  static_assert(NLD == 4, "four float4s a lane a step");
  const int tid = threadIdx.x, lane = tid & 31;
  const float tauF = tau_float(tau);
  const float qnan = __uint_as_float(0x7FFFFFFFu);
  const int head = min(vis, (int)((16 - ((uintptr_t)row & 15)) & 15) / 4);
  {
    const bool v = tid < head;
    const float f = v ? row[tid] : 0.f;
    append_cand(s, v && f >= tauF, __float_as_uint(f), tid);
  }
  const float4* body = reinterpret_cast<const float4*>(row + head);
  const int nv = (vis - head) / 4;
  constexpr int STEP = NLD * THREADS;  // float4s per step
  const int steps = (nv + STEP - 1) / STEP, full = nv / STEP;
  const uint32_t cntAddr = dsak::smem_u32(&s.candCount);
  const uint32_t keyAddr = dsak::smem_u32(s.candKey);
  static_assert(
      __builtin_offsetof(TopkSmem, candIdx) == __builtin_offsetof(TopkSmem, candKey) + CAP * 4,
      "candIdx right after candKey");
  int pfDone = PF0_KB * 256;
  auto step = [&](int st, auto isFull) {
    if (tid < 32) {  // warp-uniform: the other warps only branch
      filter_prefetch<PF0_KB, PFA_KB, STEP>(row, vis, head, st, pfDone);
    }
    const float4* q = body + st * STEP + tid;
    float4 x[NLD];
#pragma unroll
    for (int j = 0; j < NLD; j++) {
      if constexpr (decltype(isFull)::value) {
        x[j] = __ldcs(q + j * THREADS);
      } else {
        x[j] = st * STEP + j * THREADS + tid < nv ? __ldcs(q + j * THREADS)
                                                  : make_float4(qnan, qnan, qnan, qnan);
      }
    }
    int cnt = 0;  // the lane's passing count
#pragma unroll
    for (int j = 0; j < NLD; j++) {
      asm("{\n.reg .u32 t0, t1, t2, t3;\n"
          "set.ge.u32.f32 t0, %1, %5;\nset.ge.u32.f32 t1, %2, %5;\n"
          "set.ge.u32.f32 t2, %3, %5;\nset.ge.u32.f32 t3, %4, %5;\n"
          "add.u32 t0, t0, t1;\nadd.u32 t2, t2, t3;\nsub.u32 %0, %0, t0;\nsub.u32 %0, %0, t2;\n}\n"
          : "+r"(cnt)
          : "f"(x[j].x), "f"(x[j].y), "f"(x[j].z), "f"(x[j].w), "f"(tauF));
    }
    int incl = cnt;
    scan_up<1>(incl);
    scan_up<2>(incl);
    scan_up<4>(incl);
    scan_up<8>(incl);
    scan_up<16>(incl);
    const int tot = __shfl_sync(0xffffffffu, incl, 31);
    if (tot == 0) return;  // warp-uniform
    int base = 0;
    asm volatile(
        "{\n.reg .pred p;\nsetp.eq.u32 p, %1, 31;\n@p atom.shared.add.u32 %0, [%2], %3;\n}\n"
        : "+r"(base)
        : "r"(lane), "r"(cntAddr), "r"(tot)
        : "memory");
    base = __shfl_sync(0xffffffffu, base, 31);
    int p = base + incl - cnt;
    const int ib = head + 4 * (st * STEP + tid);  // the index of x[0].x
    if (base + tot <= CAP) {                      // warp-uniform: the whole run fits
      uint32_t a = keyAddr + 4u * (uint32_t)p;
#pragma unroll
      for (int j = 0; j < NLD; j++) {
#pragma unroll
        for (int c = 0; c < 4; c++) {
          const float f = c == 0 ? x[j].x : c == 1 ? x[j].y : c == 2 ? x[j].z : x[j].w;
          asm volatile(
              "{\n.reg .pred q;\nsetp.ge.f32 q, %1, %2;\n"
              "@q st.shared.u32 [%0], %3;\n@q st.shared.u32 [%0+%5], %4;\n"
              "@q add.u32 %0, %0, 4;\n}\n"
              : "+r"(a)
              : "f"(f), "f"(tauF), "r"(__float_as_uint(f)), "r"(ib + 4 * THREADS * j + c),
                "n"(CAP * 4)
              : "memory");
        }
      }
    } else {  // the run reaches CAP: positions past it are counted only
#pragma unroll
      for (int j = 0; j < NLD; j++) {
#pragma unroll
        for (int c = 0; c < 4; c++) {
          const float f = c == 0 ? x[j].x : c == 1 ? x[j].y : c == 2 ? x[j].z : x[j].w;
          uint32_t on;
          asm("{\n.reg .pred q;\nsetp.ge.f32 q, %1, %2;\nselp.u32 %0, 1, 0, q;\n}\n"
              : "=r"(on)
              : "f"(f), "f"(tauF));
          if (on && p < CAP) {
            s.candKey[p] = __float_as_uint(f);
            s.candIdx[p] = ib + 4 * THREADS * j + c;
          }
          p += (int)on;
        }
      }
    }
  };
  for (int st = 0; st < full; st++) step(st, std::true_type{});
  if (full < steps) step(full, std::false_type{});
  const int tail0 = head + nv * 4;
  {
    const int i = tail0 + tid;
    const bool v = tid < vis - tail0;
    const float f = v ? row[i] : 0.f;
    append_cand(s, v && f >= tauF, __float_as_uint(f), i);
  }
}

// The last step of a select level whose threshold bin B held m <= RANK_MAX keys, listed (their
// candidate positions) in listPos: their keys (relOf: any order-preserving map) into listKey, then
// each listed key's rank (the listed keys greater than it, or equal and listed before it: a strict
// order, so exactly kRem are emitted, ties first listed first taken) decides it.
template <typename RelOf>
__device__ __forceinline__ void rank_list13(Topk13Smem& S, int* listPos, uint32_t* listKey,
                                            int kRem, int* __restrict__ out, RelOf relOf) {
  TopkSmem& s = S.t;
  const int tid = threadIdx.x;
  __syncthreads();
  const int m = S.listCount;  // == selEq
  const int pos = tid < m ? listPos[tid] : 0;
  const uint32_t key = relOf(s.candKey[pos]);
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
}

// v10's select_cands (the kk largest of n candidates >= tau, radix on key - tau from the top bit
// of maxKey - tau in digits of up to 11 bits), except that a level whose threshold bin B holds at
// most RANK_MAX keys lists their positions (in hist, free after select_bin) while it emits the keys
// above B, and the kRem largest of the list are then found by rank (rank_list13). Not inlined:
// inlined, ptxas spills 8 bytes of the kernel at the 40 registers that three CTAs of 512 threads
// leave; as a call it fits without.
// RAW: the candidates are the floats' bits (filter_pass_lean<PRED>, filter_pass_fast), keys by pkey
// where they are read, and the first level's digit spans [tau, top]: top the candidates' maximum,
// or with OPT_NORAW the sample's maximum smax, keys above it clamped into bin 2047, which is then
// always above the threshold bin unless it IS the threshold bin: then the maximum is taken and the
// select starts again (nothing emitted yet). Else they are keys, and maxKey their maximum.
template <int OPT, bool RAW>
__device__ __noinline__ void select_cands13(Topk13Smem& S, int n, int kk, uint32_t tau,
                                            uint32_t smax, int* __restrict__ out) {
  TopkSmem& s = S.t;
  const int tid = threadIdx.x;
  auto relOf = [&](uint32_t x) {
    if constexpr (RAW) {
      return pkey(x, tau) - tau;
    } else {
      return x - tau;
    }
  };
  auto candMax = [&]() {
    uint32_t mx = 0;
    for (int i = tid; i < n; i += THREADS) mx = max(mx, pkey(s.candKey[i], tau));
    mx = __reduce_max_sync(0xffffffffu, mx);
    if ((tid & 31) == 0) atomicMax(&s.maxKey, mx);
    __syncthreads();
    return s.maxKey;
  };
  int* listPos = s.hist;  // candidate positions of the listed keys
  uint32_t* listKey = reinterpret_cast<uint32_t*>(s.hist + RANK_MAX);  // their keys
  bool clamp = RAW && (OPT & OPT_NORAW) != 0;
  uint32_t top = clamp ? max(smax, tau) : RAW ? candMax() : s.maxKey;
  for (;;) {
    const uint32_t range = top - tau;
    int width = range == 0 ? 0 : 32 - __clz(range);
    if (clamp) width = max(width, 1);
    int hi = width;
    uint32_t prefix = 0;
    int kRem = kk;
    bool redo = false;
    while (hi > 0) {
      const int sh = max(0, hi - 11);
      const uint32_t mask = (1u << (hi - sh)) - 1;
      const bool first = hi == width;
      auto match = [&](uint32_t rel) { return first || (rel >> hi) == prefix; };
      auto digit = [&](uint32_t rel) { return first ? min(rel >> sh, 2047u) : (rel >> sh) & mask; };
      zero_hist13<OPT>(s);
      if (tid == 0) S.listCount = 0;
      __syncthreads();
      for (int i = tid; i < n; i += THREADS) {
        const uint32_t rel = relOf(s.candKey[i]);
        if (match(rel)) atomicAdd(&s.hist[digit(rel)], 1);
      }
      __syncthreads();
      select_bin13<OPT>(s, kRem);  // ends with a barrier: hist is free from here
      const uint32_t B = s.selBin;
      if (clamp && first && B == 2047u) {  // block-uniform: the clamped bin holds the k-th key
        redo = true;
        break;
      }
      const int above = s.selAbove;
      const bool takeAll = s.selEq == kRem - above;
      const bool rank = !takeAll && s.selEq <= RANK_MAX;  // block-uniform
      const int steps = (n + THREADS - 1) / THREADS;
      for (int st = 0; st < steps; st++) {
        const int i = st * THREADS + tid;
        const bool v = i < n;
        const uint32_t rel = v ? relOf(s.candKey[i]) : 0u;
        const int idx = v ? s.candIdx[i] : 0;
        const bool m = v && match(rel);
        const uint32_t d = digit(rel);
        if (rank) {
          emit(m && d > B, idx, &s.outCount, out);
          emit(m && d == B, i, &S.listCount, listPos);
        } else {
          emit(m && (d > B || (takeAll && d == B)), idx, &s.outCount, out);
        }
      }
      kRem -= above;
      if (takeAll) return;
      if (rank) {
        rank_list13(S, listPos, listKey, kRem, out, relOf);
        return;
      }
      prefix = first ? B : ((prefix << (hi - sh)) | B);
      hi = sh;
      __syncthreads();
    }
    if (!redo) {
      // All remaining candidates with (key - tau) == prefix are equal: take kRem of them.
      for (int i = tid; i < n; i += THREADS) {
        if (relOf(s.candKey[i]) == prefix && atomicAdd(&s.eqTaken, 1) < kRem) {
          out[atomicAdd(&s.outCount, 1)] = s.candIdx[i];
        }
      }
      return;
    }
    clamp = false;
    top = candMax();
  }
}

// select_cands13<OPT_NORAW, true>'s first level written out for the case that finishes the select
// there (on the rounds' rows, every row): one histogram pass, the bin, one emit pass, the rank of a
// small threshold bin. Returns false, having emitted nothing, where select_cands13<OPT, true> must
// run instead (the k-th key in the clamped top bin, or a threshold bin of more than RANK_MAX keys
// that is not taken whole).
template <int OPT>
__device__ __noinline__ bool select_first13(Topk13Smem& S, int n, int kk, uint32_t tau,
                                            uint32_t smax, int* __restrict__ out) {
  TopkSmem& s = S.t;
  const int tid = threadIdx.x;
  const uint32_t range = max(smax, tau) - tau;
  const int sh = max(0, max(1, range == 0 ? 0 : 32 - __clz(range)) - 11);
  auto digit = [&](uint32_t raw) { return min((pkey(raw, tau) - tau) >> sh, 2047u); };
  zero_hist13<OPT>(s);
  if (tid == 0) S.listCount = 0;
  __syncthreads();
  for (int i = tid; i < n; i += THREADS) atomicAdd(&s.hist[digit(s.candKey[i])], 1);
  __syncthreads();
  select_bin13<OPT>(s, kk);  // ends with a barrier: hist is free from here
  const uint32_t B = s.selBin;
  const int above = s.selAbove, eq = s.selEq;
  const bool takeAll = eq == kk - above;
  if (B == 2047u || (!takeAll && eq > RANK_MAX)) return false;  // block-uniform
  const uint32_t lim = takeAll ? B : B + 1;                     // digits >= lim are emitted
  int* listPos = s.hist;
  const int steps = (n + THREADS - 1) / THREADS;
  for (int st = 0; st < steps; st++) {
    const int i = st * THREADS + tid;
    const bool v = i < n;
    const uint32_t d = v ? digit(s.candKey[i]) : 0u;
    const int idx = v ? s.candIdx[i] : 0;
    emit(v && d >= lim, idx, &s.outCount, out);
    if (!takeAll) emit(v && d == B, i, &S.listCount, listPos);
  }
  if (!takeAll) {
    rank_list13(S, listPos, reinterpret_cast<uint32_t*>(s.hist + RANK_MAX), kk - above, out,
                [&](uint32_t raw) { return pkey(raw, tau); });
  }
  return true;
}

// load_sample13 by 16-byte loads (OPT_S4): each chunk's start aligned down to 16 bytes (up by 4
// floats where that would leave the row), the same 2048 keys' layout in candKey.
template <int SCH, int PF0_KB>
__device__ __forceinline__ uint32_t load_sample13v(TopkSmem& s, const float* __restrict__ row,
                                                   int vis) {
  const int tid = threadIdx.x;
  constexpr int SAMPLE13 = SCH * SAMPLE_CHUNK;
  static_assert(SAMPLE13 == 4 * THREADS, "one float4 of the sample per thread");
  constexpr int TPC = SAMPLE_CHUNK / 4;
  const int c = tid / TPC, e = (tid % TPC) * 4;
  int start = vis < (1 << 26) ? (int)((unsigned)c * (unsigned)(vis - SAMPLE_CHUNK) / (SCH - 1))
                              : (int)((long)c * (vis - SAMPLE_CHUNK) / (SCH - 1));
  start -= (int)(((uintptr_t)(row + start) & 15) >> 2);
  if (start < 0) start += 4;
  const float4 x = __ldcs(reinterpret_cast<const float4*>(row + start + e));
  if (PF0_KB > 0 && tid == 0) prefetch_row_l2(row, 0, min((long)vis, PF0_KB * 256L));
  const uint4 k = make_uint4(dsak::float_key(x.x), dsak::float_key(x.y), dsak::float_key(x.z),
                             dsak::float_key(x.w));
  reinterpret_cast<uint4*>(s.candKey)[tid] = k;
  return max(max(k.x, k.y), max(k.z, k.w));
}

// v10's sampled_select<WIN = true> with the sample of SCH chunks loaded ahead of the row's first
// prefetch, filter_pass's v13 prefetch distance and select_cands13. Returns false (nothing emitted)
// when fewer than k or more than CAP keys passed the threshold.
template <int PF0_KB, int PFA_KB, int SCH, bool LEAN = true, int OPT = OPT_SHIP>
__device__ bool sampled_select13(Topk13Smem& S, const float* __restrict__ row, int vis, int k,
                                 int* __restrict__ out) {
  TopkSmem& s = S.t;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  constexpr int SAMPLE13 = SCH * SAMPLE_CHUNK;
  // The sample keys above the threshold: rk + 4 sqrt(rk) (OPT_SIGMA), else SAMPLE13 x 2k / vis.
  int r;
  if constexpr ((OPT & OPT_SIGMA) != 0) {
    const float rk = (float)SAMPLE13 * k / vis;
    const float z = (OPT & OPT_S3) != 0 && vis <= 49152 ? 3.f : 4.f;
    r = min(SAMPLE13, max(1, (int)ceilf(rk + z * sqrtf(rk))));
  } else {
    r = (int)min((long)SAMPLE13, max(1L, ((long)SAMPLE13 * 2 * k + vis - 1) / vis));
  }
  zero_hist13<OPT>(s);
  uint32_t mx;
  if constexpr ((OPT & OPT_S4) != 0 && SAMPLE13 == 4 * THREADS) {  // else one load per key
    mx = __reduce_max_sync(0xffffffffu, load_sample13v<SCH, PF0_KB>(s, row, vis));
  } else {
    mx = __reduce_max_sync(0xffffffffu, load_sample13<SCH, PF0_KB>(s, row, vis));
  }
  if (lane == 0) s.warpSums[warp] = (int)mx;
  __syncthreads();
  const uint32_t smax = __reduce_max_sync(0xffffffffu, (uint32_t)s.warpSums[lane % (THREADS / 32)]);
  TOPK_PHASE_END(1, smax, true);
  uint32_t tau = window_threshold<(OPT & OPT_FBIN) != 0>(s, SAMPLE13, r, smax >> 16);
  if (tau == 0) tau = cand_threshold(s, SAMPLE13, r);
  TOPK_PHASE_END(2, tau, true);
  if (tid == 0) {
    s.candCount = 0;
    s.maxKey = 0;
  }
  __syncthreads();
  if constexpr ((OPT & OPT_FAST) != 0) {
    static_assert((OPT & OPT_NORAW) != 0, "OPT_FAST selects on raw candidates");
    filter_pass_fast<PF0_KB, PFA_KB>(s, row, vis, tau);
    __syncthreads();
    const int n = s.candCount;
    TOPK_PHASE_END(3, n, true);
    if (n < k || n > CAP) return false;
    if (!select_first13<OPT>(S, n, k, tau, smax, out)) {
      select_cands13<OPT, true>(S, n, k, tau, smax, out);
    }
    return true;
  }
  if constexpr (LEAN) {
    filter_pass_lean<PF0_KB, PFA_KB, (OPT & OPT_PRED) != 0>(s, row, vis, tau);
  } else {
    filter_pass<PF0_KB, PFA_KB>(s, row, vis, tau);
  }
  __syncthreads();
  const int n = s.candCount;
  TOPK_PHASE_END(3, n, true);
  if (n < k || n > CAP) return false;
  if constexpr (LEAN && (OPT & OPT_PRED) != 0 && (OPT & OPT_NORAW) != 0) {
    if (tau != 0x80000000u) {  // else filter_pass stored keys: select_cands13 below
      select_cands13<OPT, true>(S, n, k, tau, smax, out);
      return true;
    }
  } else if constexpr (LEAN && (OPT & OPT_PRED) != 0) {
    if (tau != 0x80000000u) raw_to_keys(s, n);  // tau = key(+0) went through filter_pass: keys
  }
  select_cands13<OPT, false>(S, n, k, tau, 0u, out);
  return true;
}

// v10's topk_body with the sampled path above (no prefetch before the sample). Short rows and
// misjudged rows: v10's radix_global, which reads the row from memory as in v10.
template <int PF0_KB, int PFA_KB, int SCH, bool LEAN = true, int OPT = OPT_SHIP>
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
