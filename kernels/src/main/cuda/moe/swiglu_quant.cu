// The expert activation between the two FP8 GEMMs (Ops.SwiGluQuant): h = SiLU(gate) · up, then e4m3
// with one fp32 scale per 1x128 block (scale = amax / 448, h / scale rounded to nearest even and
// saturated; an all-zero block gets scale 1), scales written k-block major [width / 128, m].
// Portable (sm_80+; on sm_89+ the conversion is one cvt.rn.satfinite per pair).
//
// Memory-bound (reads 4 bytes and writes 1 per output element), so the layout serves the loads:
// 16 threads own one 128-column block of a row, 8 columns each (one 16-byte load of gate and one
// of up, one 8-byte store). A CTA takes ROWS_PER_CTA consecutive rows of one block column, so its
// scales land in one contiguous run; each thread issues the loads of all its rows before it uses
// any, to keep enough bytes in flight per SM.
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>
#include <stdint.h>

namespace moe_swiglu {

constexpr int BLOCK = 128;                            // columns per scale
constexpr int THREADS = 256;                          // 16 half-warps
constexpr int LANES_PER_BLOCK = BLOCK / 8;            // 16 threads, 8 columns each
constexpr int ROW_SLOTS = THREADS / LANES_PER_BLOCK;  // rows a CTA covers at once
constexpr int ROWS_PER_THREAD = 2;  // the shipped kernel's; moe_bench also times 1 and 4
constexpr int ROWS_PER_CTA = ROW_SLOTS * ROWS_PER_THREAD;

// The one definition of h that the kernel and any reference share, so that a bit-exact check tests
// the quantisation, not two spellings of SiLU.
__device__ __forceinline__ float silu_mul(float g, float u) { return g / (1.f + expf(-g)) * u; }

__device__ __forceinline__ uint4 load_stream(const void* p) {
  uint4 v;
  asm volatile("ld.global.nc.L1::no_allocate.v4.u32 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
               : "l"(p));
  return v;
}

__device__ __forceinline__ float2 bf2_to_f2(uint32_t v) {
  __nv_bfloat162 b = *reinterpret_cast<__nv_bfloat162*>(&v);
  return __bfloat1622float2(b);
}

}  // namespace moe_swiglu

extern "C" __device__ const int moe_swiglu_threads = moe_swiglu::THREADS;
extern "C" __device__ const int moe_swiglu_rows_per_cta = moe_swiglu::ROWS_PER_CTA;

namespace moe_swiglu {

// One CTA: ROW_SLOTS · RPT consecutive rows of block column blockIdx.y.
template <int RPT>
__device__ __forceinline__ void swiglu_quant_tile(const __nv_bfloat16* __restrict__ in,
                                                  __nv_fp8_e4m3* __restrict__ out,
                                                  float* __restrict__ scales, int m, int width) {
  const int t = threadIdx.x;
  const int slot = t / LANES_PER_BLOCK, part = t % LANES_PER_BLOCK;
  const int block = blockIdx.y;
  const int col = block * BLOCK + part * 8;
  const int row_base = blockIdx.x * (ROW_SLOTS * RPT) + slot;

  uint4 g[RPT], u[RPT];
#pragma unroll
  for (int i = 0; i < RPT; i++) {
    int r = row_base + i * ROW_SLOTS;
    if (r < m) {
      const __nv_bfloat16* row = in + (size_t)r * (2 * width);
      g[i] = load_stream(row + col);
      u[i] = load_stream(row + width + col);
    }
  }
#pragma unroll
  for (int i = 0; i < RPT; i++) {
    int r = row_base + i * ROW_SLOTS;
    // Uniform per half-warp (the 16 threads of a block share r), so the shuffles below see the
    // whole block or none of it.
    if (r >= m) continue;
    const uint32_t gw[4] = {g[i].x, g[i].y, g[i].z, g[i].w};
    const uint32_t uw[4] = {u[i].x, u[i].y, u[i].z, u[i].w};
    float h[8];
    float amax = 0.f;
#pragma unroll
    for (int j = 0; j < 4; j++) {
      float2 gf = bf2_to_f2(gw[j]), uf = bf2_to_f2(uw[j]);
      h[2 * j] = silu_mul(gf.x, uf.x);
      h[2 * j + 1] = silu_mul(gf.y, uf.y);
      amax = fmaxf(amax, fmaxf(fabsf(h[2 * j]), fabsf(h[2 * j + 1])));
    }
    const unsigned mask = 0xffffu << (threadIdx.x & 16);
#pragma unroll
    for (int off = 8; off > 0; off >>= 1) amax = fmaxf(amax, __shfl_xor_sync(mask, amax, off));
    const float scale = amax > 0.f ? amax / 448.f : 1.f;
    uint32_t packed[2];
#pragma unroll
    for (int j = 0; j < 2; j++) {
      __nv_fp8x2_storage_t lo = __nv_cvt_float2_to_fp8x2(
          make_float2(h[4 * j] / scale, h[4 * j + 1] / scale), __NV_SATFINITE, __NV_E4M3);
      __nv_fp8x2_storage_t hi = __nv_cvt_float2_to_fp8x2(
          make_float2(h[4 * j + 2] / scale, h[4 * j + 3] / scale), __NV_SATFINITE, __NV_E4M3);
      packed[j] = (uint32_t)lo | ((uint32_t)hi << 16);
    }
    *reinterpret_cast<uint2*>(out + (size_t)r * width + col) = make_uint2(packed[0], packed[1]);
    if (part == 0) scales[(size_t)block * m + r] = scale;
  }
}

}  // namespace moe_swiglu

// grid (ceil(m / ROWS_PER_CTA), width / 128).
extern "C" __global__ void __launch_bounds__(moe_swiglu::THREADS)
    moe_swiglu_quant(const __nv_bfloat16* __restrict__ in, __nv_fp8_e4m3* __restrict__ out,
                     float* __restrict__ scales, int m, int width) {
  moe_swiglu::swiglu_quant_tile<moe_swiglu::ROWS_PER_THREAD>(in, out, scales, m, width);
}
