// Standalone check + benchmark + phase timing of the top-k kernels for round topk7: today's v10
// (dsa_topk.cu), gmax (sm90/topk/gmax.cu), s16 / s16p (sm90/topk/s16.cu), and the candidates v11
// (sm90/topk/v11.cu: v10 with a one-level window threshold on its sample) and gmax2 (gmax.cu: gmax
// with a one-level window threshold on the group maxima). No Java needed. Build (repo root, GPU
// machine; round-topk7.sh does this):
//   nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I kernels/src/main/cuda \
//        kernels/src/test/cuda/topk7_bench.cu -o topk7_bench [-DTOPK_STOP=n]
//   ./topk7_bench check|bench|floor|phase [candidates, e.g. v10,v11]
// Checks: round topk6's 31 cases, each on fresh random logits against a CPU nth_element, indices
// poisoned first, every case run twice on the same buffers; gmax / gmax2 get group maxima computed
// on the device from the same logits. Benchmarks: indexer-like logits (per row a random offset plus
// a roughly normal term, times a per-key scale in [0.001, 0.01]), 32 rows of each output checked,
// then CUDA events, median of 10 after 2 warm-ups. TB/s = 4 B per visible logit / time.
// phase: built with -DTOPK_STOP=n every kernel ends after its phase n (topk_v10.cuh's
// TOPK_PHASE_END; unset: the whole kernel); times v10 / v11 / s16 on 4096 rows of 32K and gmax /
// gmax2 (and v10) on 128 decode rows of 128K. Result lines start with CHECK, BENCH, PHASE or
// SUMMARY.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "dsa_topk.cu"
#include "sm90/topk/gmax.cu"
#include "sm90/topk/s16.cu"
#include "sm90/topk/v11.cu"
#include "topk_driver.cuh"
}
typedef void (*S16Kernel)(const float*, int*, int, int, int);
static const S16Kernel kS16[2][4] = {
    {dsa_topk_s16_c1, dsa_topk_s16_c2, dsa_topk_s16_c3, dsa_topk_s16_c4},
    {dsa_topk_s16p_c1, dsa_topk_s16p_c2, dsa_topk_s16p_c3, dsa_topk_s16p_c4}};
// CTAs per row of the s16 kernels (as CudaDsaOps picks it); 0: the rows are too long (v10 runs).
static int s16_cluster(int P) {
  return P <= S16_SLICE                         ? 1
         : (P + S16_SLICE - 1) / S16_SLICE <= 4 ? (P + S16_SLICE - 1) / S16_SLICE
                                                : 0;
}

constexpr int NK = 6;
static const char* kNames[NK] = {"v10", "gmax", "s16", "s16p", "v11", "gmax2"};
static bool uses_gmax(int v) { return v == 1 || v == 5; }
static int kernel_id(const char* name) {
  for (int v = 0; v < NK; v++)
    if (!strcmp(kNames[v], name)) return v;
  return -1;
}
// Launches kernel v on the logits; gmax / gmax2 read g_gmax (the caller filled it).
static void run_topk(int v, const float* lg, int* idx, int batch, int T, int P, int k) {
  const int rows = batch * T;
  if (v == 1) {
    dsa_topk_gmax<<<rows, THREADS, sizeof(TopkSmem)>>>(lg, g_gmax, idx, T, P, k);
  } else if (v == 5) {
    dsa_topk_gmax2<<<rows, THREADS, sizeof(TopkSmem)>>>(lg, g_gmax, idx, T, P, k);
  } else if (v == 4) {
    dsa_topk_v11<<<rows, THREADS, sizeof(TopkSmem)>>>(lg, idx, T, P, k);
  } else if ((v == 2 || v == 3) && s16_cluster(P) > 0) {
    const int C = s16_cluster(P);
    kS16[v - 2][C - 1]<<<rows * C, THREADS, sizeof(S16Shared)>>>(lg, idx, T, P, k);
  } else {
    dsa_topk<<<rows, THREADS, sizeof(TopkSmem)>>>(lg, idx, T, P, k);
  }
}

