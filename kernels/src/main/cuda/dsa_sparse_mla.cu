// Sparse MLA in absorbed MQA mode (DeepSeek-V3.2 DSA): each query row (128 heads x 576) attends
// to its own k selected cache entries (576 = 512 latent + 64 rope; value = the first 512); -1
// indices are skipped. Serves prefill (batch 1, T queries) and decode (batch sequences, T = 1 or
// 2) alike: row r = b*T + t reads the cache of sequence b.
//
//   q [rows, 128, 576] bf16, indices [rows, k] int32, out [rows, 128, 512] bf16,
//   cache bf16 [batch, P, 576]  or  KV_FP8_656 [batch, P] (512 e4m3 in 4 tiles of 128, 4 fp32
//   tile scales, 64 bf16 rope values: 656 bytes), dequantised to bf16 on the way into smem.
//
// Two kernels, both with CTA = one row x 64 heads (grid = (2, rows)) and 8 warps:
//   dsa_sparse_mla_{bf16,fp8}: every GPU (the compute_80 PTX), mma.sync; below.
//   dsa_sparse_mla_bf16_v3 / dsa_sparse_mla_fp8_v3(_pair): sm_90a, wgmma; further down.
// Earlier Hopper versions (S on wgmma with P V on mma.sync, 32-entry blocks) are in git history
// and kernels/NOTES.md.
//
// Portable kernel: mma.sync m16n8k16 bf16. Warps w and w+4
// share heads 16(w%4)..+15: for each block of 64 gathered entries warp w scores keys 0..31 and
// warp w+4 keys 32..63 (full 576-dim dot products), they swap row maxima and their halves of P
// through shared memory under a 64-thread named barrier, and then warp w accumulates output dims
// 0..255 and warp w+4 dims 256..511 over all 64 keys (128 fp32 accumulators per thread). Nothing
// is computed twice, and the pair only waits on each other, not on the whole CTA.
//
// Shared memory (bf16 cache): Q 72 KB + 2 KV stages of 72 KB (cp.async gather, double-buffered)
// + P 8 KB + 1 KB = 225 KB; rows are 1152 B, XOR-swizzled in 16 B chunks for ldmatrix.
// FP8 cache: Q + one bf16 KV stage + one raw 656-byte-row stage (41 KB): the raw gather of block
// j+1 overlaps the math of block j, the dequantisation (smem -> smem) does not.
#include "dsa_common.cuh"

namespace {

constexpr int ROWB = 1152;       // bytes per bf16 entry (576 x 2)
constexpr int CH = ROWB / 16;    // 72 chunks per entry
constexpr int BN = 64;           // entries per block
constexpr int TILE = BN * ROWB;  // 73728
constexpr int RAW = 656;
constexpr int RAWCH = RAW / 16;  // 41

template <bool FP8>
struct SparseSmem {
  static constexpr int Q = 0;
  static constexpr int KV0 = TILE;
  static constexpr int KV1 = 2 * TILE;  // bf16: second stage; fp8: raw stage
  static constexpr int P = 2 * TILE + (FP8 ? BN * RAW : TILE);
  static constexpr int MAX = P + 4 * 16 * 64 * 2;
  static constexpr int IDX = MAX + 8 * 16 * 4;
  static constexpr int TOTAL = IDX + 2 * BN * 4;
};

// Chunk ch (0..71) of a dequantised entry as 8 bf16 values, from its 656-byte KV_FP8_656 row:
// chunks 0..63 are 8 e4m3 values times their 128-value tile's fp32 scale, 64..71 the bf16 rope
// values as stored. A zero-filled row (a -1 entry) gives zeros.
DSAK_DEVICE uint4 dequant_chunk(const uint8_t* raw, int ch) {
  uint4 o;
  if (ch < 64) {
    const uint2 v = *reinterpret_cast<const uint2*>(raw + ch * 8);
    const float sc = *reinterpret_cast<const float*>(raw + 512 + (ch >> 4) * 4);
    const float2 f0 = dsak::e4m3x2_to_float2((uint16_t)(v.x & 0xffff));
    const float2 f1 = dsak::e4m3x2_to_float2((uint16_t)(v.x >> 16));
    const float2 f2 = dsak::e4m3x2_to_float2((uint16_t)(v.y & 0xffff));
    const float2 f3 = dsak::e4m3x2_to_float2((uint16_t)(v.y >> 16));
    o.x = dsak::pack_bf16(f0.x * sc, f0.y * sc);
    o.y = dsak::pack_bf16(f1.x * sc, f1.y * sc);
    o.z = dsak::pack_bf16(f2.x * sc, f2.y * sc);
    o.w = dsak::pack_bf16(f3.x * sc, f3.y * sc);
  } else {
    o = *reinterpret_cast<const uint4*>(raw + 528 + (ch - 64) * 16);
  }
  return o;
}
}  // namespace

