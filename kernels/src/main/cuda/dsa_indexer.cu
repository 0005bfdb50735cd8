// Lightning indexer logits: I[t,s] = kScale[s] * sum_j w[t,j] * ReLU(q[t,j] . k[s]) (fp8) or the
// same without kScale (bf16), causal; keys a query cannot see get -Infinity.
//
// Shapes: q [batch*T, 64, 128], w [batch*T, 64] fp32, k [batch, P, 128], kScale [batch, P],
// logits [batch*T, P]. Query t of a sequence sits at position P - T + t.
//
// Mapping (why it is this way round): keys are the MMA's M dimension and heads its N dimension,
// so a key tile comes from shared memory as the A operand (ldmatrix, one load per 16 keys) and the
// query's 64 x 128 head matrix stays in registers as B fragments for the whole run (64 registers:
// 8 KB of fp8 per warp). The ReLU-weighted sum over heads is then a sum over accumulator columns:
// 16 FMAs per thread plus a 2-step shuffle inside each quad, with no shared-memory round trip.
//
// CTA: 256 threads, QW queries of one sequence (QW = 1, 2, 4, 8); the 8 warps are
// QW queries x HG head groups x KG key groups. A key block of BK keys (16 KB) is staged in shared
// memory (2 stages, cp.async) and shared by all warps. grid = (ceil(T/QW), batch, splits): a split
// covers splitLen keys, so decode (T = 1 or 2) still fills the chip.
#include "dsa_common.cuh"

