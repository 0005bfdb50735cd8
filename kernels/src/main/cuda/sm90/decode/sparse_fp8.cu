// Sparse MLA over DeepSeek-V3.2's fp8 cache on Hopper (sm_90a): versions 4 and 13 (the default).
// CTA = 64 heads of one query row: producer threads load the row's selected entries, dequantise
// them to bf16 and store them into two 64-entry buffers while consumer warpgroups run S, softmax
// and P V on wgmma (v4: sm90/sparse_mla.cuh; v13: sm90/decode/sparse_fp8_v13.cuh). Serves decode
// (and prefill with an fp8 cache): row r reads sequence r / T.
//
//   q [rows, 128, 576] bf16, cache KV_FP8_656 [batch, P] (512 e4m3 in 4 tiles of 128, 4 fp32 tile
//   scales, 64 bf16 rope values: 656 bytes), indices [rows, k] int32 (-1: none),
//   out [rows, 128, 512] bf16. Grid (2, rows): x = head half, y = query row.
//
// sparse_mla_fp8_v4 (the default until round sdec20, selectable): a producer warpgroup and two
// consumer warpgroups that both score every block pair. (Its CTA-pair form sparse_mla_fp8_v4_pair
// was 20-30% slower on the H200 and left the sources: kernels/NOTES.md says where it is. So did the
// candidates v5 .. v12, which lost in rounds sdec4 .. sdec14; see its "Third prune" entry.)
#include "sm90/sparse_mla.cuh"

extern "C" __global__ void __launch_bounds__(sm90s::THREADS, 1)
    sparse_mla_fp8_v4(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,
                      const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T,
                      int P, int k, float scaleLog2) {
  sm90s::sparse_mla<true>({q, cache, indices, out, T, P, k, scaleLog2});
}

// Launch constants, read by the Java launcher at module load.
extern "C" __device__ const int sparse_mla_fp8_v4_smem_bytes = sm90s::Layout::BYTES;
extern "C" __device__ const int sparse_mla_fp8_v4_threads = sm90s::THREADS;
extern "C" __device__ const int sparse_mla_fp8_v4_heads_per_cta = sm90s::HEADS;

// Version 13 (the default of the Java launcher since round sdec20): FlashMLA's division of the
// consumers' work (one warpgroup runs S and the softmax of every block, the other only its half of
// P V, so each 64-entry buffer is released as soon as both have multiplied it), the second
// warpgroup also converting half of every block beside the producer (see
// sm90/decode/sparse_fp8_v13.cuh); the first warpgroup releases a block before it waits for the
// next (REL 1) and the producer holds two blocks of loads (SETS 2). Same grid, threads and
// arguments as v4, its own shared-memory size. H200, round sdec20: 0.850-0.863x v4's time (both
// with L1-allocated entry loads), 1.08-1.15x FlashMLA's.
#include "sm90/decode/sparse_fp8_v13.cuh"
extern "C" __global__ void __launch_bounds__(sm90s::v13::THREADS13, 1)
    sparse_mla_fp8_v13(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,
                       const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T,
                       int P, int k, float scaleLog2) {
  sm90s::v13::sparse_mla<sm90s::DIAG_NONE, 1, 2>({q, cache, indices, out, T, P, k, scaleLog2});
}
extern "C" __device__ const int sparse_mla_fp8_v13_smem_bytes = sm90s::v13::Layout::BYTES;
extern "C" __device__ const int sparse_mla_fp8_v13_threads = sm90s::v13::THREADS13;
extern "C" __device__ const int sparse_mla_fp8_v13_heads_per_cta = sm90s::HEADS;

// Version 14 candidate (-Ddsabench.cuda.sparse=v14; not the default until an H200 round proves
// it): version 13's roles as a CTA pair (cluster of 2: the two head halves of a row), FlashMLA's
// crossover: each CTA's producer converts half of every block's rows, two blocks ahead in
// registers, into both CTAs' buffers (the peer's by st.async), and the second consumer warpgroup
// converts nothing (see producer_cl in sm90/decode/sparse_fp8_v13.cuh). Same grid and arguments as
// v4; the cluster shape is compiled in.
extern "C" __global__ void __cluster_dims__(2, 1, 1) __launch_bounds__(sm90s::v13::THREADS13, 1)
    sparse_mla_fp8_v14(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,
                       const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T,
                       int P, int k, float scaleLog2) {
  sm90s::v13::sparse_mla<sm90s::DIAG_NONE, 0, 2, true>(
      {q, cache, indices, out, T, P, k, scaleLog2});
}
extern "C" __device__ const int sparse_mla_fp8_v14_smem_bytes = sm90s::v13::Layout::BYTES;
extern "C" __device__ const int sparse_mla_fp8_v14_threads = sm90s::v13::THREADS13;
extern "C" __device__ const int sparse_mla_fp8_v14_heads_per_cta = sm90s::HEADS;
