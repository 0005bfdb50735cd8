// Lightning indexer logits on sm_90a, fp8 (version 3): I[t,s] = kScale[s] * sum_j w[t,j] *
// ReLU(q[t,j] . k[s]), causal, keys a query cannot see get -Infinity.
//
// Shapes as dsa_indexer.cu: q [batch*T, 64, 128] e4m3, w [batch*T, 64] fp32 (q's scale folded
// in), k [batch, P, 128] e4m3, kScale [batch, P] fp32, logits [batch*T, P] fp32. Query t of a
// sequence sits at position P - T + t.
//
// Work: items of (sequence, tile of NQ queries, block of 64 keys), every tile counting all
// ceil(P/64) blocks; blocks past the tile's causal horizon only store -Infinity. A persistent grid
// (one CTA per SM) splits the item list into equal contiguous ranges, so a decode batch of a few
// sequences fills the chip without a split-K kernel, and each sequence's key cache is read once
// for all of its query tokens (NQ = tokens per sequence up to 4).
//
// CTA: two math warpgroups and one producer warp (its warpgroup's other warps exit).
//   producer: TMA loads of each 64-key block (8 KB, 128B-swizzled, 3D map so rows past P are
//     zero) into a ring of STAGES slots, the block's 64 key scales by cp.async that arrive on the
//     same mbarrier, and each query tile's q (NQ x 8 KB) and w into a 2-slot ring;
//   math warpgroup g takes every other item of the range: wgmma m64 x (NQ*64) x 32 (A = keys,
//     B = heads, both from shared memory), then the ReLU-weighted head sum on the accumulators
//     (FMNMX + FFMA per head, a 3-shuffle reduce-scatter inside each quad of lanes, so every lane
//     ends with one finished logit), times the key's scale, stored streaming (st.global.cs).
//   The two warpgroups never meet at a block barrier: while one runs its epilogue the other's
//   wgmma runs. For NQ = 4 (prefill) the 256 heads-columns are two wgmma groups of 128, so the
//   first half's epilogue also overlaps the second half's product (and setmaxnreg moves registers
//   from the producer to the math warpgroups for the 128 accumulators).
#include "dsa_common.cuh"
#include "dsa_wgmma.cuh"
#include "sm90/indexer/pipeline.cuh"

