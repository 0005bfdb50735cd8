// Standalone check + benchmark + phase timing of the top-k kernels for round topk10: today's v10
// (dsa_topk.cu), gmax3 (sm90/topk/gmax.cu, on group maxima precomputed here) and the candidate c12
// (sm90/topk/decode.cu: each row split over a cluster of C CTAs, one read of each logit, nothing
// from the indexer). No Java needed. Build (repo root, GPU machine; round-topk10.sh does this):
//   nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I kernels/src/main/cuda \
//        kernels/src/test/cuda/topk10_bench.cu -o topk10_bench [-DTOPK_STOP=n]
//   ./topk10_bench check|bench|floor|phase [kernels, e.g. v10,c12]
// Kernels: v10, gmax3, c12 (C picked as CudaDsaOps does: the largest of 1,2,3,4,6,8 with rows * C
// <= 3 * SMs), c12c1 .. c12c8 (C forced). Checks: fresh random logits per case against a CPU
// nth_element, indices poisoned first, every case run twice on the same buffers. Benchmarks:
// indexer-like logits, 32 rows of each output checked, then CUDA events, median of 10 after 2
// warm-ups. TB/s = 4 B per visible logit / time. phase: built with -DTOPK_STOP=n every kernel ends
// after its phase n (c12: 1 = cluster threshold, 2 = stream; topk_v10.cuh's TOPK_PHASE_END). Result
// lines start with CHECK, BENCH, PHASE or SUMMARY.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "dsa_topk.cu"
#include "sm90/topk/decode.cu"
#include "sm90/topk/gmax.cu"
#include "topk_driver.cuh"
}
constexpr int NK = 9;
static const char* kNames[NK] = {"v10",   "gmax3", "c12",   "c12c1", "c12c2",
                                 "c12c3", "c12c4", "c12c6", "c12c8"};
static const int kForcedC[NK] = {0, 0, 0, 1, 2, 3, 4, 6, 8};
static bool uses_gmax(int v) { return v == 1; }
static int kernel_id(const char* name) {
  for (int v = 0; v < NK; v++)
    if (!strcmp(kNames[v], name)) return v;
  return -1;
}
static int g_sms = 132;
// CudaDsaOps' rule: the largest C in {8, 6, 4, 3, 2, 1} with rows * C <= 3 CTAs per SM * SMs.
static int c12_cluster(size_t rows) {
  const long fit = 3L * g_sms / (long)std::max<size_t>(1, rows);
  for (int c : {8, 6, 4, 3, 2})
    if (c <= fit) return c;
  return 1;
}
typedef void (*TopkFn)(const float*, int*, int, int, int);
static TopkFn c12_fn(int c) {
  switch (c) {
    case 1:
      return dsa_topk_c12_c1;
    case 2:
      return dsa_topk_c12_c2;
    case 3:
      return dsa_topk_c12_c3;
    case 4:
      return dsa_topk_c12_c4;
    case 6:
      return dsa_topk_c12_c6;
    default:
      return dsa_topk_c12_c8;
  }
}
// Launches kernel v on the logits; gmax3 reads g_gmax (the caller filled it).
static void run_topk(int v, const float* lg, int* idx, int batch, int T, int P, int k) {
  const int rows = batch * T;
  if (v == 1) {
    dsa_topk_gmax3<<<rows, THREADS, sizeof(Gmax3Smem)>>>(lg, g_gmax, idx, T, P, k);
  } else if (v >= 2) {
    const int c = v == 2 ? c12_cluster(rows) : kForcedC[v];
    c12_fn(c)<<<rows * c, THREADS, sizeof(c12::Shared)>>>(lg, idx, T, P, k);
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
        if (!(hl[r * P + o[i]] >= kth)) {
          ok = false;
          break;
        }
    }
    if (!ok) badRows++;
  }
  return badRows;
}

