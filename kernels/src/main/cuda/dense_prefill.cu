// Dense MLA prefill in MHA mode: 128 heads, q.k dim 192 (128 nope + 64 rope), v dim 128, causal.
// A chunk of `tokens` queries at positions position-tokens .. position-1 over `position` keys.
// Layouts (row-major): q [tokens,128,192], k [position,128,192], v [position,128,128],
// out [tokens,128,128]; bf16 in and out, fp32 accumulation and softmax.
//
// Version 1 (all GPUs; the compute_80 PTX): FlashAttention-2 on mma.sync (HMMA.16816.F32.BF16). One block = 128 query rows of one
// head, 4 warps of 32 rows each (two m16 tiles, so every K/V fragment read from shared memory feeds
// two MMAs: 25 FLOP per shared byte instead of 16 with 16-row warps). Q stays in shared memory;
// K and V have one buffer each and are loaded FA2-style: V_j while S_j = Q K_j^T runs, K_j+1 while
// O += P V_j runs. 94 KB of shared memory, so two blocks share an SM and hide each other's waits.
#include "common.cuh"

namespace {
constexpr int DQK = 192, DV = 128, HEADS = 128;
#ifndef DSA_HAS_WGMMA
constexpr int BN = 64, BM = 128, WARPS = 4;
constexpr int LQ = DQK + 8;  // padded row: 400 B, consecutive rows land 4 banks apart (no conflicts)
constexpr int LV = DV + 8;   // 272 B
constexpr int SMEM_Q = BM * LQ, SMEM_K = BN * LQ;  // then BN * LV for V: 94208 bytes in all
#endif
}  // namespace

#ifdef DSA_HAS_WGMMA
// Version 2 (sm_90a): FlashAttention-3-style products on wgmma (HGMMA), without warp
// specialization yet. One block = 128 query rows of one head = 2 warpgroups of 64 (DSA_PREFILL_WGS). Per KV tile
// of 128 keys (DSA_PREFILL_BN): S[64x128] = Q K^T with 12 m64n128k16 (A = Q, B = K tile, K-major in
// shared memory); online softmax in registers; O[64x128] += P V with 8 m64n128k16 whose A = P
// straight from the S registers (the accumulator layout is the A-fragment layout) and B = the V tile
// read N-major. K and V tiles are double-buffered with cp.async (tile j+1 loads while tile j
// computes); 128-byte-swizzled segment layout (common.cuh). 209 KB of shared memory: one block per
// SM. 128-key tiles measured 373-381 TFLOP/s against 328-331 for 64-key ones at p = 16K-128K (half
// the barriers, row-max shuffles and O rescales per key; m64n128 reads less shared memory per FLOP
// than m64n64). One warpgroup per block (two blocks per SM with independent barriers) measured 9%
// slower with 64-key tiles (kernels/NOTES.md).
namespace {
// Rows first .. first+ROWS-1 of head `head` of a [n, HEADS, D] tensor into a [D/64][ROWS][64]
// swizzled shared tile with cp.async; rows at or past n are zero-filled (their address is clamped).
template <int ROWS, int D, int THREADS>
DSA_DEVICE void load_head_rows(__nv_bfloat16* dst, const __nv_bfloat16* __restrict__ src, int first, int n,
                               int head) {
  for (int c = threadIdx.x; c < ROWS * (D / 8); c += THREADS) {
    int r = c / (D / 8), ch = c % (D / 8);
    int row = first + r;
    dsa::cp_async_16(dsa::smem_u32(dst + dsa::sw128_offset(r, ch * 8, ROWS)),
                     src + ((size_t)min(row, n - 1) * HEADS + head) * D + ch * 8, row < n ? 16 : 0);
  }
}

// O / row sum -> bf16 out for this thread's two rows (warp_row0 + lane/4, + 8) of head `head`.
DSA_DEVICE void store_o(__nv_bfloat16* __restrict__ out, const float* o, const float* row_sum, int warp_row0,
                        int tokens, int head) {
  const int lane = threadIdx.x & 31, g = lane >> 2, t4 = lane & 3;
#pragma unroll
  for (int h = 0; h < 2; h++) {
    float sum = row_sum[h];
    sum += __shfl_xor_sync(0xffffffff, sum, 1);
    sum += __shfl_xor_sync(0xffffffff, sum, 2);
    const float inv = 1.f / sum;
    const int row = warp_row0 + g + h * 8;
    if (row < tokens) {
      uint32_t* dst = reinterpret_cast<uint32_t*>(out + ((size_t)row * HEADS + head) * DV);
#pragma unroll
      for (int nt = 0; nt < DV / 8; nt++)
        dst[(nt * 8 + 2 * t4) / 2] = dsa::pack_bf16(o[nt * 4 + h * 2] * inv, o[nt * 4 + h * 2 + 1] * inv);
    }
  }
}
}  // namespace

