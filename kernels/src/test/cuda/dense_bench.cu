// Standalone check + timing driver for the portable dense MLA kernels, version 1 on mma.sync
// (sm80/prefill/dense.cu and sm80/decode/dense.cu, included here; the path of GPUs other than
// Hopper). No Java needed on the GPU machine. Build as they ship, compute_80 PTX that the driver
// compiles for the GPU it finds (repo root):
//   nvcc -std=c++17 -O3 -gencode arch=compute_80,code=compute_80 -I kernels/src/main/cuda \
//     kernels/src/test/cuda/dense_bench.cu kernels/src/main/cuda/fill.cu -o dense_bench
// Launch constants come from the modules' exported constants, as the cuda backend reads them.
// Checks each kernel against a naive fp32 GPU reference on fresh random inputs (relative L2 error,
// NaN/unwritten outputs fail: outputs are poisoned with NaN first), then times the target sizes
// with CUDA events (1 warm-up, median of 5). FLOP counts are costmodel WorkloadModel's.
// Usage: dense_bench [quick]   (quick: checks only)
#include <cuda_bf16.h>
#include <cuda_runtime.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sm80/decode/dense.cu"
#include "sm80/prefill/dense.cu"
// After the kernels: its shape constants must not shadow theirs.
#include "dense_driver.cuh"

extern "C" __global__ void fill_uniform_bf16(__nv_bfloat16*, long long, unsigned long long, float);

// Launch constants as the modules export them (read once in main).
static int g_prefill_smem, g_prefill_threads, g_prefill_bm;
static int g_decode_smem, g_decode_threads, g_decode_rows, g_decode_bn, g_combine_threads;
static int read_constant(const int& symbol) {
  int v;
  CK(cudaMemcpyFromSymbol(&v, symbol, sizeof v));
  return v;
}

// ---- naive fp32 references: one thread per (query row, head), online softmax ----

static __nv_bfloat16* alloc_fill(size_t n, unsigned long long seed) {
  __nv_bfloat16* p;
  CK(cudaMalloc(&p, n * 2));
  fill_uniform_bf16<<<g_sms * 8, 256>>>(p, (long long)n, seed, 1.0f);
  CK(cudaGetLastError());
  return p;
}

static double compare(const __nv_bfloat16* out, const float* ref, size_t n, const char* what) {
  size_t bad = 0;
  double err = rel_l2(out, ref, n, &bad);
  bool ok = bad == 0 && err <= 1e-2;
  if (!ok) g_fail = true;
  printf("CHECK %-34s relL2=%.3e nonfinite=%zu %s\n", what, err, bad, ok ? "PASS" : "FAIL");
  return err;
}

static void launch_prefill(const __nv_bfloat16* q, const __nv_bfloat16* k, const __nv_bfloat16* v,
                           __nv_bfloat16* out, int n, int p) {
  dim3 grid((n + g_prefill_bm - 1) / g_prefill_bm, H);
  dense_prefill_v1<<<grid, g_prefill_threads, g_prefill_smem>>>(q, k, v, out, n, p, SCALE);
}

// Same rule as DenseDecodeV1.splits (Java).
static int decode_splits(int row_blocks, int tiles, int sms) {
  int best = 1;
  double best_eff = 0;
  for (int s = 1; s <= 64 && s <= std::max(1, tiles / 4); s++) {
    long long blocks = (long long)row_blocks * s, waves = (blocks + sms - 1) / sms;
    double eff = (double)blocks / (waves * sms);
    if (eff >= 0.9) return s;
    if (eff > best_eff) best = s, best_eff = eff;
  }
  return best;
}