template <bool FP8>
__device__ __forceinline__ void sparse_mla_body(const __nv_bfloat16* __restrict__ q,
                                                const uint8_t* __restrict__ cache,
                                                const int* __restrict__ indices,
                                                __nv_bfloat16* __restrict__ out, int T, int P,
                                                int k, float scaleLog2) {
  using L = SparseSmem<FP8>;
  extern __shared__ __align__(128) uint8_t smem[];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int hh = blockIdx.x, r = blockIdx.y, b = r / T;
  const int pr = warp & 3, half = warp >> 2;
  const int g = lane >> 2;
  const int* idxRow = indices + (size_t)r * k;
  const size_t seqBase = (size_t)b * P;
  const int nb = (k + BN - 1) / BN;
  int* sIdx = reinterpret_cast<int*>(smem + L::IDX);
  float* sMax = reinterpret_cast<float*>(smem + L::MAX);
  const uint32_t sbase = dsak::smem_u32(smem);

  // The entry of list position j*BN + row, or -1.
  auto entry = [&](int j, int row) {
    const int e = j * BN + row;
    int idx = e < k ? __ldg(idxRow + e) : -1;
    return (idx >= 0 && idx < P) ? idx : -1;
  };

  auto load_q = [&]() {
    const uint8_t* src = reinterpret_cast<const uint8_t*>(q + ((size_t)r * 128 + hh * 64) * 576);
    for (int c = tid; c < 64 * CH; c += 256) {
      const int row = c / CH, ch = c % CH;
      dsak::cp_async_16(sbase + L::Q + dsak::swz(row, ch, CH), src + row * ROWB + ch * 16, 16);
    }
  };

  // Gathers block j into stage `dst` (bf16 rows, swizzled) or the raw stage (fp8 rows).
  auto load_kv = [&](int j, uint32_t dst) {
    if (tid < BN) sIdx[(j & 1) * BN + tid] = entry(j, tid);
    if constexpr (!FP8) {
      for (int c = tid; c < BN * CH; c += 256) {
        const int row = c / CH, ch = c % CH;
        const int idx = entry(j, row);
        const uint8_t* src = cache + (seqBase + (idx >= 0 ? idx : 0)) * ROWB + ch * 16;
        dsak::cp_async_16(dst + dsak::swz(row, ch, CH), src, idx >= 0 ? 16 : 0);
      }
    } else {
      for (int c = tid; c < BN * RAWCH; c += 256) {
        const int row = c / RAWCH, ch = c % RAWCH;
        const int idx = entry(j, row);
        const uint8_t* src = cache + (seqBase + (idx >= 0 ? idx : 0)) * RAW + ch * 16;
        dsak::cp_async_16(dst + row * RAW + ch * 16, src, idx >= 0 ? 16 : 0);
      }
    }
  };

  // FP8: raw stage -> bf16 stage KV0. Zero-filled raw rows (-1 entries) dequantise to zeros.
  auto convert = [&]() {
    for (int c = tid; c < BN * CH; c += 256) {
      const int row = c / CH, ch = c % CH;
      *reinterpret_cast<uint4*>(smem + L::KV0 + dsak::swz(row, ch, CH)) =
          dequant_chunk(smem + L::KV1 + row * RAW, ch);
    }
  };

  float o[32][4];
#pragma unroll
  for (int i = 0; i < 32; i++) o[i][0] = o[i][1] = o[i][2] = o[i][3] = 0.f;
  float mrun0 = -INFINITY, mrun1 = -INFINITY, l0 = 0.f, l1 = 0.f;

  auto compute = [&](uint32_t kv, const int* idxs) {
    // S = Q K^T for this warp's 16 heads x 32 keys.
    float s[4][4];
#pragma unroll
    for (int i = 0; i < 4; i++) s[i][0] = s[i][1] = s[i][2] = s[i][3] = 0.f;
    const int qrow = pr * 16 + (lane & 7) + ((lane >> 3) & 1) * 8;
    const int krow = half * 32 + (lane & 7) + (lane >> 4) * 8;
#pragma unroll 4
    for (int ks = 0; ks < 36; ks++) {
      uint32_t a[4], b0[4], b1[4];
      dsak::ldmatrix_x4(a, sbase + L::Q + dsak::swz(qrow, 2 * ks + (lane >> 4), CH));
      dsak::ldmatrix_x4(b0, kv + dsak::swz(krow, 2 * ks + ((lane >> 3) & 1), CH));
      dsak::ldmatrix_x4(b1, kv + dsak::swz(krow + 16, 2 * ks + ((lane >> 3) & 1), CH));
      dsak::mma_bf16(s[0], a, b0[0], b0[1]);
      dsak::mma_bf16(s[1], a, b0[2], b0[3]);
      dsak::mma_bf16(s[2], a, b1[0], b1[1]);
      dsak::mma_bf16(s[3], a, b1[2], b1[3]);
    }
    // Mask, scale into log2 units, row max of this half.
    float m0 = -INFINITY, m1 = -INFINITY;
#pragma unroll
    for (int nt = 0; nt < 4; nt++) {
#pragma unroll
      for (int e = 0; e < 2; e++) {
        const bool valid = idxs[half * 32 + nt * 8 + (lane & 3) * 2 + e] >= 0;
        s[nt][e] = valid ? s[nt][e] * scaleLog2 : -INFINITY;
        s[nt][2 + e] = valid ? s[nt][2 + e] * scaleLog2 : -INFINITY;
        m0 = fmaxf(m0, s[nt][e]);
        m1 = fmaxf(m1, s[nt][2 + e]);
      }
    }
    m0 = fmaxf(m0, __shfl_xor_sync(0xffffffffu, m0, 1));
    m1 = fmaxf(m1, __shfl_xor_sync(0xffffffffu, m1, 1));
    m0 = fmaxf(m0, __shfl_xor_sync(0xffffffffu, m0, 2));
    m1 = fmaxf(m1, __shfl_xor_sync(0xffffffffu, m1, 2));
    if ((lane & 3) == 0) {
      sMax[warp * 16 + g] = m0;
      sMax[warp * 16 + g + 8] = m1;
    }
    dsak::bar_sync(1 + pr, 64);
    const float mn0 = fmaxf(mrun0, fmaxf(m0, sMax[(warp ^ 4) * 16 + g]));
    const float mn1 = fmaxf(mrun1, fmaxf(m1, sMax[(warp ^ 4) * 16 + g + 8]));
    const float base0 = mn0 == -INFINITY ? 0.f : mn0;
    const float base1 = mn1 == -INFINITY ? 0.f : mn1;
    const float alpha0 = exp2f(mrun0 - base0), alpha1 = exp2f(mrun1 - base1);
    mrun0 = mn0;
    mrun1 = mn1;
    l0 *= alpha0;
    l1 *= alpha1;
#pragma unroll
    for (int i = 0; i < 32; i++) {
      o[i][0] *= alpha0;
      o[i][1] *= alpha0;
      o[i][2] *= alpha1;
      o[i][3] *= alpha1;
    }
    uint8_t* sP = smem + L::P + pr * 2048;
    const uint32_t pbase = sbase + L::P + pr * 2048;
#pragma unroll
    for (int nt = 0; nt < 4; nt++) {
      const float p0 = exp2f(s[nt][0] - base0), p1 = exp2f(s[nt][1] - base0);
      const float p2 = exp2f(s[nt][2] - base1), p3 = exp2f(s[nt][3] - base1);
      l0 += p0 + p1;
      l1 += p2 + p3;
      const int chunk = half * 4 + nt;
      *reinterpret_cast<uint32_t*>(sP + dsak::swz(g, chunk, 8) + (lane & 3) * 4) =
          dsak::pack_bf16(p0, p1);
      *reinterpret_cast<uint32_t*>(sP + dsak::swz(g + 8, chunk, 8) + (lane & 3) * 4) =
          dsak::pack_bf16(p2, p3);
    }
    dsak::bar_sync(1 + pr, 64);
    // O[:, half*256 .. +256] += P (16 x 64) V (64 x 256).
#pragma unroll
    for (int kk = 0; kk < 4; kk++) {
      uint32_t pa[4];
      dsak::ldmatrix_x4(
          pa, pbase + dsak::swz((lane & 7) + ((lane >> 3) & 1) * 8, 2 * kk + (lane >> 4), 8));
      const int vrow = kk * 16 + (lane & 7) + ((lane >> 3) & 1) * 8;
#pragma unroll
      for (int np = 0; np < 16; np++) {
        uint32_t vb[4];
        dsak::ldmatrix_x4_trans(vb, kv + dsak::swz(vrow, half * 32 + np * 2 + (lane >> 4), CH));
        dsak::mma_bf16(o[2 * np], pa, vb[0], vb[1]);
        dsak::mma_bf16(o[2 * np + 1], pa, vb[2], vb[3]);
      }
    }
  };

  if constexpr (!FP8) {
    load_q();
    load_kv(0, sbase + L::KV0);
    dsak::cp_async_commit();
    if (nb > 1) load_kv(1, sbase + L::KV1);
    dsak::cp_async_commit();
    for (int j = 0; j < nb; j++) {
      dsak::cp_async_wait<1>();
      __syncthreads();
      compute(sbase + ((j & 1) ? L::KV1 : L::KV0), sIdx + (j & 1) * BN);
      __syncthreads();
      if (j + 2 < nb) load_kv(j + 2, sbase + ((j & 1) ? L::KV1 : L::KV0));
      dsak::cp_async_commit();
    }
  } else {
    load_q();
    load_kv(0, sbase + L::KV1);
    dsak::cp_async_commit();
    dsak::cp_async_wait<0>();
    __syncthreads();
    convert();
    __syncthreads();
    if (nb > 1) load_kv(1, sbase + L::KV1);
    dsak::cp_async_commit();
    for (int j = 0; j < nb; j++) {
      compute(sbase + L::KV0, sIdx + (j & 1) * BN);
      dsak::cp_async_wait<0>();
      __syncthreads();
      if (j + 1 < nb) {
        convert();
        __syncthreads();
      }
      if (j + 2 < nb) load_kv(j + 2, sbase + L::KV1);
      dsak::cp_async_commit();
    }
  }

  // Row sums: this thread's partial -> quad -> the pair.
  l0 += __shfl_xor_sync(0xffffffffu, l0, 1);
  l1 += __shfl_xor_sync(0xffffffffu, l1, 1);
  l0 += __shfl_xor_sync(0xffffffffu, l0, 2);
  l1 += __shfl_xor_sync(0xffffffffu, l1, 2);
  if ((lane & 3) == 0) {
    sMax[warp * 16 + g] = l0;
    sMax[warp * 16 + g + 8] = l1;
  }
  dsak::bar_sync(1 + pr, 64);
  const float lt0 = l0 + sMax[(warp ^ 4) * 16 + g];
  const float lt1 = l1 + sMax[(warp ^ 4) * 16 + g + 8];
  const float inv0 = lt0 > 0.f ? 1.f / lt0 : 0.f;
  const float inv1 = lt1 > 0.f ? 1.f / lt1 : 0.f;
  __nv_bfloat16* orow =
      out + ((size_t)r * 128 + hh * 64 + pr * 16 + g) * 512 + half * 256 + (lane & 3) * 2;
#pragma unroll
  for (int nt = 0; nt < 32; nt++) {
    *reinterpret_cast<uint32_t*>(orow + nt * 8) = dsak::pack_bf16(o[nt][0] * inv0, o[nt][1] * inv0);
    *reinterpret_cast<uint32_t*>(orow + 8 * 512 + nt * 8) =
        dsak::pack_bf16(o[nt][2] * inv1, o[nt][3] * inv1);
  }
}

