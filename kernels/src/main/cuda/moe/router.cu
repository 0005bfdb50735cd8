// DeepSeek-V3's MoE router (Ops.Router): s = sigmoid(x · wᵀ) over 256 experts, then per row the
// group-limited top-8 (8 groups of 32; a group rated by the sum of its two highest s + bias; the 4
// best groups kept; the 8 highest s + bias among their experts, ties to the lower index; weights
// s / sum of the chosen s). Portable (sm_80+): mma.sync m16n8k16 bf16 with fp32 accumulation,
// ldmatrix from an XOR-swizzled shared tile, a 3-stage cp.async ring.
//
// A CTA owns ROWS rows x all 256 experts, so that the selection can follow in the same kernel. At
// decode sizes (m = 256 is 4 row blocks) that alone would leave most SMs idle while 3.7 MB of
// weights stream, so the reduction dimension is split over gridDim.y: each split adds its partial
// logits into an fp32 accumulator in L2 (red.add), and the split that arrives last at the row
// block's counter reads the sums, clears them and the counter for the next call, and selects.
// With one split the logits go straight from registers to shared memory. The adds' order varies
// from run to run, so with splits > 1 a logit may differ in its last bit between runs; a choice can
// change only where two s + bias are that close.
#include <cuda_bf16.h>
#include <cuda_runtime.h>
#include <stdint.h>

namespace moe_router {

constexpr int EXPERTS = 256;
constexpr int GROUPS = 8;
constexpr int KEPT_GROUPS = 4;
constexpr int TOPK = 8;

constexpr int KTILE = 64;  // hidden columns per pipeline stage (128 bytes per row)
constexpr int STAGES = 3;
constexpr int THREADS = 256;  // 8 warps: 2 along rows x 4 along experts
constexpr int WARP_EXPERTS = 64;
constexpr int B_STAGE_BYTES = EXPERTS * KTILE * 2;
// Once the products are done the ring holds the selection's two fp32 tiles of SEL_ROWS rows (4
// threads per row): the logits z and v = s + bias. A row is padded by 4 floats (16-byte aligned
// rows; see select_row for the banks). A CTA of more rows selects in passes of SEL_ROWS.
constexpr int SEL_ROWS = THREADS / 4;
constexpr int LOGIT_STRIDE = EXPERTS + 4;
constexpr int SEL_BYTES = 2 * SEL_ROWS * LOGIT_STRIDE * 4;

// A CTA of ROWS rows x all experts: 64 (the shipped tile: 8 warps of 32 x 64) or 128 (a candidate
// for large m: 8 warps of 64 x 64, half the ldmatrix traffic per product and half the CTAs that
// each read all of w, 128 accumulators per thread).
template <int ROWS>
struct Tile {
  static constexpr int WARP_ROWS = ROWS / 2;
  static constexpr int MT = WARP_ROWS / 16;  // m16 tiles per warp
  static constexpr int A_STAGE_BYTES = ROWS * KTILE * 2;
  static constexpr int STAGE_BYTES = A_STAGE_BYTES + B_STAGE_BYTES;
  static constexpr int PIPE_BYTES = STAGES * STAGE_BYTES;
  static constexpr int SMEM_BYTES = PIPE_BYTES > SEL_BYTES ? PIPE_BYTES : SEL_BYTES;
  static_assert(ROWS % SEL_ROWS == 0, "whole selection passes");
};

__device__ __forceinline__ uint32_t smem_addr(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// A 128-byte row holds 8 chunks of 16 bytes; chunk c of row r lives at chunk c ^ (r & 7), so that
// the 8 rows an ldmatrix phase reads (same chunk, consecutive rows) hit 8 different bank groups.
__device__ __forceinline__ uint32_t swz(int row, int chunk) {
  return static_cast<uint32_t>(row * 128 + ((chunk ^ (row & 7)) << 4));
}

__device__ __forceinline__ void cp_async16(uint32_t dst, const void* src) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(dst), "l"(src));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n"); }
template <int N>
__device__ __forceinline__ void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
}

__device__ __forceinline__ void ldmatrix_x4(uint32_t addr, uint32_t& r0, uint32_t& r1, uint32_t& r2,
                                            uint32_t& r3) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3)
               : "r"(addr));
}

