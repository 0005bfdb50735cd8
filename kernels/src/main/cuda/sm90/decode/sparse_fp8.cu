// Sparse MLA over DeepSeek-V3.2's fp8 cache on Hopper (sm_90a): version 4. The two head halves of
// a query row run as a CTA pair (a cluster of 2) that reads the same entries: each CTA loads and
// dequantises half of every block's rows and stores them as bf16 into both CTAs' tiles (distributed
// shared memory), while two consumer warpgroups per CTA run S, softmax and P V on wgmma (see
// sm90/sparse_mla.cuh). Serves decode (and prefill with an fp8 cache): row r reads sequence r / T.
//
//   q [rows, 128, 576] bf16, cache KV_FP8_656 [batch, P] (512 e4m3 in 4 tiles of 128, 4 fp32 tile
//   scales, 64 bf16 rope values: 656 bytes), indices [rows, k] int32 (-1: none),
//   out [rows, 128, 512] bf16. Grid (2, rows): x = head half = rank in the pair, y = query row.
#include "sm90/sparse_mla.cuh"

extern "C" __global__ void __cluster_dims__(2, 1, 1) __launch_bounds__(sm90s::THREADS, 1)
    sparse_mla_fp8_v4(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,
                      const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T, int P,
                      int k, float scaleLog2) {
  sm90s::sparse_mla<true>({q, cache, indices, out, T, P, k, scaleLog2});
}

// Launch constants, read by the Java launcher at module load.
extern "C" __device__ const int sparse_mla_fp8_v4_smem_bytes = sm90s::Layout::BYTES;
extern "C" __device__ const int sparse_mla_fp8_v4_threads = sm90s::THREADS;
extern "C" __device__ const int sparse_mla_fp8_v4_heads_per_cta = sm90s::HEADS;