namespace {

template <bool FP8>
struct IndexerCfg {
  static constexpr int ELEM = FP8 ? 1 : 2;   // bytes per value
  static constexpr int ROW = 128 * ELEM;     // bytes per k row
  static constexpr int CPR = ROW / 16;       // 16-byte chunks per row
  static constexpr int STEPS = ROW / 32;     // MMA k-steps per row (32 bytes each)
  static constexpr int HPW = FP8 ? 64 : 32;  // heads per warp (64 B-fragment registers)
  static constexpr int HG = 64 / HPW;        // head groups
  static constexpr int NT = HPW / 8;         // n-tiles per warp
  static constexpr int BK = FP8 ? 128 : 64;  // keys per block (16 KB either way)
  static constexpr int MT = BK / 16;         // m-tiles per block
  static constexpr int STAGE = BK * ROW;     // bytes per stage
};

template <bool FP8>
__device__ __forceinline__ void indexer_body(const uint8_t* __restrict__ q,
                                             const float* __restrict__ w,
                                             const uint8_t* __restrict__ k,
                                             const float* __restrict__ kscale,
                                             float* __restrict__ logits, int T, int P, int splitLen,
                                             int QW) {
  using C = IndexerCfg<FP8>;
  __shared__ __align__(128) uint8_t sK[2][C::STAGE];
  __shared__ float sRed[C::HG][8][C::BK];

  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int b = blockIdx.y;
  const int t0 = blockIdx.x * QW;
  const int KG = 8 / (QW * C::HG);
  const int qi = warp % QW, hg = (warp / QW) % C::HG, kg = warp / (QW * C::HG);
  const int t = t0 + qi;
  const bool qvalid = t < T;
  const int k0 = blockIdx.z * splitLen;
  const int k1 = min(P, k0 + splitLen);
  const int lastT = min(t0 + QW, T) - 1;
  const int maxpos = P - T + lastT;      // last key any query of this CTA sees
  const int cend = min(k1, maxpos + 1);  // keys [k0, cend) need computing
  const int nb = cend > k0 ? (cend - k0 + C::BK - 1) / C::BK : 0;

  const uint8_t* kseq = k + (size_t)b * P * C::ROW;

  // The query's head fragments (B operand) and its weights, for the whole run.
  uint32_t qf[C::NT][C::STEPS][2];
  float wr[C::NT][2];
  {
    const int row = b * T + (qvalid ? t : 0);
    const uint8_t* qrow = q + ((size_t)row * 64 + hg * C::HPW) * C::ROW;
#pragma unroll
    for (int n = 0; n < C::NT; n++) {
      const uint8_t* hrow = qrow + (size_t)(n * 8 + (lane >> 2)) * C::ROW + (lane & 3) * 4;
#pragma unroll
      for (int s = 0; s < C::STEPS; s++) {
        qf[n][s][0] = __ldg(reinterpret_cast<const uint32_t*>(hrow + s * 32));
        qf[n][s][1] = __ldg(reinterpret_cast<const uint32_t*>(hrow + s * 32 + 16));
      }
      const float* wrow = w + (size_t)row * 64 + hg * C::HPW + n * 8 + (lane & 3) * 2;
      wr[n][0] = __ldg(wrow);
      wr[n][1] = __ldg(wrow + 1);
    }
  }

  auto load = [&](int j) {
    const int kb = k0 + j * C::BK;
    const uint32_t base = dsak::smem_u32(sK[j & 1]);
#pragma unroll
    for (int i = 0; i < (C::BK * C::CPR) / 256; i++) {
      const int c = tid + i * 256;
      const int r = c / C::CPR, ch = c % C::CPR;
      const int key = kb + r;
      const bool ok = key < P;
      const uint8_t* src = kseq + (size_t)(ok ? key : 0) * C::ROW + ch * 16;
      dsak::cp_async_16(base + dsak::swz(r, ch, C::CPR), src, ok ? 16 : 0);
    }
    dsak::cp_async_commit();
  };

  if (nb > 0) load(0);
  for (int j = 0; j < nb; j++) {
    dsak::cp_async_wait<0>();
    __syncthreads();
    if (j + 1 < nb) load(j + 1);
    const int kb = k0 + j * C::BK;
    if (qvalid) {
      const uint32_t base = dsak::smem_u32(sK[j & 1]);
      for (int mt = kg; mt < C::MT; mt += KG) {
        float acc[C::NT][4];
#pragma unroll
        for (int n = 0; n < C::NT; n++) acc[n][0] = acc[n][1] = acc[n][2] = acc[n][3] = 0.f;
        const int arow = mt * 16 + (lane & 7) + ((lane >> 3) & 1) * 8;
#pragma unroll
        for (int s = 0; s < C::STEPS; s++) {
          uint32_t a[4];
          dsak::ldmatrix_x4(a, base + dsak::swz(arow, 2 * s + (lane >> 4), C::CPR));
#pragma unroll
          for (int n = 0; n < C::NT; n++) {
            if constexpr (FP8) {
              dsak::mma_e4m3(acc[n], a, qf[n][s][0], qf[n][s][1]);
            } else {
              dsak::mma_bf16(acc[n], a, qf[n][s][0], qf[n][s][1]);
            }
          }
        }
        float s0 = 0.f, s1 = 0.f;
#pragma unroll
        for (int n = 0; n < C::NT; n++) {
          s0 = fmaf(fmaxf(acc[n][0], 0.f), wr[n][0], s0);
          s0 = fmaf(fmaxf(acc[n][1], 0.f), wr[n][1], s0);
          s1 = fmaf(fmaxf(acc[n][2], 0.f), wr[n][0], s1);
          s1 = fmaf(fmaxf(acc[n][3], 0.f), wr[n][1], s1);
        }
        s0 += __shfl_xor_sync(0xffffffffu, s0, 1);
        s1 += __shfl_xor_sync(0xffffffffu, s1, 1);
        s0 += __shfl_xor_sync(0xffffffffu, s0, 2);
        s1 += __shfl_xor_sync(0xffffffffu, s1, 2);
        if ((lane & 3) == 0) {
          sRed[hg][qi][mt * 16 + (lane >> 2)] = s0;
          sRed[hg][qi][mt * 16 + (lane >> 2) + 8] = s1;
        }
      }
    }
    __syncthreads();
    for (int i = tid; i < QW * C::BK; i += 256) {
      const int oq = i / C::BK, kk = i % C::BK;
      const int ot = t0 + oq, key = kb + kk;
      if (ot < T && key < k1) {
        float v = -INFINITY;
        if (key <= P - T + ot) {
          v = sRed[0][oq][kk];
#pragma unroll
          for (int h = 1; h < C::HG; h++) v += sRed[h][oq][kk];
          if constexpr (FP8) v *= __ldg(kscale + (size_t)b * P + key);
        }
        logits[(size_t)(b * T + ot) * P + key] = v;
      }
    }
  }
  // Keys past every query's horizon in this split.
  const int fill0 = k0 + nb * C::BK;
  if (fill0 < k1) {
    const int len = k1 - fill0;
    for (int oq = 0; oq < QW && t0 + oq < T; oq++) {
      float* dst = logits + (size_t)(b * T + t0 + oq) * P + fill0;
      for (int i = tid; i < len; i += 256) dst[i] = -INFINITY;
    }
  }
}

}  // namespace

