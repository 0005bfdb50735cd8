// Causal top-k with one HBM read of each row and no sampled threshold (candidate "s16", issue 16).
// Semantics as dsa_topk.cu: the k largest visible keys of each row, -1 padded, order unspecified;
// equal keys at the very end are taken first come, first served.
//
// Why: v10 spends ~10 us per row on a threshold from a 4096-logit sample (a DRAM round trip, two
// histograms on hot bins) before it streams the row, and relies on an L2 prefetch of 128 KB per
// CTA (50 MB for 396 CTAs: L2-sized); at 4096 rows of 32K it moves 1.9 TB/s. Here a CTA keeps the
// upper 16 bits of every key of its slice (<= 32768 keys: 64 KB, the candidate arrays of v10's
// TopkSmem reused) in shared memory while it streams the slice once, so every later phase reads
// shared memory only:
//   1. stream: 16-byte loads, order-preserving key, its upper half stored, slice max/min kept;
//   2. one histogram of the 16-bit keys in the 2048 values just below the row's maximum (one bin
//      per value, 16 octaves: about every positive logit; keys further down are not counted, so
//      no hot bin) -> the exact 16-bit threshold T16, the count above it and the count equal to
//      it. Rows whose k-th key lies lower (mostly negative rows) take a second, range-wide
//      histogram and a third inside its bin (still exact, in shared memory);
//   3. one pass that emits every key above T16 and lists the keys equal to it (tens of keys for
//      indexer logits at 32K);
//   4. those keys' exact values are read again (L2, a few hundred bytes) and v10's select_cands
//      picks the remaining ones among them.
// Rows longer than 32768 keys run as a cluster of C CTAs (C = ceil(P / 32768), 2..4), one slice
// each: their maxima and histograms are merged through distributed shared memory (each CTA sums
// the others' bins), winners are emitted by every CTA with a row counter in rank 0's shared
// memory, and the threshold-equal keys are gathered in rank 0, which finishes the row.
// Exact for any input; the rare shapes it does not handle (a tie bin of more than 2048 keys that
// is not taken whole, a slice that does not fit) run v10's exact radix select over the row.
#include "topk_v10.cuh"

