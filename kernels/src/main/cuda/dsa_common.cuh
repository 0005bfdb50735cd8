// Device helpers shared by the DSA kernels (indexer, top-k, sparse MLA): mma.sync / ldmatrix /
// cp.async wrappers, the order-preserving float key, and the 16-byte-chunk XOR swizzle that keeps
// ldmatrix free of bank conflicts when smem rows are a multiple of 128 bytes long.
//
// Kept apart from common.cuh (owned by the dense kernels) so both can change independently; the
// namespace differs so a translation unit may include both.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <stdint.h>

#define DSAK_DEVICE __device__ __forceinline__

namespace dsak {

DSAK_DEVICE uint32_t smem_u32(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// 16-byte global->shared copy that bypasses registers; src_bytes = 0 zero-fills (a -1 index, a key
// past the end) while the address stays a valid one.
DSAK_DEVICE void cp_async_16(uint32_t dst, const void* src, int src_bytes) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src),
               "r"(src_bytes));
}
// 4-byte global->shared copy (cached in L1: .ca is the only form below 16 bytes); src_bytes = 0
// zero-fills.
DSAK_DEVICE void cp_async_4(uint32_t dst, const void* src, int src_bytes) {
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(dst), "l"(src),
               "r"(src_bytes));
}
DSAK_DEVICE void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N>
DSAK_DEVICE void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
}

DSAK_DEVICE void ldmatrix_x4(uint32_t* r, uint32_t addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(addr));
}
DSAK_DEVICE void ldmatrix_x4_trans(uint32_t* r, uint32_t addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(addr));
}

// D += A(16x16, row) * B(16x8, col), bf16 in, fp32 accumulate: HMMA.16816.F32.BF16 in SASS.
DSAK_DEVICE void mma_bf16(float* d, const uint32_t* a, uint32_t b0, uint32_t b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
      "{%0,%1,%2,%3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// D += A(16x32, row) * B(32x8, col), e4m3 in, fp32 accumulate (sm_89+; QMMA in SASS). The byte
// layout of the fragments equals the bf16 m16n8k16 one, so the same ldmatrix addressing serves.
DSAK_DEVICE void mma_e4m3(float* d, const uint32_t* a, uint32_t b0, uint32_t b1) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 890
  asm volatile(
      "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
      "{%0,%1,%2,%3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#else
  // compute_80 has no fp8 tensor-core path; the fp8 kernels trap there (the host never launches
  // them on such GPUs).
  __trap();
#endif
}

// Named barrier for a subset of the block's warps (id 0 is __syncthreads).
DSAK_DEVICE void bar_sync(int id, int threads) {
  asm volatile("bar.sync %0, %1;\n" ::"r"(id), "r"(threads) : "memory");
}

// Order-preserving map float -> uint32: a > b as floats iff key(a) > key(b) as unsigned.
DSAK_DEVICE uint32_t float_key(float x) {
  uint32_t u = __float_as_uint(x);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// Byte offset of 16-byte chunk `chunk` of row `row` in a smem tile whose rows are `chunks_per_row`
// chunks long (a multiple of 8): chunks are XOR-swizzled within groups of 8 by the row's low 3
// bits, so 8 consecutive rows read at the same logical chunk hit 8 different bank groups.
DSAK_DEVICE uint32_t swz(int row, int chunk, int chunks_per_row) {
  return (uint32_t)((row * chunks_per_row + (chunk ^ (row & 7))) * 16);
}

DSAK_DEVICE uint32_t pack_bf16(float lo, float hi) {
  __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
  return *reinterpret_cast<uint32_t*>(&v);
}

// 2^x on the special-function unit (MUFU.EX2); -inf gives 0.
DSAK_DEVICE float ex2(float x) {
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;\n" : "=f"(y) : "f"(x));
  return y;
}

// Two e4m3 bytes (low byte first) -> two floats.
DSAK_DEVICE float2 e4m3x2_to_float2(uint16_t v) {
  __half2_raw h = __nv_cvt_fp8x2_to_halfraw2((__nv_fp8x2_storage_t)v, __NV_E4M3);
  return __half22float2(*reinterpret_cast<__half2*>(&h));
}

}  // namespace dsak
