// Standalone check + benchmark of the decode-row top-k candidate v14 (sm90/topk/decode.cu,
// dsa_topk_v14: a row split over S independent CTAs that compute the same threshold from the same
// sample, append their candidates to a per-row buffer in scratch, and the last CTA of the row
// selects) against v10 (dsa_topk.cu) and gmax3 (sm90/topk/gmax.cu, on group maxima computed here),
// for round topk14. No Java needed. Build (repo root, GPU machine; round-topk14.sh does this, and
// also with -DTOPK_STOP=1/2/3/4 for the phase times):
//   nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I kernels/src/main/cuda \
//        kernels/src/test/cuda/topk14_bench.cu -o topk14_bench
//   ./topk14_bench check|bench|sweep|phase|floor [kernels, e.g. v10,v14] [S]
// Kernels: v10; gmax3; v14 (the shipped knobs: 4+4 loads in flight, 32 KB of the slice prefetched
// at the start, 64 KB ahead); v14n (no L2 prefetch); v14pf (128 KB / 128 KB); v14l2 (2+2 loads).
// S: slices per row (0 or absent: the launcher's rule, the largest with rows * S <= 2 * SMs, at
// most 16). Checks: fresh random logits per case, indices poisoned first, the causal tail (keys a
// query cannot see) +1e30, each case run twice on the same buffers, every row against a CPU
// nth_element (threads over rows), and the scratch counters must be zero after every case.
// "bench": v10 / gmax3 / v14 (and its knobs) at 64 / 128 / 256 rows x 64K / 128K, 32 rows of each
// output checked; "sweep": v14 at S = 1..16 on 128 x 128K; "phase" (a -DTOPK_STOP build): v14 at
// 64 / 128 x 128K ending after phase 1 (sample), 2 (tau), 3 (streamed, last CTA has its count),
// 4 (candidates loaded); "floor": empty kernels and a plain read of 128 x 128K. Result lines start
// with CHECK, BENCH, PHASE or SUMMARY.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "dsa_topk.cu"
#include "sm90/topk/decode.cu"
#include "sm90/topk/gmax.cu"
#include "topk_driver.cuh"
}  // the header ends inside ensure_gmax; its drivers close it (as topk8_bench.cu does)

// v14's body at other knobs (16-byte loads per set, KB prefetched at the start, KB ahead).
#define V14_VARIANT(name, nld, pf0, pfa)                                                     \
  extern "C" __global__ void __launch_bounds__(THREADS, V14_CTAS_PER_SM)                     \
      name(const float* __restrict__ logits, int* __restrict__ indices, int T, int P, int k, \
           int S, unsigned* __restrict__ scratch) {                                          \
    topk14_body<nld, pf0, pfa>(logits, indices, T, P, k, S, scratch);                        \
  }
V14_VARIANT(dsa_topk_v14n, 4, 0, 0)
V14_VARIANT(dsa_topk_v14pf, 4, 128, 128)
V14_VARIANT(dsa_topk_v14l2, 2, V14_PF0_KB, V14_PFA_KB)

// A plain read of the same bytes: 16-byte streaming loads, four in flight per thread.
__global__ void read_floor(const float* __restrict__ lg, float* sink, size_t n4) {
  const float4* b = reinterpret_cast<const float4*>(lg);
  float acc = 0.f;
  for (size_t i0 = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i0 < n4;
       i0 += 4 * (size_t)gridDim.x * blockDim.x) {
    float4 x[4];
#pragma unroll
    for (int j = 0; j < 4; j++) {
      const size_t i = i0 + (size_t)j * gridDim.x * blockDim.x;
      x[j] = i < n4 ? __ldcs(b + i) : make_float4(0.f, 0.f, 0.f, 0.f);
    }
#pragma unroll
    for (int j = 0; j < 4; j++) acc += x[j].x + x[j].y + x[j].z + x[j].w;
  }
  if (acc == 1.2345f) sink[blockIdx.x] = acc;  // keeps the loads; never true on these inputs
}