namespace {

constexpr int S16_SLICE = 2 * CAP;  // 16-bit keys in candKey + candIdx (64 KB)
constexpr int S16_LIST = 2048;      // threshold-equal keys listed (in hist, after the select)
constexpr int S16_LOADS =
    2;  // 16-byte loads in flight per thread in the stream pass (4 spills at 40 registers)

// Beside TopkSmem: the slice's key range and rank 0's row counters for remote CTAs.
struct S16Extra {
  unsigned mx, mn;
};

struct S16Shared {
  TopkSmem s;
  S16Extra x;
};

// ---------------------------------------------------------------- cluster helpers (sm_90)
__device__ __forceinline__ uint32_t cl_map(const void* p, uint32_t rank) {
  const uint32_t a = (uint32_t)__cvta_generic_to_shared(p);
  uint32_t o;
  asm volatile("mapa.shared::cluster.u32 %0, %1, %2;\n" : "=r"(o) : "r"(a), "r"(rank));
  return o;
}
__device__ __forceinline__ uint32_t cl_ld(uint32_t a) {
  uint32_t v;
  asm volatile("ld.shared::cluster.u32 %0, [%1];\n" : "=r"(v) : "r"(a) : "memory");
  return v;
}
__device__ __forceinline__ uint4 cl_ld4(uint32_t a) {
  uint4 v;
  asm volatile("ld.shared::cluster.v4.u32 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
               : "r"(a)
               : "memory");
  return v;
}
__device__ __forceinline__ int cl_add(uint32_t a, int v) {
  int o;
  asm volatile("atom.shared::cluster.add.u32 %0, [%1], %2;\n"
               : "=r"(o)
               : "r"(a), "r"(v)
               : "memory");
  return o;
}
__device__ __forceinline__ void cl_st(uint32_t a, int v) {
  asm volatile("st.shared::cluster.u32 [%0], %1;\n" ::"r"(a), "r"(v) : "memory");
}
// Every thread of every CTA of the cluster; orders shared-memory accesses, remote ones included.
__device__ __forceinline__ void cl_sync() {
  asm volatile("barrier.cluster.arrive.release.aligned;\nbarrier.cluster.wait.acquire.aligned;\n" ::
                   : "memory");
}
__device__ __forceinline__ uint32_t cl_rank() {
  uint32_t r;
  asm volatile("mov.u32 %0, %%cluster_ctarank;\n" : "=r"(r));
  return r;
}

// Slice q of a row of vis keys split C ways (multiples of 4 keys), and the padding that puts its
// first 16-byte-aligned float at a multiple of 4 in the 16-bit key array.
struct Slice {
  int lo, n, head, pad;
};
__device__ __forceinline__ Slice slice_of(const float* row, int vis, int C, int q) {
  const int S = (((vis + C - 1) / C) + 3) & ~3;
  Slice sl;
  sl.lo = min(vis, q * S);
  sl.n = min(vis - sl.lo, S);
  sl.head = min(sl.n, (int)((16 - ((uintptr_t)(row + sl.lo) & 15)) & 15) / 4);
  sl.pad = (4 - sl.head) & 3;
  return sl;
}

// One histogram level over the 16-bit keys in [wlo, whi), bins (key16 - wlo) >> sh (< 2048), merged
// over the cluster, then select_bin for kNeed (selBin -1 when fewer keys were counted). wlo >= 1:
// the padding slots hold 0 and are never counted.
template <int C>
__device__ void s16_level(TopkSmem& s, const uint4* w16, int nw, uint32_t wlo, int sh, uint32_t whi,
                          int kNeed, bool zero) {
  const int tid = threadIdx.x;
  if (zero) {
    for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
    __syncthreads();
  }
  if (tid == 0) s.selBin = -1;
  for (int w = tid; w < nw; w += THREADS) {
    const uint4 v = w16[w];
    const uint32_t h[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
    for (int e = 0; e < 8; e++) {
      const uint32_t key16 = (e & 1) ? h[e >> 1] >> 16 : h[e >> 1] & 0xffffu;
      if (key16 >= wlo && key16 < whi) atomicAdd(&s.hist[(key16 - wlo) >> sh], 1);
    }
  }
  __syncthreads();
  if constexpr (C > 1) {
    cl_sync();  // every CTA's bins are final
    uint4 sum = make_uint4(0, 0, 0, 0);
#pragma unroll
    for (int q = 0; q < C; q++) {  // this CTA's own bins through the cluster window too
      const uint4 o = cl_ld4(cl_map(&s.hist[tid * 4], q));
      sum.x += o.x;
      sum.y += o.y;
      sum.z += o.z;
      sum.w += o.w;
    }
    cl_sync();  // nobody reads a peer's bins any more
    *reinterpret_cast<uint4*>(&s.hist[tid * 4]) = sum;
    __syncthreads();
  }
  select_bin(s, 2048, kNeed);
}

template <int C, bool PF>
__device__ __forceinline__ void s16_body(const float* __restrict__ logits,
                                         int* __restrict__ indices, int T, int P, int k) {
  static_assert(2048 == 4 * THREADS, "the cluster merge gives each thread 4 bins");
  extern __shared__ __align__(16) uint8_t dyn[];
  S16Shared& sh = *reinterpret_cast<S16Shared*>(dyn);
  TopkSmem& s = sh.s;
  const int tid = threadIdx.x, lane = tid & 31;
  const uint32_t rank = C > 1 ? cl_rank() : 0u;
  const int r = blockIdx.x / C;
  const int vis = P - T + r % T + 1;
  const float* row = logits + (size_t)r * P;
  int* out = indices + (size_t)r * k;
  if (vis <= k) {  // the whole cluster leaves here: no cluster barrier was reached
    if (rank == 0)
      for (int i = tid; i < k; i += THREADS) out[i] = i < vis ? i : -1;
    return;
  }
  // Every slice of the row must fit with its padding (the same answer in every CTA).
  bool fits = true;
  for (int q = 0; q < C; q++) {
    const Slice o = slice_of(row, vis, C, q);
    fits = fits && o.pad + o.n <= S16_SLICE;
  }
  if (!fits) {
    if (rank != 0) return;
    if (tid == 0) prefetch_row_l2(row, 0, min((long)vis, PREFETCH_KB * 256L));
    radix_global(s, row, vis, k, out);
    return;
  }
  const Slice sl = slice_of(row, vis, C, rank);
  const float* src = row + sl.lo;
  if (PF && tid == 0) prefetch_row_l2(src, 0, sl.n);
  for (int i = tid; i < 2048; i += THREADS) s.hist[i] = 0;
  if (tid == 0) {
    s.outCount = 0;
    s.candCount = 0;
    s.eqTaken = 0;
    sh.x.mx = 0;
    sh.x.mn = 0xffffu;
  }
  uint16_t* k16 = reinterpret_cast<uint16_t*>(s.candKey);
  const int end = sl.pad + sl.n, nw = (end + 7) >> 3;  // uint4 words of 8 keys
  // Padding slots hold 0 (below every window: wlo >= 1).
  if (tid < sl.pad) k16[tid] = 0;
  if (tid < nw * 8 - end) k16[end + tid] = 0;

  // 1. Stream the slice once.
  uint32_t mx = 0;
  if (tid < sl.head) {
    const uint32_t key = dsak::float_key(src[tid]);
    k16[sl.pad + tid] = (uint16_t)(key >> 16);
    mx = max(mx, key);
  }
  {
    const float4* body = reinterpret_cast<const float4*>(src + sl.head);
    uint2* dst = reinterpret_cast<uint2*>(k16 + sl.pad + sl.head);  // 8-byte aligned by the padding
    const int nv = (sl.n - sl.head) >> 2;
    for (int st = 0; st < nv; st += S16_LOADS * THREADS) {
      float4 x[S16_LOADS];
#pragma unroll
      for (int j = 0; j < S16_LOADS; j++) {
        const int i = st + j * THREADS + tid;
        x[j] = i < nv ? __ldcs(body + i) : make_float4(0.f, 0.f, 0.f, 0.f);
      }
#pragma unroll
      for (int j = 0; j < S16_LOADS; j++) {
        const int i = st + j * THREADS + tid;
        if (i < nv) {
          const uint32_t a = dsak::float_key(x[j].x), b = dsak::float_key(x[j].y);
          const uint32_t c = dsak::float_key(x[j].z), d = dsak::float_key(x[j].w);
          dst[i] = make_uint2((a >> 16) | (b & 0xffff0000u), (c >> 16) | (d & 0xffff0000u));
          mx = max(mx, max(max(a, b), max(c, d)));
        }
      }
    }
    const int t0 = sl.head + nv * 4;
    if (tid < sl.n - t0) {
      const uint32_t key = dsak::float_key(src[t0 + tid]);
      k16[sl.pad + t0 + tid] = (uint16_t)(key >> 16);
      mx = max(mx, key);
    }
  }
  mx = __reduce_max_sync(0xffffffffu, mx);
  __syncthreads();  // the counters above are initialised before any atomic
  if (lane == 0) atomicMax(&sh.x.mx, mx);
  __syncthreads();
  uint32_t rowMax = sh.x.mx;
  if constexpr (C > 1) {
    cl_sync();  // every CTA's maximum (and counters) are final
#pragma unroll
    for (int q = 0; q < C; q++) rowMax = max(rowMax, cl_ld(cl_map(&sh.x.mx, q)));
  }
  if constexpr (C == 1) TOPK_PHASE_END(1, rowMax);  // phase timing: one-CTA rows only
  const uint32_t max16 = rowMax >> 16;
  const uint4* w16 = reinterpret_cast<const uint4*>(k16);

  // 2. The exact 16-bit threshold: 2048 single-value bins below the maximum ...
  uint32_t wlo = max16 >= 2048u ? max16 - 2047u : 1u;
  s16_level<C>(s, w16, nw, wlo, 0, max16 + 1, k, false);
  int B = s.selBin, above = s.selAbove, eq = s.selEq;
  uint32_t T16 = wlo + (uint32_t)B;
  if (B < 0) {  // ... else the whole range, then inside the threshold bin
    // The row's smallest 16-bit key (>= 1: the padding's 0 is not a key), from shared memory.
    uint32_t m = 0xffffu;
    for (int w = tid; w < nw; w += THREADS) {
      const uint4 v = w16[w];
      const uint32_t h[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
      for (int e = 0; e < 8; e++) {
        const uint32_t key16 = (e & 1) ? h[e >> 1] >> 16 : h[e >> 1] & 0xffffu;
        if (key16 >= 1u) m = min(m, key16);
      }
    }
    m = __reduce_min_sync(0xffffffffu, m);
    if (lane == 0) atomicMin(&sh.x.mn, m);
    __syncthreads();
    uint32_t min16 = sh.x.mn;
    if constexpr (C > 1) {
      cl_sync();  // every CTA's minimum is final (nobody writes it again)
#pragma unroll
      for (int q = 0; q < C; q++) min16 = min(min16, cl_ld(cl_map(&sh.x.mn, q)));
    }
    const uint32_t range = max16 - min16;
    const int shw = max(0, (range == 0 ? 0 : 32 - __clz(range)) - 11);
    __syncthreads();
    s16_level<C>(s, w16, nw, min16, shw, max16 + 1, k, true);
    B = s.selBin;
    above = s.selAbove;
    eq = s.selEq;
    T16 = min16 + ((uint32_t)max(B, 0) << shw);
    if (B >= 0 && shw > 0) {
      __syncthreads();
      s16_level<C>(s, w16, nw, T16, 0, T16 + (1u << shw), k - above, true);
      B = s.selBin;
      above += s.selAbove;
      eq = s.selEq;
      T16 += (uint32_t)max(B, 0);
    }
  }
  if constexpr (C == 1) TOPK_PHASE_END(2, T16);
  const int kRem = k - above;
  const bool takeAll = eq == kRem;
  if (B < 0 || (!takeAll && eq > S16_LIST)) {  // the same in every CTA (merged histograms)
    if (rank != 0) return;
    __syncthreads();
    radix_global(s, row, vis, k, out);
    return;
  }
  if constexpr (C > 1) cl_sync();  // every CTA is done with its bins: rank 0's may take the list

  // 3. Emit the keys above T16 (and equal to it when all of them are taken); list the equal ones
  // in rank 0's hist. One shared atomic per warp per 8 keys a lane.
  int* const list = s.hist;
  const unsigned lt = (1u << lane) - 1;
  const uint32_t Tgt = takeAll ? T16 - 1 : T16;   // emit key16 > Tgt
  const uint32_t Teq = takeAll ? 0x10000u : T16;  // list key16 == Teq (none when all are taken)
  for (int w0 = 0; w0 < nw; w0 += THREADS) {
    const int w = w0 + tid;
    const uint4 v = w < nw ? w16[w] : make_uint4(0, 0, 0, 0);
    const uint32_t h[4] = {v.x, v.y, v.z, v.w};
    unsigned bg[8];
    int tot = 0, totE = 0;
#pragma unroll
    for (int e = 0; e < 8; e++) {
      const uint32_t key16 = (e & 1) ? h[e >> 1] >> 16 : h[e >> 1] & 0xffffu;
      bg[e] = __ballot_sync(0xffffffffu, key16 > Tgt);
      tot += __popc(bg[e]);
      totE += key16 == Teq;  // lanes disagree: summed over the warp below
    }
    totE = __reduce_add_sync(0xffffffffu, totE);
    const int j0 = sl.lo + 8 * w - sl.pad;  // row index of this word's first key
    if (tot) {
      int base = 0;
      if (lane == 0)
        base = C > 1 ? cl_add(cl_map(&s.outCount, 0), tot) : atomicAdd(&s.outCount, tot);
      base = __shfl_sync(0xffffffffu, base, 0);
#pragma unroll
      for (int e = 0; e < 8; e++) {
        if ((bg[e] >> lane) & 1u) out[base + __popc(bg[e] & lt)] = j0 + e;
        base += __popc(bg[e]);
      }
    }
    if (totE) {  // rare: tens of keys per row
      int base = 0;
      if (lane == 0)
        base = C > 1 ? cl_add(cl_map(&s.candCount, 0), totE) : atomicAdd(&s.candCount, totE);
      base = __shfl_sync(0xffffffffu, base, 0);
#pragma unroll
      for (int e = 0; e < 8; e++) {
        const uint32_t key16 = (e & 1) ? h[e >> 1] >> 16 : h[e >> 1] & 0xffffu;
        const unsigned be = __ballot_sync(0xffffffffu, key16 == Teq);
        if ((be >> lane) & 1u) {
          const int p = base + __popc(be & lt);
          if (C > 1)
            cl_st(cl_map(list + p, 0), j0 + e);
          else
            list[p] = j0 + e;
        }
        base += __popc(be);
      }
    }
  }
  if constexpr (C > 1) {
    cl_sync();  // all winners counted and the list complete in rank 0; nobody touches a peer after
    if (rank != 0) return;
  } else {
    __syncthreads();
  }
  if constexpr (C == 1) TOPK_PHASE_END(3, s.outCount);
  if (takeAll) return;

  // 4. The kRem largest of the threshold-equal keys, by their exact values (read again; rank 0's
  // 16-bit keys are no longer needed, the candidate arrays take them).
  const int n = s.candCount;
  for (int i = tid; i < n; i += THREADS) {
    const int idx = list[i];
    s.candKey[i] = dsak::float_key(row[idx]);
    s.candIdx[i] = idx;
  }
  if (tid == 0) s.maxKey = (T16 << 16) | 0xffffu;
  __syncthreads();
  select_cands(s, n, kRem, T16 << 16, out);
}

}  // namespace

// grid = rows * C (C consecutive CTAs per row, one cluster), block = dsa_topk_s16_threads (512),
// dynamic shared memory = dsa_topk_s16_smem; indices [rows, k]. C = 1 for P <= dsa_topk_s16_slice,
// else ceil(P / dsa_topk_s16_slice) (2..4). s16 streams with plain loads; s16p also starts an L2
// prefetch of the CTA's whole slice first (more bytes in flight when few CTAs share an SM).
// (C = 1 is a plain launch: no cluster attribute.)
#define S16_CLUSTER_1
#define S16_CLUSTER_2 __cluster_dims__(2, 1, 1)
#define S16_CLUSTER_3 __cluster_dims__(3, 1, 1)
#define S16_CLUSTER_4 __cluster_dims__(4, 1, 1)
#define S16_KERNEL(name, C, PF)                                                                \
  extern "C" __global__ void S16_CLUSTER_##C __launch_bounds__(THREADS, 3)                     \
      name(const float* __restrict__ logits, int* __restrict__ indices, int T, int P, int k) { \
    s16_body<C, PF>(logits, indices, T, P, k);                                                 \
  }
S16_KERNEL(dsa_topk_s16_c1, 1, false)
S16_KERNEL(dsa_topk_s16_c2, 2, false)
S16_KERNEL(dsa_topk_s16_c3, 3, false)
S16_KERNEL(dsa_topk_s16_c4, 4, false)
S16_KERNEL(dsa_topk_s16p_c1, 1, true)
S16_KERNEL(dsa_topk_s16p_c2, 2, true)
S16_KERNEL(dsa_topk_s16p_c3, 3, true)
S16_KERNEL(dsa_topk_s16p_c4, 4, true)
#undef S16_KERNEL

extern "C" __device__ const int dsa_topk_s16_smem = (int)sizeof(S16Shared);
extern "C" __device__ const int dsa_topk_s16_threads = THREADS;
extern "C" __device__ const int dsa_topk_s16_slice = S16_SLICE;  // keys per CTA at most
extern "C" __device__ const int dsa_topk_s16_max_cluster = 4;