extern "C" __global__ void __launch_bounds__(256, 1)
    dsa_indexer_fp8(const uint8_t* __restrict__ q, const float* __restrict__ w,
                    const uint8_t* __restrict__ k, const float* __restrict__ kscale,
                    float* __restrict__ logits, int T, int P, int splitLen, int QW) {
  indexer_body<true>(q, w, k, kscale, logits, T, P, splitLen, QW);
}

extern "C" __global__ void __launch_bounds__(256, 1)
    dsa_indexer_bf16(const __nv_bfloat16* __restrict__ q, const float* __restrict__ w,
                     const __nv_bfloat16* __restrict__ k, float* __restrict__ logits, int T, int P,
                     int splitLen, int QW) {
  indexer_body<false>(reinterpret_cast<const uint8_t*>(q), w, reinterpret_cast<const uint8_t*>(k),
                      nullptr, logits, T, P, splitLen, QW);
}

// ---------------------------------------------------------------------------------------------
// Hopper path: wgmma (QGMMA in SASS). One warpgroup (128 threads) per CTA computes a 64-key x
// (NQ x 64 heads) tile per step: A = 64 keys x 128 e4m3 (a 128-byte row each, 128B-swizzled),
// B = the NQ queries' 64 x 128 heads, both straight from shared memory, 4 k-steps of 32. The
// accumulator layout puts a key's heads in one quad of lanes, so the ReLU-weighted head sum is 16
// (NQ = 1) to 64 (NQ = 4) FMAs per thread and two shuffles per query, as in the mma.sync path.
// Several CTAs per SM (registers allow 3) overlap one CTA's epilogue with another's wgmma.
// Dynamic smem: 1 KB alignment slack + q tile (NQ x 8 KB) + 3 key stages of 8 KB + weights.
#include "dsa_wgmma.cuh"

namespace {
constexpr int WG_BK = 64;
// Key stages of 8 KB: WG_STAGES - 1 blocks in flight while one is multiplied (3 CTAs per SM:
// 2 blocks = 17 KB in flight per CTA).
constexpr int WG_STAGES = 3;
}  // namespace