// levels > 0 quantises uniform logits to 1/levels (ties); -1: a window of 3000 keys per row lifted
// by 10 (clustered winners: one slice holds them); -2: shifted down so about 1% are positive (the
// k-th key below the 16-octave window: the range-wide level); -3: every logit in [1, 1 + 2^-9)
// (one 16-bit bin: slices overflow, rank 0's radix fallback); -4: the indexer-like logits of the
// benchmark; -5: indexer-like with a -inf tail per row (what a causal indexer writes past a row's
// keys): from a per-row cut on, some cuts below k (the row's k largest include -inf keys); -6:
// indexer-like plus a ramp along the row (every winner in the last slice); -7: indexer-like
// quantised to 1/4096 (many exact ties at the cut). Every case runs twice on the same buffers.
static void check_topk(int v, int batch, int T, int P, int k, int levels, uint64_t seed) {
  const size_t rows = (size_t)batch * T;
  float* lg;
  int* idx;
  CK(cudaMalloc(&lg, rows * P * 4));
  CK(cudaMalloc(&idx, rows * k * 4));
  if (levels <= -4)
    fill_logits<<<2048, 256>>>(lg, rows, P, seed);
  else if (levels == -3)
    fill_f32<<<2048, 256>>>(lg, rows * P, seed, 1.f, 1.f + 1.f / 512);
  else if (levels == -2)
    fill_f32<<<2048, 256>>>(lg, rows * P, seed, -7.9f, 0.1f);
  else
    fill_f32<<<2048, 256>>>(lg, rows * P, seed, -3.f, 5.f);
  CK(cudaGetLastError());
  auto hl = d2h<float>(lg, rows * P);
  bool changed = true;
  if (levels > 0) {
    for (auto& x : hl) x = std::floor(x * levels) / levels;
  } else if (levels == -1) {
    for (size_t r = 0; r < rows; r++) {
      const int w0 = (int)((r * 7919) % (size_t)std::max(1, P - 3000));
      for (int i = w0; i < std::min(P, w0 + 3000); i++) hl[r * P + i] += 10.f;
    }
  } else if (levels == -5) {
    for (size_t r = 0; r < rows; r++) {
      // cuts: 500, 1999, 2048, 2049, then spread over the row
      const int cuts[4] = {500, 1999, 2048, 2049};
      const int cut = r % 8 < 4 ? cuts[r % 8] : (int)((r * 104729) % (size_t)P);
      for (int i = cut; i < P; i++) hl[r * P + i] = -INFINITY;
    }
  } else if (levels == -6) {
    for (size_t r = 0; r < rows; r++)
      for (int i = 0; i < P; i++) hl[r * P + i] += 0.05f * (float)i / (float)P;
  } else if (levels == -7) {
    for (auto& x : hl) x = std::floor(x * 4096.f) / 4096.f;
  } else {
    changed = false;
  }
  if (changed) CK(cudaMemcpy(lg, hl.data(), hl.size() * 4, cudaMemcpyHostToDevice));
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
  printf("CHECK topk %-6s b=%d T=%d P=%d k=%d levels=%d (C=%d) bad_rows=%ld %s\n", kNames[v], batch,
         T, P, k, levels, v == 2 ? c12_cluster(rows) : kForcedC[v], bad, bad ? "FAIL" : "ok");
  if (bad) g_fail++;
  cudaFree(lg);
  cudaFree(idx);
}

