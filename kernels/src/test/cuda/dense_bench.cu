// Standalone check + timing driver for the dense MLA kernels (no Java needed on the GPU machine).
// Build: nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I../../main/cuda dense_bench.cu \
//          ../../main/cuda/dense_prefill.cu ../../main/cuda/dense_decode.cu ../../main/cuda/fill.cu
// Checks each kernel against a naive fp32 GPU reference on fresh random inputs (relative L2 error,
// NaN/unwritten outputs fail: outputs are poisoned with NaN first), then times the target sizes
// with CUDA events (1 warm-up, median of 5). FLOP counts are costmodel WorkloadModel's.
#include <cuda_bf16.h>
#include <cuda_runtime.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <algorithm>
#include <string>
#include <vector>

#define CK(x)                                                                                   \
  do {                                                                                          \
    cudaError_t e_ = (x);                                                                       \
    if (e_ != cudaSuccess) {                                                                    \
      fprintf(stderr, "%s failed: %s at %s:%d\n", #x, cudaGetErrorName(e_), __FILE__, __LINE__); \
      exit(1);                                                                                  \
    }                                                                                           \
  } while (0)

extern "C" __global__ void dense_prefill(const __nv_bfloat16*, const __nv_bfloat16*, const __nv_bfloat16*,
                                         __nv_bfloat16*, int, int, float);
#ifndef DSA_NO_WGMMA
extern "C" __global__ void dense_prefill_pipelined(const __nv_bfloat16*, const __nv_bfloat16*, const __nv_bfloat16*,
                                                   __nv_bfloat16*, int, int, float);
#endif
extern "C" __global__ void dense_decode_split(const __nv_bfloat16*, const __nv_bfloat16*, __nv_bfloat16*,
                                              float*, float*, int, int, int, int, float);
extern "C" __global__ void dense_decode_combine(__nv_bfloat16*, const float*, const float*, int);
extern "C" __global__ void fill_uniform_bf16(__nv_bfloat16*, long long, unsigned long long, float);

static const int H = 128, DQK = 192, DV = 128, D = 576, DL = 512;
static const float SCALE = 0.07216878364870322f;  // 192^-0.5
#ifdef DSA_NO_WGMMA  // version 1 (mma.sync) everywhere
static const int PREFILL_SMEM = 2 * (128 * 200 + 64 * 200 + 64 * 136), PREFILL_THREADS = 128, PREFILL_BM = 128;
static const char* VERSION = "v1 mma.sync";
#else  // version 2 (wgmma) on sm_90a
#ifndef DSA_PREFILL_WGS
#define DSA_PREFILL_WGS 2
#endif
static const int PREFILL_BM = 64 * DSA_PREFILL_WGS, PREFILL_THREADS = 128 * DSA_PREFILL_WGS;
#ifndef DSA_PREFILL_BN
#define DSA_PREFILL_BN 128  // as dense_prefill.cu
#endif
static const int PREFILL_SMEM = 2 * (PREFILL_BM * 192 + 2 * DSA_PREFILL_BN * (192 + 128)) + 1024;
static const char* VERSION = "v2 wgmma";
#endif
static const int DECODE_SMEM = 2 * (64 * 576 + 2 * 64 * 576 + 64 * 72) + 2 * 64 * 4;
static int g_sms = 132;
static bool g_pipelined = false;  // version 2p (sm_90a only)
static const int PIPELINED_SMEM = 2 * (128 * 192 + 2 * 128 * (192 + 128)) + 1024;  // as version 2
static bool g_fail = false;

// ---- naive fp32 references: one thread per (query row, head), online softmax ----
__global__ void ref_prefill(const __nv_bfloat16* q, const __nv_bfloat16* k, const __nv_bfloat16* v, float* out,
                            int n, int p, float scale) {
  int idx = blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= n * H) return;
  int i = idx / H, h = idx % H;
  float o[DV];
  for (int c = 0; c < DV; c++) o[c] = 0;
  float m = -INFINITY, l = 0;
  const __nv_bfloat16* qi = q + (size_t)idx * DQK;
  for (int s = 0; s <= p - n + i; s++) {
    const __nv_bfloat16* ks = k + ((size_t)s * H + h) * DQK;
    float x = 0;
    for (int c = 0; c < DQK; c++) x += __bfloat162float(qi[c]) * __bfloat162float(ks[c]);
    x *= scale;
    float mn = fmaxf(m, x), a = expf(m - mn), e = expf(x - mn);
    l = l * a + e;
    const __nv_bfloat16* vs = v + ((size_t)s * H + h) * DV;
    for (int c = 0; c < DV; c++) o[c] = o[c] * a + e * __bfloat162float(vs[c]);
    m = mn;
  }
  for (int c = 0; c < DV; c++) out[(size_t)idx * DV + c] = o[c] / l;
}