template <int NQ>
__device__ __forceinline__ void indexer_wgmma_body(
    const uint8_t* __restrict__ q, const float* __restrict__ w, const uint8_t* __restrict__ k,
    const float* __restrict__ kscale, float* __restrict__ logits, int T, int P, int splitLen) {
  extern __shared__ uint8_t smem_raw[];
  const uint32_t raw = dsak::smem_u32(smem_raw);
  const uint32_t base = (raw + 1023u) & ~1023u;
  uint8_t* const sgen = smem_raw + (base - raw);
  const uint32_t sQ = base;
  const uint32_t sK = base + NQ * 8192;
  float* const sW = reinterpret_cast<float*>(sgen + NQ * 8192 + WG_STAGES * 8192);

  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int b = blockIdx.y;
  const int t0 = blockIdx.x * NQ;
  const int k0 = blockIdx.z * splitLen;
  const int k1 = min(P, k0 + splitLen);
  const int lastT = min(t0 + NQ, T) - 1;
  const int maxpos = P - T + lastT;
  const int cend = min(k1, maxpos + 1);
  const int nb = cend > k0 ? (cend - k0 + WG_BK - 1) / WG_BK : 0;
  const uint8_t* kseq = k + (size_t)b * P * 128;

  // q tile (rows qi*64 + head) and weights; queries past T read query T-1 (never stored).
  for (int c = tid; c < NQ * 64 * 8; c += 128) {
    const int row = c >> 3, ch = c & 7;
    const int t = min(t0 + (row >> 6), T - 1);
    const uint8_t* src = q + ((size_t)(b * T + t) * 64 + (row & 63)) * 128 + ch * 16;
    dsak::cp_async_16(sQ + dsak::swz(row, ch, 8), src, 16);
  }
  for (int i = tid; i < NQ * 64; i += 128) {
    const int t = min(t0 + (i >> 6), T - 1);
    sW[i] = __ldg(w + (size_t)(b * T + t) * 64 + (i & 63));
  }
  auto load = [&](int j) {
    const int kb = k0 + j * WG_BK;
    const uint32_t st = sK + (j % WG_STAGES) * 8192;
#pragma unroll
    for (int i = 0; i < 4; i++) {
      const int c = tid + i * 128;
      const int r = c >> 3, ch = c & 7;
      const int key = kb + r;
      const bool ok = key < P;
      dsak::cp_async_16(st + dsak::swz(r, ch, 8), kseq + (size_t)(ok ? key : 0) * 128 + ch * 16,
                        ok ? 16 : 0);
    }
  };
  // Groups 0 .. WG_STAGES-2 (the q tile rides in group 0); one group is committed per iteration,
  // empty or not, so "block j has landed" is always "at most WG_STAGES-2 newer groups pending".
  if (nb > 0) load(0);
  dsak::cp_async_commit();
  if (nb > 1) load(1);
  dsak::cp_async_commit();
#pragma unroll
  for (int j = 2; j < WG_STAGES - 1; j++) {
    if (j < nb) load(j);
    dsak::cp_async_commit();
  }

  float d[NQ * 32];
#pragma unroll
  for (int i = 0; i < NQ * 32; i++) d[i] = 0.f;
  const uint64_t descB = dsak::wgmma_desc_sw128(sQ);

  for (int j = 0; j < nb; j++) {
    dsak::cp_async_wait<WG_STAGES - 2>();
    dsak::fence_proxy_async();
    __syncthreads();
    // Into the slot block j-1 used: every warp finished its wgmma on it before the barrier.
    if (j + WG_STAGES - 1 < nb) load(j + WG_STAGES - 1);
    dsak::cp_async_commit();
    const uint64_t descA = dsak::wgmma_desc_sw128(sK + (j % WG_STAGES) * 8192);
    dsak::wgmma_fence();
#pragma unroll
    for (int s = 0; s < 4; s++) {
      // +32 bytes along K inside the swizzled 128-byte rows = +2 in the descriptor's address.
      dsak::WgmmaE4M3<NQ * 64>::mma(d, descA + 2 * s, descB + 2 * s, s > 0);
    }
    dsak::wgmma_commit();
    dsak::wgmma_wait<0>();
    // The asm above does not tell the compiler that d changes only at the wait: pin d here.
#pragma unroll
    for (int i = 0; i < NQ * 32; i++) asm volatile("" : "+f"(d[i])::"memory");

    const int kb = k0 + j * WG_BK;
    const int key0 = kb + warp * 16 + (lane >> 2), key1 = key0 + 8;
    const float sc0 = key0 < P ? __ldg(kscale + (size_t)b * P + key0) : 0.f;
    const float sc1 = key1 < P ? __ldg(kscale + (size_t)b * P + key1) : 0.f;
    float v0[NQ], v1[NQ];
#pragma unroll
    for (int qi = 0; qi < NQ; qi++) {
      float s0 = 0.f, s1 = 0.f;
#pragma unroll
      for (int c = 0; c < 8; c++) {
        const float2 wv = *reinterpret_cast<const float2*>(sW + qi * 64 + c * 8 + (lane & 3) * 2);
        const float* a = d + (qi * 8 + c) * 4;
        s0 = fmaf(fmaxf(a[0], 0.f), wv.x, s0);
        s0 = fmaf(fmaxf(a[1], 0.f), wv.y, s0);
        s1 = fmaf(fmaxf(a[2], 0.f), wv.x, s1);
        s1 = fmaf(fmaxf(a[3], 0.f), wv.y, s1);
      }
      s0 += __shfl_xor_sync(0xffffffffu, s0, 1);
      s1 += __shfl_xor_sync(0xffffffffu, s1, 1);
      s0 += __shfl_xor_sync(0xffffffffu, s0, 2);
      s1 += __shfl_xor_sync(0xffffffffu, s1, 2);
      v0[qi] = s0;
      v1[qi] = s1;
    }
    // Lane (lane & 3) == qi of each quad stores query qi's two keys.
    const int qi = lane & 3;
    if (qi < NQ) {
      float a0 = v0[0], a1 = v1[0];
#pragma unroll
      for (int x = 1; x < NQ; x++) {
        if (qi == x) {
          a0 = v0[x];
          a1 = v1[x];
        }
      }
      const int t = t0 + qi;
      if (t < T) {
        const int pos = P - T + t;
        float* dst = logits + (size_t)(b * T + t) * P;
        if (key0 < k1) dst[key0] = key0 <= pos ? a0 * sc0 : -INFINITY;
        if (key1 < k1) dst[key1] = key1 <= pos ? a1 * sc1 : -INFINITY;
      }
    }
  }
  const int fill0 = k0 + nb * WG_BK;
  if (fill0 < k1) {
    const int len = k1 - fill0;
    for (int oq = 0; oq < NQ && t0 + oq < T; oq++) {
      float* dst = logits + (size_t)(b * T + t0 + oq) * P + fill0;
      for (int i = tid; i < len; i += 128) dst[i] = -INFINITY;
    }
  }
}