static void check_cases(int v) {
  // the task's shapes: rows 1, 64, 128, 130, 256 (C = 8, 6, 3, 3, 1) at P = 1000, 70000, 131072
  check_topk(v, 1, 1, 131072, 2048, -4, 101);
  check_topk(v, 64, 1, 131072, 2048, -4, 102);
  check_topk(v, 64, 2, 131072, 2048, -4, 103);
  check_topk(v, 65, 2, 70000, 2048, -4, 104);
  check_topk(v, 128, 2, 65536, 2048, -4, 105);
  check_topk(v, 1, 130, 1000, 2048, -4, 106);   // every row sees < k keys: -1 padding
  check_topk(v, 2, 64, 131072, 2048, -5, 107);  // -inf tails, some rows < k finite keys
  check_topk(v, 1, 130, 70000, 2048, -5, 108);  // the same, 130 rows
  check_topk(v, 64, 2, 131072, 2048, -7, 109);  // indexer-like ties at the cut
  check_topk(v, 4, 2, 131072, 2048, 64, 110);   // heavy ties (uniform, 1/64 steps)
  check_topk(v, 1, 2, 131072, 2048, -1, 111);   // clustered winners, C = 8
  check_topk(v, 64, 2, 131072, 2048, -1, 112);  // clustered winners, C = 3
  check_topk(v, 2, 2, 131072, 2048, -2, 113);   // k-th key below the window
  check_topk(v, 1, 2, 131072, 2048, -3, 114);   // one 16-bit bin: overflow, rank 0's fallback
  check_topk(v, 64, 2, 131072, 2048, -6, 115);  // winners all in the last slice
  check_topk(v, 1, 3, 131079, 2048, -4, 116);   // odd P: rows at 4-byte offsets
  check_topk(v, 3, 2, 16385, 2048, -4, 117);    // just past MIN_ROW, t = 0 below it
  check_topk(v, 1, 6, 32771, 2048, 0, 118);     // uniform logits
  check_topk(v, 4, 2, 16385, 1, -4, 119);       // k = 1
  check_topk(v, 1, 8, 131072, 512, 0, 120);     // k = 512
  check_topk(v, 2, 1, 98304, 1000, 0, 121);     // k = 1000
  check_topk(v, 3, 2, 77, 2048, 0, 122);        // tiny rows
  check_topk(v, 1, 40, 2100, 2048, 0, 123);     // rows around k (radix path)
  check_topk(v, 1, 2, 140001, 2048, -4, 124);   // past 128K
}