__global__ void ref_decode(const __nv_bfloat16* q, const __nv_bfloat16* cache, float* out, int batch, int tps,
                           int p, float scale) {
  int idx = blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= batch * tps * H) return;
  int b = idx / (tps * H), tok = (idx / H) % tps;
  float o[DL];
  for (int c = 0; c < DL; c++) o[c] = 0;
  float m = -INFINITY, l = 0;
  const __nv_bfloat16* qi = q + (size_t)idx * D;
  for (int s = 0; s < p - tps + tok + 1; s++) {
    const __nv_bfloat16* ks = cache + ((size_t)b * p + s) * D;
    float x = 0;
    for (int c = 0; c < D; c++) x += __bfloat162float(qi[c]) * __bfloat162float(ks[c]);
    x *= scale;
    float mn = fmaxf(m, x), a = expf(m - mn), e = expf(x - mn);
    l = l * a + e;
    for (int c = 0; c < DL; c++) o[c] = o[c] * a + e * __bfloat162float(ks[c]);
    m = mn;
  }
  for (int c = 0; c < DL; c++) out[(size_t)idx * DL + c] = o[c] / l;
}

static __nv_bfloat16* alloc_fill(size_t n, unsigned long long seed) {
  __nv_bfloat16* p;
  CK(cudaMalloc(&p, n * 2));
  fill_uniform_bf16<<<g_sms * 8, 256>>>(p, (long long)n, seed, 1.0f);
  CK(cudaGetLastError());
  return p;
}

static double compare(const __nv_bfloat16* out, const float* ref, size_t n, const char* what) {
  std::vector<__nv_bfloat16> o(n);
  std::vector<float> r(n);
  CK(cudaMemcpy(o.data(), out, n * 2, cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(r.data(), ref, n * 4, cudaMemcpyDeviceToHost));
  double num = 0, den = 0;
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) {
    float x = __bfloat162float(o[i]);
    if (!isfinite(x)) { bad++; continue; }
    num += (double)(x - r[i]) * (x - r[i]);
    den += (double)r[i] * r[i];
  }
  double err = sqrt(num / den);
  bool ok = bad == 0 && err <= 1e-2;
  if (!ok) g_fail = true;
  printf("CHECK %-34s relL2=%.3e nonfinite=%zu %s\n", what, err, bad, ok ? "PASS" : "FAIL");
  return err;
}

static void launch_prefill(const __nv_bfloat16* q, const __nv_bfloat16* k, const __nv_bfloat16* v,
                           __nv_bfloat16* out, int n, int p) {
#ifndef DSA_NO_WGMMA
  if (g_pipelined) {
    dense_prefill_pipelined<<<dim3((n + 127) / 128, H), 256, PIPELINED_SMEM>>>(q, k, v, out, n, p, SCALE);
    return;
  }
#endif
  dim3 grid((n + PREFILL_BM - 1) / PREFILL_BM, H);
  dense_prefill<<<grid, PREFILL_THREADS, PREFILL_SMEM>>>(q, k, v, out, n, p, SCALE);
}

// Same rule as DenseDecodeShape.splits (Java).
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
static void launch_decode(const __nv_bfloat16* q, const __nv_bfloat16* cache, __nv_bfloat16* out, int batch,
                          int tps, int p, int force_splits) {
  int row_blocks = batch * tps * 2, tiles = (p + 63) / 64;
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
  dense_decode_split<<<dim3(row_blocks, splits), 256, DECODE_SMEM>>>(q, cache, out, po, pl, tps, p, per, splits,
                                                                     SCALE);
  if (splits > 1) dense_decode_combine<<<rows, 128>>>(out, po, pl, splits);
}

static void check_prefill(int n, int p, unsigned long long seed) {
  __nv_bfloat16 *q = alloc_fill((size_t)n * H * DQK, seed), *k = alloc_fill((size_t)p * H * DQK, seed + 1),
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
  snprintf(what, sizeof what, "prefill%s n=%d p=%d", g_pipelined ? "(2p)" : "", n, p);
  compare(out, ref, (size_t)n * H * DV, what);
  cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(out), cudaFree(ref);
}