namespace {

template <int NQ>
struct V3Cfg {
  static_assert(NQ == 1 || NQ == 2 || NQ == 4, "NQ");
  static constexpr int BK = 64;                    // keys per block: the wgmma's M
  static constexpr int NWG = 2;                    // math warpgroups
  static constexpr int THREADS = (NWG + 1) * 128;  // + the producer warpgroup
  // K ring: decode streams keys from HBM, and 12 blocks of 8 KB in flight per SM cover its
  // latency-bandwidth product with room; prefill reads them from L2.
  static constexpr int STAGES = NQ == 4 ? 8 : 12;
  static constexpr int BANKS = NQ == 4 ? 2 : 1;  // wgmma groups, 128 columns at most each
  static constexpr int BN = NQ * 64 / BANKS;     // columns per group
  static constexpr int QPB = BN / 64;            // queries per group
  static constexpr int QBYTES = NQ * 64 * 128;
};

template <int NQ>
struct V3Smem {
  using C = V3Cfg<NQ>;
  uint8_t k[C::STAGES][8192];  // 1024-byte aligned: the 128B swizzle atom
  uint8_t q[2][C::QBYTES];
  float w[2][NQ * 64];
  float scale[C::STAGES][64];
  uint64_t kfull[C::STAGES], kempty[C::STAGES], qfull[2], qempty[2];
};

// The item walk shared by the producer and the math warpgroups: (b, qt, kb) advanced in place,
// hz the last key any query of tile qt sees.
struct ItemWalk {
  int b, qt, kb, hz;
  int T, P, QT, NB, NQ;
  __device__ __forceinline__ void start(int item) {
    kb = item % NB;
    const int r = item / NB;
    qt = r % QT;
    b = r / QT;
    horizon();
  }
  __device__ __forceinline__ void horizon() { hz = P - T + min((qt + 1) * NQ, T) - 1; }
  __device__ __forceinline__ bool compute() const { return kb * 64 <= hz; }
  // Next item; true when it starts a new query tile.
  __device__ __forceinline__ bool next() {
    if (++kb < NB) return false;
    kb = 0;
    if (++qt == QT) {
      qt = 0;
      ++b;
    }
    horizon();
    return true;
  }
};

// Sum over the heads of one wgmma group (QPB queries x 64 heads) of ReLU(acc) * w, reduced inside
// each quad of lanes so that lane (bit1, bit0) ends with query q0 + bit0 (QPB = 2) of the key in
// row bit1 (rows: lane/4 and lane/4 + 8 of the warp's 16); for QPB = 1 lane bit0 holds row bit0.
template <int QPB>
__device__ __forceinline__ float head_sum(const float* d, const float* w, int lane) {
  float s[QPB][2];
#pragma unroll
  for (int ql = 0; ql < QPB; ql++) {
    s[ql][0] = s[ql][1] = 0.f;
#pragma unroll
    for (int c = 0; c < 8; c++) {
      const float2 wv = *reinterpret_cast<const float2*>(w + ql * 64 + c * 8 + (lane & 3) * 2);
      const float* a = d + (ql * 8 + c) * 4;
      s[ql][0] = fmaf(fmaxf(a[0], 0.f), wv.x, s[ql][0]);
      s[ql][0] = fmaf(fmaxf(a[1], 0.f), wv.y, s[ql][0]);
      s[ql][1] = fmaf(fmaxf(a[2], 0.f), wv.x, s[ql][1]);
      s[ql][1] = fmaf(fmaxf(a[3], 0.f), wv.y, s[ql][1]);
    }
  }
  const bool b0 = lane & 1, b1 = lane & 2;
  if constexpr (QPB == 2) {
    // Exchange whole queries with lane ^ 1, then rows with lane ^ 2: 3 shuffles for 4 sums.
    const float keep0 = b0 ? s[1][0] : s[0][0], keep1 = b0 ? s[1][1] : s[0][1];
    const float send0 = b0 ? s[0][0] : s[1][0], send1 = b0 ? s[0][1] : s[1][1];
    const float u0 = keep0 + __shfl_xor_sync(0xffffffffu, send0, 1);
    const float u1 = keep1 + __shfl_xor_sync(0xffffffffu, send1, 1);
    const float keep = b1 ? u1 : u0, send = b1 ? u0 : u1;
    return keep + __shfl_xor_sync(0xffffffffu, send, 2);
  } else {
    const float keep = b0 ? s[0][1] : s[0][0], send = b0 ? s[0][0] : s[0][1];
    const float u = keep + __shfl_xor_sync(0xffffffffu, send, 1);
    return u + __shfl_xor_sync(0xffffffffu, u, 2);
  }
}

template <int NQ>
__device__ __forceinline__ void indexer_v3(const CUtensorMap* tmQ, const CUtensorMap* tmW,
                                           const CUtensorMap* tmK, const float* __restrict__ kscale,
                                           float* __restrict__ logits, int batch, int T, int P) {
  using C = V3Cfg<NQ>;
  using S = V3Smem<NQ>;
  extern __shared__ uint8_t smem_raw[];
  const uint32_t raw = dsap::smem_u32(smem_raw);
  S& s = *reinterpret_cast<S*>(smem_raw + (((raw + 1023u) & ~1023u) - raw));

  const int tid = threadIdx.x, lane = tid & 31;
  const int wg = tid >> 7;
  ItemWalk it;
  it.T = T;
  it.P = P;
  it.NQ = NQ;
  it.QT = (T + NQ - 1) / NQ;
  it.NB = (P + C::BK - 1) / C::BK;
  const long total = (long)batch * it.QT * it.NB;
  const int begin = (int)(total * blockIdx.x / gridDim.x);
  const int end = (int)(total * (blockIdx.x + 1) / gridDim.x);

  if (tid == 0) {
    for (int i = 0; i < C::STAGES; i++) {
      dsap::mbar_init(dsap::smem_u32(&s.kfull[i]), 1 + 32);  // expect-tx arrival + 32 scale lanes
      dsap::mbar_init(dsap::smem_u32(&s.kempty[i]), 4);      // the 4 warps of the consumer
    }
    for (int i = 0; i < 2; i++) {
      dsap::mbar_init(dsap::smem_u32(&s.qfull[i]), 1);
      dsap::mbar_init(dsap::smem_u32(&s.qempty[i]), 4 * C::NWG);
    }
    dsap::mbar_init_fence();
  }
  __syncthreads();
  if (begin >= end) return;

  if (wg == C::NWG) {
    // ---------------------------------------------------------------- producer warp
    if (NQ == 4) dsap::regs_dealloc<40>();
    if (tid >= C::NWG * 128 + 32) return;   // one warp issues everything
    if (lane == 0) {
      dsap::prefetch_tensormap(tmQ);
      dsap::prefetch_tensormap(tmW);
      dsap::prefetch_tensormap(tmK);
    }
    const uint64_t keep = dsap::l2_evict_last();
    // Prefill tiles read every key block again: keep keys in L2. Decode reads each once.
    const uint64_t kpol = NQ == 4 ? keep : dsap::l2_evict_first();
    it.start(begin);
    int stage = 0, kpar = 0, qslot = 0, qpar = 0;
    bool newq = true;
    for (int i = begin; i < end; ++i) {
      if (newq) {
        dsap::mbar_wait(dsap::smem_u32(&s.qempty[qslot]), qpar ^ 1);
        if (lane == 0) {
          const uint32_t bar = dsap::smem_u32(&s.qfull[qslot]);
          dsap::mbar_arrive_expect_tx(bar, C::QBYTES + NQ * 64 * 4);
          const int row = it.b * T + it.qt * NQ;
          dsap::tma_load_2d(dsap::smem_u32(s.q[qslot]), tmQ, bar, 0, row * 64, keep);
          dsap::tma_load_2d(dsap::smem_u32(s.w[qslot]), tmW, bar, 0, row, keep);
        }
        newq = false;
      }
      if (it.compute()) {
        dsap::mbar_wait(dsap::smem_u32(&s.kempty[stage]), kpar ^ 1);
        const uint32_t bar = dsap::smem_u32(&s.kfull[stage]);
        if (lane == 0) {
          dsap::mbar_arrive_expect_tx(bar, 8192);
          dsap::tma_load_3d(dsap::smem_u32(s.k[stage]), tmK, bar, 0, it.kb * 64, it.b, kpol);
        }
        const float* srow = kscale + (size_t)it.b * P;
#pragma unroll
        for (int h = 0; h < 2; h++) {
          const int key = it.kb * 64 + lane + 32 * h;
          dsap::cp_async_4(dsap::smem_u32(&s.scale[stage][lane + 32 * h]), srow + min(key, P - 1),
                           key < P ? 4 : 0);
        }
        dsap::cp_async_arrive_noinc(bar);
        if (++stage == C::STAGES) {
          stage = 0;
          kpar ^= 1;
        }
      }
      if (it.next()) {
        qslot ^= 1;
        if (qslot == 0) qpar ^= 1;
        newq = true;
      }
    }
    return;
  }

  // ------------------------------------------------------------------ math warpgroups
  if (NQ == 4) dsap::regs_alloc<232>();
  const int wl = (tid & 127) >> 5;   // warp within the warpgroup: rows wl*16 ..
  it.start(begin);
  int stage = 0, kpar = 0, qslot = 0, qpar = 0;
  // Every warpgroup waits for every query tile it walks into, own items there or not: then it can
  // release a q slot only after the producer refilled it, and the slot's phases never alias.
  dsap::mbar_wait(dsap::smem_u32(&s.qfull[0]), 0);
  float dA[C::BN / 2], dB[C::BANKS == 2 ? C::BN / 2 : 1];
  for (int i = begin, j = 0; i < end; ++i, ++j) {
    const bool comp = it.compute();
    const int st = stage;
    const int par = kpar;
    if (comp && ++stage == C::STAGES) {
      stage = 0;
      kpar ^= 1;
    }
    if ((j & (C::NWG - 1)) == wg) {
      const int t0 = it.qt * NQ;
      const size_t rowBase = (size_t)it.b * T;
      if (comp) {
        dsap::mbar_wait(dsap::smem_u32(&s.kfull[st]), par);
        const uint64_t descK = dsak::wgmma_desc_sw128(dsap::smem_u32(s.k[st]));
        const uint64_t descQ = dsak::wgmma_desc_sw128(dsap::smem_u32(s.q[qslot]));
        dsak::wgmma_fence();
#pragma unroll
        for (int ks = 0; ks < 4; ks++) {
          dsak::WgmmaE4M3<C::BN>::mma(dA, descK + 2 * ks, descQ + 2 * ks, ks > 0);
        }
        dsak::wgmma_commit();
        if constexpr (C::BANKS == 2) {
          // Second group: heads-columns 128..255 (queries 2, 3), 16 KB further into the q tile.
          const uint64_t descQ1 = descQ + ((C::BN * 128) >> 4);
#pragma unroll
          for (int ks = 0; ks < 4; ks++) {
            dsak::WgmmaE4M3<C::BN>::mma(dB, descK + 2 * ks, descQ1 + 2 * ks, ks > 0);
          }
          dsak::wgmma_commit();
        }
        // This lane's key row (see head_sum) and its scale, read before the slot is released.
        const int row = NQ == 1 ? (lane & 1) : ((lane >> 1) & 1);
        const int kr = wl * 16 + (lane >> 2) + 8 * row;
        const float sc = s.scale[st][kr];
        const int key = it.kb * 64 + kr;
        const float* w = s.w[qslot];
        float vA, vB = 0.f;
        if constexpr (C::BANKS == 2) {
          dsak::wgmma_wait<1>();
#pragma unroll
          for (int x = 0; x < C::BN / 2; x++) asm volatile("" : "+f"(dA[x])::"memory");
          vA = head_sum<C::QPB>(dA, w, lane);
          dsak::wgmma_wait<0>();
#pragma unroll
          for (int x = 0; x < C::BN / 2; x++) asm volatile("" : "+f"(dB[x])::"memory");
          __syncwarp();
          if (lane == 0) dsap::mbar_arrive(dsap::smem_u32(&s.kempty[st]));
          vB = head_sum<C::QPB>(dB, w + 128, lane);
        } else {
          dsak::wgmma_wait<0>();
#pragma unroll
          for (int x = 0; x < C::BN / 2; x++) asm volatile("" : "+f"(dA[x])::"memory");
          __syncwarp();
          if (lane == 0) dsap::mbar_arrive(dsap::smem_u32(&s.kempty[st]));
          vA = head_sum<C::QPB>(dA, w, lane);
        }
        if (key < P) {
          // QPB = 2: lane bit0 picks the query of its group; QPB = 1: lanes with bit1 store.
          const int qa = NQ == 1 ? 0 : (lane & 1);
          if (NQ > 1 || (lane & 2) == 0) {
            const int t = t0 + qa;
            if (t < T) {
              const float v = key <= P - T + t ? vA * sc : -INFINITY;
              __stcs(logits + (rowBase + t) * P + key, v);
            }
          }
          if constexpr (C::BANKS == 2) {
            const int t = t0 + 2 + qa;
            if (t < T) {
              const float v = key <= P - T + t ? vB * sc : -INFINITY;
              __stcs(logits + (rowBase + t) * P + key, v);
            }
          }
        }
      } else {
        // A block past every query's horizon in this tile.
        for (int x = tid & 127; x < NQ * 64; x += 128) {
          const int t = t0 + (x >> 6), key = it.kb * 64 + (x & 63);
          if (t < T && key < P) __stcs(logits + (rowBase + t) * P + key, -INFINITY);
        }
      }
    }
    if (it.next()) {
      // Done with this q tile (its wgmma waited for above): release the slot, move to the next.
      __syncwarp();
      if (lane == 0) dsap::mbar_arrive(dsap::smem_u32(&s.qempty[qslot]));
      qslot ^= 1;
      if (qslot == 0) qpar ^= 1;
      if (i + 1 < end) dsap::mbar_wait(dsap::smem_u32(&s.qfull[qslot]), qpar);
    }
  }
}

}  // namespace

