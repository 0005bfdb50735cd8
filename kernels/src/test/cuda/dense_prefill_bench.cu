// Standalone check + timing driver for the Hopper dense MLA prefill (no Java on the GPU machine):
// the warp-specialized version 3 (kernels/src/main/cuda/sm90/prefill/dense.cu, included here so
// that its DSA_V3_* macros pick the variant this binary tests; without them, the shipped kernel).
//
// Build (repo root): nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I
// kernels/src/main/cuda \
//   [-DDSA_V3_PINGPONG=1 ...] -DDSA_V3_NAME='"v3"' kernels/src/test/cuda/dense_prefill_bench.cu \
//   -o dense_prefill_bench
// Run: dense_prefill_bench [check|time|all]
//
// Checks: against a naive fp32 GPU reference on fresh random inputs (uniform in [-1, 1), never
// zeros), output poisoned with NaN first (unwritten or non-finite outputs fail), relative L2 error
// <= 1e-2, at sizes off every tile multiple (n = p, n < p, one token, p < 128). Version 3 runs each
// case twice (the second launch finds the tile counter the first one left) and once more on a grid
// of 7 CTAs (many work tiles per CTA); the counter must be back at zero after every launch.
// Timing: CUDA events around single launches, 2 warm-ups, median of 7; FLOPs as costmodel
// WorkloadModel: 2*128*(192+128)*pairs, pairs = n(p-n+1) + n(n-1)/2.
#include <cuda.h>
#include <cudaTypedefs.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dense_driver.cuh"
#include "sm90/prefill/dense.cu"

#ifndef DSA_V3_NAME
#define DSA_V3_NAME "v3"
#endif

// ---- inputs and the naive reference ----
__global__ void fill_uniform(__nv_bfloat16* p, size_t n, unsigned long long seed) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x) {
    unsigned long long x = (i + 1) * 0x9e3779b97f4a7c15ull ^ seed * 0xbf58476d1ce4e5b9ull;
    x ^= x >> 31;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 29;
    p[i] = __float2bfloat16((float)(x >> 40) * (2.0f / 16777216.0f) - 1.0f);
  }
}

static void fill(__nv_bfloat16* p, size_t n, unsigned long long seed) {
  fill_uniform<<<g_sms * 8, 256>>>(p, n, seed);
  CK(cudaGetLastError());
}

// ---- version 3: tensor maps, schedule counter, launch ----
static PFN_cuTensorMapEncodeTiled_v12000 g_encode = nullptr;
static int* g_schedule = nullptr;
static int g_v3_smem = 0, g_v3_threads = 0;

// Rank-3 map over (feature, head, row) of a [rows, 128, dim] bf16 tensor; box {64, 1, 128}.
static CUtensorMap make_map(const __nv_bfloat16* base, int dim, long long rows) {
  CUtensorMap m;
  cuuint64_t dims[3] = {(cuuint64_t)dim, (cuuint64_t)H, (cuuint64_t)rows};
  cuuint64_t strides[2] = {(cuuint64_t)dim * 2, (cuuint64_t)dim * 2 * H};
  cuuint32_t box[3] = {64, 1, 128}, elem[3] = {1, 1, 1};
  CUresult r = g_encode(&m, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, 3, (void*)base, dims, strides, box,
                        elem, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
                        CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) {
    printf("ERROR cuTensorMapEncodeTiled: %d (dim %d rows %lld)\n", (int)r, dim, rows);
    exit(2);
  }
  return m;
}

static void init_v3() {
  cudaDriverEntryPointQueryResult st;
  CK(cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", (void**)&g_encode, 12000,
                                      cudaEnableDefault, &st));
  if (st != cudaDriverEntryPointSuccess || !g_encode) {
    printf("ERROR cuTensorMapEncodeTiled not found\n");
    exit(2);
  }
  CK(cudaMemcpyFromSymbol(&g_v3_smem, dense_prefill_v3_shared_bytes, sizeof(int)));
  CK(cudaMemcpyFromSymbol(&g_v3_threads, dense_prefill_v3_threads, sizeof(int)));
  CK(cudaFuncSetAttribute(dense_prefill_v3, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          g_v3_smem));
  CK(cudaMalloc(&g_schedule, 2 * sizeof(int)));
  CK(cudaMemset(g_schedule, 0, 2 * sizeof(int)));
  printf(
      "v3 variant %s: pingpong=%d l2_section_mb=%d l2_prefetch=%d regs producer/consumer=%d/%d "
      "shared=%d threads=%d\n",
      DSA_V3_NAME, DSA_V3_PINGPONG, DSA_V3_L2_SECTION_MB, DSA_V3_L2_PREFETCH, DSA_V3_PRODUCER_REGS,
      DSA_V3_CONSUMER_REGS, g_v3_smem, g_v3_threads);
}

struct Maps {
  CUtensorMap q, k, v;
};
static void launch_v3(const Maps& m, __nv_bfloat16* out, int n, int p, int grid = 0) {
  const int tiles = (n + 127) / 128 * H;
  if (grid <= 0) grid = std::min(g_sms, tiles);
  dense_prefill_v3<<<grid, g_v3_threads, g_v3_smem>>>(m.q, m.k, m.v, out, g_schedule, n, p, SCALE);
}