__device__ __forceinline__ void mma_bf16(float* c, const uint32_t* a, uint32_t b0, uint32_t b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
      "{%8,%9}, {%0,%1,%2,%3};\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Adds (a, b) to two adjacent fp32 in global memory without returning them: the adds happen in
// L2. sm_90 has a vector form (one request for both); older GPUs take two scalar ones.
__device__ __forceinline__ void red_add2(float* p, float a, float b) {
#if __CUDA_ARCH__ >= 900
  asm volatile("red.global.add.v2.f32 [%0], {%1, %2};\n" ::"l"(p), "f"(a), "f"(b) : "memory");
#else
  asm volatile("red.global.add.f32 [%0], %1;\n" ::"l"(p), "f"(a) : "memory");
  asm volatile("red.global.add.f32 [%0], %1;\n" ::"l"(p + 1), "f"(b) : "memory");
#endif
}

// One stage: ROWS rows of x and all experts' rows of w, KTILE columns from k0. Rows past m load
// row m - 1 (their logits are never selected from).
template <int ROWS>
__device__ __forceinline__ void load_stage(uint8_t* stage, const __nv_bfloat16* x,
                                           const __nv_bfloat16* w, int row0, int m, int hidden,
                                           int k0) {
  const int t = threadIdx.x;
  const uint32_t a_base = smem_addr(stage);
  const uint32_t b_base = a_base + Tile<ROWS>::A_STAGE_BYTES;
#pragma unroll
  for (int i = 0; i < Tile<ROWS>::A_STAGE_BYTES / 16 / THREADS; i++) {
    int c = t + i * THREADS;
    int r = c >> 3, ch = c & 7;
    int gr = min(row0 + r, m - 1);
    cp_async16(a_base + swz(r, ch), x + (size_t)gr * hidden + k0 + ch * 8);
  }
#pragma unroll
  for (int i = 0; i < B_STAGE_BYTES / 16 / THREADS; i++) {
    int c = t + i * THREADS;
    int r = c >> 3, ch = c & 7;
    cp_async16(b_base + swz(r, ch), w + (size_t)r * hidden + k0 + ch * 8);
  }
}

// s = sigmoid(z). __expf and a fast divide: two MUFU operations, no slow path (an IEEE divide per
// logit would make the selection, not the product, the tail at decode sizes); accurate to about
// 1e-7, far below the spacing of the s + bias it ranks.
__device__ __forceinline__ float sigmoid(float z) { return __fdividef(1.f, 1.f + __expf(-z)); }

// The selection of one row by 4 threads (a quad of consecutive lanes): thread q holds experts
// 64q .. 64q+63, i.e. groups 2q and 2q+1. z: the row's logits; v: where its s + bias go.
//  1. v and the two highest v of each of its groups;
//  2. all 8 group scores through the quad; kept groups by rank (ties to the lower group); a floor
//     T = the lowest second-highest v of a kept group: the kept groups hold 8 values ≥ T, so every
//     chosen expert has v ≥ T, and few others do;
//  3. each thread's top 8 (v descending, index ascending) among its kept experts with v ≥ T, by
//     insertion over a bit mask of them (the insertions, not the 64 tests, are divergent);
//  4. 8 rounds of a quad argmax of the lists' heads, the winner's thread shifting its list.
// Shared-memory banks: the quad's threads read 16-byte chunk c of their 64 at the same time, with
// c rotated by 2q, so that the 8 lanes of an LDS.128 phase (2 rows x 4 threads, rows 260 floats
// apart) hit 8 different chunk slots.
__device__ __forceinline__ void select_row(const float* z, float* v, const float* bias_s, int q,
                                           int row, bool store, float* weights, int* indices) {
  const int lane = threadIdx.x & 31, quad = lane & ~3;
  const float* zq = z + 64 * q;
  float* vq = v + 64 * q;
  const float* bq = bias_s + 64 * q;
  float h1[2] = {-INFINITY, -INFINITY}, h2[2] = {-INFINITY, -INFINITY};
#pragma unroll
  for (int i = 0; i < 16; i++) {
    const int c = (i & 8) | ((i + 2 * q) & 7);  // chunk; group i / 8 of this thread's two
    const float4 z4 = *reinterpret_cast<const float4*>(zq + 4 * c);
    const float4 b4 = *reinterpret_cast<const float4*>(bq + 4 * c);
    float4 v4;
    v4.x = sigmoid(z4.x) + b4.x;
    v4.y = sigmoid(z4.y) + b4.y;
    v4.z = sigmoid(z4.z) + b4.z;
    v4.w = sigmoid(z4.w) + b4.w;
    *reinterpret_cast<float4*>(vq + 4 * c) = v4;
    const int g = i >> 3;
    for (float x : {v4.x, v4.y, v4.z, v4.w}) {
      h2[g] = fmaxf(h2[g], fminf(h1[g], x));
      h1[g] = fmaxf(h1[g], x);
    }
  }
  float score[GROUPS], second[GROUPS];
#pragma unroll
  for (int p = 0; p < 4; p++) {
    score[2 * p] = __shfl_sync(0xffffffffu, h1[0] + h2[0], quad + p);
    score[2 * p + 1] = __shfl_sync(0xffffffffu, h1[1] + h2[1], quad + p);
    second[2 * p] = __shfl_sync(0xffffffffu, h2[0], quad + p);
    second[2 * p + 1] = __shfl_sync(0xffffffffu, h2[1], quad + p);
  }
  uint32_t kept = 0;
  float floor_v = INFINITY;
#pragma unroll
  for (int g = 0; g < GROUPS; g++) {
    int rank = 0;
#pragma unroll
    for (int h = 0; h < GROUPS; h++)
      rank += (score[h] > score[g]) || (score[h] == score[g] && h < g);
    if (rank < KEPT_GROUPS) {
      kept |= 1u << g;
      floor_v = fminf(floor_v, second[g]);
    }
  }
  // Step 3 (this thread's kept groups only; a thread whose two groups were dropped offers nothing).
  unsigned long long mask = 0;
#pragma unroll
  for (int i = 0; i < 16; i++) {
    const int c = (i & 8) | ((i + 2 * q) & 7), g = i >> 3;
    if ((kept >> (2 * q + g)) & 1u) {
      const float4 v4 = *reinterpret_cast<const float4*>(vq + 4 * c);
      mask |= (unsigned long long)((v4.x >= floor_v) | (v4.y >= floor_v) << 1 |
                                   (v4.z >= floor_v) << 2 | (v4.w >= floor_v) << 3)
              << (4 * c);
    }
  }
  float lv[TOPK];
  int li[TOPK];
#pragma unroll
  for (int k = 0; k < TOPK; k++) {
    lv[k] = -INFINITY;
    li[k] = 0x7fffffff;
  }
  while (mask) {
    const int j = __ffsll((long long)mask) - 1;
    mask &= mask - 1;
    const float x = vq[j];
    const int e = 64 * q + j;
    // Ascending j, so an equal value already in the list has the lower index and stays above.
    if (x > lv[TOPK - 1]) {
#pragma unroll
      for (int k = TOPK - 1; k >= 0; k--) {
        const bool here = x > lv[k] && (k == 0 || !(x > lv[k - 1]));
        const bool shift = k > 0 && x > lv[k - 1];
        lv[k] = here ? x : shift ? lv[k - 1] : lv[k];
        li[k] = here ? e : shift ? li[k - 1] : li[k];
      }
    }
  }
  // Step 4. Every thread of the quad learns each round's winner; thread q keeps rounds q and q + 4.
  float my_s[2] = {0.f, 0.f}, sum = 0.f;
  int my_e[2] = {0, 0};
#pragma unroll
  for (int k = 0; k < TOPK; k++) {
    float best = lv[0];
    int be = li[0];
#pragma unroll
    for (int off = 1; off < 4; off <<= 1) {
      const float ob = __shfl_xor_sync(0xffffffffu, best, off);
      const int oe = __shfl_xor_sync(0xffffffffu, be, off);
      if (ob > best || (ob == best && oe < be)) {
        best = ob;
        be = oe;
      }
    }
    if (li[0] == be) {
#pragma unroll
      for (int j = 0; j < TOPK - 1; j++) {
        lv[j] = lv[j + 1];
        li[j] = li[j + 1];
      }
      lv[TOPK - 1] = -INFINITY;
      li[TOPK - 1] = 0x7fffffff;
    }
    const float sw = sigmoid(z[be]);
    sum += sw;
    if ((k & 3) == q) {
      my_s[k >> 2] = sw;
      my_e[k >> 2] = be;
    }
  }
  if (store) {
#pragma unroll
    for (int h = 0; h < 2; h++) {
      weights[(size_t)row * TOPK + q + 4 * h] = my_s[h] / sum;
      indices[(size_t)row * TOPK + q + 4 * h] = my_e[h];
    }
  }
}

#ifdef MOE_ROUTER_DEBUG_LOGITS
__device__ float* debug_logits;  // [m, 256] when set
#endif

// grid (ceil(m / ROWS), splits); hidden a multiple of KTILE, splits ≤ hidden / KTILE.
// acc: fp32 [ceil(m / ROWS) · ROWS, 256] and counters: int [ceil(m / ROWS)], both all zero before
// the first call (each call leaves them so); used only when splits > 1.
template <int ROWS>
__device__ __forceinline__ void router_tile(const __nv_bfloat16* __restrict__ x,
                                            const __nv_bfloat16* __restrict__ w,
                                            const float* __restrict__ bias,
                                            float* __restrict__ weights, int* __restrict__ indices,
                                            float* acc, int* counters, int m, int hidden) {
  using T = Tile<ROWS>;
  constexpr int MT = T::MT, WARP_ROWS = T::WARP_ROWS;
  extern __shared__ __align__(128) uint8_t smem[];
  __shared__ __align__(16) float bias_s[EXPERTS];
  __shared__ int is_last;

  const int t = threadIdx.x, lane = t & 31, warp = t >> 5;
  const int row0 = blockIdx.x * ROWS;
  const int splits = gridDim.y;
  const int ktiles = hidden / KTILE;
  const int kt_begin = (int)((long long)blockIdx.y * ktiles / splits);
  const int kt_end = (int)((long long)(blockIdx.y + 1) * ktiles / splits);
  const int nk = kt_end - kt_begin;

  for (int i = t; i < EXPERTS; i += THREADS) bias_s[i] = bias[i];

  const int wm = warp >> 2, wn = warp & 3;
  float c[MT][8][4];
#pragma unroll
  for (int i = 0; i < MT; i++)
#pragma unroll
    for (int j = 0; j < 8; j++)
#pragma unroll
      for (int q = 0; q < 4; q++) c[i][j][q] = 0.f;

#pragma unroll
  for (int s = 0; s < STAGES - 1; s++) {
    if (s < nk)
      load_stage<ROWS>(smem + s * T::STAGE_BYTES, x, w, row0, m, hidden, (kt_begin + s) * KTILE);
    cp_async_commit();
  }

  // ldmatrix lanes: A matrices (rows 0-7, 8-15) x (k 0-7, 8-15); B matrices (k 0-7, 8-15) x
  // (experts 0-7, 8-15) of a pair of n8 tiles.
  const int a_row = wm * WARP_ROWS + (lane & 7) + ((lane >> 3) & 1) * 8;
  const int a_chunk = lane >> 4;
  const int b_row = wn * WARP_EXPERTS + (lane & 7) + (lane >> 4) * 8;
  const int b_chunk = (lane >> 3) & 1;

#pragma unroll 1
  for (int kt = 0; kt < nk; kt++) {
    cp_async_wait<STAGES - 2>();
    __syncthreads();
    {
      int nxt = kt + STAGES - 1;
      if (nxt < nk)
        load_stage<ROWS>(smem + (nxt % STAGES) * T::STAGE_BYTES, x, w, row0, m, hidden,
                         (kt_begin + nxt) * KTILE);
      cp_async_commit();
    }
    const uint32_t a_base = smem_addr(smem + (kt % STAGES) * T::STAGE_BYTES);
    const uint32_t b_base = a_base + T::A_STAGE_BYTES;
#pragma unroll
    for (int ks = 0; ks < KTILE / 16; ks++) {
      uint32_t a[MT][4];
#pragma unroll
      for (int i = 0; i < MT; i++)
        ldmatrix_x4(a_base + swz(a_row + i * 16, ks * 2 + a_chunk), a[i][0], a[i][1], a[i][2],
                    a[i][3]);
#pragma unroll
      for (int jp = 0; jp < 4; jp++) {
        uint32_t b0, b1, b2, b3;
        ldmatrix_x4(b_base + swz(b_row + jp * 16, ks * 2 + b_chunk), b0, b1, b2, b3);
#pragma unroll
        for (int i = 0; i < MT; i++) {
          mma_bf16(c[i][2 * jp], a[i], b0, b1);
          mma_bf16(c[i][2 * jp + 1], a[i], b2, b3);
        }
      }
    }
  }
  cp_async_wait<0>();
  __syncthreads();  // the ring is free: it becomes the selection's tiles

  // Fragment c[i][j]: rows wm*WARP_ROWS + i*16 + lane/4 (+8), experts wn*64 + j*8 + 2*(lane%4)
  // (+1).
  const int fr = wm * WARP_ROWS + (lane >> 2);
  const int fc = wn * WARP_EXPERTS + 2 * (lane & 3);
  float* base = acc + (size_t)row0 * EXPERTS;
  if (splits > 1) {
#pragma unroll
    for (int i = 0; i < MT; i++)
#pragma unroll
      for (int j = 0; j < 8; j++)
#pragma unroll
        for (int h = 0; h < 2; h++) {
          float* p = base + (size_t)(fr + i * 16 + h * 8) * EXPERTS + fc + j * 8;
          red_add2(p, c[i][j][2 * h], c[i][j][2 * h + 1]);
        }
    // Every thread's adds are visible device-wide before the CTA counts itself done.
    __threadfence();
    __syncthreads();
    if (t == 0) is_last = atomicAdd(counters + blockIdx.x, 1) == splits - 1;
    __syncthreads();
    if (!is_last) return;
    __threadfence();
  }

  float* z = reinterpret_cast<float*>(smem);
  float* v = z + SEL_ROWS * LOGIT_STRIDE;
#pragma unroll
  for (int pass = 0; pass < ROWS / SEL_ROWS; pass++) {
    const int prow = pass * SEL_ROWS;  // first CTA row of this pass
    if (splits == 1) {
      // The warps whose rows fall in this pass put their logits down.
      if (wm * WARP_ROWS / SEL_ROWS == pass) {
#pragma unroll
        for (int i = 0; i < MT; i++)
#pragma unroll
          for (int j = 0; j < 8; j++)
#pragma unroll
            for (int h = 0; h < 2; h++) {
              float* p = z + (fr - prow + i * 16 + h * 8) * LOGIT_STRIDE + fc + j * 8;
              p[0] = c[i][j][2 * h];
              p[1] = c[i][j][2 * h + 1];
            }
      }
    } else {
      // The last split reads the sums from L2 (not L1, which may hold nothing valid) and clears
      // them for the next call.
      float4* src = reinterpret_cast<float4*>(base + (size_t)prow * EXPERTS);
      for (int i = t; i < SEL_ROWS * EXPERTS / 4; i += THREADS) {
        float4 s4 = __ldcg(src + i);
        __stcg(src + i, make_float4(0.f, 0.f, 0.f, 0.f));
        int r = i / (EXPERTS / 4), e = (i % (EXPERTS / 4)) * 4;
        *reinterpret_cast<float4*>(z + r * LOGIT_STRIDE + e) = s4;
      }
    }
    __syncthreads();
#ifdef MOE_ROUTER_DEBUG_LOGITS
    // Check builds of the driver only: the logits each row is selected from, so that the driver
    // can check the product and the selection apart.
    if (debug_logits != nullptr) {
      for (int i = t; i < SEL_ROWS * EXPERTS; i += THREADS) {
        const int r = i / EXPERTS, e = i % EXPERTS;
        if (row0 + prow + r < m)
          debug_logits[(size_t)(row0 + prow + r) * EXPERTS + e] = z[r * LOGIT_STRIDE + e];
      }
    }
#endif
    const int r = t >> 2, q = t & 3, row = row0 + prow + r;
    select_row(z + r * LOGIT_STRIDE, v + r * LOGIT_STRIDE, bias_s, q, row, row < m, weights,
               indices);
    __syncthreads();  // the tiles are free for the next pass
  }
  if (splits > 1 && t == 0) counters[blockIdx.x] = 0;
}

}  // namespace moe_router

