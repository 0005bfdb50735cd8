// Shared by the dense kernels' standalone drivers (dense_bench.cu for the portable v1,
// dense_prefill_bench.cu and dense_decode_bench.cu for the Hopper v3): checked CUDA calls, the
// shapes, the naive fp32 references every kernel is checked against, the relative L2 error and the
// median of event-timed runs. Each driver keeps its own output lines (the round scripts read them).
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <algorithm>
#include <vector>

// A failed call names itself, its error and its site, on stderr and as an ERROR line on stdout
// (the round scripts keep only stdout), and ends the process with 2.
#define CK(x)                                                                                    \
  do {                                                                                           \
    cudaError_t e_ = (x);                                                                        \
    if (e_ != cudaSuccess) {                                                                     \
      fprintf(stderr, "%s failed: %s at %s:%d\n", #x, cudaGetErrorName(e_), __FILE__, __LINE__); \
      printf("ERROR %s: %s\n", #x, cudaGetErrorName(e_));                                        \
      exit(2);                                                                                   \
    }                                                                                            \
  } while (0)

// DeepSeek-V3.2's attention shapes: MHA prefill q·k 192 (128 nope + 64 rope) / v 128; absorbed MQA
// decode over a 576-wide latent entry (512 + 64 rope) whose first 512 are the value.
static const int H = 128, DQK = 192, DV = 128, D = 576, DL = 512;
static const float SCALE = 0.07216878364870322f;  // 192^-0.5, as Mla.SOFTMAX_SCALE
static int g_sms = 132;
static bool g_fail = false;

// One thread per (query row, head): online softmax over the keys it sees, fp32.
__global__ void ref_prefill(const __nv_bfloat16* q, const __nv_bfloat16* k, const __nv_bfloat16* v,
                            float* out, int n, int p, float scale) {
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

// One thread per (query token, head) of a decode batch: token j of a sequence sees p - tps + j + 1
// keys.
__global__ void ref_decode(const __nv_bfloat16* q, const __nv_bfloat16* cache, float* out,
                           int batch, int tps, int p, float scale) {
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

// Relative L2 error of a bf16 output against its fp32 reference; non-finite outputs are counted
// in *nonfinite (any one fails a check) and left out of the sum.
static double rel_l2(const __nv_bfloat16* out, const float* ref, size_t n, size_t* nonfinite) {
  std::vector<__nv_bfloat16> o(n);
  std::vector<float> r(n);
  CK(cudaMemcpy(o.data(), out, n * 2, cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(r.data(), ref, n * 4, cudaMemcpyDeviceToHost));
  double num = 0, den = 0;
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) {
    float x = __bfloat162float(o[i]);
    if (!isfinite(x)) {
      bad++;
      continue;
    }
    num += (double)(x - r[i]) * (x - r[i]);
    den += (double)r[i] * r[i];
  }
  *nonfinite = bad;
  return sqrt(num / den);
}

// Median seconds of `runs` event-timed calls after `warmups` untimed ones; *min_ms and *max_ms
// (when given) get the extremes in milliseconds.
template <class F>
static double time_median(F f, int warmups, int runs, float* min_ms = nullptr,
                          float* max_ms = nullptr) {
  cudaEvent_t a, b;
  CK(cudaEventCreate(&a));
  CK(cudaEventCreate(&b));
  for (int w = 0; w < warmups; w++) f();
  CK(cudaDeviceSynchronize());
  std::vector<float> ms;
  for (int r = 0; r < runs; r++) {
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
  if (min_ms) *min_ms = ms.front();
  if (max_ms) *max_ms = ms.back();
  return ms[runs / 2] * 1e-3;
}
