// Sparse MLA over a bf16 cache on Hopper (sm_90a): version 4, a producer warpgroup gathering the
// selected entries with cp.async into two half-released tiles while two consumer warpgroups run
// S, softmax and P V on wgmma (see sm90/sparse_mla.cuh). Serves prefill (a chunk of query rows of
// one sequence) and decode with a bf16 cache alike: row r reads sequence r / T.
//
//   q [rows, 128, 576] bf16, cache [batch, P, 576] bf16, indices [rows, k] int32 (-1: none),
//   out [rows, 128, 512] bf16. Grid (2, rows): x = head half (64 heads), y = query row.
#include "sm90/sparse_mla.cuh"

extern "C" __global__ void __launch_bounds__(sm90s::THREADS, 1)
    sparse_mla_bf16_v4(const __nv_bfloat16* __restrict__ q, const __nv_bfloat16* __restrict__ cache,
                       const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T,
                       int P, int k, float scaleLog2) {
  sm90s::sparse_mla<false>(
      {q, reinterpret_cast<const uint8_t*>(cache), indices, out, T, P, k, scaleLog2});
}

// Launch constants, read by the Java launcher at module load.
extern "C" __device__ const int sparse_mla_bf16_v4_smem_bytes = sm90s::Layout::BYTES;
extern "C" __device__ const int sparse_mla_bf16_v4_threads = sm90s::THREADS;
extern "C" __device__ const int sparse_mla_bf16_v4_heads_per_cta = sm90s::HEADS;