extern "C" __device__ const int moe_router_smem = moe_router::Tile<64>::SMEM_BYTES;
extern "C" __device__ const int moe_router_rows = 64;
extern "C" __device__ const int moe_router_smem_r128 = moe_router::Tile<128>::SMEM_BYTES;
extern "C" __device__ const int moe_router_rows_r128 = 128;
extern "C" __device__ const int moe_router_threads = moe_router::THREADS;
extern "C" __device__ const int moe_router_ktile = moe_router::KTILE;
extern "C" __device__ const int moe_router_experts = moe_router::EXPERTS;

// The shipped router: 64-row CTAs.
extern "C" __global__ void __launch_bounds__(moe_router::THREADS, 1)
    moe_router_topk(const __nv_bfloat16* __restrict__ x, const __nv_bfloat16* __restrict__ w,
                    const float* __restrict__ bias, float* __restrict__ weights,
                    int* __restrict__ indices, float* acc, int* counters, int m, int hidden) {
  moe_router::router_tile<64>(x, w, bias, weights, indices, acc, counters, m, hidden);
}

// Candidate: 128-row CTAs (-Ddsabench.cuda.router=r128).
extern "C" __global__ void __launch_bounds__(moe_router::THREADS, 1)
    moe_router_topk_r128(const __nv_bfloat16* __restrict__ x, const __nv_bfloat16* __restrict__ w,
                         const float* __restrict__ bias, float* __restrict__ weights,
                         int* __restrict__ indices, float* acc, int* counters, int m, int hidden) {
  moe_router::router_tile<128>(x, w, bias, weights, indices, acc, counters, m, hidden);
}