// Dynamic shared memory: dsa_sparse_mla_smem[0] bytes for the bf16 kernel, [1] for the fp8 one
// (both over 48 KB: the launcher raises the limit).
extern "C" __global__ void __launch_bounds__(256, 1)
    dsa_sparse_mla_bf16(const __nv_bfloat16* __restrict__ q,
                        const __nv_bfloat16* __restrict__ cache, const int* __restrict__ indices,
                        __nv_bfloat16* __restrict__ out, int T, int P, int k, float scaleLog2) {
  sparse_mla_body<false>(q, reinterpret_cast<const uint8_t*>(cache), indices, out, T, P, k,
                         scaleLog2);
}

extern "C" __global__ void __launch_bounds__(256, 1)
    dsa_sparse_mla_fp8(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,
                       const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T,
                       int P, int k, float scaleLog2) {
  sparse_mla_body<true>(q, cache, indices, out, T, P, k, scaleLog2);
}

// Dynamic shared-memory bytes of the two kernels, readable from the host (cuModuleGetGlobal), so
// a launcher never disagrees with the layout above: [0] bf16 cache, [1] fp8 cache.
extern "C" {
__constant__ int dsa_sparse_mla_smem[2] = {SparseSmem<false>::TOTAL, SparseSmem<true>::TOTAL};
}

