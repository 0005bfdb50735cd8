// Sparse MLA over DeepSeek-V3.2's fp8 cache on Hopper (sm_90a): version 4. CTA = 64 heads of one
// query row: a producer warpgroup loads the row's selected entries, dequantises them to bf16 and
// stores them into two half-released tiles while two consumer warpgroups run S, softmax and P V on
// wgmma (see sm90/sparse_mla.cuh). Serves decode (and prefill with an fp8 cache): row r reads
// sequence r / T.
//
//   q [rows, 128, 576] bf16, cache KV_FP8_656 [batch, P] (512 e4m3 in 4 tiles of 128, 4 fp32 tile
//   scales, 64 bf16 rope values: 656 bytes), indices [rows, k] int32 (-1: none),
//   out [rows, 128, 512] bf16. Grid (2, rows): x = head half, y = query row.
//
// sparse_mla_fp8_v4 (the shipped kernel): each CTA dequantises every entry itself. (Its CTA-pair
// form sparse_mla_fp8_v4_pair, each CTA dequantising half of every block into both CTAs' tiles, was
// 20-30% slower on the H200 and left the sources: kernels/NOTES.md says where it is.)
//
// Version 5 candidates (-Ddsabench.cuda.sparse=v5 / v5pair; not the default until an H200 round
// proves them): sparse_mla_fp8_v5, the solo kernel with a cheaper conversion (3 integer/shift
// instructions and 1 multiply per 2 values instead of 4 and 2) and the rope copies issued before
// the conversion; sparse_mla_fp8_v5_pair, the CTA pair with that conversion whose peer half arrives
// by st.async counted in bytes on the ready barrier (no cluster-scope fence or arrival per producer
// thread), each CTA loading half of every block's quantised values (the solo kernel loads all).
#include "sm90/sparse_mla.cuh"

extern "C" __global__ void __launch_bounds__(sm90s::THREADS, 1)
    sparse_mla_fp8_v4(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,
                      const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T,
                      int P, int k, float scaleLog2) {
  sm90s::sparse_mla<true, false>({q, cache, indices, out, T, P, k, scaleLog2});
}

extern "C" __global__ void __launch_bounds__(sm90s::THREADS, 1)
    sparse_mla_fp8_v5(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,
                      const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T,
                      int P, int k, float scaleLog2) {
  sm90s::sparse_mla<true, false, true>({q, cache, indices, out, T, P, k, scaleLog2});
}

extern "C" __global__ void __cluster_dims__(2, 1, 1) __launch_bounds__(sm90s::THREADS, 1)
    sparse_mla_fp8_v5_pair(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,
                           const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T,
                           int P, int k, float scaleLog2) {
  sm90s::sparse_mla<true, true, true>({q, cache, indices, out, T, P, k, scaleLog2});
}

// Version 6 candidate (-Ddsabench.cuda.sparse=v6; not the default until an H200 round proves it):
// the solo kernel whose producer gathers the raw fp8 rows by cp.async straight into the half-tile
// they will be converted in (up to three halves of loads in flight, no registers held), then
// dequantises them in place (see producer_fp8_v6 in sm90/sparse_mla.cuh). Same grid and arguments;
// 32 more bytes of shared memory (its staged barriers).
extern "C" __global__ void __launch_bounds__(sm90s::THREADS, 1)
    sparse_mla_fp8_v6(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,
                      const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T,
                      int P, int k, float scaleLog2) {
  sm90s::sparse_mla<true, false, false, sm90s::DIAG_NONE, true>(
      {q, cache, indices, out, T, P, k, scaleLog2});
}

// Version 7 candidate (-Ddsabench.cuda.sparse=v7; not the default until an H200 round proves it):
// the CTA pair of v5pair (same consumers, grid, arguments and register double buffer) whose
// producer keeps a half's release-to-ready path free of global round trips: each CTA loads its own
// rows' rope into registers with the values and sends it to the peer by st.async, instead of
// copying all 64 rows' rope by cp.async after the free barrier (see producer_fp8_v7 in
// sm90/sparse_mla.cuh).
extern "C" __global__ void __cluster_dims__(2, 1, 1) __launch_bounds__(sm90s::THREADS, 1)
    sparse_mla_fp8_v7(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,
                      const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T,
                      int P, int k, float scaleLog2) {
  sm90s::sparse_mla<true, true, false, sm90s::DIAG_NONE, false, 2>(
      {q, cache, indices, out, T, P, k, scaleLog2});
}