// grid = min(SMs, items), block = dsa_indexer_v3_threads, dynamic shared memory =
// dsa_indexer_v3_smem_q{NQ}. tmQ: uint8 {128, batch*T*64}, box {128, 64*NQ}, 128B swizzle;
// tmW: fp32 {64, batch*T}, box {64, NQ}; tmK: uint8 {128, P, batch}, box {128, 64, 1}, 128B swizzle.
#define DSA_INDEXER_V3(NQ)                                                                        \
  extern "C" __global__ void __launch_bounds__(V3Cfg<NQ>::THREADS, 1)                             \
      dsa_indexer_fp8_v3_q##NQ(const __grid_constant__ CUtensorMap tmQ,                            \
                               const __grid_constant__ CUtensorMap tmW,                            \
                               const __grid_constant__ CUtensorMap tmK,                            \
                               const float* __restrict__ kscale, float* __restrict__ logits,      \
                               int batch, int T, int P) {                                         \
    indexer_v3<NQ>(&tmQ, &tmW, &tmK, kscale, logits, batch, T, P);                                \
  }                                                                                               \
  extern "C" __device__ const int dsa_indexer_v3_smem_q##NQ = (int)sizeof(V3Smem<NQ>) + 1024;
DSA_INDEXER_V3(1)
DSA_INDEXER_V3(2)
DSA_INDEXER_V3(4)

extern "C" __device__ const int dsa_indexer_v3_threads = V3Cfg<1>::THREADS;