static float* g_ws = nullptr;
static size_t g_ws_bytes = 0;
static void launch_decode(const __nv_bfloat16* q, const __nv_bfloat16* cache, __nv_bfloat16* out,
                          int batch, int tps, int p, int force_splits) {
  int row_blocks = batch * tps * (H / g_decode_rows), tiles = (p + g_decode_bn - 1) / g_decode_bn;
  int splits = force_splits > 0 ? force_splits : decode_splits(row_blocks, tiles, g_sms);
  int per = (tiles + splits - 1) / splits;
  splits = (tiles + per - 1) / per;
  size_t rows = (size_t)batch * tps * H;
  float *po = nullptr, *pl = nullptr;
  if (splits > 1) {
    size_t need = rows * splits * (DL + 1) * 4;
    if (need > g_ws_bytes) {
      if (g_ws) CK(cudaFree(g_ws));
      CK(cudaMalloc(&g_ws, need));
      g_ws_bytes = need;
    }
    po = g_ws;
    pl = g_ws + rows * splits * DL;
  }
  dense_decode_v1<<<dim3(row_blocks, splits), g_decode_threads, g_decode_smem>>>(
      q, cache, out, po, pl, tps, p, per, splits, SCALE);
  if (splits > 1) dense_decode_v1_combine<<<rows, g_combine_threads>>>(out, po, pl, splits);
}

static void check_prefill(int n, int p, unsigned long long seed) {
  __nv_bfloat16 *q = alloc_fill((size_t)n * H * DQK, seed),
                *k = alloc_fill((size_t)p * H * DQK, seed + 1),
                *v = alloc_fill((size_t)p * H * DV, seed + 2), *out;
  float* ref;
  CK(cudaMalloc(&out, (size_t)n * H * DV * 2));
  CK(cudaMemset(out, 0xff, (size_t)n * H * DV * 2));  // NaN poison: unwritten outputs fail
  CK(cudaMalloc(&ref, (size_t)n * H * DV * 4));
  launch_prefill(q, k, v, out, n, p);
  CK(cudaGetLastError());
  ref_prefill<<<(n * H + 127) / 128, 128>>>(q, k, v, ref, n, p, SCALE);
  CK(cudaDeviceSynchronize());
  char what[64];
  snprintf(what, sizeof what, "prefill n=%d p=%d", n, p);
  compare(out, ref, (size_t)n * H * DV, what);
  cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(out), cudaFree(ref);
}

static void check_decode(int batch, int tps, int p, int force_splits, unsigned long long seed) {
  size_t rows = (size_t)batch * tps * H;
  __nv_bfloat16 *q = alloc_fill(rows * D, seed),
                *cache = alloc_fill((size_t)batch * p * D, seed + 1), *out;
  float* ref;
  CK(cudaMalloc(&out, rows * DL * 2));
  CK(cudaMemset(out, 0xff, rows * DL * 2));
  CK(cudaMalloc(&ref, rows * DL * 4));
  launch_decode(q, cache, out, batch, tps, p, force_splits);
  CK(cudaGetLastError());
  ref_decode<<<(rows + 63) / 64, 64>>>(q, cache, ref, batch, tps, p, SCALE);
  CK(cudaDeviceSynchronize());
  char what[80];
  snprintf(what, sizeof what, "decode b=%d tps=%d p=%d splits=%d", batch, tps, p, force_splits);
  compare(out, ref, rows * DL, what);
  cudaFree(q), cudaFree(cache), cudaFree(out), cudaFree(ref);
}

static void bench_prefill(int n, int p) {
  __nv_bfloat16 *q = alloc_fill((size_t)n * H * DQK, 11), *k = alloc_fill((size_t)p * H * DQK, 12),
                *v = alloc_fill((size_t)p * H * DV, 13), *out;
  CK(cudaMalloc(&out, (size_t)n * H * DV * 2));
  double s = time_median([&] { launch_prefill(q, k, v, out, n, p); }, 1, 5);
  double pairs = (double)n * (p - n + 1) + (double)n * (n - 1) / 2.0;
  double flops = 2.0 * H * (DQK + DV) * pairs;
  printf("TIME dense_prefill n=%d p=%d  %.3f ms  %.1f TFLOP/s  (%.1f%% of 744)\n", n, p, s * 1e3,
         flops / s / 1e12, flops / s / 744e10);
  cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(out);
}