// ---------------------------------------------------------------------------------------------
// Hopper kernels (sm_90a): both products on wgmma. Q and the gathered rows sit in shared memory as
// 9 column blocks of 64 rows x 128 bytes, 128B-swizzled: the wgmma K-major layout.
#include "dsa_wgmma.cuh"

namespace {
// Byte offset of 16-byte chunk c (0..71) of row `row` in a 64-row tile of 576 bf16 per row.
DSAK_DEVICE uint32_t wsw(int row, int c) {
  return (uint32_t)(((c >> 3) << 13) + row * 128 + (((c & 7) ^ (row & 7)) << 4));
}
}  // namespace

// Hopper path, version 3: the dense decode kernel's block structure over gathered rows. The v1
// wgmma kernel had both warpgroups compute the same S (a third of its tensor time duplicated) and P
// V on mma.sync. Here warpgroup wg scores only keys wg*32..+31 of each 64-entry block (36
// m64n32k16, A = Q, B = the gathered tile, both K-major in smem), the two swap row maxima through
// smem, each writes its half of P (bf16, 128B-swizzled) to smem, and each accumulates O[:,
// wg*256..+256] += P V with 4 m64n256k16 (A = P from smem, B = the same tile read MN-major: the
// descriptor the dense decode uses). Softmax work is not duplicated either. Indices reach smem
// block by block through a 4-slot ring (the whole list no longer fits next to P), loaded into
// registers a block ahead so no warp waits on them; trailing blocks that hold only -1 (top-k's
// padding of short rows) are skipped.
namespace {
template <bool FP8>
struct V3Smem {
  static constexpr int Q = 0;
  static constexpr int KV0 = TILE;
  static constexpr int KV1 = 2 * TILE;  // bf16: second stage; fp8: raw stage
  static constexpr int PT = 2 * TILE + (FP8 ? BN * RAW : TILE);  // P [64][64] bf16, 1 KB aligned
  static constexpr int MAX = PT + BN * 64 * 2;                   // [2][64] float
  static constexpr int IDX = MAX + 2 * 64 * 4;                   // [4][BN] int ring
  static constexpr int TOTAL = 1024 + IDX + 4 * BN * 4 + 16;     // + alignment slack, block count
  static_assert(PT % 1024 == 0, "P must be 1024-byte aligned for the swizzled descriptor");
};
}  // namespace