namespace {
#ifndef DSA_PREFILL_WGS
#define DSA_PREFILL_WGS 2  // warpgroups (of 64 query rows) per block; 1 measured slower (NOTES.md)
#endif
#ifndef DSA_PREFILL_BN
#define DSA_PREFILL_BN 128  // keys per K/V tile: 64 or 128 (64 measured 12-14% slower, NOTES.md)
#endif
constexpr int V2_WGS = DSA_PREFILL_WGS, V2_BM = 64 * V2_WGS, V2_THREADS = 128 * V2_WGS;
constexpr int V2_BN = DSA_PREFILL_BN;
static_assert(V2_BN == 64 || V2_BN == 128, "DSA_PREFILL_BN: 64 or 128");
}
extern "C" __global__ void __launch_bounds__(V2_THREADS, V2_WGS == 1 ? 2 : 1)
    dense_prefill(const __nv_bfloat16* __restrict__ q, const __nv_bfloat16* __restrict__ k,
                  const __nv_bfloat16* __restrict__ v, __nv_bfloat16* __restrict__ out, int tokens,
                  int position, float scale) {
  extern __shared__ __align__(16) uint8_t smem_raw[];
  uint8_t* base = smem_raw + ((1024 - (dsa::smem_u32(smem_raw) & 1023)) & 1023);
  __nv_bfloat16* sQ = reinterpret_cast<__nv_bfloat16*>(base);  // [3][128][64]
  __nv_bfloat16* sK = sQ + V2_BM * DQK;                            // 2 x [3][64][64]
  __nv_bfloat16* sV = sK + 2 * V2_BN * DQK;                        // 2 x [2][64][64]

  // Query blocks fastest, latest first: the blocks of one head run together and share its K/V
  // through L2, and the longest blocks start in the first wave.
  const int mb = gridDim.x - 1 - blockIdx.x;
  const int head = blockIdx.y;
  const int m0 = mb * V2_BM;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int g = lane >> 2, t4 = lane & 3;
  const int wg = warp >> 2;
  const int offset = position - tokens;
  const int last_row = min(m0 + V2_BM, tokens) - 1;
  const int n_tiles = (offset + last_row) / V2_BN + 1;
  const float sl2 = scale * 1.4426950408889634f;
  const int warp_row0 = m0 + wg * 64 + (warp & 3) * 16;  // this warp's first query row
  const int wg_last_pos = offset + m0 + wg * 64 + 63;      // last position this warpgroup sees

  auto load_q = [&]() { load_head_rows<V2_BM, DQK, V2_THREADS>(sQ, q, m0, tokens, head); };
  auto load_kv = [&](int tile, int stage) {
    load_head_rows<V2_BN, DQK, V2_THREADS>(sK + stage * V2_BN * DQK, k, tile * V2_BN, position, head);
    load_head_rows<V2_BN, DV, V2_THREADS>(sV + stage * V2_BN * DV, v, tile * V2_BN, position, head);
  };

  float o[64];
#pragma unroll
  for (int i = 0; i < 64; i++) o[i] = 0.f;
  float row_max[2] = {-INFINITY, -INFINITY}, row_sum[2] = {0.f, 0.f};

  load_q();
  load_kv(0, 0);
  dsa::cp_async_commit();
  const uint32_t q_addr = dsa::smem_u32(sQ) + wg * 64 * 128;

  for (int j = 0; j < n_tiles; j++) {
    const int stage = j & 1;
    const uint32_t k_addr = dsa::smem_u32(sK + stage * V2_BN * DQK);
    const uint32_t v_addr = dsa::smem_u32(sV + stage * V2_BN * DV);
    dsa::cp_async_wait<0>();
    dsa::fence_proxy_async();
    __syncthreads();  // tile j is in; every warpgroup is done with tile j-1's stage
    if (j + 1 < n_tiles) {
      load_kv(j + 1, stage ^ 1);
      dsa::cp_async_commit();
    }
    if (j * V2_BN > wg_last_pos) continue;  // every key of this tile is in this warpgroup's future

    float s[V2_BN / 2];
    dsa::wgmma_fence();
#pragma unroll
    for (int kk = 0; kk < DQK / 16; kk++) {
      const uint32_t koff = (kk & 3) * 32;
      uint64_t da = dsa::wgmma_desc(q_addr + (kk >> 2) * (V2_BM * 128) + koff, 16, 1024);
      uint64_t db = dsa::wgmma_desc(k_addr + (kk >> 2) * (V2_BN * 128) + koff, 16, 1024);
      if constexpr (V2_BN == 128) dsa::wgmma_m64n128k16_ss(s, da, db, kk > 0); else dsa::wgmma_m64n64k16_ss(s, da, db, kk > 0);
    }
    dsa::wgmma_commit();
    dsa::wgmma_wait<0>();

    const bool needs_mask = (j + 1) * V2_BN - 1 > offset + warp_row0;
    bool rescale = false;
    float alpha[2];
#pragma unroll
    for (int h = 0; h < 2; h++) {
      const int qpos = offset + warp_row0 + g + h * 8;
      float mx = -INFINITY;
#pragma unroll
      for (int nt = 0; nt < V2_BN / 8; nt++)
#pragma unroll
        for (int e = 0; e < 2; e++) {
          float x = s[nt * 4 + h * 2 + e];
          if (needs_mask && j * V2_BN + nt * 8 + 2 * t4 + e > qpos) x = -INFINITY;
          s[nt * 4 + h * 2 + e] = x;
          mx = fmaxf(mx, x);
        }
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffff, mx, 1));
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffff, mx, 2));
      const float m_new = fmaxf(row_max[h], mx * sl2);  // raw max * positive scale
      alpha[h] = dsa::ex2(row_max[h] - m_new);
      rescale |= m_new != row_max[h];
      row_max[h] = m_new;
      float sum = 0.f;