static void bench_decode(int batch, int tps, int p) {
  size_t rows = (size_t)batch * tps * H;
  __nv_bfloat16 *q = alloc_fill(rows * D, 21), *cache = alloc_fill((size_t)batch * p * D, 22), *out;
  CK(cudaMalloc(&out, rows * DL * 2));
  double s = time_median([&] { launch_decode(q, cache, out, batch, tps, p, 0); }, 1, 5);
  double flops = 2.0 * H * (D + DL) * (double)batch * tps * p;
  double bytes = 2.0 * ((double)rows * D + (double)batch * p * D + (double)rows * DL);
  int splits =
      decode_splits(batch * tps * (H / g_decode_rows), (p + g_decode_bn - 1) / g_decode_bn, g_sms);
  printf(
      "TIME dense_decode n=%d tps=%d p=%d splits=%d  %.3f ms  %.1f TFLOP/s (%.1f%% of 744)  %.0f "
      "GB/s\n",
      batch, tps, p, splits, s * 1e3, flops / s / 1e12, flops / s / 744e10, bytes / s / 1e9);
  cudaFree(q), cudaFree(cache), cudaFree(out);
}

int main(int argc, char** argv) {
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  g_sms = prop.multiProcessorCount;
  int drv;
  CK(cudaDriverGetVersion(&drv));
  g_prefill_smem = read_constant(dense_prefill_v1_shared_bytes);
  g_prefill_threads = read_constant(dense_prefill_v1_threads);
  g_prefill_bm = read_constant(dense_prefill_v1_block_m);
  g_decode_smem = read_constant(dense_decode_v1_shared_bytes);
  g_decode_threads = read_constant(dense_decode_v1_threads);
  g_decode_rows = read_constant(dense_decode_v1_rows);
  g_decode_bn = read_constant(dense_decode_v1_block_n);
  g_combine_threads = read_constant(dense_decode_v1_combine_threads);
  printf("device %s cc %d.%d sms %d driver-api %d kernels v1 mma.sync\n", prop.name, prop.major,
         prop.minor, g_sms, drv);
  printf(
      "v1 constants: prefill shared %d threads %d block_m %d; decode shared %d threads %d rows %d "
      "block_n %d "
      "combine_threads %d\n",
      g_prefill_smem, g_prefill_threads, g_prefill_bm, g_decode_smem, g_decode_threads,
      g_decode_rows, g_decode_bn, g_combine_threads);
  CK(cudaFuncSetAttribute(dense_prefill_v1, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          g_prefill_smem));
  CK(cudaFuncSetAttribute(dense_decode_v1, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          g_decode_smem));
  const bool quick = argc > 1 && std::string(argv[1]) == "quick";
  // Correctness: sizes that are not multiples of any tile, one token, chunk < position, n = p.
  check_prefill(1, 1, 100);
  check_prefill(1, 777, 101);
  check_prefill(100, 100, 102);
  check_prefill(129, 1000, 103);
  check_prefill(300, 333, 104);
  check_prefill(513, 2049, 105);
  check_decode(1, 1, 1, 1, 200);
  check_decode(3, 1, 100, 0, 201);
  check_decode(2, 2, 1000, 0, 202);
  check_decode(2, 2, 1000, 1, 203);
  check_decode(5, 1, 3001, 7, 204);
  check_decode(1, 1, 4097, 0, 205);
  check_decode(1, 2, 129, 3, 206);
  if (g_fail) {
    printf("CHECKS FAILED\n");
    return 1;
  }
  printf("CHECKS PASSED\n");
  if (quick) return 0;
  bench_prefill(4096, 4096);
  bench_prefill(4096, 16384);
  bench_prefill(4096, 65536);
  bench_prefill(4096, 131072);
  bench_decode(64, 1, 4096);
  bench_decode(64, 1, 16384);
  bench_decode(64, 1, 65536);
  bench_decode(64, 1, 131072);
  bench_decode(64, 2, 16384);
  bench_decode(1, 1, 65536);
  return 0;
}