// ---------------------------------------------------------------- checks
// Each row's k indices against nth_element over its vis visible logits.
static long bad_topk_rows(const std::vector<float>& hl, const std::vector<int>& hi, size_t rows,
                          int T, int P, int k) {
  long badRows = 0;
  for (size_t r = 0; r < rows; r++) {
    const int t = (int)(r % T), vis = P - T + t + 1;
    const int* o = &hi[r * k];
    std::vector<char> seen(vis, 0);
    bool ok = true;
    const int take = std::min(vis, k);
    for (int i = 0; i < k && ok; i++) {
      if (i >= take) {
        if (o[i] != -1) ok = false;
        continue;
      }
      if (o[i] < 0 || o[i] >= vis || seen[o[i]]) {
        ok = false;
        break;
      }
      seen[o[i]] = 1;
    }
    if (ok && vis > k) {
      std::vector<float> v(hl.begin() + r * P, hl.begin() + r * P + vis);
      std::nth_element(v.begin(), v.begin() + (k - 1), v.end(), std::greater<float>());
      const float kth = v[k - 1];
      for (int i = 0; i < k; i++)
        if (hl[r * P + o[i]] < kth) {
          ok = false;
          break;
        }
    }
    if (!ok) badRows++;
  }
  return badRows;
}

// levels > 0 quantises the logits to 1/levels (ties); -1: a window of 3000 keys per row lifted by
// 10 (clustered winners); -2: shifted down so about 1% are positive (k-th key below the 16-octave
// window when vis * 1% < k); -3: every logit in [1, 1 + 2^-9) (the whole row in one 16-bit bin);
// -4: the indexer-like logits of the benchmark. Every case runs twice on the same buffers.
static void check_topk(int v, int batch, int T, int P, int k, int levels, uint64_t seed) {
  const size_t rows = (size_t)batch * T;
  float* lg;
  int* idx;
  CK(cudaMalloc(&lg, rows * P * 4));
  CK(cudaMalloc(&idx, rows * k * 4));
  if (levels == -4)
    fill_logits<<<2048, 256>>>(lg, rows, P, seed);
  else if (levels == -3)
    fill_f32<<<2048, 256>>>(lg, rows * P, seed, 1.f, 1.f + 1.f / 512);
  else if (levels == -2)
    fill_f32<<<2048, 256>>>(lg, rows * P, seed, -7.9f, 0.1f);
  else
    fill_f32<<<2048, 256>>>(lg, rows * P, seed, -3.f, 5.f);
  CK(cudaGetLastError());
  auto hl = d2h<float>(lg, rows * P);
  if (levels > 0) {
    for (auto& x : hl) x = std::floor(x * levels) / levels;
    CK(cudaMemcpy(lg, hl.data(), hl.size() * 4, cudaMemcpyHostToDevice));
  } else if (levels == -1) {
    for (size_t r = 0; r < rows; r++) {
      const int w0 = (int)((r * 7919) % (size_t)std::max(1, P - 3000));
      for (int i = w0; i < std::min(P, w0 + 3000); i++) hl[r * P + i] += 10.f;
    }
    CK(cudaMemcpy(lg, hl.data(), hl.size() * 4, cudaMemcpyHostToDevice));
  }
  if (uses_gmax(v)) {
    gmax_ref<<<1024, 256>>>(lg, ensure_gmax(rows, P), rows, P);
    CK(cudaGetLastError());
  }
  long bad = 0;
  for (int run = 0; run < 2; run++) {
    CK(cudaMemset(idx, 0x55, rows * k * 4));
    run_topk(v, lg, idx, batch, T, P, k);
    cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) {
      printf("CHECK topk %s b=%d T=%d P=%d k=%d: launch error %s FAIL\n", kNames[v], batch, T, P, k,
             cudaGetErrorString(e));
      g_fail++;
      exit(4);  // sticky error: later launches would fail too
    }
    bad += bad_topk_rows(hl, d2h<int>(idx, rows * k), rows, T, P, k);
  }
  printf("CHECK topk %-5s b=%d T=%d P=%d k=%d levels=%d C=%d bad_rows=%ld %s\n", kNames[v], batch,
         T, P, k, levels, (v == 2 || v == 3) ? s16_cluster(P) : 1, bad, bad ? "FAIL" : "ok");
  if (bad) g_fail++;
  cudaFree(lg);
  cudaFree(idx);
}