#pragma unroll
      for (int nt = 0; nt < V2_BN / 8; nt++)
#pragma unroll
        for (int e = 0; e < 2; e++) {
          float p = dsa::ex2(fmaf(s[nt * 4 + h * 2 + e], sl2, -m_new));
          s[nt * 4 + h * 2 + e] = p;
          sum += p;
        }
      row_sum[h] = row_sum[h] * alpha[h] + sum;
    }
    if (__any_sync(0xffffffff, rescale)) {
#pragma unroll
      for (int nt = 0; nt < DV / 8; nt++) {
        o[nt * 4 + 0] *= alpha[0];
        o[nt * 4 + 1] *= alpha[0];
        o[nt * 4 + 2] *= alpha[1];
        o[nt * 4 + 3] *= alpha[1];
      }
    }
    uint32_t pa[V2_BN / 16][4];
#pragma unroll
    for (int kk = 0; kk < V2_BN / 16; kk++) {
      pa[kk][0] = dsa::pack_bf16(s[(2 * kk) * 4 + 0], s[(2 * kk) * 4 + 1]);
      pa[kk][1] = dsa::pack_bf16(s[(2 * kk) * 4 + 2], s[(2 * kk) * 4 + 3]);
      pa[kk][2] = dsa::pack_bf16(s[(2 * kk + 1) * 4 + 0], s[(2 * kk + 1) * 4 + 1]);
      pa[kk][3] = dsa::pack_bf16(s[(2 * kk + 1) * 4 + 2], s[(2 * kk + 1) * 4 + 3]);
    }
    dsa::wgmma_fence();