#define TOPK_STR2(x) #x
#define TOPK_STR(x) TOPK_STR2(x)

constexpr int NK = 6;
static const char* kNames[NK] = {"v10", "gmax3", "v14", "v14n", "v14pf", "v14l2"};
static int g_sms = 132;
static int g_forceS = 0;  // 0: the launcher's rule
static bool g_phase = false;

// ---------------------------------------------------------------- scratch (v14)
static unsigned* g_scratch = nullptr;
static size_t g_scratch_rows = 0;
static const size_t kRowBytes = sizeof(Row14) + CAP * 8;
static unsigned* ensure_scratch(size_t rows) {
  if (rows > g_scratch_rows) {
    if (g_scratch) CK(cudaFree(g_scratch));
    CK(cudaMalloc(&g_scratch, rows * kRowBytes));
    CK(cudaMemset(g_scratch, 0, rows * kRowBytes));  // once: every launch leaves it zero
    g_scratch_rows = rows;
  }
  return g_scratch;
}
// The counters of the first `rows` rows must be zero between launches.
static long scratch_dirty(size_t rows) {
  std::vector<unsigned> h(rows * 4);
  CK(cudaMemcpy(h.data(), g_scratch, rows * sizeof(Row14), cudaMemcpyDeviceToHost));
  long n = 0;
  for (unsigned x : h) n += x != 0;
  return n;
}

// The launcher's rule (CudaDsaOps.topkV14 uses the same): the most slices per row that keep the
// grid within one wave of V14_CTAS_PER_SM CTAs per SM, 1..V14_MAX_SLICES.
static int slices_for(size_t rows) {
  if (g_forceS > 0) return g_forceS;
  const long s = (long)V14_CTAS_PER_SM * g_sms / (long)rows;
  return (int)std::max(1L, std::min((long)V14_MAX_SLICES, s));
}

static void run_topk(int v, const float* lg, int* idx, int batch, int T, int P, int k) {
  const int rows = batch * T;
  if (v == 0) {
    dsa_topk<<<rows, THREADS, sizeof(TopkSmem)>>>(lg, idx, T, P, k);
  } else if (v == 1) {
    dsa_topk_gmax3<<<rows, THREADS, sizeof(Gmax3Smem)>>>(lg, g_gmax, idx, T, P, k);
  } else {
    const int S = slices_for(rows);
    unsigned* sc = ensure_scratch(rows);
    const size_t sm = sizeof(Shared14);
    if (v == 2) dsa_topk_v14<<<rows * S, THREADS, sm>>>(lg, idx, T, P, k, S, sc);
    if (v == 3) dsa_topk_v14n<<<rows * S, THREADS, sm>>>(lg, idx, T, P, k, S, sc);
    if (v == 4) dsa_topk_v14pf<<<rows * S, THREADS, sm>>>(lg, idx, T, P, k, S, sc);
    if (v == 5) dsa_topk_v14l2<<<rows * S, THREADS, sm>>>(lg, idx, T, P, k, S, sc);
  }
}

// ---------------------------------------------------------------- checks
// Rows [r0, r1) of hl (row stride P, row r sees vis(r) keys) against nth_element; returns bad rows.
static long bad_rows_range(const float* hl, const int* hi, size_t r0, size_t r1, int T, int P,
                           int k) {
  long badRows = 0;
  std::vector<float> v;
  std::vector<char> seen;
  for (size_t r = r0; r < r1; r++) {
    const int vis = std::max(0, P - T + (int)(r % T) + 1);
    const int* o = &hi[r * k];
    seen.assign(std::max(vis, 1), 0);
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
      v.assign(hl + r * P, hl + r * P + vis);
      std::nth_element(v.begin(), v.begin() + (k - 1), v.end(), std::greater<float>());
      const float kth = v[k - 1];
      for (int i = 0; i < k; i++)
        if (!(hl[r * P + o[i]] >= kth)) {  // NaN fails too
          ok = false;
          break;
        }
    }
    if (!ok) badRows++;
  }
  return badRows;
}
static long bad_rows(const std::vector<float>& hl, const std::vector<int>& hi, size_t rows, int T,
                     int P, int k) {
  const int nt = std::max(1u, std::min(16u, std::thread::hardware_concurrency()));
  std::vector<long> bad(nt, 0);
  std::vector<std::thread> th;
  for (int t = 0; t < nt; t++)
    th.emplace_back([&, t] {
      bad[t] = bad_rows_range(hl.data(), hi.data(), rows * t / nt, rows * (t + 1) / nt, T, P, k);
    });
  for (auto& x : th) x.join();
  long s = 0;
  for (long b : bad) s += b;
  return s;
}