static void check_cases(int v) {
  // idxtopk_bench's 14 cases
  check_topk(v, 1, 64, 20000, 2048, 0, 6);
  check_topk(v, 3, 2, 131072, 2048, 0, 7);
  check_topk(v, 2, 3, 5000, 2048, 4, 8);
  check_topk(v, 1, 40, 2100, 2048, 0, 9);
  check_topk(v, 1, 4, 70001, 100, 1000, 10);
  check_topk(v, 1, 2, 131072, 2048, 2, 16);
  check_topk(v, 1, 3, 40000, 2048, 64, 18);
  check_topk(v, 1, 48, 12001, 2048, 0, 22);
  check_topk(v, 2, 5, 9001, 2048, 16, 23);
  check_topk(v, 1, 6, 32771, 2048, 0, 24);
  check_topk(v, 1, 8, 131072, 512, 0, 25);
  check_topk(v, 3, 2, 77, 2048, 0, 26);
  check_topk(v, 1, 3, 1000, 16, 0, 27);
  check_topk(v, 64, 2, 65537, 2048, 0, 28);
  // and its 4 gmax cases
  check_topk(v, 2, 2, 32768, 2048, 0, 29);
  check_topk(v, 1, 3, 131072, 2048, 256, 30);
  check_topk(v, 2, 1, 98304, 1000, 0, 31);
  check_topk(v, 2, 2, 131072, 2048, -1, 32);
  // this round's edge cases
  check_topk(v, 1, 4, 32768, 2048, -4, 40);   // slices of exactly 32768 keys (t = 3), C = 1
  check_topk(v, 1, 3, 32769, 2048, -4, 41);   // C = 2, odd P: unaligned second slice
  check_topk(v, 1, 5, 98307, 2048, -4, 42);   // C = 4 (98307 > 3 * 32768), odd P
  check_topk(v, 2, 2, 70000, 2048, -4, 43);   // C = 3
  check_topk(v, 1, 2, 32768, 2048, -2, 44);   // k-th key below the window: the range-wide path
  check_topk(v, 1, 2, 131072, 2048, -2, 45);  // the same over a cluster of 4
  check_topk(v, 1, 2, 30000, 2048, -3, 46);   // one 16-bit bin: tie list overflows, radix fallback
  check_topk(v, 1, 2, 65536, 1000, -3, 47);   // the same over a cluster of 2
  check_topk(v, 1, 3, 50000, 2048, 8, 48);    // C = 2, ties at the threshold, list across CTAs
  check_topk(v, 4, 2, 16385, 1, -4, 49);      // k = 1
  check_topk(v, 1, 130, 1000, 300, -4, 50);   // a dsabench check shape, rows around k
  check_topk(v, 1, 4, 131072, 2048, -4, 51);  // indexer-like decode rows
  check_topk(v, 1, 3, 131075, 2048, -4, 52);  // P past 4 * 32768: v10 for s16
}