template <bool FP8, bool PAIR = false>
__device__ __forceinline__ void sparse_v3_body(const __nv_bfloat16* __restrict__ q,
                                               const uint8_t* __restrict__ cache,
                                               const int* __restrict__ indices,
                                               __nv_bfloat16* __restrict__ out, int T, int P, int k,
                                               float scaleLog2) {
  using L = V3Smem<FP8>;
  extern __shared__ uint8_t smem_raw[];
  const uint32_t raw0 = dsak::smem_u32(smem_raw);
  const uint32_t sbase = (raw0 + 1023u) & ~1023u;
  uint8_t* const smem = smem_raw + (sbase - raw0);
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int hh = blockIdx.x, r = blockIdx.y, b = r / T;
  const int wq = warp & 3, wg = warp >> 2;
  const int g = lane >> 2, t4 = lane & 3;
  const int* idxRow = indices + (size_t)r * k;
  const size_t seqBase = (size_t)b * P;
  int* sIdx = reinterpret_cast<int*>(smem + L::IDX);
  int* sLast = sIdx + 4 * BN;
  float* sMax = reinterpret_cast<float*>(smem + L::MAX);
  uint8_t* sP = smem + L::PT;
  const uint32_t qAddr = sbase + L::Q, pAddr = sbase + L::PT;
  // PAIR (fp8, a cluster of the two CTAs of one query row: same indices): each gathers and
  // dequantises half of every block and writes the bf16 rows into both CTAs' tiles.
  static_assert(!PAIR || FP8, "PAIR is an fp8-cache variant");
  const uint32_t rank = PAIR ? dsak::cluster_rank() : 0u;
  constexpr int OWN = PAIR ? BN / 2 : BN;  // rows of a block this CTA gathers and converts
  auto block_sync = [&]() {
    if constexpr (PAIR) {
      dsak::cluster_sync();
    } else {
      __syncthreads();
    }
  };

  auto entry = [&](int j, int row) {
    const int e = j * BN + row;
    const int idx = e < k ? __ldg(idxRow + e) : -1;
    return (idx >= 0 && idx < P) ? idx : -1;
  };
  auto load_q = [&]() {
    const uint8_t* src = reinterpret_cast<const uint8_t*>(q + ((size_t)r * 128 + hh * 64) * 576);
    for (int c = tid; c < 64 * CH; c += 256) {
      const int row = c / CH, ch = c % CH;
      dsak::cp_async_16(qAddr + wsw(row, ch), src + row * ROWB + ch * 16, 16);
    }
  };
  // Gathers block j (its indices in ring slot j & 3) into `dst`: bf16 rows swizzled, or raw
  // 656-byte rows.
  auto load_kv = [&](int j, uint32_t dst) {
    const int* ids = sIdx + (j & 3) * BN;
    if constexpr (!FP8) {
      for (int c = tid; c < BN * CH; c += 256) {
        const int row = c / CH, ch = c % CH;
        const int idx = ids[row];
        const uint8_t* src = cache + (seqBase + (idx >= 0 ? idx : 0)) * ROWB + ch * 16;
        dsak::cp_async_16(dst + wsw(row, ch), src, idx >= 0 ? 16 : 0);
      }
    } else {
      for (int c = tid; c < OWN * RAWCH; c += 256) {
        const int row = rank * OWN + c / RAWCH, ch = c % RAWCH;
        const int idx = ids[row];
        const uint8_t* src = cache + (seqBase + (idx >= 0 ? idx : 0)) * RAW + ch * 16;
        dsak::cp_async_16(dst + row * RAW + ch * 16, src, idx >= 0 ? 16 : 0);
      }
    }
  };
  // FP8: raw stage -> bf16 stage KV0. Zero-filled raw rows (-1 entries) dequantise to zeros.
  auto convert = [&]() {
    for (int c = tid; c < OWN * CH; c += 256) {
      const int row = rank * OWN + c / CH, ch = c % CH;
      const uint4 o4 = dequant_chunk(smem + L::KV1 + row * RAW, ch);
      *reinterpret_cast<uint4*>(smem + L::KV0 + wsw(row, ch)) = o4;
      if constexpr (PAIR)
        dsak::st_cluster_16(dsak::map_shared(sbase + L::KV0 + wsw(row, ch), rank ^ 1u), o4);
    }
  };

  float o[128];
#pragma unroll
  for (int i = 0; i < 128; i++) o[i] = 0.f;
  float rowMax[2] = {-INFINITY, -INFINITY}, rowSum[2] = {0.f, 0.f};

  // One 64-entry block: S for this warpgroup's 32 keys, the row-max swap, P to smem, P V.
  auto compute = [&](uint32_t kv, const int* ids) {
    float s[16];
    dsak::wgmma_fence();
#pragma unroll
    for (int ks = 0; ks < 36; ks++) {
      const uint32_t off = (uint32_t)((ks >> 2) * 8192 + (ks & 3) * 32);
      dsak::wgmma_bf16_m64n32k16(s, dsak::wgmma_desc_sw128(qAddr + off),
                                 dsak::wgmma_desc_sw128(kv + off + wg * 32 * 128), ks > 0);
    }
    dsak::wgmma_commit();
    dsak::wgmma_wait<0>();
#pragma unroll
    for (int i = 0; i < 16; i++) asm volatile("" : "+f"(s[i])::"memory");

      // Mask -1 entries; row maxima of the raw scores (the scale is positive) to smem.
#pragma unroll
    for (int h = 0; h < 2; h++) {
      float mx = -INFINITY;
#pragma unroll
      for (int nt = 0; nt < 4; nt++)
#pragma unroll
        for (int e = 0; e < 2; e++) {
          const int key = wg * 32 + nt * 8 + 2 * t4 + e;
          const float x = ids[key] >= 0 ? s[nt * 4 + h * 2 + e] : -INFINITY;
          s[nt * 4 + h * 2 + e] = x;
          mx = fmaxf(mx, x);
        }
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
      if (t4 == 0) sMax[wg * 64 + wq * 16 + g + h * 8] = mx * scaleLog2;
    }
    __syncthreads();
    bool rescale = false;
    float alpha[2];
#pragma unroll
    for (int h = 0; h < 2; h++) {
      const int row = wq * 16 + g + h * 8;
      const float mNew = fmaxf(rowMax[h], fmaxf(sMax[row], sMax[64 + row]));
      const float base = mNew == -INFINITY ? 0.f : mNew;  // a row with no valid key yet
      alpha[h] = dsak::ex2(rowMax[h] - base);
      rescale |= mNew != rowMax[h];
      rowMax[h] = mNew;
      float sum = 0.f;
#pragma unroll
      for (int nt = 0; nt < 4; nt++) {
        const float p0 = dsak::ex2(fmaf(s[nt * 4 + h * 2], scaleLog2, -base));
        const float p1 = dsak::ex2(fmaf(s[nt * 4 + h * 2 + 1], scaleLog2, -base));
        sum += p0 + p1;
        // P[row][key]: 128-byte rows, 16-byte chunk (key / 8) XOR-swizzled by row & 7.
        *reinterpret_cast<uint32_t*>(sP + row * 128 + (((wg * 4 + nt) ^ (row & 7)) << 4) + t4 * 4) =
            dsak::pack_bf16(p0, p1);
      }
      rowSum[h] = rowSum[h] * alpha[h] + sum;
    }
    // The running max rarely moves after the first blocks: skip the 128-register rescale then.
    if (__any_sync(0xffffffffu, rescale)) {
#pragma unroll
      for (int nt = 0; nt < 32; nt++) {
        o[nt * 4 + 0] *= alpha[0];
        o[nt * 4 + 1] *= alpha[0];
        o[nt * 4 + 2] *= alpha[1];
        o[nt * 4 + 3] *= alpha[1];
      }
    }
    dsak::fence_proxy_async();
    __syncthreads();  // P holds all 64 keys

#pragma unroll
    for (int i = 0; i < 128; i++) asm volatile("" : "+f"(o[i])::"memory");
    dsak::wgmma_fence();
#pragma unroll
    for (int kk = 0; kk < 4; kk++) {
      dsak::wgmma_bf16_m64n256k16_ss_tn(
          o, dsak::wgmma_desc_sw128(pAddr + kk * 32),
          dsak::wgmma_desc(kv + (uint32_t)(wg * 4 * 8192 + kk * 16 * 128), 8192, 1024));
    }
    dsak::wgmma_commit();
    dsak::wgmma_wait<0>();
#pragma unroll
    for (int i = 0; i < 128; i++) asm volatile("" : "+f"(o[i])::"memory");
  };

  // Prologue: Q in flight; the number of blocks up to the last valid index; ring slots 0 and 1.
  load_q();
  if (tid == 0) *sLast = -1;
  __syncthreads();
  {
    int last = -1;
    for (int i = tid; i < k; i += 256) {
      const int idx = __ldg(idxRow + i);
      if (idx >= 0 && idx < P) last = i;
    }
    last = __reduce_max_sync(0xffffffffu, last);
    if (lane == 0 && last >= 0) atomicMax(sLast, last);
  }
  if (tid < 2 * BN) sIdx[tid] = entry(tid / BN, tid % BN);
  __syncthreads();
  const int nb = (*sLast + BN) / BN;  // blocks 0 .. nb-1 hold every valid entry

  if constexpr (!FP8) {
    if (nb > 0) load_kv(0, sbase + L::KV0);
    dsak::cp_async_commit();
    for (int j = 0; j < nb; j++) {
      const int pre = (tid < BN && j + 2 < nb) ? entry(j + 2, tid) : -1;
      dsak::cp_async_wait<0>();
      dsak::fence_proxy_async();
      __syncthreads();  // block j is in; everyone is done with block j-1's stage
      if (j + 1 < nb) load_kv(j + 1, sbase + (((j + 1) & 1) ? L::KV1 : L::KV0));
      dsak::cp_async_commit();
      compute(sbase + ((j & 1) ? L::KV1 : L::KV0), sIdx + (j & 3) * BN);
      if (tid < BN && j + 2 < nb) sIdx[((j + 2) & 3) * BN + tid] = pre;
    }
  } else {
    if (nb > 0) load_kv(0, sbase + L::KV1);
    dsak::cp_async_commit();
    dsak::cp_async_wait<0>();
    block_sync();  // PAIR: the peer is running before anyone writes into its tile
    if (nb > 0) convert();
    if constexpr (PAIR) dsak::fence_proxy_async_all();
    dsak::fence_proxy_async();
    block_sync();
    if constexpr (PAIR) dsak::fence_proxy_async();
    if (nb > 1) load_kv(1, sbase + L::KV1);
    dsak::cp_async_commit();
    for (int j = 0; j < nb; j++) {
      const int pre = (tid < BN && j + 2 < nb) ? entry(j + 2, tid) : -1;
      compute(sbase + L::KV0, sIdx + (j & 3) * BN);
      dsak::cp_async_wait<0>();
      block_sync();  // raw block j+1 is in; everyone (PAIR: both CTAs) is done with KV0
      if (j + 1 < nb) {
        convert();
        if constexpr (PAIR) dsak::fence_proxy_async_all();
        dsak::fence_proxy_async();
      }
      if (tid < BN && j + 2 < nb) sIdx[((j + 2) & 3) * BN + tid] = pre;
      block_sync();
      if constexpr (PAIR) dsak::fence_proxy_async();
      if (j + 2 < nb) load_kv(j + 2, sbase + L::KV1);
      dsak::cp_async_commit();
    }
  }
  dsak::cp_async_wait<0>();
  __syncthreads();

#pragma unroll
  for (int h = 0; h < 2; h++) {
    float sum = rowSum[h];
    sum += __shfl_xor_sync(0xffffffffu, sum, 1);
    sum += __shfl_xor_sync(0xffffffffu, sum, 2);
    if (t4 == 0) sMax[wg * 64 + wq * 16 + g + h * 8] = sum;
  }
  __syncthreads();
#pragma unroll
  for (int h = 0; h < 2; h++) {
    const int row = wq * 16 + g + h * 8;
    const float sum = sMax[row] + sMax[64 + row];
    const float inv = sum > 0.f ? 1.f / sum : 0.f;
    __nv_bfloat16* orow = out + ((size_t)r * 128 + hh * 64 + row) * 512 + wg * 256 + t4 * 2;
#pragma unroll
    for (int nt = 0; nt < 32; nt++) {
      *reinterpret_cast<uint32_t*>(orow + nt * 8) =
          dsak::pack_bf16(o[nt * 4 + h * 2] * inv, o[nt * 4 + h * 2 + 1] * inv);
    }
  }
}