// Fills: -4 indexer-like; 0 uniform in [-3, 5); -2 uniform in [-7.9, 0.1) (the k-th key below the
// sample's 16-octave window); -3 every logit in [1, 1 + 2^-9) (one 16-bit bin: far more than CAP
// pass, the exact path over the row); -5 all equal (uniform ties); -6 a ramp (every winner in the
// last slice); -1 uniform with a 3000-key window per row lifted by 10 (clustered winners).
// quant > 0: each logit floored to a multiple of 1/quant (ties at the cut). ninf > 0: every visible
// key from index ninf on is -inf (rows with fewer finite keys than k, or just more). The causal
// tail of each row is +1e30.
static void check_topk(int v, int batch, int T, int P, int k, int kind, int quant, int ninf,
                       uint64_t seed, const char* what) {
  const size_t rows = (size_t)batch * T;
  float* lg;
  int* idx;
  CK(cudaMalloc(&lg, rows * P * 4));
  CK(cudaMalloc(&idx, rows * k * 4));
  if (kind == -4 || kind == -1 || kind == -5 || kind == -6)
    fill_logits<<<2048, 256>>>(lg, rows, P, seed);
  else if (kind == -3)
    fill_f32<<<2048, 256>>>(lg, rows * P, seed, 1.f, 1.f + 1.f / 512);
  else if (kind == -2)
    fill_f32<<<2048, 256>>>(lg, rows * P, seed, -7.9f, 0.1f);
  else
    fill_f32<<<2048, 256>>>(lg, rows * P, seed, -3.f, 5.f);
  CK(cudaGetLastError());
  auto hl = d2h<float>(lg, rows * P);
  for (size_t r = 0; r < rows; r++) {
    float* x = &hl[r * P];
    const int vis = std::max(0, P - T + (int)(r % T) + 1);
    if (kind == -5)
      for (int i = 0; i < P; i++) x[i] = 0.25f;
    if (kind == -6)
      for (int i = 0; i < P; i++) x[i] = -1.f + (float)i * (1.f / 131072);
    if (kind == -1) {
      const int w0 = (int)((r * 7919) % (size_t)std::max(1, vis - 3000));
      for (int i = w0; i < std::min(vis, w0 + 3000); i++) x[i] += 10.f;
    }
    if (quant > 0)
      for (int i = 0; i < P; i++) x[i] = std::floor(x[i] * quant) / quant;
    if (ninf > 0)
      for (int i = ninf; i < vis; i++) x[i] = -INFINITY;
    for (int i = vis; i < P; i++) x[i] = 1e30f;
  }
  CK(cudaMemcpy(lg, hl.data(), hl.size() * 4, cudaMemcpyHostToDevice));
  if (v == 1) {
    gmax_ref<<<2048, 256>>>(lg, ensure_gmax(rows, P), rows, P);
    CK(cudaGetLastError());
  }
  long bad = 0, dirty = 0;
  for (int run = 0; run < 2; run++) {
    CK(cudaMemset(idx, 0x55, rows * k * 4));
    run_topk(v, lg, idx, batch, T, P, k);
    cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) {
      printf("CHECK topk %s b=%d T=%d P=%d k=%d (%s): launch error %s FAIL\n", kNames[v], batch, T,
             P, k, what, cudaGetErrorString(e));
      g_fail++;
      exit(4);  // sticky error: later launches would fail too
    }
    bad += bad_rows(hl, d2h<int>(idx, rows * k), rows, T, P, k);
    if (v >= 2) dirty += scratch_dirty(rows);
  }
  printf("CHECK topk %-6s S=%-2d b=%d T=%d P=%d k=%d kind=%d q=%d ninf=%d (%s) bad_rows=%ld%s %s\n",
         kNames[v], v >= 2 ? slices_for(rows) : 1, batch, T, P, k, kind, quant, ninf, what, bad,
         dirty ? " SCRATCH NOT ZERO" : "", bad || dirty ? "FAIL" : "ok");
  if (bad || dirty) g_fail++;
  cudaFree(lg);
  cudaFree(idx);
}