// Launch constants, read by the Java launcher at module load.
extern "C" __device__ const int sparse_mla_fp8_v4_smem_bytes = sm90s::Layout::BYTES;
extern "C" __device__ const int sparse_mla_fp8_v4_threads = sm90s::THREADS;
extern "C" __device__ const int sparse_mla_fp8_v4_heads_per_cta = sm90s::HEADS;
extern "C" __device__ const int sparse_mla_fp8_v5_smem_bytes = sm90s::Layout::BYTES;
extern "C" __device__ const int sparse_mla_fp8_v5_threads = sm90s::THREADS;
extern "C" __device__ const int sparse_mla_fp8_v5_heads_per_cta = sm90s::HEADS;
extern "C" __device__ const int sparse_mla_fp8_v5_pair_smem_bytes = sm90s::Layout::BYTES;
extern "C" __device__ const int sparse_mla_fp8_v5_pair_threads = sm90s::THREADS;
extern "C" __device__ const int sparse_mla_fp8_v5_pair_heads_per_cta = sm90s::HEADS;
extern "C" __device__ const int sparse_mla_fp8_v6_smem_bytes = sm90s::Layout::BYTES6;
extern "C" __device__ const int sparse_mla_fp8_v6_threads = sm90s::THREADS;
extern "C" __device__ const int sparse_mla_fp8_v6_heads_per_cta = sm90s::HEADS;
extern "C" __device__ const int sparse_mla_fp8_v7_smem_bytes = sm90s::Layout::BYTES;
extern "C" __device__ const int sparse_mla_fp8_v7_threads = sm90s::THREADS;
extern "C" __device__ const int sparse_mla_fp8_v7_heads_per_cta = sm90s::HEADS;

// Version 8 candidate (-Ddsabench.cuda.sparse=v8; not the default until an H200 round proves it):
// the solo kernel whose raw entries wait in a shared-memory ring filled by cp.async.bulk far ahead
// (the bytes in flight no longer come from producer registers), with one bf16 tile instead of two
// to make room: WG0 runs S, the softmax and P V left, WG1 P V right from WG0's P (see
// producer_fp8_v8 / consumer_v8 in sm90/sparse_mla.cuh). Same grid and arguments.
extern "C" __global__ void __launch_bounds__(sm90s::THREADS, 1)
    sparse_mla_fp8_v8(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,
                      const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T,
                      int P, int k, float scaleLog2) {
  sm90s::sparse_mla_v8({q, cache, indices, out, T, P, k, scaleLog2});
}
extern "C" __device__ const int sparse_mla_fp8_v8_smem_bytes = sm90s::Layout8::BYTES;
extern "C" __device__ const int sparse_mla_fp8_v8_threads = sm90s::THREADS;
extern "C" __device__ const int sparse_mla_fp8_v8_heads_per_cta = sm90s::HEADS;

// Version 9 candidates (-Ddsabench.cuda.sparse=v9 / v9b; not the default until an H200 round
// proves them): v4's kernel whose producer overlaps its gather with its conversion: a ring of three
// row-half register slots per thread, so two are in flight while one is converted, each slot
// reloaded as soon as its stores are issued (see producer_fp8_v9 in sm90/sparse_mla.cuh). v9
// converts with v5's instructions, v9b with v4's (dequant16). Same grid, arguments, shared memory
// and consumers as v4. (Rings of 2 row-halves, or of 3, 4 or 5 quarter-rows, spill 12-160 bytes
// at the producer's 88 registers; not built.)
#define SPARSE_FP8_V9(NAME, V9)                                                                   \
  extern "C" __global__ void __launch_bounds__(sm90s::THREADS, 1)                                 \
      NAME(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,                \
           const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T, int P, int k, \
           float scaleLog2) {                                                                     \
    sm90s::sparse_mla<true, false, false, sm90s::DIAG_NONE, false, 0, V9>(                        \
        {q, cache, indices, out, T, P, k, scaleLog2});                                            \
  }                                                                                               \
  extern "C" __device__ const int NAME##_smem_bytes = sm90s::Layout::BYTES;                       \
  extern "C" __device__ const int NAME##_threads = sm90s::THREADS;                                \
  extern "C" __device__ const int NAME##_heads_per_cta = sm90s::HEADS;
SPARSE_FP8_V9(sparse_mla_fp8_v9, 34)
SPARSE_FP8_V9(sparse_mla_fp8_v9b, 134)
#undef SPARSE_FP8_V9