#pragma unroll
    for (int kk = 0; kk < V2_BN / 16; kk++) {
      uint64_t db = dsa::wgmma_desc_mn(v_addr + kk * 16 * 128, V2_BN * 128);
      dsa::wgmma_m64n128k16_rs_tb(o, pa[kk], db);
    }
    dsa::wgmma_commit();
    dsa::wgmma_wait<0>();
  }

  store_o(out, o, row_sum, warp_row0, tokens, head);
}
// Version 2p (sm_90a; what the cuda backend launches by default, -Ddsabench.cuda.prefill=v2 picks
// version 2): version 2 (128-key tiles) with FA3's intra-warpgroup pipelining. Measured on the H200
// (n = 4096, p = 16K/64K/128K): 402/399/392 TFLOP/s against version 2's 374/381/373. Within a
// warpgroup the tensor cores run O += P_j V_j while the warps do the softmax of tile j+1: per
// tile, issue S_j+1 = Q K_j+1^T, then P_j V_j, wait for S_j+1 only (wgmma groups retire in order),
// softmax it, then wait for P_j V_j and rescale O. K and V have separate double buffers: S_j+1
// reads K stage (j+1)%2 while K_j+2 loads into the other, and P_j V_j reads V stage j%2 while
// V_j+1 loads into the other, so the 209 KB of version 2 still suffice. The loop is peeled (the
// last tile of a warpgroup has no S_j+1) so that no wgmma is in flight across a branch: the
// earlier pipelined version (64-key tiles) was serialized by ptxas for that reason ("wgmma.mma_async
// instructions are serialized due to ... WG.AR in divergent path") and ran 13% slower than v2.
namespace {
constexpr int P_BN = 128, P_BM = 128, P_THREADS = 256;
}
extern "C" __global__ void __launch_bounds__(P_THREADS, 1)
    dense_prefill_pipelined(const __nv_bfloat16* __restrict__ q, const __nv_bfloat16* __restrict__ k,
                            const __nv_bfloat16* __restrict__ v, __nv_bfloat16* __restrict__ out, int tokens,
                            int position, float scale) {
  extern __shared__ __align__(16) uint8_t smem_raw[];
  uint8_t* base = smem_raw + ((1024 - (dsa::smem_u32(smem_raw) & 1023)) & 1023);
  __nv_bfloat16* sQ = reinterpret_cast<__nv_bfloat16*>(base);  // [3][128][64]
  __nv_bfloat16* sK = sQ + P_BM * DQK;                          // 2 x [3][128][64]
  __nv_bfloat16* sV = sK + 2 * P_BN * DQK;                      // 2 x [2][128][64]

  const int mb = gridDim.x - 1 - blockIdx.x;
  const int head = blockIdx.y;
  const int m0 = mb * P_BM;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int g = lane >> 2, t4 = lane & 3;
  const int wg = warp >> 2;
  const int offset = position - tokens;
  const int last_row = min(m0 + P_BM, tokens) - 1;
  const int n_tiles = (offset + last_row) / P_BN + 1;
  const float sl2 = scale * 1.4426950408889634f;
  const int warp_row0 = m0 + wg * 64 + (warp & 3) * 16;
  // Tiles this warpgroup needs: past that, every key is in all of its rows' future.
  const int wg_tiles = min(n_tiles, (offset + m0 + wg * 64 + 63) / P_BN + 1);

  auto load_q = [&]() { load_head_rows<P_BM, DQK, P_THREADS>(sQ, q, m0, tokens, head); };
  auto load_k = [&](int tile) {
    load_head_rows<P_BN, DQK, P_THREADS>(sK + (tile & 1) * P_BN * DQK, k, tile * P_BN, position, head);
  };
  auto load_v = [&](int tile) {
    load_head_rows<P_BN, DV, P_THREADS>(sV + (tile & 1) * P_BN * DV, v, tile * P_BN, position, head);
  };
  const uint32_t q_addr = dsa::smem_u32(sQ) + wg * 64 * 128;
  auto issue_s = [&](float* s, int tile) {
    const uint32_t k_addr = dsa::smem_u32(sK + (tile & 1) * P_BN * DQK);
#pragma unroll
    for (int kk = 0; kk < DQK / 16; kk++) {
      const uint32_t koff = (kk & 3) * 32;
      uint64_t da = dsa::wgmma_desc(q_addr + (kk >> 2) * (P_BM * 128) + koff, 16, 1024);
      uint64_t db = dsa::wgmma_desc(k_addr + (kk >> 2) * (P_BN * 128) + koff, 16, 1024);
      dsa::wgmma_m64n128k16_ss(s, da, db, kk > 0);
    }
    dsa::wgmma_commit();
  };

  float o[64];
#pragma unroll
  for (int i = 0; i < 64; i++) o[i] = 0.f;
  float row_max[2] = {-INFINITY, -INFINITY}, row_sum[2] = {0.f, 0.f}, alpha[2] = {1.f, 1.f};
  uint32_t pa[P_BN / 16][4];

  auto issue_pv = [&](int tile) {
    const uint32_t v_addr = dsa::smem_u32(sV + (tile & 1) * P_BN * DV);
#pragma unroll
    for (int kk = 0; kk < P_BN / 16; kk++) {
      uint64_t db = dsa::wgmma_desc_mn(v_addr + kk * 16 * 128, P_BN * 128);
      dsa::wgmma_m64n128k16_rs_tb(o, pa[kk], db);
    }
    dsa::wgmma_commit();
  };
  // Softmax of one S tile in place (s becomes P in fp32): updates row_max/row_sum and sets alpha;
  // returns whether any row maximum of this thread moved.
  auto softmax = [&](float* s, int tile) -> bool {
    const bool needs_mask = (tile + 1) * P_BN - 1 > offset + warp_row0;
    bool rescale = false;
#pragma unroll
    for (int h = 0; h < 2; h++) {
      const int qpos = offset + warp_row0 + g + h * 8;
      float mx = -INFINITY;
#pragma unroll
      for (int nt = 0; nt < P_BN / 8; nt++)
#pragma unroll
        for (int e = 0; e < 2; e++) {
          float x = s[nt * 4 + h * 2 + e];
          if (needs_mask && tile * P_BN + nt * 8 + 2 * t4 + e > qpos) x = -INFINITY;
          mx = fmaxf(mx, x);
        }
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffff, mx, 1));
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffff, mx, 2));
      const float m_new = fmaxf(row_max[h], mx * sl2);
      alpha[h] = dsa::ex2(row_max[h] - m_new);
      rescale |= m_new != row_max[h];
      row_max[h] = m_new;
      float sum = 0.f;