static void check_cases(int v) {
  check_topk(v, 64, 2, 131072, 2048, -4, 0, 0, 1, "128 decode rows of 128K");
  check_topk(v, 64, 1, 131072, 2048, -4, 0, 0, 2, "64 rows of 128K");
  check_topk(v, 128, 2, 65536, 2048, -4, 0, 0, 3, "256 rows of 64K");
  check_topk(v, 65, 2, 70000, 2048, -4, 0, 0, 4, "130 rows of 70000");
  check_topk(v, 1, 1, 131072, 2048, -4, 0, 0, 5, "one row of 128K (S = 16)");
  check_topk(v, 64, 2, 16384, 2048, -4, 0, 0, 6, "128 rows of 16384");
  check_topk(v, 64, 2, 1000, 2048, -4, 0, 0, 7, "P = 1000 < k: all taken, -1 padded");
  check_topk(v, 64, 2, 8191, 2048, -4, 0, 0, 8, "P = 8191: v10's radix over the row");
  check_topk(v, 64, 2, 131071, 2048, -4, 0, 0, 9, "odd P: rows at 4-byte offsets");
  check_topk(v, 32, 2, 65537, 2048, 0, 0, 0, 10, "odd P, uniform");
  check_topk(v, 64, 2, 131072, 2048, -4, 4096, 0, 11, "indexer-like quantised to 1/4096 (ties)");
  check_topk(v, 64, 2, 65536, 2048, 0, 16, 0, 12, "uniform quantised to 1/16 (heavy ties)");
  check_topk(v, 16, 2, 65536, 2048, -5, 0, 0, 13, "all equal: over CAP, exact path");
  check_topk(v, 64, 2, 131072, 2048, -2, 0, 0, 14, "k-th key below the sample window");
  check_topk(v, 16, 2, 65536, 2048, -3, 0, 0, 15, "one 16-bit bin: over CAP, exact path");
  check_topk(v, 64, 2, 131072, 2048, -6, 0, 0, 16, "ramp: every winner in the last slice");
  check_topk(v, 64, 2, 131072, 2048, -1, 0, 0, 17, "3000-key window of winners in one slice");
  for (int cut : {500, 1999, 2048, 2049, 4000})
    check_topk(v, 32, 2, 65536, 2048, -4, 0, cut, 18 + cut, "-inf from key `ninf` on");
  check_topk(v, 64, 2, 131072, 1, -4, 0, 0, 19, "k = 1");
  check_topk(v, 64, 2, 131072, 512, -4, 0, 0, 20, "k = 512");
  check_topk(v, 32, 2, 65536, 4096, -4, 0, 0, 21, "k = 4096 = CAP / 2");
  check_topk(v, 16, 2, 65536, 5000, -4, 0, 0, 22, "k = 5000 > CAP / 2: radix over the row");
  check_topk(v, 1, 130, 2100, 2048, -4, 0, 0, 23, "a dsabench check shape: rows around k");
  check_topk(v, 3, 2, 77, 16, -4, 0, 0, 24, "a dsabench check shape: tiny rows");
  check_topk(v, 1, 300, 40000, 2048, -4, 0, 0, 25, "300 rows seeing 39701..40000 keys");
}
// The same kernel at forced slice counts (a few cases each, odd P and ties included).
static void check_forced(int v) {
  for (int S : {1, 2, 3, 5, 8, 16}) {
    g_forceS = S;
    check_topk(v, 64, 2, 131071, 2048, -4, 0, 0, 100 + S, "forced S, odd P");
    check_topk(v, 16, 2, 65536, 2048, -4, 4096, 0, 200 + S, "forced S, ties");
    check_topk(v, 16, 2, 131072, 2048, -6, 0, 0, 300 + S, "forced S, ramp");
    check_topk(v, 8, 2, 20000, 2048, 0, 0, 0, 400 + S, "forced S, few slices fit (20000 keys)");
  }
  g_forceS = 0;
}