// Version 10 candidates (-Ddsabench.cuda.sparse=v10 / v10f; not the default until an H200 round
// proves them): the consumers take a quarter of the conversion. Each consumer warpgroup converts
// rows 32..63 of the half-tile only it reads (WG0: K0's left half; WG1: K1's right half) for its
// next block while its last P V of the pair runs; the producer (v9's three-slot register ring)
// does the other six row-halves per block pair (see consumer<..., V10> in sm90/sparse_mla.cuh). v10
// converts with v4's instructions (dequant16: bit for bit v4), v10f with v5's. Same grid,
// arguments, shared memory and barrier counts as v4.
#define SPARSE_FP8_V10(NAME, V10)                                                                 \
  extern "C" __global__ void __launch_bounds__(sm90s::THREADS, 1)                                 \
      NAME(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,                \
           const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T, int P, int k, \
           float scaleLog2) {                                                                     \
    sm90s::sparse_mla<true, false, false, sm90s::DIAG_NONE, false, 0, 0, V10>(                    \
        {q, cache, indices, out, T, P, k, scaleLog2});                                            \
  }                                                                                               \
  extern "C" __device__ const int NAME##_smem_bytes = sm90s::Layout::BYTES;                       \
  extern "C" __device__ const int NAME##_threads = sm90s::THREADS;                                \
  extern "C" __device__ const int NAME##_heads_per_cta = sm90s::HEADS;
SPARSE_FP8_V10(sparse_mla_fp8_v10, 1)
SPARSE_FP8_V10(sparse_mla_fp8_v10f, 2)
#undef SPARSE_FP8_V10

// Version 11 candidates (-Ddsabench.cuda.sparse=v11 / v11f; not the default until an H200 round
// proves them): v4's roles with four 32-entry stages instead of two 64-entry tiles, so the producer
// fills one pair of stages while the consumers compute the other (see
// sm90/decode/sparse_fp8_v11.cuh). v11 converts with v4's instructions (dequant16: v4's tiles bit
// for bit), v11f with v5's. Same grid and arguments as v4; its own shared-memory size.
#include "sm90/decode/sparse_fp8_v11.cuh"
#define SPARSE_FP8_V11(NAME, CONV)                                                                \
  extern "C" __global__ void __launch_bounds__(sm90s::THREADS, 1)                                 \
      NAME(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,                \
           const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T, int P, int k, \
           float scaleLog2) {                                                                     \
    sm90s::v11::sparse_mla<CONV>({q, cache, indices, out, T, P, k, scaleLog2});                   \
  }                                                                                               \
  extern "C" __device__ const int NAME##_smem_bytes = sm90s::v11::Layout::BYTES;                  \
  extern "C" __device__ const int NAME##_threads = sm90s::THREADS;                                \
  extern "C" __device__ const int NAME##_heads_per_cta = sm90s::HEADS;
SPARSE_FP8_V11(sparse_mla_fp8_v11, 1)
SPARSE_FP8_V11(sparse_mla_fp8_v11f, 2)
#undef SPARSE_FP8_V11

// Version 12 candidates (-Ddsabench.cuda.sparse=v12 / v12f; not the default until an H200 round
// proves them): v11's four stages plus v10's consumer share of the conversion (each consumer
// warpgroup converts 16 of the 32 rows of the stage-half only it reads; see the v12 note in
// sm90/decode/sparse_fp8_v11.cuh). v12 converts with v4's instructions (v4's tiles bit for bit),
// v12f with v5's. Same grid and arguments as v4; v11's shared-memory size.
#define SPARSE_FP8_V12(NAME, CONV, SHARE)                                                         \
  extern "C" __global__ void __launch_bounds__(sm90s::THREADS, 1)                                 \
      NAME(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,                \
           const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T, int P, int k, \
           float scaleLog2) {                                                                     \
    sm90s::v11::sparse_mla<CONV, sm90s::DIAG_NONE, SHARE>(                                        \
        {q, cache, indices, out, T, P, k, scaleLog2});                                            \
  }                                                                                               \
  extern "C" __device__ const int NAME##_smem_bytes = sm90s::v11::Layout::BYTES;                  \
  extern "C" __device__ const int NAME##_threads = sm90s::THREADS;                                \
  extern "C" __device__ const int NAME##_heads_per_cta = sm90s::HEADS;
SPARSE_FP8_V12(sparse_mla_fp8_v12, 1, 16)
SPARSE_FP8_V12(sparse_mla_fp8_v12f, 2, 16)
#undef SPARSE_FP8_V12

// Version 13 candidate (-Ddsabench.cuda.sparse=v13; not the default until an H200 round proves
// it): FlashMLA's division of the consumers' work (one warpgroup runs S and the softmax of every
// block, the other only its half of P V, so each 64-entry buffer is released as soon as both have
// multiplied it), the second warpgroup also converting half of every block beside the producer
// (see sm90/decode/sparse_fp8_v13.cuh). Same grid, threads and arguments as v4, its own
// shared-memory size.
#include "sm90/decode/sparse_fp8_v13.cuh"
extern "C" __global__ void __launch_bounds__(sm90s::v13::THREADS13, 1)
    sparse_mla_fp8_v13(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,
                       const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T,
                       int P, int k, float scaleLog2) {
  sm90s::v13::sparse_mla<>({q, cache, indices, out, T, P, k, scaleLog2});
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