// ---------------------------------------------------------------- benchmarks
static void bench(int batch, int T, int P, const std::vector<int>& ks) {
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
  for (int v : ks) {
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
    printf("CHECK topk %-6s %-30s (32 rows) bad_rows=%ld %s\n", kNames[v], pt, bad,
           bad ? "FAIL" : "ok");
    if (bad) g_fail++;
    const double ms = tm.median_ms([&] { run_topk(v, lg, idx, batch, T, P, k); });
    if (v == 0) base = ms;
    const double tbs = bytes / ms / 1e9;
    const int c = v == 2 ? c12_cluster(rows) : kForcedC[v];
    char cs[16] = "";
    if (v >= 2) snprintf(cs, sizeof cs, " C=%d", c);
    printf("BENCH topk %-6s %-30s %9.4f ms %7.1f us %5.2f TB/s (%4.1f%% copy)%s%s\n", kNames[v], pt,
           ms, ms * 1e3, tbs, 100 * tbs / COPY_TBS, cs, bad ? "  ** FAILED ITS CHECK **" : "");
    char line[256];
    snprintf(line, sizeof line, "topk %-6s %-30s %7.1f us %5.2f TB/s (%4.1f%% copy) %-5s %s %s",
             kNames[v], pt, ms * 1e3, tbs, 100 * tbs / COPY_TBS, cs,
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
  g_sms = prop.multiProcessorCount;
  printf("device %s, %d SMs, mode %s\n", prop.name, prop.multiProcessorCount, mode.c_str());
  CK(cudaFuncSetAttribute(dsa_topk, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(TopkSmem)));
  CK(cudaFuncSetAttribute(dsa_topk_gmax3, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(Gmax3Smem)));
  for (int c : {1, 2, 3, 4, 6, 8}) {
    CK(cudaFuncSetAttribute(c12_fn(c), cudaFuncAttributeMaxDynamicSharedMemorySize,
                            (int)sizeof(c12::Shared)));
  }
  if (mode == "check") {
    int o = 0;
    CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&o, dsa_topk_c12_c1, THREADS,
                                                     sizeof(c12::Shared)));
    printf("occupancy: c12 %d CTAs/SM (smem %d B)\n", o, (int)sizeof(c12::Shared));
    for (int c : {2, 3, 4, 6, 8}) {
      cudaLaunchConfig_t cfg = {};
      cudaLaunchAttribute at;
      at.id = cudaLaunchAttributeClusterDimension;
      at.val.clusterDim.x = c;
      at.val.clusterDim.y = 1;
      at.val.clusterDim.z = 1;
      cfg.gridDim = dim3(c * 64);
      cfg.blockDim = dim3(THREADS);
      cfg.dynamicSmemBytes = sizeof(c12::Shared);
      cfg.attrs = &at;
      cfg.numAttrs = 1;
      int nc = 0;
      if (cudaOccupancyMaxActiveClusters(&nc, (void*)c12_fn(c), &cfg) == cudaSuccess)
        printf("occupancy: c12 C=%d: %d clusters resident (%d CTAs)\n", c, nc, nc * c);
      else
        printf("occupancy: c12 C=%d: query failed\n", c);
      cudaGetLastError();
    }
    for (int v = 0; v < NK; v++) {
      if (!enabled(kNames[v])) continue;
      printf("(topk %s)\n", kNames[v]);
      if (v >= 3) {  // forced C: the shapes where C matters
        check_topk(v, 16, 2, 131072, 2048, -4, 200 + v);
        check_topk(v, 8, 2, 70000, 2048, -5, 210 + v);
        check_topk(v, 4, 2, 131079, 2048, -7, 220 + v);
        check_topk(v, 2, 2, 131072, 2048, -3, 230 + v);
        check_topk(v, 4, 2, 131072, 2048, -6, 240 + v);
      } else {
        check_cases(v);
      }
    }
  } else if (mode == "bench") {
    const std::vector<int> main3 = {0, 1, 2};
    bench(64, 1, 131072, {0, 1, 2, 5, 6, 7, 8});  // 64 decode rows of 128K (c12: C = 6)
    bench(64, 2, 131072, {0, 1, 2, 4, 6, 7});     // 128 (C = 3)
    bench(128, 2, 131072, {0, 1, 2, 4});          // 256 (C = 1)
    bench(64, 1, 65536, main3);
    bench(64, 2, 65536, main3);
    bench(128, 2, 65536, {0, 1, 2, 4});
  } else if (mode == "phase") {
    phase("c12", 64, 1, 131072);
    phase("c12", 64, 2, 131072);
  } else if (mode == "floor") {
    Timer tm;
    const double a = tm.median_ms([] { empty_kernel<<<128, 512>>>(nullptr); });
    const double b = tm.median_ms([] { empty_kernel<<<396, 512>>>(nullptr); });
    const double c = tm.median_ms([] { empty_cluster_kernel<<<384, 512>>>(nullptr); });
    printf(
        "BENCH launch floor: empty kernel 128 CTAs %.1f us, 396 CTAs %.1f us, 96 clusters of 4 "
        "%.1f us\n",
        a * 1e3, b * 1e3, c * 1e3);
    char line[160];
    snprintf(line, sizeof line,
             "launch floor (events): 128 CTAs %.1f us, 396 CTAs %.1f us, 96 clusters of 4 %.1f us",
             a * 1e3, b * 1e3, c * 1e3);
    g_summary.push_back(line);
  } else {
    fprintf(stderr, "usage: topk10_bench check|bench|floor|phase [v10,gmax3,c12,c12c3,...]\n");
    return 2;
  }
  printf("SUMMARY %s: %s (%d failed)\n", mode.c_str(), g_fail ? "CHECKS FAILED" : "checks passed",
         g_fail);
  for (auto& s : g_summary) printf("SUMMARY %s\n", s.c_str());
  return g_fail ? 1 : 0;
}