extern "C" __global__ void __launch_bounds__(256, 1)
    dsa_sparse_mla_bf16_v3(const __nv_bfloat16* __restrict__ q,
                           const __nv_bfloat16* __restrict__ cache, const int* __restrict__ indices,
                           __nv_bfloat16* __restrict__ out, int T, int P, int k, float scaleLog2) {
  sparse_v3_body<false>(q, reinterpret_cast<const uint8_t*>(cache), indices, out, T, P, k,
                        scaleLog2);
}

extern "C" __global__ void __launch_bounds__(256, 1)
    dsa_sparse_mla_fp8_v3(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,
                          const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T,
                          int P, int k, float scaleLog2) {
  sparse_v3_body<true>(q, cache, indices, out, T, P, k, scaleLog2);
}

extern "C" {
__constant__ int dsa_sparse_mla_v3_smem[2] = {V3Smem<false>::TOTAL, V3Smem<true>::TOTAL};
}

// The fp8 kernel as a cluster of the two head halves of a query row, which gather the same
// entries: each CTA gathers and dequantises 32 of a block's 64 rows and stores them into both
// CTAs' tiles through distributed shared memory (half the gather and dequantisation per CTA).
// Same launch as dsa_sparse_mla_fp8_v3 (grid (2, rows): the cluster is the grid's x pair).
// (Clusters need sm_90; the compute_80 PTX keeps the symbol without the attribute: it traps.)
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 900
#define DSAK_CLUSTER_PAIR
#else
#define DSAK_CLUSTER_PAIR __cluster_dims__(2, 1, 1)
#endif
extern "C" __global__ void DSAK_CLUSTER_PAIR __launch_bounds__(256, 1)
    dsa_sparse_mla_fp8_v3_pair(const __nv_bfloat16* __restrict__ q,
                               const uint8_t* __restrict__ cache, const int* __restrict__ indices,
                               __nv_bfloat16* __restrict__ out, int T, int P, int k,
                               float scaleLog2) {
  sparse_v3_body<true, true>(q, cache, indices, out, T, P, k, scaleLog2);
}