static void check_decode(int batch, int tps, int p, int force_splits, unsigned long long seed) {
  size_t rows = (size_t)batch * tps * H;
  __nv_bfloat16 *q = alloc_fill(rows * D, seed), *cache = alloc_fill((size_t)batch * p * D, seed + 1), *out;
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

template <class F>
static double time_median(F f) {
  cudaEvent_t a, b;
  CK(cudaEventCreate(&a));
  CK(cudaEventCreate(&b));
  f();
  CK(cudaDeviceSynchronize());
  std::vector<float> ms;
  for (int r = 0; r < 5; r++) {
    CK(cudaEventRecord(a));
    f();
    CK(cudaEventRecord(b));
    CK(cudaEventSynchronize(b));
    float t;
    CK(cudaEventElapsedTime(&t, a, b));
    ms.push_back(t);
  }
  CK(cudaGetLastError());
  std::sort(ms.begin(), ms.end());
  cudaEventDestroy(a), cudaEventDestroy(b);
  return ms[2] * 1e-3;
}

static void bench_prefill(int n, int p) {
  __nv_bfloat16 *q = alloc_fill((size_t)n * H * DQK, 11), *k = alloc_fill((size_t)p * H * DQK, 12),
                *v = alloc_fill((size_t)p * H * DV, 13), *out;
  CK(cudaMalloc(&out, (size_t)n * H * DV * 2));
  double s = time_median([&] { launch_prefill(q, k, v, out, n, p); });
  double pairs = (double)n * (p - n + 1) + (double)n * (n - 1) / 2.0;
  double flops = 2.0 * H * (DQK + DV) * pairs;
  printf("TIME dense_prefill%s n=%d p=%d  %.3f ms  %.1f TFLOP/s  (%.1f%% of 744)\n", g_pipelined ? "(2p)" : "", n, p, s * 1e3,
         flops / s / 1e12, flops / s / 744e10);
  cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(out);
}

static void bench_decode(int batch, int tps, int p) {
  size_t rows = (size_t)batch * tps * H;
  __nv_bfloat16 *q = alloc_fill(rows * D, 21), *cache = alloc_fill((size_t)batch * p * D, 22), *out;
  CK(cudaMalloc(&out, rows * DL * 2));
  double s = time_median([&] { launch_decode(q, cache, out, batch, tps, p, 0); });
  double flops = 2.0 * H * (D + DL) * (double)batch * tps * p;
  double bytes = 2.0 * ((double)rows * D + (double)batch * p * D + (double)rows * DL);
  int splits = decode_splits(batch * tps * 2, (p + 63) / 64, g_sms);
  printf("TIME dense_decode n=%d tps=%d p=%d splits=%d  %.3f ms  %.1f TFLOP/s (%.1f%% of 744)  %.0f GB/s\n", batch,
         tps, p, splits, s * 1e3, flops / s / 1e12, flops / s / 744e10, bytes / s / 1e9);
  cudaFree(q), cudaFree(cache), cudaFree(out);
}

int main(int argc, char** argv) {
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  g_sms = prop.multiProcessorCount;
  int drv;
  CK(cudaDriverGetVersion(&drv));
  printf("device %s cc %d.%d sms %d driver-api %d kernels %s\n", prop.name, prop.major, prop.minor, g_sms, drv, VERSION);
  CK(cudaFuncSetAttribute(dense_prefill, cudaFuncAttributeMaxDynamicSharedMemorySize, PREFILL_SMEM));
  CK(cudaFuncSetAttribute(dense_decode_split, cudaFuncAttributeMaxDynamicSharedMemorySize, DECODE_SMEM));
  // "quick": checks only; "prefill": checks, then the prefill timings only (v2, then v2p).
  const bool quick = argc > 1 && std::string(argv[1]) == "quick";
  const bool prefill_only = argc > 1 && std::string(argv[1]) == "prefill";
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
  if (quick) return 0;
  bench_prefill(4096, 4096);
  bench_prefill(4096, 16384);
  bench_prefill(4096, 65536);
  bench_prefill(4096, 131072);
  if (!prefill_only) {
    bench_decode(64, 1, 4096);
    bench_decode(64, 1, 16384);
    bench_decode(64, 1, 65536);
    bench_decode(64, 1, 131072);
    bench_decode(64, 2, 16384);
    bench_decode(1, 1, 65536);
  }
#ifndef DSA_NO_WGMMA
  // Version 2p: the pipelined prefill, checked on its own, then timed.
  CK(cudaFuncSetAttribute(dense_prefill_pipelined, cudaFuncAttributeMaxDynamicSharedMemorySize, PIPELINED_SMEM));
  g_pipelined = true;
  check_prefill(1, 1, 300);
  check_prefill(1, 777, 301);
  check_prefill(100, 100, 302);
  check_prefill(129, 1000, 303);
  check_prefill(300, 333, 304);
  check_prefill(513, 2049, 305);
  check_prefill(64, 4000, 306);
  if (g_fail) {
    printf("CHECKS FAILED (2p)\n");
    return 1;
  }
  bench_prefill(4096, 4096);
  bench_prefill(4096, 16384);
  bench_prefill(4096, 65536);
  bench_prefill(4096, 131072);
#endif
  return 0;
}