#pragma unroll
      for (int nt = 0; nt < P_BN / 8; nt++)
#pragma unroll
        for (int e = 0; e < 2; e++) {
          float x = s[nt * 4 + h * 2 + e];
          if (needs_mask && tile * P_BN + nt * 8 + 2 * t4 + e > qpos) x = -INFINITY;
          x = dsa::ex2(fmaf(x, sl2, -m_new));
          s[nt * 4 + h * 2 + e] = x;
          sum += x;
        }
      row_sum[h] = row_sum[h] * alpha[h] + sum;
    }
    return rescale;
  };
  // P (fp32, in s) -> bf16 A fragments: keys 16kk..16kk+15 are the n-tiles 2kk and 2kk+1.
  auto pack = [&](const float* s) {
#pragma unroll
    for (int kk = 0; kk < P_BN / 16; kk++) {
      pa[kk][0] = dsa::pack_bf16(s[(2 * kk) * 4 + 0], s[(2 * kk) * 4 + 1]);
      pa[kk][1] = dsa::pack_bf16(s[(2 * kk) * 4 + 2], s[(2 * kk) * 4 + 3]);
      pa[kk][2] = dsa::pack_bf16(s[(2 * kk + 1) * 4 + 0], s[(2 * kk + 1) * 4 + 1]);
      pa[kk][3] = dsa::pack_bf16(s[(2 * kk + 1) * 4 + 2], s[(2 * kk + 1) * 4 + 3]);
    }
  };
  auto rescale_o = [&]() {
#pragma unroll
    for (int nt = 0; nt < DV / 8; nt++) {
      o[nt * 4 + 0] *= alpha[0];
      o[nt * 4 + 1] *= alpha[0];
      o[nt * 4 + 2] *= alpha[1];
      o[nt * 4 + 3] *= alpha[1];
    }
  };
  // Start of tile j's step, for the whole block: K_j+1 and V_j are in (issued one step earlier);
  // everyone is done with K_j (S_j ran in the last step) and V_j-1, so K_j+2 and V_j+1 load into
  // their stages now.
  auto step_start = [&](int j) {
    dsa::cp_async_wait<0>();
    dsa::fence_proxy_async();
    __syncthreads();
    if (j + 2 < n_tiles) load_k(j + 2);
    if (j + 1 < n_tiles) load_v(j + 1);
    dsa::cp_async_commit();
  };

  // Prologue: Q and K_0, then K_1 and V_0; S_0 and its softmax while the second group lands.
  load_q();
  load_k(0);
  dsa::cp_async_commit();
  if (n_tiles > 1) load_k(1);
  load_v(0);
  dsa::cp_async_commit();
  dsa::cp_async_wait<1>();
  dsa::fence_proxy_async();
  __syncthreads();
  {
    float s[P_BN / 2];
    dsa::wgmma_fence();
    issue_s(s, 0);
    dsa::wgmma_wait<0>();
#pragma unroll
    for (int i = 0; i < P_BN / 2; i++) dsa::fence_operand(s[i]);
    softmax(s, 0);  // o is all zeros: no rescale needed
    pack(s);
  }

  // A tile with a successor for this warpgroup: S_j+1 overlaps P_j V_j. The softmax of tile j+1
  // runs in place on its S registers while P_j V_j is in flight; only after that retires does P_j+1
  // go into pa, the P V operand (writing it earlier makes ptxas serialize the wgmma: "non wgmma
  // instructions defining input registers of a wgmma between start and end of the pipeline stage").
  auto step = [&](int j) {
    step_start(j);
    float s[P_BN / 2];
#pragma unroll
    for (int i = 0; i < 64; i++) dsa::fence_operand(o[i]);
    dsa::wgmma_fence();
    issue_s(s, j + 1);
    issue_pv(j);
    dsa::wgmma_wait<1>();  // S_j+1 is done; P_j V_j may still run
#pragma unroll
    for (int i = 0; i < P_BN / 2; i++) dsa::fence_operand(s[i]);
    const bool moved = softmax(s, j + 1);
    dsa::wgmma_wait<0>();
#pragma unroll
    for (int i = 0; i < 64; i++) dsa::fence_operand(o[i]);
    if (__any_sync(0xffffffff, moved)) rescale_o();
    pack(s);
  };
  // This warpgroup's last tile: P V alone.
  auto last = [&](int j) {
    step_start(j);
#pragma unroll
    for (int i = 0; i < 64; i++) dsa::fence_operand(o[i]);
    dsa::wgmma_fence();
    issue_pv(j);
    dsa::wgmma_wait<0>();
#pragma unroll
    for (int i = 0; i < 64; i++) dsa::fence_operand(o[i]);
  };
  int j = 0;
  for (; j < wg_tiles - 1; j++) step(j);
  last(j);
  // The other warpgroup may need more tiles: keep meeting its barriers.
  for (j++; j < n_tiles; j++) step_start(j);

  store_o(out, o, row_sum, warp_row0, tokens, head);
}
#else
// Version 1 (mma.sync), the path for non-Hopper GPUs (compute_80 PTX).
extern "C" __global__ void __launch_bounds__(WARPS * 32, 2)
    dense_prefill(const __nv_bfloat16* __restrict__ q, const __nv_bfloat16* __restrict__ k,
                  const __nv_bfloat16* __restrict__ v, __nv_bfloat16* __restrict__ out, int tokens,
                  int position, float scale) {
  extern __shared__ __align__(16) __nv_bfloat16 smem[];
  __nv_bfloat16* sQ = smem;
  __nv_bfloat16* sK = sQ + SMEM_Q;
  __nv_bfloat16* sV = sK + SMEM_K;

  const int head = blockIdx.y;
  // Latest query block first: those see the most keys, so the long blocks start in the first wave.
  const int mb = gridDim.x - 1 - blockIdx.x;
  const int m0 = mb * BM;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int g = lane >> 2, t4 = lane & 3;
  const int offset = position - tokens;  // query row i sits at position offset + i
  const int last_row = min(m0 + BM, tokens) - 1;
  const int n_tiles = (offset + last_row) / BN + 1;
  const float sl2 = scale * 1.4426950408889634f;

  // ---- async loads (16-byte chunks; rows past the end are zero-filled, never read) ----
  auto load_q = [&]() {
    for (int c = tid; c < BM * (DQK / 8); c += WARPS * 32) {
      int r = c / (DQK / 8), ch = c % (DQK / 8);
      int row = min(m0 + r, tokens - 1);
      const __nv_bfloat16* src = q + ((size_t)row * HEADS + head) * DQK + ch * 8;
      dsa::cp_async_16(dsa::smem_u32(sQ + r * LQ + ch * 8), src, m0 + r < tokens ? 16 : 0);
    }
  };
  auto load_k = [&](int tile) {
    for (int c = tid; c < BN * (DQK / 8); c += WARPS * 32) {
      int r = c / (DQK / 8), ch = c % (DQK / 8);
      int key = tile * BN + r;
      const __nv_bfloat16* src = k + ((size_t)min(key, position - 1) * HEADS + head) * DQK + ch * 8;
      dsa::cp_async_16(dsa::smem_u32(sK + r * LQ + ch * 8), src, key < position ? 16 : 0);
    }
  };
  auto load_v = [&](int tile) {
    for (int c = tid; c < BN * (DV / 8); c += WARPS * 32) {
      int r = c / (DV / 8), ch = c % (DV / 8);
      int key = tile * BN + r;
      const __nv_bfloat16* src = v + ((size_t)min(key, position - 1) * HEADS + head) * DV + ch * 8;
      dsa::cp_async_16(dsa::smem_u32(sV + r * LV + ch * 8), src, key < position ? 16 : 0);
    }
  };

  float o[2][DV / 8][4];
#pragma unroll
  for (int mt = 0; mt < 2; mt++)
#pragma unroll
    for (int nt = 0; nt < DV / 8; nt++)
#pragma unroll
      for (int e = 0; e < 4; e++) o[mt][nt][e] = 0.f;
  float row_max[2][2], row_sum[2][2];
#pragma unroll
  for (int mt = 0; mt < 2; mt++)
#pragma unroll
    for (int h = 0; h < 2; h++) row_max[mt][h] = -INFINITY, row_sum[mt][h] = 0.f;

  load_q();
  load_k(0);
  dsa::cp_async_commit();

  const int wrow = warp * 32;  // this warp's first row in the block
  // ldmatrix lane addresses: A (16x16 row-major) and B (two n8 tiles of [n][k]).
  const int a_row = lane & 15, a_col = (lane >> 4) * 8;
  const int b_row = (lane & 7) + ((lane >> 4) << 3), b_col = ((lane >> 3) & 1) * 8;
  const int v_row = (lane & 7) + (((lane >> 3) & 1) << 3), v_col = (lane >> 4) * 8;

  for (int j = 0; j < n_tiles; j++) {
    dsa::cp_async_wait<0>();
    __syncthreads();  // K_j (and Q) are in; every warp has finished reading V_j-1
    load_v(j);
    dsa::cp_async_commit();

    // ---- S = Q K_j^T: 32 rows x 64 keys per warp ----
    float s[2][BN / 8][4];
#pragma unroll
    for (int mt = 0; mt < 2; mt++)
#pragma unroll
      for (int nt = 0; nt < BN / 8; nt++)
#pragma unroll
        for (int e = 0; e < 4; e++) s[mt][nt][e] = 0.f;
#pragma unroll
    for (int kk = 0; kk < DQK / 16; kk++) {
      uint32_t a[2][4];
#pragma unroll
      for (int mt = 0; mt < 2; mt++)
        dsa::ldmatrix_x4(a[mt][0], a[mt][1], a[mt][2], a[mt][3],
                         dsa::smem_u32(sQ + (wrow + mt * 16 + a_row) * LQ + kk * 16 + a_col));
#pragma unroll
      for (int np = 0; np < BN / 16; np++) {
        uint32_t b0, b1, b2, b3;
        dsa::ldmatrix_x4(b0, b1, b2, b3, dsa::smem_u32(sK + (np * 16 + b_row) * LQ + kk * 16 + b_col));
#pragma unroll
        for (int mt = 0; mt < 2; mt++) {
          dsa::mma_bf16_16816(s[mt][2 * np], a[mt], b0, b1);
          dsa::mma_bf16_16816(s[mt][2 * np + 1], a[mt], b2, b3);
        }
      }
    }

    // ---- causal mask (only tiles that cross this warp's diagonal) and online softmax ----
    const bool needs_mask = (j + 1) * BN - 1 > offset + m0 + wrow;
#pragma unroll
    for (int mt = 0; mt < 2; mt++) {
#pragma unroll
      for (int h = 0; h < 2; h++) {
        const int qpos = offset + m0 + wrow + mt * 16 + g + h * 8;
        float mx = row_max[mt][h];
#pragma unroll
        for (int nt = 0; nt < BN / 8; nt++) {
#pragma unroll
          for (int e = 0; e < 2; e++) {
            float x = s[mt][nt][h * 2 + e] * sl2;
            if (needs_mask && j * BN + nt * 8 + 2 * t4 + e > qpos) x = -INFINITY;
            s[mt][nt][h * 2 + e] = x;
            mx = fmaxf(mx, x);
          }
        }
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffff, mx, 1));
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffff, mx, 2));
        const float alpha = exp2f(row_max[mt][h] - mx);  // row_max starts at -inf: alpha = 0
        row_max[mt][h] = mx;
        float sum = 0.f;