static double compare(const __nv_bfloat16* out, const float* ref, size_t n, const char* what) {
  size_t bad = 0;
  double err = rel_l2(out, ref, n, &bad);
  bool ok = bad == 0 && err <= 1e-2;
  if (!ok) g_fail = true;
  printf("CHECK %-44s relL2=%.3e nonfinite=%zu %s\n", what, err, bad, ok ? "PASS" : "FAIL");
  return err;
}

static void check(int n, int p, unsigned long long seed) {
  __nv_bfloat16 *q, *k, *v, *out;
  float* ref;
  const size_t nq = (size_t)n * H * DQK, nk = (size_t)p * H * DQK, nv = (size_t)p * H * DV,
               no = (size_t)n * H * DV;
  CK(cudaMalloc(&q, nq * 2));
  CK(cudaMalloc(&k, nk * 2));
  CK(cudaMalloc(&v, nv * 2));
  CK(cudaMalloc(&out, no * 2));
  CK(cudaMalloc(&ref, no * 4));
  fill(q, nq, seed);
  fill(k, nk, seed + 1);
  fill(v, nv, seed + 2);
  ref_prefill<<<(n * H + 127) / 128, 128>>>(q, k, v, ref, n, p, SCALE);
  CK(cudaGetLastError());
  char what[96];
  const Maps m{make_map(q, DQK, n), make_map(k, DQK, p), make_map(v, DV, p)};
  const int grids[3] = {0, 0, 7};
  for (int r = 0; r < 3; r++) {
    CK(cudaMemset(out, 0xff, no * 2));  // NaN poison: unwritten outputs fail
    launch_v3(m, out, n, p, grids[r]);
    CK(cudaGetLastError());
    CK(cudaDeviceSynchronize());
    int sched[2];
    CK(cudaMemcpy(sched, g_schedule, sizeof sched, cudaMemcpyDeviceToHost));
    snprintf(what, sizeof what, "%s n=%d p=%d launch=%d grid=%s", DSA_V3_NAME, n, p, r + 1,
             r == 2 ? "7" : "sms");
    compare(out, ref, no, what);
    if (sched[0] != 0 || sched[1] != 0) {
      printf("CHECK %s: schedule counter left at {%d, %d} FAIL\n", what, sched[0], sched[1]);
      g_fail = true;
    }
  }
  cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(out), cudaFree(ref);
}

template <class F>
static double time_median(F f) {
  float lo, hi;
  double median = time_median(f, 2, 7, &lo, &hi);
  printf("  samples ms: min %.4f median %.4f max %.4f\n", lo, median * 1e3, hi);
  return median;
}

static void time_all() {
  const int points[][2] = {{1024, 1024},  {2048, 2048},  {4096, 4096},  {4096, 8192},
                           {4096, 16384}, {4096, 65536}, {4096, 131072}};
  const int max_n = 4096, max_p = 131072;
  __nv_bfloat16 *q, *k, *v, *out;
  CK(cudaMalloc(&q, (size_t)max_n * H * DQK * 2));
  CK(cudaMalloc(&k, (size_t)max_p * H * DQK * 2));
  CK(cudaMalloc(&v, (size_t)max_p * H * DV * 2));
  CK(cudaMalloc(&out, (size_t)max_n * H * DV * 2));
  fill(q, (size_t)max_n * H * DQK, 11);
  fill(k, (size_t)max_p * H * DQK, 12);
  fill(v, (size_t)max_p * H * DV, 13);
  CK(cudaDeviceSynchronize());
  for (auto& pt : points) {
    const int n = pt[0], p = pt[1];
    const Maps m{make_map(q, DQK, n), make_map(k, DQK, p), make_map(v, DV, p)};
    const double s = time_median([&] { launch_v3(m, out, n, p); });
    const double pairs = (double)n * (p - n + 1) + (double)n * (n - 1) / 2.0;
    const double flops = 2.0 * H * (DQK + DV) * pairs;
    printf("TIME %s n=%d p=%d ms=%.4f tflops=%.1f frac_bf16=%.3f\n", DSA_V3_NAME, n, p, s * 1e3,
           flops / s / 1e12, flops / s / 744e12);
    fflush(stdout);
  }
  cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(out);
}

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string what = argc > 1 ? argv[1] : "all";
  if (what != "check" && what != "time" && what != "all") {
    fprintf(stderr, "usage: %s [check|time|all]\n", argv[0]);
    return 2;
  }
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  g_sms = prop.multiProcessorCount;
  printf("device %s cc %d.%d sms %d kernel %s\n", prop.name, prop.major, prop.minor, g_sms,
         DSA_V3_NAME);
  init_v3();
  if (what == "check" || what == "all") {
    // Sizes off every tile multiple: one token, p < one tile, n = p, n < p with offsets that are
    // not multiples of 64 or 128, a chunk of one partial query block far from the start, many
    // blocks.
    const int cases[][2] = {{1, 1},      {1, 777},    {100, 100},  {129, 1000},
                            {300, 333},  {513, 2049}, {64, 4000},  {1000, 1000},
                            {700, 5000}, {257, 646},  {2500, 2500}};
    unsigned long long seed = 100;
    for (auto& c : cases) check(c[0], c[1], seed += 3);
    printf(g_fail ? "CHECKS FAILED %s\n" : "CHECKS PASSED %s\n", DSA_V3_NAME);
  }
  if (what == "time" || what == "all") time_all();
  return g_fail ? 1 : 0;
}