// ---------------------------------------------------------------- benchmarks
static void bench(int batch, int T, int P) {
  const size_t rows = (size_t)batch * T;
  const int k = 2048;
  float* lg;
  int* idx;
  CK(cudaMalloc(&lg, rows * P * 4));
  CK(cudaMalloc(&idx, rows * k * 4));
  fill_logits<<<4096, 256>>>(lg, rows, P, 1000 + P);
  gmax_ref<<<4096, 256>>>(lg, ensure_gmax(rows, P), rows, P);
  CK(cudaDeviceSynchronize());
  const int nchk = (int)std::min<size_t>(32, rows);
  std::vector<size_t> rid(nchk);
  std::vector<float> hl((size_t)nchk * P);
  for (int c = 0; c < nchk; c++) {
    rid[c] = (rows - 1) * c / std::max(1, nchk - 1);
    CK(cudaMemcpy(&hl[(size_t)c * P], lg + rid[c] * P, (size_t)P * 4, cudaMemcpyDeviceToHost));
  }
  Timer tm;
  const double bytes = 4.0 * pairs(batch, T, P);
  char pt[64];
  snprintf(pt, sizeof pt, "%zu rows b=%d T=%d P=%d", rows, batch, T, P);
  double base = 0;
  for (int v = 0; v < NK; v++) {
    if (!enabled(kNames[v])) continue;
    CK(cudaMemset(idx, 0x55, rows * k * 4));
    run_topk(v, lg, idx, batch, T, P, k);
    cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) {
      printf("CHECK topk %s %s: launch error %s FAIL\n", kNames[v], pt, cudaGetErrorString(e));
      g_fail++;
      exit(4);
    }
    std::vector<int> hi((size_t)k);
    long bad = 0;
    for (int c = 0; c < nchk; c++) {
      CK(cudaMemcpy(hi.data(), idx + rid[c] * k, (size_t)k * 4, cudaMemcpyDeviceToHost));
      const int vis = P - T + (int)(rid[c] % T) + 1;
      std::vector<float> rv(hl.begin() + (size_t)c * P, hl.begin() + (size_t)c * P + vis);
      bad += bad_topk_rows(rv, hi, 1, 1, vis, k);
    }
    printf("CHECK topk %-5s %-32s (32 rows) bad_rows=%ld %s\n", kNames[v], pt, bad,
           bad ? "FAIL" : "ok");
    if (bad) g_fail++;
    const double ms = tm.median_ms([&] { run_topk(v, lg, idx, batch, T, P, k); });
    if (v == 0) base = ms;
    const double tbs = bytes / ms / 1e9;
    printf("BENCH topk %-5s %-32s %9.4f ms %7.1f us %5.2f TB/s (%4.1f%% copy)%s\n", kNames[v], pt,
           ms, ms * 1e3, tbs, 100 * tbs / COPY_TBS, bad ? "  ** FAILED ITS CHECK **" : "");
    char line[256];
    snprintf(line, sizeof line, "topk %-5s %-32s %8.1f us %5.2f TB/s %s %s", kNames[v], pt,
             ms * 1e3, tbs,
             base > 0 && v > 0 ? (std::to_string(base / ms).substr(0, 4) + "x v10").c_str() : "",
             bad ? "CHECK FAILED" : "");
    g_summary.push_back(line);
  }
  cudaFree(lg);
  cudaFree(idx);
}