#pragma unroll
        for (int nt = 0; nt < BN / 8; nt++) {
#pragma unroll
          for (int e = 0; e < 2; e++) {
            float p = exp2f(s[mt][nt][h * 2 + e] - mx);
            s[mt][nt][h * 2 + e] = p;
            sum += p;
          }
        }
        row_sum[mt][h] = row_sum[mt][h] * alpha + sum;
#pragma unroll
        for (int nt = 0; nt < DV / 8; nt++) {
          o[mt][nt][h * 2] *= alpha;
          o[mt][nt][h * 2 + 1] *= alpha;
        }
      }
    }

    dsa::cp_async_wait<0>();
    __syncthreads();  // V_j is in; every warp has finished reading K_j
    if (j + 1 < n_tiles) {
      load_k(j + 1);
      dsa::cp_async_commit();
    }

    // ---- O += P V_j: P straight from the S accumulators (the C layout is the A layout) ----
#pragma unroll
    for (int kk = 0; kk < BN / 16; kk++) {
      uint32_t a[2][4];
#pragma unroll
      for (int mt = 0; mt < 2; mt++) {
        a[mt][0] = dsa::pack_bf16(s[mt][2 * kk][0], s[mt][2 * kk][1]);
        a[mt][1] = dsa::pack_bf16(s[mt][2 * kk][2], s[mt][2 * kk][3]);
        a[mt][2] = dsa::pack_bf16(s[mt][2 * kk + 1][0], s[mt][2 * kk + 1][1]);
        a[mt][3] = dsa::pack_bf16(s[mt][2 * kk + 1][2], s[mt][2 * kk + 1][3]);
      }
#pragma unroll
      for (int np = 0; np < DV / 16; np++) {
        uint32_t b0, b1, b2, b3;
        dsa::ldmatrix_x4_trans(b0, b1, b2, b3, dsa::smem_u32(sV + (kk * 16 + v_row) * LV + np * 16 + v_col));
#pragma unroll
        for (int mt = 0; mt < 2; mt++) {
          dsa::mma_bf16_16816(o[mt][2 * np], a[mt], b0, b1);
          dsa::mma_bf16_16816(o[mt][2 * np + 1], a[mt], b2, b3);
        }
      }
    }
  }

  // ---- normalise and store ----
#pragma unroll
  for (int mt = 0; mt < 2; mt++) {
#pragma unroll
    for (int h = 0; h < 2; h++) {
      float sum = row_sum[mt][h];
      sum += __shfl_xor_sync(0xffffffff, sum, 1);
      sum += __shfl_xor_sync(0xffffffff, sum, 2);
      const float inv = 1.f / sum;
      const int row = m0 + wrow + mt * 16 + g + h * 8;
      if (row < tokens) {
        uint32_t* dst = reinterpret_cast<uint32_t*>(out + ((size_t)row * HEADS + head) * DV);
#pragma unroll
        for (int nt = 0; nt < DV / 8; nt++)
          dst[(nt * 8 + 2 * t4) / 2] = dsa::pack_bf16(o[mt][nt][h * 2] * inv, o[mt][nt][h * 2 + 1] * inv);
      }
    }
  }
}

// Version 2c exists only on sm_90a; this stub gives the other passes (host, compute_80) its symbol.
extern "C" __global__ void dense_prefill_pipelined(const __nv_bfloat16*, const __nv_bfloat16*,
                                                   const __nv_bfloat16*, __nv_bfloat16*, int, int, float) {
  __trap();
}
#endif  // DSA_HAS_WGMMA