// ---------------------------------------------------------------- benchmarks
static void bench(int batch, int T, int P, const char* only) {
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
  snprintf(pt, sizeof pt, "%zu rows x %d (T=%d)", rows, P, T);
  double base = 0;
  for (int v = 0; v < NK; v++) {
    if (!enabled(kNames[v]) || (only && strcmp(only, kNames[v]))) continue;
    const int S = v >= 2 ? slices_for(rows) : 1;
    CK(cudaMemset(idx, 0x55, rows * k * 4));
    run_topk(v, lg, idx, batch, T, P, k);
    cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) {
      printf("CHECK topk %s %s: launch error %s FAIL\n", kNames[v], pt, cudaGetErrorString(e));
      g_fail++;
      exit(4);
    }
    long bad = 0;
    if (!g_phase) {
      std::vector<int> hi((size_t)k);
      for (int c = 0; c < nchk; c++) {
        CK(cudaMemcpy(hi.data(), idx + rid[c] * k, (size_t)k * 4, cudaMemcpyDeviceToHost));
        const int vis = P - T + (int)(rid[c] % T) + 1;
        bad += bad_rows_range(&hl[(size_t)c * P], hi.data(), 0, 1, 1, vis, k);
      }
      printf("CHECK topk %-6s S=%-2d %-28s (32 rows) bad_rows=%ld %s\n", kNames[v], S, pt, bad,
             bad ? "FAIL" : "ok");
      if (bad) g_fail++;
    }
    const double ms = tm.median_ms([&] { run_topk(v, lg, idx, batch, T, P, k); }, 3, 15);
    if (v == 0) base = ms;
    long dirty = v >= 2 ? scratch_dirty(rows) : 0;
    if (dirty) {
      printf("CHECK topk %s %s: scratch counters not zero after the timed runs FAIL\n", kNames[v],
             pt);
      g_fail++;
    }
    const double tbs = bytes / ms / 1e9;
    const char* tag = g_phase ? "PHASE" : "BENCH";
    printf("%s topk %-6s S=%-2d %-28s %7.1f us %5.2f TB/s (%4.1f%% copy)%s\n", tag, kNames[v], S,
           pt, ms * 1e3, tbs, 100 * tbs / COPY_TBS, bad ? "  ** FAILED ITS CHECK **" : "");
#ifdef TOPK_STOP
    const char* stop = "stop " TOPK_STR(TOPK_STOP);
#else
    const char* stop = "";
#endif
    char line[256];
    snprintf(line, sizeof line, "%s %-6s S=%-2d %-28s %7.1f us %5.2f TB/s %s %s%s",
             g_phase ? "phase" : "topk ", kNames[v], S, pt, ms * 1e3, tbs,
             base > 0 && v > 0 ? (std::to_string(base / ms).substr(0, 4) + "x v10").c_str() : "",
             bad || dirty ? "CHECK FAILED " : "", g_phase ? stop : "");
    g_summary.push_back(line);
  }
  cudaFree(lg);
  cudaFree(idx);
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "check";
  g_only = argc > 2 ? argv[2] : "";
  g_forceS = argc > 3 ? atoi(argv[3]) : 0;
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  g_sms = prop.multiProcessorCount;
  printf("device %s, %d SMs, mode %s\n", prop.name, g_sms, mode.c_str());
  CK(cudaFuncSetAttribute(dsa_topk, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(TopkSmem)));
  CK(cudaFuncSetAttribute(dsa_topk_gmax3, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(Gmax3Smem)));
  const int s14 = (int)sizeof(Shared14);
  for (auto f : {dsa_topk_v14, dsa_topk_v14n, dsa_topk_v14pf, dsa_topk_v14l2})
    CK(cudaFuncSetAttribute(f, cudaFuncAttributeMaxDynamicSharedMemorySize, s14));
  {
    int o10 = 0, o14 = 0;
    CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&o10, dsa_topk, THREADS, sizeof(TopkSmem)));
    CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&o14, dsa_topk_v14, THREADS, s14));
    printf("occupancy: v10 %d CTAs/SM, v14 %d CTAs/SM (smem %d B; %d expected)\n", o10, o14, s14,
           V14_CTAS_PER_SM);
  }