// ---------------------------------------------------------------- phase timing
#ifdef TOPK_STOP
#define TOPK_STR2(x) #x
#define TOPK_STR(x) TOPK_STR2(x)
static const char* kStop = "stop=" TOPK_STR(TOPK_STOP);
#else
static const char* kStop = "stop=full";
#endif
// Times kernel `name` (a TOPK_STOP build ends it after that phase) on indexer-like logits.
static void phase(const char* name, int batch, int T, int P) {
  const int v = kernel_id(name);
  if (!enabled(name)) return;
  const size_t rows = (size_t)batch * T;
  const int k = 2048;
  float* lg;
  int* idx;
  CK(cudaMalloc(&lg, rows * P * 4));
  CK(cudaMalloc(&idx, rows * k * 4));
  fill_logits<<<4096, 256>>>(lg, rows, P, 1000 + P);
  gmax_ref<<<4096, 256>>>(lg, ensure_gmax(rows, P), rows, P);
  CK(cudaDeviceSynchronize());
  Timer tm;
  const double ms = tm.median_ms([&] { run_topk(v, lg, idx, batch, T, P, k); });
  printf("PHASE topk %-5s %zu rows b=%d T=%d P=%d %-9s %8.1f us\n", name, rows, batch, T, P, kStop,
         ms * 1e3);
  char line[200];
  snprintf(line, sizeof line, "phase %-5s %4zu x %6d %-9s %8.1f us", name, rows, P, kStop,
           ms * 1e3);
  g_summary.push_back(line);
  cudaFree(lg);
  cudaFree(idx);
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "check";
  g_only = argc > 2 ? argv[2] : "";
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  printf("device %s, %d SMs, mode %s\n", prop.name, prop.multiProcessorCount, mode.c_str());
  CK(cudaFuncSetAttribute(dsa_topk, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(TopkSmem)));
  CK(cudaFuncSetAttribute(dsa_topk_gmax, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(TopkSmem)));
  CK(cudaFuncSetAttribute(dsa_topk_gmax2, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(TopkSmem)));
  CK(cudaFuncSetAttribute(dsa_topk_v11, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(TopkSmem)));
  for (int p = 0; p < 2; p++)
    for (int c = 0; c < 4; c++)
      CK(cudaFuncSetAttribute(kS16[p][c], cudaFuncAttributeMaxDynamicSharedMemorySize,
                              (int)sizeof(S16Shared)));
  {
    int o1 = 0, o10 = 0;
    CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&o1, dsa_topk_s16_c1, THREADS,
                                                     sizeof(S16Shared)));
    CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&o10, dsa_topk, THREADS, sizeof(TopkSmem)));
    printf("occupancy: s16 %d CTAs/SM (smem %d B), v10 %d (smem %d B)\n", o1,
           (int)sizeof(S16Shared), o10, (int)sizeof(TopkSmem));
    for (int c = 2; c <= 4; c++) {
      cudaLaunchConfig_t cfg = {};
      cfg.gridDim = dim3(c * 256);
      cfg.blockDim = dim3(THREADS);
      cfg.dynamicSmemBytes = sizeof(S16Shared);
      cudaLaunchAttribute at;
      at.id = cudaLaunchAttributeClusterDimension;
      at.val.clusterDim.x = c;
      at.val.clusterDim.y = 1;
      at.val.clusterDim.z = 1;
      cfg.attrs = &at;
      cfg.numAttrs = 1;
      int nc = 0;
      cudaError_t e = cudaOccupancyMaxActiveClusters(&nc, (const void*)kS16[0][c - 1], &cfg);
      printf("occupancy: s16 cluster of %d: %d clusters resident (%s)\n", c, nc,
             cudaGetErrorString(e));
    }
  }
  if (mode == "check") {
    for (int v = 0; v < NK; v++) {
      if (!enabled(kNames[v])) continue;
      printf("(topk %s)\n", kNames[v]);
      check_cases(v);
    }
  } else if (mode == "bench") {
    bench(64, 1, 131072);   // 64 decode rows of 128K
    bench(64, 2, 131072);   // 128
    bench(128, 2, 131072);  // 256
    bench(64, 2, 32768);    // 128 rows of 32K
    bench(1, 4096, 16384);  // prefill rows
    bench(1, 4096, 32768);
    bench(1, 4096, 65536);
    bench(1, 4096, 131072);
  } else if (mode == "phase") {
    phase("v10", 1, 4096, 32768);
    phase("v11", 1, 4096, 32768);
    phase("s16", 1, 4096, 32768);
    phase("gmax", 64, 2, 131072);
    phase("gmax2", 64, 2, 131072);
    phase("v10", 64, 2, 131072);
  } else if (mode == "floor") {
    Timer tm;
    const double a = tm.median_ms([] { empty_kernel<<<128, 512>>>(nullptr); });
    const double b = tm.median_ms([] { empty_kernel<<<4096, 512>>>(nullptr); });
    const double c = tm.median_ms([] { empty_cluster_kernel<<<512, 512>>>(nullptr); });
    printf(
        "BENCH launch floor: empty kernel 128 CTAs %.1f us, 4096 CTAs %.1f us, 128 clusters of 4 "
        "%.1f us\n",
        a * 1e3, b * 1e3, c * 1e3);
    char line[160];
    snprintf(
        line, sizeof line,
        "launch floor (events): 128 CTAs %.1f us, 4096 CTAs %.1f us, 128 clusters of 4 %.1f us",
        a * 1e3, b * 1e3, c * 1e3);
    g_summary.push_back(line);
  } else {
    fprintf(stderr, "usage: topk7_bench check|bench|floor|phase [v10,gmax,s16,s16p,v11,gmax2]\n");
    return 2;
  }
  printf("SUMMARY %s: %s (%d failed)\n", mode.c_str(), g_fail ? "CHECKS FAILED" : "checks passed",
         g_fail);
  for (auto& s : g_summary) printf("SUMMARY %s\n", s.c_str());
  return g_fail ? 1 : 0;
}