// Dynamic shared memory of dsa_indexer_fp8_wgmma<NQ>: dsa_indexer_fp8_wgmma_smem_q<NQ> = 1024 +
// NQ*8192 + 3*8192 + NQ*256 bytes (CudaDsaOps.wgmmaIndexerSmem; CudaDsaOpsTest checks the two
// agree).
#define DSA_INDEXER_WGMMA(NQ)                                                                     \
  extern "C" __global__ void __launch_bounds__(128, 3) dsa_indexer_fp8_wgmma_q##NQ(               \
      const uint8_t* __restrict__ q, const float* __restrict__ w, const uint8_t* __restrict__ k,  \
      const float* __restrict__ kscale, float* __restrict__ logits, int T, int P, int splitLen) { \
    indexer_wgmma_body<NQ>(q, w, k, kscale, logits, T, P, splitLen);                              \
  }                                                                                               \
  extern "C" __device__ const int dsa_indexer_fp8_wgmma_smem_q##NQ =                              \
      1024 + NQ * 8192 + WG_STAGES * 8192 + NQ * 256;
DSA_INDEXER_WGMMA(1)
DSA_INDEXER_WGMMA(2)
DSA_INDEXER_WGMMA(4)

extern "C" __device__ const int dsa_indexer_fp8_wgmma_threads = 128;