#ifdef TOPK_STOP
  printf("phase build: TOPK_STOP=%d (kernels end after phase %d; outputs not checked)\n", TOPK_STOP,
         TOPK_STOP);
  g_phase = true;
#endif
  if (mode == "check") {
    for (int v = 0; v < NK; v++) {
      if (!enabled(kNames[v])) continue;
      printf("(topk %s)\n", kNames[v]);
      check_cases(v);
      if (v >= 2) check_forced(v);
    }
  } else if (mode == "bench") {
    bench(32, 2, 65536, nullptr);    // 64 decode rows of 64K
    bench(64, 2, 65536, nullptr);    // 128
    bench(128, 2, 65536, nullptr);   // 256
    bench(32, 2, 131072, nullptr);   // 64 rows of 128K
    bench(64, 2, 131072, nullptr);   // 128 (the must: <= 25 us by Java's events)
    bench(128, 2, 131072, nullptr);  // 256
  } else if (mode == "sweep") {
    for (int S : {1, 2, 3, 4, 6, 8, 12, 16}) {
      g_forceS = S;
      bench(64, 2, 131072, "v14");
    }
    g_forceS = 0;
  } else if (mode == "phase") {
    bench(32, 2, 131072, nullptr);
    bench(64, 2, 131072, nullptr);
  } else if (mode == "floor") {
    Timer tm;
    for (int ctas : {128, 256, 1024}) {
      const double a = tm.median_ms([&] { empty_kernel<<<ctas, 512>>>(nullptr); });
      printf("BENCH launch floor: empty kernel %d CTAs %.1f us\n", ctas, a * 1e3);
      char line[160];
      snprintf(line, sizeof line, "launch floor (events): %4d CTAs of 512 %5.1f us", ctas, a * 1e3);
      g_summary.push_back(line);
    }
    const size_t n = 128 * (size_t)131072;
    float *lg, *sink;
    CK(cudaMalloc(&lg, n * 4));
    CK(cudaMalloc(&sink, 4096 * 4));
    fill_f32<<<4096, 256>>>(lg, n, 1, -1.f, 1.f);
    const double ms = tm.median_ms([&] { read_floor<<<4 * g_sms, 512>>>(lg, sink, n / 4); });
    const double tbs = 4.0 * n / ms / 1e9;
    printf("BENCH read floor 128 x 128K: %.1f us %.2f TB/s\n", ms * 1e3, tbs);
    char line[160];
    snprintf(line, sizeof line, "read floor 128 x 128K (64 MiB): %5.1f us %5.2f TB/s (%4.1f%%)",
             ms * 1e3, tbs, 100 * tbs / COPY_TBS);
    g_summary.push_back(line);
    cudaFree(lg);
    cudaFree(sink);
  } else {
    fprintf(stderr, "usage: topk14_bench check|bench|sweep|phase|floor [v10,gmax3,v14,...] [S]\n");
    return 2;
  }
  printf("SUMMARY %s: %s (%d failed)\n", mode.c_str(), g_fail ? "CHECKS FAILED" : "checks passed",
         g_fail);
  for (auto& s : g_summary) printf("SUMMARY %s\n", s.c_str());
  return g_fail ? 1 : 0;
}
