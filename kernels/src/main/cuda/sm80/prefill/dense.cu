// Dense MLA prefill in MHA mode, the portable kernel (version 1): 128 heads, q.k dim 192 (128 nope
// + 64 rope), v dim 128, causal. A chunk of `tokens` queries at positions position-tokens ..
// position-1 over `position` keys. Layouts (row-major): q [tokens,128,192], k [position,128,192],
// v [position,128,128], out [tokens,128,128]; bf16 in and out, fp32 accumulation and softmax.
// Built to compute_80 PTX, which the driver compiles for whatever GPU it finds; Hopper runs
// sm90/prefill/dense.cu instead.
//
// FlashAttention-2 on mma.sync (HMMA.16816.F32.BF16). One block = 128 query rows of one head, 4
// warps of 32 rows each (two m16 tiles, so every K/V fragment read from shared memory feeds two
// MMAs: 25 FLOP per shared byte instead of 16 with 16-row warps). Q stays in shared memory; K and
// V have one buffer each and are loaded FA2-style: V_j while S_j = Q K_j^T runs, K_j+1 while
// O += P V_j runs. 94 KB of shared memory, so two blocks share an SM and hide each other's waits.
#include "common.cuh"

namespace dsa::prefill_v1 {
constexpr int DQK = 192, DV = 128, HEADS = 128;
constexpr int BN = 64, BM = 128, WARPS = 4, THREADS = WARPS * 32;
constexpr int LQ =
    DQK + 8;                // padded row: 400 B, consecutive rows land 4 banks apart (no conflicts)
constexpr int LV = DV + 8;  // 272 B
constexpr int SMEM_Q = BM * LQ, SMEM_K = BN * LQ;              // then BN * LV for V
constexpr int SHARED_BYTES = (SMEM_Q + SMEM_K + BN * LV) * 2;  // bf16 elements
}  // namespace dsa::prefill_v1

// Launch: grid (ceil(tokens / dense_prefill_v1_block_m), 128 heads), query blocks fastest (the
// blocks of one head run together and share its K and V through L2), dense_prefill_v1_threads
// threads, dense_prefill_v1_shared_bytes of dynamic shared memory.
extern "C" __global__ void __launch_bounds__(dsa::prefill_v1::THREADS, 2)
    dense_prefill_v1(const __nv_bfloat16* __restrict__ q, const __nv_bfloat16* __restrict__ k,
                     const __nv_bfloat16* __restrict__ v, __nv_bfloat16* __restrict__ out,
                     int tokens, int position, float scale) {
  using namespace dsa::prefill_v1;
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
        dsa::ldmatrix_x4(b0, b1, b2, b3,
                         dsa::smem_u32(sK + (np * 16 + b_row) * LQ + kk * 16 + b_col));
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
        dsa::ldmatrix_x4_trans(b0, b1, b2, b3,
                               dsa::smem_u32(sV + (kk * 16 + v_row) * LV + np * 16 + v_col));
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
          dst[(nt * 8 + 2 * t4) / 2] =
              dsa::pack_bf16(o[mt][nt][h * 2] * inv, o[mt][nt][h * 2 + 1] * inv);
      }
    }
  }
}

// Launch constants, read by the cuda backend from this module (CudaBackend.constant).
extern "C" __device__ const int dense_prefill_v1_shared_bytes = dsa::prefill_v1::SHARED_BYTES;
extern "C" __device__ const int dense_prefill_v1_threads = dsa::prefill_v1::THREADS;
extern "C" __device__ const int dense_prefill_v1_block_m =
    dsa::prefill_v1::BM;  // query rows per block
