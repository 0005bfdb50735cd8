// Standalone check + benchmark of indexer v8 / v8g (sm90/indexer/fp8.cu: a producer warp feeding
// two consumer warpgroups through an mbarrier ring, persistent grid, TMA tensor maps) beside v2
// (dsa_indexer.cu), v6 / v6g (round idx6) and the later forms of v8 (v8h, v12b, v13bs, v14g3e),
// and of top-k gmax3 (sm90/topk/gmax.cu) on the g kernels' group maxima against v10. No Java.
// Build (repo root, GPU machine; round-idx14.sh does this; the check build adds
// -DDSA_MBAR_TIMEOUT_NS=2000000000 so a barrier bug fails a launch instead of hanging):
//   nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I kernels/src/main/cuda \
//        kernels/src/test/cuda/idx7_bench.cu -o idx7_bench
//   ./idx7_bench check|indexer|prefill|idx9|pipe3|idx12|idx13|pipe13|idx14|idx21|pipe21|pipe14|
//                idx34|pipe34|javalike (and trace, in a -DIX8_DIAG_TRACE build)
//                [candidates, e.g. v8,v8g]
// Checks (fresh random inputs, never zeros; outputs NaN-poisoned; sizes off every tile multiple):
// every candidate's logits against a double-precision CPU reference on sampled keys, and bit for
// bit against v2's on every logit (the candidates keep v2's arithmetic and order); the group
// maxima bit for bit against the largest stored logit of each 8-key group. At the timed sizes the
// same two comparisons run on the GPU on every logit and every group. Top-k gmax3 on a candidate's
// maxima: 32 rows against a CPU nth_element. Timings: CUDA events, median of 10 after 2 warm-ups.
// Lines start with CHECK, BENCH or SUMMARY.
// Round idx9: candidate v8h (v8g's maxima finished under the next item's products), mode `idx9`
// (v2 / v8 / v8g / v8h at four decode shapes, each shape timed twice in opposite orders) and mode
// `pipe3` (v8 + v10, the default decode pipe, against v8g / v8h + top-k gmax3).
// Rounds idx12 / idx13 / idx14: v12b (one 128-key TMA box per stage for both consumers), v13bs
// (v12b with the group maxima and the logits' stores by a warp of the producer warpgroup, on
// logits the consumers stage in shared memory) and v14g3e (three such maxima warps, items dealt
// round robin, the staging slot released on the stage's empty barrier), modes `idx12` / `idx13` /
// `idx14` (interleaved rounds, medians, ratios to v8 or v12b) and `pipe13` / `pipe14` (v12b + v10
// against each g form + gmax3). Round idx21: v12bp / v14pp (the consumers' products in turn),
// mode `idx21` (64 x 2 @128K, 15 rounds, each printed with its wall-clock time, to set beside
// nvidia-smi's clock samples) and `pipe21` (v14g3e / v14pp + gmax3 against v12b + v10).
// Rounds idx25-idx34: v17 (three consumer warpgroups on 192-key stages, each query's products in a
// commit group of its own, the maxima warps storing logits and maxima) and its forms v17n / v17g,
// modes `idx34` (64 x 2 @32K / @128K, 32 x 2 @128K) and `pipe34` (v17 + gmax3); a -DIX8_DIAG_TRACE
// build adds mode `trace` (SM clock stamps of each item's phases, per consumer warpgroup).
// (Rounds idx6 and idx10-idx14 also timed v5 / v5g, v7 / v7g, v9 / v9g, the ablations v8d / v9r,
// v8c / v8i / v8ci, v12p / v12g / v12pg / v12bg, v13bg and v14g3 / v14g1e / v14s3e here, and mode
// `pipe` top-k gmax; they lost and left the sources: kernels/NOTES.md.)
// Mode `javalike` times v8 at 64 x 2,
// 128K the driver's way and the way dsabench's Java harness does (CudaTimer: a hold kernel keeps
// the stream until the launch is queued, so host latency is not timed; StageMeasurement: one launch
// per sample; CudaDsaOps: the three tensor maps encoded on every call), on the driver's inputs
// (e4m3 uniform in +-448) and on the harness's (uniform in +-1, scales in [0.5, 1.5)).
#include <cuda.h>
#include <cudaTypedefs.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "dsa_indexer.cu"
#include "dsa_topk.cu"
#include "sm90/indexer/fp8.cu"
#include "sm90/topk/gmax.cu"

// Round idx21's candidates (driver only): v12b / v14g3e with their consumers' products in turn
// (indexer_v8_body's PP), through fp8.cu's own entry macros: v12bp, v14pp. (The round also timed a
// 10-stage ring, consumer maxima in turn, named-barrier "ready" for the maxima warps, v13bs in
// turn, one or two maxima warps, free barriers instead of MEMPTY, and a try_wait suspend hint;
// they lost and left: kernels/NOTES.md.)
DSA_INDEXER_V12B(v12bp, 1, true)
DSA_INDEXER_V12B(v12bp, 2, true)
DSA_INDEXER_V13(v14pp, 1, 4, 3, true, true)
DSA_INDEXER_V13(v14pp, 2, 4, 3, true, true)
// Rounds idx27-idx34's forms of v17 beside the shipped one (driver only): v17n without maxima, v17g
// with the consumers storing the logits (v14g3e's maxima warps). (The rounds also timed v12b /
// v14g3e / v17 with ReLU on the FMA pipe, one arrival per warp, four consumers, more stages, one or
// two maxima warps, v8h's maxima and the next item's products under this one's sums:
// kernels/NOTES.md.)
DSA_INDEXER_V17X(v17n, 1, IX17_SPAN, IX17_STAGES, IX_SPLIT, 0)
DSA_INDEXER_V17X(v17n, 2, IX17_SPAN, IX17_STAGES, IX_SPLIT, 0)
DSA_INDEXER_V17X(v17g, 1, IX17_SPAN, IX17_STAGES, IX_SPLIT, 4)
DSA_INDEXER_V17X(v17g, 2, IX17_SPAN, IX17_STAGES, IX_SPLIT, 4)

#define CK(x)                                                                              \
  do {                                                                                     \
    cudaError_t e_ = (x);                                                                  \
    if (e_ != cudaSuccess) {                                                               \
      fprintf(stderr, "%s:%d %s -> %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e_)); \
      exit(3);                                                                             \
    }                                                                                      \
  } while (0)

static int g_fail = 0;
static std::string g_only;
static bool enabled(const std::string& name) {
  return g_only.empty() || ("," + g_only + ",").find("," + name + ",") != std::string::npos;
}
static int g_sms = 132;
// Rounds idx23-24's diagnostic builds (-DIX8_DIAG_EPI_OFF: indexer_v8_body's head sums skipped;
// -DIX8_DIAG_EPI_HALF: the first query's only; -DIX8_DIAG_MMA_OFF: its products skipped;
// -DIX8_DIAG_STG_OFF: its logits stores skipped): bench_idx12 times their kernels although their
// logits are wrong by construction.
#if defined(IX8_DIAG_MMA_OFF) || defined(IX8_DIAG_EPI_OFF) || defined(IX8_DIAG_EPI_HALF) || \
    defined(IX8_DIAG_STG_OFF)
constexpr bool kDiagBuild = true;
#else
constexpr bool kDiagBuild = false;
#endif
static bool g_per_round = false;  // bench_idx12: print every round (mode idx21)
static std::vector<std::string> g_summary;
constexpr double FP8_TFLOPS = 1305, COPY_TBS = 4.08;  // measured H200 ceilings (KERNELS.md)

// ---------------------------------------------------------------- random fills, comparisons
__device__ uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
__device__ float unif(uint64_t seed, uint64_t i) {
  return (float)(mix(seed * 0x632be59bd9b4e019ull + i) >> 40) * (2.0f / 16777216.0f) - 1.0f;
}
__global__ void fill_f32(float* p, size_t n, uint64_t seed, float lo, float hi) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    p[i] = lo + (unif(seed, i) * 0.5f + 0.5f) * (hi - lo);
}
__global__ void fill_e4m3(uint8_t* p, size_t n, uint64_t seed, float s) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    p[i] = __nv_cvt_float_to_fp8(unif(seed, i) * s, __NV_SATFINITE, __NV_E4M3);
}
#define FILL(kernel, ...)             \
  kernel<<<2048, 256>>>(__VA_ARGS__); \
  CK(cudaGetLastError())

// Entries whose bits differ (NaN poison left unwritten counts too).
__global__ void bits_differ(const float* a, const float* b, size_t n, unsigned long long* bad) {
  unsigned long long nb = 0;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    nb += __float_as_uint(a[i]) != __float_as_uint(b[i]);
  if (nb) atomicAdd(bad, nb);
}
// Group maxima that are not exactly the largest stored logit of their 8 keys.
__global__ void gmax_wrong(const float* lg, const float* gm, size_t rows, int P,
                           unsigned long long* bad) {
  const int gs = (P + 7) / 8;
  unsigned long long nb = 0;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < rows * gs;
       i += (size_t)gridDim.x * blockDim.x) {
    const size_t r = i / gs;
    const int g = (int)(i % gs);
    float m = -INFINITY;
    for (int e = 0; e < 8 && 8 * g + e < P; e++) m = fmaxf(m, lg[r * P + 8 * g + e]);
    nb += __float_as_uint(m) != __float_as_uint(gm[i]);
  }
  if (nb) atomicAdd(bad, nb);
}
static unsigned long long count_on_gpu(const std::function<void(unsigned long long*)>& launch) {
  unsigned long long* d;
  CK(cudaMalloc(&d, 8));
  CK(cudaMemset(d, 0, 8));
  launch(d);
  CK(cudaGetLastError());
  unsigned long long h;
  CK(cudaMemcpy(&h, d, 8, cudaMemcpyDeviceToHost));
  CK(cudaFree(d));
  return h;
}

static float e4m3f(uint8_t v) {
  int s = v >> 7, e = (v >> 3) & 15, m = v & 7;
  float x = e == 0 ? ldexpf((float)m / 8.f, -6) : ldexpf(1.f + m / 8.f, e - 7);
  return s ? -x : x;
}
template <typename T>
std::vector<T> d2h(const void* d, size_t n) {
  std::vector<T> h(n);
  CK(cudaMemcpy(h.data(), d, n * sizeof(T), cudaMemcpyDeviceToHost));
  return h;
}
static void verdict(const std::string& what, bool ok, const std::string& detail) {
  printf("CHECK %-62s %s %s\n", what.c_str(), detail.c_str(), ok ? "ok" : "FAIL");
  if (!ok) g_fail++;
}

struct Timer {
  cudaEvent_t a, b;
  Timer() {
    CK(cudaEventCreate(&a));
    CK(cudaEventCreate(&b));
  }
  template <typename F>
  double median_ms(F f, int warm = 2, int reps = 10) {
    for (int i = 0; i < warm; i++) f();
    CK(cudaDeviceSynchronize());
    std::vector<float> ts;
    for (int i = 0; i < reps; i++) {
      CK(cudaEventRecord(a));
      f();
      CK(cudaEventRecord(b));
      CK(cudaEventSynchronize(b));
      float ms;
      CK(cudaEventElapsedTime(&ms, a, b));
      ts.push_back(ms);
    }
    CK(cudaGetLastError());
    std::sort(ts.begin(), ts.end());
    return ts[ts.size() / 2];
  }
};

// ---------------------------------------------------------------- launches
// Group maxima of the last g-variant launch (sized for it).
static float* g_gmax = nullptr;
static size_t g_gmax_floats = 0;
static float* ensure_gmax(size_t rows, int P) {
  const size_t n = rows * (size_t)((P + 7) / 8);
  if (n > g_gmax_floats) {
    if (g_gmax) CK(cudaFree(g_gmax));
    CK(cudaMalloc(&g_gmax, n * 4));
    g_gmax_floats = n;
  }
  return g_gmax;
}
static int nq_for(int T) { return T >= 4 ? 4 : T >= 2 ? 2 : 1; }
// v2's grid (CudaDsaOps.indexerSplitLength on 3 CTAs per SM): about two waves' worth of CTAs.
static int split_v2(int batch, int T, int P) {
  const int nq = nq_for(T);
  const long ctas = (long)((T + nq - 1) / nq) * batch;
  const int maxSplits = (P + 127) / 128;
  const int want = (int)std::max<long>(1, (2L * (g_sms * 3 / 2) + ctas - 1) / ctas);
  const int splits = std::min(maxSplits, want);
  return ((P + splits - 1) / splits + 127) / 128 * 128;
}
typedef void (*Kern8)(const uint8_t*, const float*, const uint8_t*, const float*, float*, int, int,
                      int);
typedef void (*Kern9)(const uint8_t*, const float*, const uint8_t*, const float*, float*, int, int,
                      int, float*);
typedef void (*Kern8m)(CUtensorMap, CUtensorMap, CUtensorMap, const float*, float*, int, int, int);
typedef void (*Kern9m)(CUtensorMap, CUtensorMap, CUtensorMap, const float*, float*, int, int, int,
                       float*);

struct Cand {
  const char* name;
  bool gm;      // writes group maxima
  Kern8 k8[3];  // q1, q2, q4 (no-gmax kernels)
  Kern9 k9[3];  // q1, q2, q4 (gmax kernels)
  int smem[3];
  bool persistent;  // v8: q1, q2 on tensor maps and a persistent grid; q4 entries are v6's
};
static const int kNqIdx[5] = {0, 0, 1, 1, 2};
static Cand g_cands[] = {
    {"v2",
     false,
     {dsa_indexer_fp8_wgmma_q1, dsa_indexer_fp8_wgmma_q2, dsa_indexer_fp8_wgmma_q4},
     {},
     {0, 0, 0},
     false},
    {"v6",
     false,
     {dsa_indexer_fp8_v6_q1, dsa_indexer_fp8_v6_q2, dsa_indexer_fp8_v6_q4},
     {},
     {0, 0, 0},
     false},
    {"v6g",
     true,
     {},
     {dsa_indexer_fp8_v6g_q1, dsa_indexer_fp8_v6g_q2, dsa_indexer_fp8_v6g_q4},
     {0, 0, 0},
     false},
    // v8 and its forms: k8 / k9 hold only the q4 fallback (v6's); q1 / q2 launch through g_pers.
    {"v8", false, {nullptr, nullptr, dsa_indexer_fp8_v6_q4}, {}, {0, 0, 0}, true},
    {"v8g", true, {}, {nullptr, nullptr, dsa_indexer_fp8_v6g_q4}, {0, 0, 0}, true},
    {"v8h", true, {}, {nullptr, nullptr, dsa_indexer_fp8_v6g_q4}, {0, 0, 0}, true},
    // Round idx12: one 128-key stage for both consumers.
    {"v12b", false, {nullptr, nullptr, dsa_indexer_fp8_v6_q4}, {}, {0, 0, 0}, true},
    // Rounds idx13 / idx14: v12b with the maxima (v13bs: and the logits' stores) by maxima warps.
    {"v13bs", true, {}, {nullptr, nullptr, dsa_indexer_fp8_v6g_q4}, {0, 0, 0}, true},
    {"v14g3e", true, {}, {nullptr, nullptr, dsa_indexer_fp8_v6g_q4}, {0, 0, 0}, true},
    // Round idx21: the consumers' products in turn.
    {"v12bp", false, {nullptr, nullptr, dsa_indexer_fp8_v6_q4}, {}, {0, 0, 0}, true},
    {"v14pp", true, {}, {nullptr, nullptr, dsa_indexer_fp8_v6g_q4}, {0, 0, 0}, true},
    // Rounds idx27-idx34: three consumer warpgroups (v17 shipped; v17n no maxima; v17g the
    // consumers storing the logits).
    {"v17", true, {}, {nullptr, nullptr, dsa_indexer_fp8_v6g_q4}, {0, 0, 0}, true},
    {"v17n", false, {nullptr, nullptr, dsa_indexer_fp8_v6_q4}, {}, {0, 0, 0}, true},
    {"v17g", true, {}, {nullptr, nullptr, dsa_indexer_fp8_v6g_q4}, {0, 0, 0}, true},
};
// The persistent kernels' q1 / q2 entries (v8's launch: tensor maps, one CTA per SM); span: the
// keys per stage, i.e. kMap's box (v12b, v13bs, v14g3e: 128, with the 132-float scale box).
struct Persistent {
  const char* name;
  Kern8m k[2];  // no maxima
  Kern9m g[2];  // with maxima
  const int* smem[2];
  int span;
  int smemBytes[2];
  int threads = 0;  // the launch's: v8's export, or v17's for its 192-key stages (v17, v17n, v17g)
};
static int read_const(const int& sym);
static int pers_threads(const Persistent& p) {
  return read_const(p.span == 192 ? dsa_indexer_fp8_v17_threads : dsa_indexer_fp8_v8_threads);
}
static Persistent g_pers[] = {
    {"v8",
     {dsa_indexer_fp8_v8_q1, dsa_indexer_fp8_v8_q2},
     {},
     {&dsa_indexer_fp8_v8_smem_q1, &dsa_indexer_fp8_v8_smem_q2},
     64},
    {"v8g",
     {},
     {dsa_indexer_fp8_v8g_q1, dsa_indexer_fp8_v8g_q2},
     {&dsa_indexer_fp8_v8_smem_q1, &dsa_indexer_fp8_v8_smem_q2},
     64},
    {"v8h",
     {},
     {dsa_indexer_fp8_v8h_q1, dsa_indexer_fp8_v8h_q2},
     {&dsa_indexer_fp8_v8_smem_q1, &dsa_indexer_fp8_v8_smem_q2},
     64},
    {"v12b",
     {dsa_indexer_fp8_v12b_q1, dsa_indexer_fp8_v12b_q2},
     {},
     {&dsa_indexer_fp8_v12b_smem_q1, &dsa_indexer_fp8_v12b_smem_q2},
     128},
    {"v13bs",
     {},
     {dsa_indexer_fp8_v13bs_q1, dsa_indexer_fp8_v13bs_q2},
     {&dsa_indexer_fp8_v13bs_smem_q1, &dsa_indexer_fp8_v13bs_smem_q2},
     128},
    {"v14g3e",
     {},
     {dsa_indexer_fp8_v14g3e_q1, dsa_indexer_fp8_v14g3e_q2},
     {&dsa_indexer_fp8_v14g3e_smem_q1, &dsa_indexer_fp8_v14g3e_smem_q2},
     128},
    {"v12bp",
     {dsa_indexer_fp8_v12bp_q1, dsa_indexer_fp8_v12bp_q2},
     {},
     {&dsa_indexer_fp8_v12bp_smem_q1, &dsa_indexer_fp8_v12bp_smem_q2},
     128},
    {"v14pp",
     {},
     {dsa_indexer_fp8_v14pp_q1, dsa_indexer_fp8_v14pp_q2},
     {&dsa_indexer_fp8_v14pp_smem_q1, &dsa_indexer_fp8_v14pp_smem_q2},
     128},
    {"v17",
     {},
     {dsa_indexer_fp8_v17_q1, dsa_indexer_fp8_v17_q2},
     {&dsa_indexer_fp8_v17_smem_q1, &dsa_indexer_fp8_v17_smem_q2},
     192},
    {"v17n",
     {},
     {dsa_indexer_fp8_v17n_q1, dsa_indexer_fp8_v17n_q2},
     {&dsa_indexer_fp8_v17n_smem_q1, &dsa_indexer_fp8_v17n_smem_q2},
     192},
    {"v17g",
     {},
     {dsa_indexer_fp8_v17g_q1, dsa_indexer_fp8_v17g_q2},
     {&dsa_indexer_fp8_v17g_smem_q1, &dsa_indexer_fp8_v17g_smem_q2},
     192},
};
static Persistent& pers(const char* name) {
  for (Persistent& p : g_pers)
    if (!strcmp(p.name, name)) return p;
  fprintf(stderr, "no persistent kernel %s\n", name);
  exit(3);
}
static int g_v8_smem[2], g_v8_threads, g_v8_grid_override = 0;
static Cand* cand(const std::string& n) {
  for (Cand& c : g_cands)
    if (n == c.name) return &c;
  return nullptr;
}
static int read_const(const int& sym) {
  int v;
  CK(cudaMemcpyFromSymbol(&v, sym, sizeof v));
  return v;
}
static void setup_cands() {
  for (int i = 0; i < 3; i++) {
    const int nq = 1 << i;
    g_cands[0].smem[i] = 1024 + nq * 8192 + 3 * 8192 + nq * 256;  // CudaDsaOps.wgmmaIndexerSmem
  }
  const int v6s[3] = {read_const(dsa_indexer_fp8_v6_smem_q1),
                      read_const(dsa_indexer_fp8_v6_smem_q2),
                      read_const(dsa_indexer_fp8_v6_smem_q4)};
  for (int i = 0; i < 3; i++) {
    g_cands[1].smem[i] = g_cands[2].smem[i] = v6s[i];
    for (int c = 3; c < (int)(sizeof g_cands / sizeof g_cands[0]); c++)
      g_cands[c].smem[i] = v6s[i];  // only the q4 fallback uses it
  }
  for (Cand& c : g_cands)
    for (int i = 0; i < 3; i++) {
      const void* f = c.gm ? (const void*)c.k9[i] : (const void*)c.k8[i];
      if (f) CK(cudaFuncSetAttribute(f, cudaFuncAttributeMaxDynamicSharedMemorySize, c.smem[i]));
    }
  g_v8_smem[0] = read_const(dsa_indexer_fp8_v8_smem_q1);
  g_v8_smem[1] = read_const(dsa_indexer_fp8_v8_smem_q2);
  g_v8_threads = read_const(dsa_indexer_fp8_v8_threads);
  for (Persistent& p : g_pers) {
    p.threads = pers_threads(p);
    for (int i = 0; i < 2; i++) {
      p.smemBytes[i] = read_const(*p.smem[i]);
      const void* f = p.k[i] ? (const void*)p.k[i] : (const void*)p.g[i];
      CK(cudaFuncSetAttribute(f, cudaFuncAttributeMaxDynamicSharedMemorySize, p.smemBytes[i]));
      int o = 0;
      CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&o, f, p.threads, p.smemBytes[i]));
      if (i == 1 || !strncmp(p.name, "v12", 3) || !strncmp(p.name, "v13", 3) ||
          !strncmp(p.name, "v14", 3))
        printf("occupancy: %s q%d %d CTA/SM (smem %d, span %d)\n", p.name, i + 1, o, p.smemBytes[i],
               p.span);
    }
  }
  int o8 = 0;
  CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&o8, dsa_indexer_fp8_v8g_q2, g_v8_threads,
                                                   g_v8_smem[1]));
  printf(
      "occupancy: v8g q2 %d CTAs/SM (%d threads, smem %d; q1 smem %d); v8_ctas_per_sm export %d\n",
      o8, g_v8_threads, g_v8_smem[1], g_v8_smem[0], read_const(dsa_indexer_fp8_v8_ctas_per_sm));
  int o6 = 0;
  CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&o6, dsa_indexer_fp8_v6g_q2, 128,
                                                   g_cands[2].smem[1]));
  printf("occupancy: v6g q2 %d CTAs/SM (smem %d)\n", o6, g_cands[2].smem[1]);
}

// ---------------------------------------------------------------- v8's timed-out waits
// Check build: v8 writes the first mbarrier wait that timed out into mapped host memory, which the
// host can still read after the error has ended the context.
static volatile int* g_v8_diag = nullptr;
static void setup_v8_diag() {
#ifdef DSA_MBAR_TIMEOUT_NS
  int* h = nullptr;
  CK(cudaHostAlloc((void**)&h, 8 * sizeof(int), cudaHostAllocMapped));
  memset(h, 0, 8 * sizeof(int));
  int* d = nullptr;
  CK(cudaHostGetDevicePointer((void**)&d, h, 0));
  CK(cudaMemcpyToSymbol(ix8_diag, &d, sizeof d));
  g_v8_diag = h;
#endif
}
static void report_v8_timeout() {
  static const char* const names[7] = {"?",
                                       "full (keys landed)",
                                       "empty (stage released)",
                                       "query slot landed",
                                       "empty (query slot reuse)",
                                       "staged logits ready (maxima warp)",
                                       "staging slot free (consumer)"};
  if (!g_v8_diag) return;
  if (!g_v8_diag[0]) {
    printf("v8 diag: no mbarrier wait timed out (the error is not a barrier timeout)\n");
    return;
  }
  const int kind = g_v8_diag[1];
  printf(
      "v8 diag: wait timed out on the %s barrier, stage/slot %d, phase %d (parity %d), item %d of "
      "%d, block %d, "
      "thread %d\n",
      names[kind >= 1 && kind <= 6 ? kind : 0], g_v8_diag[2], g_v8_diag[3], g_v8_diag[3] & 1,
      g_v8_diag[4], g_v8_diag[5], g_v8_diag[6], g_v8_diag[7]);
}

// ---------------------------------------------------------------- v8's tensor maps
static PFN_cuTensorMapEncodeTiled_v12000 g_encode = nullptr;
static CUtensorMap encode(CUtensorMapDataType type, void* addr, int rank, const cuuint64_t* dims,
                          const cuuint64_t* strides, const cuuint32_t* box,
                          CUtensorMapSwizzle swz) {
  if (!g_encode) {
    cudaDriverEntryPointQueryResult st;
    CK(cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", (void**)&g_encode, 12000,
                                        cudaEnableDefault, &st));
    if (st != cudaDriverEntryPointSuccess || !g_encode) {
      fprintf(stderr, "cuTensorMapEncodeTiled not found\n");
      exit(3);
    }
  }
  CUtensorMap m;
  const cuuint32_t es[3] = {1, 1, 1};
  // A rank-1 map has no strides; pass a real (ignored) array as the Java side does, not nullptr.
  const cuuint64_t no_strides[1] = {0};
  const CUresult r =
      g_encode(&m, type, rank, addr, dims, strides ? strides : no_strides, box, es,
               CU_TENSOR_MAP_INTERLEAVE_NONE, swz, CU_TENSOR_MAP_L2_PROMOTION_L2_256B,
               CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) {
    fprintf(stderr, "cuTensorMapEncodeTiled failed: %d (rank %d, dim0 %llu, box0 %u, address %p)\n",
            (int)r, rank, (unsigned long long)dims[0], box[0], addr);
    exit(3);
  }
  return m;
}
// The three maps of a launch, as CudaDsaOps.indexerV8 builds them; cached for the last shape so a
// timed launch does no host work.
struct V8Maps {
  const void *q = nullptr, *k = nullptr, *ks = nullptr;
  int batch = 0, T = 0, P = 0, span = 0;
  CUtensorMap qm, km, sm;
};
static V8Maps g_v8_maps;
static void v8_maps_invalidate() { g_v8_maps.q = nullptr; }
static const V8Maps& v8_maps(const uint8_t* q, const uint8_t* k, const float* ks, int batch, int T,
                             int P, int span = 64) {
  V8Maps& m = g_v8_maps;
  if (m.q == q && m.k == k && m.ks == ks && m.batch == batch && m.T == T && m.P == P &&
      m.span == span)
    return m;
  m.span = span;
  m.q = q;
  m.k = k;
  m.ks = ks;
  m.batch = batch;
  m.T = T;
  m.P = P;
  {  // q [rows * 64 heads, 128] e4m3, box 64 heads
    const cuuint64_t d[2] = {128, (cuuint64_t)batch * T * 64};
    const cuuint64_t st[1] = {128};
    const cuuint32_t bx[2] = {128, 64};
    m.qm =
        encode(CU_TENSOR_MAP_DATA_TYPE_UINT8, (void*)q, 2, d, st, bx, CU_TENSOR_MAP_SWIZZLE_128B);
  }
  {  // k [batch, P, 128] e4m3, box 64 keys of one sequence (v12b: 128, its export)
    static const int kbox128 = read_const(dsa_indexer_fp8_v12b_key_box);
    static const int kbox192 = read_const(dsa_indexer_fp8_v17_key_box);
    const cuuint64_t d[3] = {128, (cuuint64_t)P, (cuuint64_t)batch};
    const cuuint64_t st[2] = {128, (cuuint64_t)P * 128};
    const cuuint32_t bx[3] = {128,
                              (cuuint32_t)(span == 64    ? 64
                                           : span == 128 ? kbox128
                                                         : kbox192),
                              1};
    m.km =
        encode(CU_TENSOR_MAP_DATA_TYPE_UINT8, (void*)k, 3, d, st, bx, CU_TENSOR_MAP_SWIZZLE_128B);
  }
  {  // kScale [batch * P] fp32, box of the cubin's export (64 + 4: the kernel starts each box at a
     // 16-byte-aligned float, as TMA requires)
    static const int sbox = read_const(dsa_indexer_fp8_v8_scale_box);
    static const int sbox128 = read_const(dsa_indexer_fp8_v12b_scale_box);
    static const int sbox192 = read_const(dsa_indexer_fp8_v17_scale_box);
    const cuuint64_t d[1] = {(cuuint64_t)batch * P};
    const cuuint32_t bx[1] = {(cuuint32_t)(span == 64 ? sbox : span == 128 ? sbox128 : sbox192)};
    m.sm = encode(CU_TENSOR_MAP_DATA_TYPE_FLOAT32, (void*)ks, 1, d, nullptr, bx,
                  CU_TENSOR_MAP_SWIZZLE_NONE);
  }
  return m;
}

static void run(const Cand& c, const uint8_t* q, const float* w, const uint8_t* k, const float* ks,
                float* lg, int batch, int T, int P) {
  const int nq = nq_for(T), i = kNqIdx[nq];
  if (c.persistent && nq <= 2) {
    static const int perSm = read_const(dsa_indexer_fp8_v8_ctas_per_sm);
    const Persistent& pk = pers(c.name);
    const V8Maps& m = v8_maps(q, k, ks, batch, T, P, pk.span);
    const int grid = g_v8_grid_override > 0 ? g_v8_grid_override : g_sms * perSm;
    const int smem = pk.smemBytes[i];
    if (c.gm || !pk.k[i]) {  // v17n: v17's entry signature (a maxima pointer it never writes)
      pk.g[i]<<<grid, pk.threads, smem>>>(m.qm, m.km, m.sm, w, lg, batch, T, P,
                                          ensure_gmax((size_t)batch * T, P));
    } else {
      pk.k[i]<<<grid, pk.threads, smem>>>(m.qm, m.km, m.sm, w, lg, batch, T, P);
    }
    return;
  }
  const int splitLen = split_v2(batch, T, P);
  dim3 g((T + nq - 1) / nq, batch, (P + splitLen - 1) / splitLen);
  if (c.gm)
    c.k9[i]<<<g, 128, c.smem[i]>>>(q, w, k, ks, lg, T, P, splitLen,
                                   ensure_gmax((size_t)batch * T, P));
  else
    c.k8[i]<<<g, 128, c.smem[i]>>>(q, w, k, ks, lg, T, P, splitLen);
}

struct Inputs {
  int batch, T, P;
  size_t rows;
  uint8_t *q, *k;
  float *w, *ks, *lg, *ref;
  Inputs(int b, int t, int p, uint64_t seed) : batch(b), T(t), P(p), rows((size_t)b * t) {
    CK(cudaMalloc(&q, rows * 8192));
    CK(cudaMalloc(&k, (size_t)batch * P * 128));
    CK(cudaMalloc(&w, rows * 256));
    CK(cudaMalloc(&ks, (size_t)batch * P * 4));
    CK(cudaMalloc(&lg, rows * P * 4));
    CK(cudaMalloc(&ref, rows * P * 4));
    FILL(fill_e4m3, q, rows * 8192, seed, 448.f);
    FILL(fill_e4m3, k, (size_t)batch * P * 128, seed + 1, 448.f);
    FILL(fill_f32, w, rows * 64, seed + 2, -1.f, 1.f);
    FILL(fill_f32, ks, (size_t)batch * P, seed + 3, 0.001f, 0.01f);
    CK(cudaMemset(ref, 0xff, rows * P * 4));
    run(g_cands[0], q, w, k, ks, ref, batch, T, P);  // v2: the bit-for-bit reference
    CK(cudaDeviceSynchronize());
  }
  ~Inputs() {
    cudaFree(q);
    cudaFree(k);
    cudaFree(w);
    cudaFree(ks);
    cudaFree(lg);
    cudaFree(ref);
  }
  // Poisons the outputs, runs c once; returns false on a launch error (reported).
  bool run_poisoned(const Cand& c, const std::string& label) {
    CK(cudaMemset(lg, 0xff, rows * P * 4));
    if (c.gm) CK(cudaMemset(ensure_gmax(rows, P), 0xff, rows * ((P + 7) / 8) * 4));
    run(c, q, w, k, ks, lg, batch, T, P);
    const cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) {
      verdict(label, false, std::string("launch error ") + cudaGetErrorString(e));
      report_v8_timeout();
      exit(4);  // sticky
    }
    return true;
  }
  // Bit-for-bit against v2 and the maxima against the stored logits, on the GPU, every entry.
  bool compare(const Cand& c, const std::string& label) {
    const unsigned long long nb = count_on_gpu(
        [&](unsigned long long* d) { bits_differ<<<1024, 256>>>(lg, ref, rows * P, d); });
    bool ok = nb == 0;
    verdict(label + " logits == v2 bitwise", ok,
            std::to_string(nb) + " differ of " + std::to_string(rows * P));
    if (c.gm) {
      const unsigned long long ng = count_on_gpu(
          [&](unsigned long long* d) { gmax_wrong<<<1024, 256>>>(lg, g_gmax, rows, P, d); });
      verdict(label + " group maxima", ng == 0, std::to_string(ng) + " wrong");
      ok = ok && ng == 0;
    }
    return ok;
  }
};

// ---------------------------------------------------------------- checks
// CPU reference (double) on `sample` spread keys per row (all keys when P <= sample).
static void check_cpu(const Cand& c, int batch, int T, int P, uint64_t seed, int sample = 1200) {
  Inputs in(batch, T, P, seed);
  char label[128];
  snprintf(label, sizeof label, "indexer %s b=%d T=%d P=%d", c.name, batch, T, P);
  in.run_poisoned(c, label);
  auto hq = d2h<uint8_t>(in.q, in.rows * 8192);
  auto hk = d2h<uint8_t>(in.k, (size_t)batch * P * 128);
  auto hw = d2h<float>(in.w, in.rows * 64);
  auto hks = d2h<float>(in.ks, (size_t)batch * P);
  auto hl = d2h<float>(in.lg, in.rows * P);
  float lut[256];
  for (int i = 0; i < 256; i++) lut[i] = e4m3f((uint8_t)i);
  double num = 0, den = 0;
  long wrongInf = 0, nan = 0;
  const int nk = std::min(sample, P);
  for (size_t r = 0; r < in.rows; r++) {
    const int b = (int)(r / T), t = (int)(r % T);
    for (int ci = 0; ci < nk; ci++) {
      const int s = nk == P ? ci : (int)((long)ci * (P - 1) / std::max(1, nk - 1));
      const float got = hl[r * P + s];
      if (std::isnan(got)) {
        nan++;
        continue;
      }
      if (s > P - T + t) {
        if (!(std::isinf(got) && got < 0)) wrongInf++;
        continue;
      }
      double acc = 0;
      for (int h = 0; h < 64; h++) {
        double d = 0;
        for (int j = 0; j < 128; j++)
          d += (double)lut[hq[(r * 64 + h) * 128 + j]] * lut[hk[((size_t)b * P + s) * 128 + j]];
        acc += hw[r * 64 + h] * std::max(d, 0.0);
      }
      acc *= hks[(size_t)b * P + s];
      if (std::isinf(got)) {
        nan++;
        continue;
      }
      num += (got - acc) * (got - acc);
      den += acc * acc;
    }
  }
  const double rel = den > 0 ? sqrt(num / den) : sqrt(num);
  char detail[128];
  snprintf(detail, sizeof detail, "rel_l2=%.3e, %ld invisible not -inf, %ld NaN/inf", rel, wrongInf,
           nan);
  verdict(std::string(label) + " vs CPU", rel <= 1e-2 && !wrongInf && !nan, detail);
  in.compare(c, label);
}

// Top-k gmax on candidate c's maxima of (batch, T, P): 32 spread rows against nth_element.
static bool check_topk_rows(const Inputs& in, const int* idx, int k, const char* label) {
  const int n = (int)std::min<size_t>(32, in.rows);
  long bad = 0;
  std::vector<float> row(in.P);
  std::vector<int> hi(k);
  for (int c = 0; c < n; c++) {
    const size_t r = (in.rows - 1) * c / std::max(1, n - 1);
    const int vis = in.P - in.T + (int)(r % in.T) + 1;
    CK(cudaMemcpy(row.data(), in.lg + r * in.P, (size_t)in.P * 4, cudaMemcpyDeviceToHost));
    CK(cudaMemcpy(hi.data(), idx + r * k, (size_t)k * 4, cudaMemcpyDeviceToHost));
    std::vector<char> seen(vis, 0);
    bool ok = true;
    const int take = std::min(vis, k);
    for (int i = 0; i < k && ok; i++) {
      if (i >= take) {
        ok = hi[i] == -1;
        continue;
      }
      if (hi[i] < 0 || hi[i] >= vis || seen[hi[i]])
        ok = false;
      else
        seen[hi[i]] = 1;
    }
    if (ok && vis > k) {
      std::vector<float> v(row.begin(), row.begin() + vis);
      std::nth_element(v.begin(), v.begin() + (k - 1), v.end(), std::greater<float>());
      for (int i = 0; i < k && ok; i++) ok = row[hi[i]] >= v[k - 1];
    }
    bad += !ok;
  }
  verdict(label, bad == 0, "bad_rows=" + std::to_string(bad) + " of " + std::to_string(n));
  return bad == 0;
}

// ---------------------------------------------------------------- benchmarks
static double pairs(int batch, int T, int P) {
  double n = T, p = P;
  return batch * (n * (p - n + 1) + n * (n - 1) / 2.0);
}

static void bench_indexer(int batch, int T, int P, const std::vector<std::string>& names) {
  Inputs in(batch, T, P, 11);
  Timer tm;
  const double flops = 2.0 * 64 * 128 * pairs(batch, T, P);
  // Each sequence's key cache once (128 B + a 4-byte scale per key) for all its tokens, the logits
  // written, q and w.
  const double bytes =
      (double)batch * P * 132 + (double)in.rows * P * 4 + (double)in.rows * (8192 + 256);
  char pt[64];
  snprintf(pt, sizeof pt, "b=%d T=%d P=%d", batch, T, P);
  double base = 0;
  for (const std::string& n : names) {
    Cand* c = cand(n);
    if (!c || !enabled(n)) continue;
    const std::string label = std::string("indexer ") + n + " " + pt;
    bool ok = true;
    if (c != &g_cands[0]) {
      in.run_poisoned(*c, label);
      ok = in.compare(*c, label);
    }
    const double ms = tm.median_ms([&] { run(*c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P); });
    if (c == &g_cands[0]) base = ms;
    const double tf = flops / ms / 1e9, tbs = bytes / ms / 1e9;
    printf(
        "BENCH indexer %-4s %-22s %9.4f ms %7.1f TFLOP/s (%4.1f%% fp8) %5.2f TB/s (%4.1f%% "
        "copy)%s\n",
        n.c_str(), pt, ms, tf, 100 * tf / FP8_TFLOPS, tbs, 100 * tbs / COPY_TBS,
        ok ? "" : "  ** FAILED ITS CHECK **");
    char line[256];
    snprintf(line, sizeof line,
             "indexer %-4s %-22s %8.4f ms %6.1f TFLOP/s %5.2f TB/s (%2.0f%% copy) %5.3fx v2 %s",
             n.c_str(), pt, ms, tf, tbs, 100 * tbs / COPY_TBS, base > 0 ? base / ms : 0.0,
             ok ? "" : "CHECK FAILED");
    g_summary.push_back(line);
  }
}

// ---------------------------------------------------------------- the Java harness's way
// CudaTimer's hold kernel (fill.cu's dsa_hold_stream, re-written here): one thread spins on a flag
// in mapped host memory so that the start event, the launch and the stop event run back to back
// once the host has queued them; it gives up after 2 s (the sample then reads as failed).
__global__ void hold_stream(volatile int* flag, long long timeout_ns) {
  if (threadIdx.x != 0 || blockIdx.x != 0) return;
  unsigned long long t0, t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
  while (flag[0] == 0) {
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    if ((long long)(t - t0) > timeout_ns) {
      flag[1] = 1;
      return;
    }
  }
}

// The shipped cubin (build-cubins.sh's flags: -O3 -lineinfo), loaded and launched through the
// driver API as the Java backend does (cuModuleLoadData, cuFuncSetAttribute, cuLaunchKernel with
// the maps as by-value parameters): `javalike` times its kernels beside this binary's own when the
// environment names it (IDX11_CUBIN). Driver entry points looked up at run time (no -lcuda).
struct ShippedCubin {
  PFN_cuModuleLoadData_v2000 load = nullptr;
  PFN_cuModuleGetFunction_v2000 get = nullptr;
  PFN_cuFuncSetAttribute_v9000 attr = nullptr;
  PFN_cuLaunchKernel_v4000 launch = nullptr;
  CUmodule mod = nullptr;
  bool ok = false;
};
static ShippedCubin& shipped() {
  static ShippedCubin c;
  static bool tried = false;
  if (tried) return c;
  tried = true;
  const char* path = getenv("IDX11_CUBIN");
  if (!path || !*path) return c;
  FILE* f = fopen(path, "rb");
  if (!f) {
    printf("javalike: cannot open %s\n", path);
    return c;
  }
  std::vector<char> img;
  char buf[1 << 16];
  size_t r;
  while ((r = fread(buf, 1, sizeof buf, f)) > 0) img.insert(img.end(), buf, buf + r);
  fclose(f);
  cudaDriverEntryPointQueryResult st;
  auto entry = [&](const char* sym, void** fn) {
    CK(cudaGetDriverEntryPointByVersion(sym, fn, 12000, cudaEnableDefault, &st));
  };
  entry("cuModuleLoadData", (void**)&c.load);
  entry("cuModuleGetFunction", (void**)&c.get);
  entry("cuFuncSetAttribute", (void**)&c.attr);
  entry("cuLaunchKernel", (void**)&c.launch);
  if (!c.load || !c.get || !c.attr || !c.launch) {
    printf("javalike: a driver entry point is missing\n");
    return c;
  }
  CK(cudaFree(0));  // the runtime's primary context is current
  const CUresult e = c.load(&c.mod, img.data());
  if (e != CUDA_SUCCESS) {
    printf("javalike: cuModuleLoadData(%s) failed: %d\n", path, (int)e);
    return c;
  }
  c.ok = true;
  return c;
}
// Launches dsa_indexer_fp8_<name>_q<nq> from the shipped cubin with v8's grid, threads and shared
// memory; the maps encoded on every call (as CudaDsaOps.indexerV8 does). False when it cannot.
static bool run_shipped(const std::string& name, const uint8_t* q, const float* w, const uint8_t* k,
                        const float* ks, float* lg, int batch, int T, int P) {
  ShippedCubin& c = shipped();
  if (!c.ok) return false;
  const int nq = nq_for(T), i = kNqIdx[nq];
  if (nq > 2) return false;
  const std::string fn = "dsa_indexer_fp8_" + name + "_q" + std::to_string(nq);
  CUfunction f;
  if (c.get(&f, c.mod, fn.c_str()) != CUDA_SUCCESS) return false;
  if (c.attr(f, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, g_v8_smem[i]) != CUDA_SUCCESS)
    return false;
  v8_maps_invalidate();
  const V8Maps& m = v8_maps(q, k, ks, batch, T, P);
  CUtensorMap qm = m.qm, km = m.km, sm = m.sm;
  const float* wp = w;
  float* lp = lg;
  void* args[] = {&qm, &km, &sm, &wp, &lp, &batch, &T, &P};
  static const int perSm = read_const(dsa_indexer_fp8_v8_ctas_per_sm);
  return c.launch(f, g_sms * perSm, 1, 1, g_v8_threads, 1, 1, g_v8_smem[i], nullptr, args,
                  nullptr) == CUDA_SUCCESS;
}

// One sample as StageMeasurement.sampleSession takes it: hold, start event, the stage's issue
// (CudaDsaOps.indexerV8 encodes the three maps, then launches), stop event, release, wait.
// Median of 10 after 2 warm-ups (as median_ms).
static double java_ms(const Cand& c, const uint8_t* q, const float* w, const uint8_t* k,
                      const float* ks, float* lg, int batch, int T, int P,
                      bool fromShipped = false) {
  static int* hflag = nullptr;
  static int* dflag = nullptr;
  static cudaEvent_t a, b;
  if (!hflag) {
    CK(cudaHostAlloc(&hflag, 8, cudaHostAllocMapped | cudaHostAllocPortable));
    CK(cudaHostGetDevicePointer(&dflag, hflag, 0));
    CK(cudaEventCreate(&a));
    CK(cudaEventCreate(&b));
  }
  std::vector<float> ts;
  for (int i = 0; i < 12; i++) {
    volatile int* f = hflag;
    f[0] = 0;
    f[1] = 0;
    hold_stream<<<1, 32>>>(dflag, 2000000000LL);
    CK(cudaEventRecord(a));
    v8_maps_invalidate();  // the Java side encodes the maps on every call
    if (fromShipped) {
      if (!run_shipped(c.name, q, w, k, ks, lg, batch, T, P)) {
        f[0] = 1;
        CK(cudaDeviceSynchronize());
        return -1;
      }
    } else {
      run(c, q, w, k, ks, lg, batch, T, P);
    }
    CK(cudaEventRecord(b));
    f[0] = 1;
    CK(cudaEventSynchronize(b));
    float ms;
    CK(cudaEventElapsedTime(&ms, a, b));
    if (f[1]) printf("javalike: the hold kernel timed out\n");
    if (i >= 2) ts.push_back(ms);
  }
  std::sort(ts.begin(), ts.end());
  return ts[ts.size() / 2];
}

// v8 and the candidates at one shape, four ways: the driver's timing or the harness's, on the
// driver's inputs or on inputs filled as the harness fills them. Two passes, opposite orders.
static void bench_javalike(int batch, int T, int P, const std::vector<std::string>& names) {
  const double bytes =
      (double)batch * P * 132 + (double)batch * T * P * 4 + (double)batch * T * (8192 + 256);
  char pt[64];
  snprintf(pt, sizeof pt, "b=%d T=%d P=%d", batch, T, P);
  for (int harness_inputs = 0; harness_inputs < 2; harness_inputs++) {
    Inputs in(batch, T, P, 11);
    if (harness_inputs) {  // StageInputs: e4m3 / fp32 uniform in +-1 (scale 1), scales 0.5..1.5
      FILL(fill_e4m3, in.q, in.rows * 8192, 101, 1.f);
      FILL(fill_e4m3, in.k, (size_t)batch * P * 128, 102, 1.f);
      FILL(fill_f32, in.w, in.rows * 64, 103, -1.f, 1.f);
      FILL(fill_f32, in.ks, (size_t)batch * P, 104, 0.5f, 1.5f);
      CK(cudaDeviceSynchronize());
    }
    Timer tm;
    const char* inp = harness_inputs ? "harness-inputs" : "driver-inputs ";
    for (int pass = 0; pass < 2; pass++) {
      std::vector<std::string> order = names;
      if (pass) std::reverse(order.begin(), order.end());
      for (const std::string& n : order) {
        Cand* c = cand(n);
        if (!c || !enabled(n)) continue;
        double d, j;
        if (pass == 0) {
          d = tm.median_ms([&] { run(*c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P); });
          j = java_ms(*c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P);
        } else {
          j = java_ms(*c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P);
          d = tm.median_ms([&] { run(*c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P); });
        }
        char line[256];
        snprintf(line, sizeof line,
                 "javalike %-4s %-18s %s driver-timing %7.4f ms %5.2f TB/s | harness-timing "
                 "%7.4f ms %5.2f TB/s (%+5.1f%%)",
                 n.c_str(), pt, inp, d, bytes / d / 1e9, j, bytes / j / 1e9, 100 * (j / d - 1));
        printf("BENCH %s\n", line);
        g_summary.push_back(line);
        // The same kernel from the shipped cubin, the harness's way, checked bit for bit first.
        if (shipped().ok) {
          CK(cudaMemset(in.lg, 0xff, in.rows * P * 4));
          const bool launched = run_shipped(n, in.q, in.w, in.k, in.ks, in.lg, batch, T, P);
          const cudaError_t e = cudaDeviceSynchronize();
          if (!launched || e != cudaSuccess) {
            printf("javalike: %s from the shipped cubin did not run (%s)\n", n.c_str(),
                   cudaGetErrorString(e));
            if (e != cudaSuccess) exit(4);
            continue;
          }
          bool same = true;
          if (!harness_inputs) same = in.compare(*c, "javalike shipped-cubin " + n + " " + pt);
          const double js = java_ms(*c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P, true);
          snprintf(line, sizeof line,
                   "javalike %-4s %-18s %s shipped-cubin harness-timing %7.4f ms %5.2f TB/s "
                   "(%+5.1f%% vs driver-timing)%s",
                   n.c_str(), pt, inp, js, bytes / js / 1e9, 100 * (js / d - 1),
                   same ? "" : " CHECK FAILED");
          printf("BENCH %s\n", line);
          g_summary.push_back(line);
        }
      }
    }
  }
}

// Round idx9: the default two-token decode pipe (v8 + v10) against each g variant + gmax3 (one CTA
// per row; this driver's shapes stay within two waves, where CudaDsaOps runs gmax3 and not gmax2),
// gmax3's output checked on 32 rows first. If v8 is left out (its check failed), v2 + v10 instead.
static void bench_pipe3(int batch, int T, int P, const std::vector<std::string>& names,
                        const char* baseName = "v8") {
  Inputs in(batch, T, P, 21);
  const int k = 2048;
  int* idx;
  CK(cudaMalloc(&idx, in.rows * k * 4));
  Timer tm;
  char pt[64];
  snprintf(pt, sizeof pt, "b=%d T=%d P=%d", batch, T, P);
  const Cand& base = enabled(baseName) ? *cand(baseName) : g_cands[0];
  const double msA = tm.median_ms([&] {
    run(base, in.q, in.w, in.k, in.ks, in.lg, batch, T, P);
    dsa_topk<<<in.rows, THREADS, sizeof(TopkSmem)>>>(in.lg, idx, T, P, k);
  });
  const double topA =
      tm.median_ms([&] { dsa_topk<<<in.rows, THREADS, sizeof(TopkSmem)>>>(in.lg, idx, T, P, k); });
  printf("BENCH pipe3 %-22s %s+v10 %8.4f ms (v10 alone %7.4f)\n", pt, base.name, msA, topA);
  for (const std::string& n : names) {
    Cand* c = cand(n);
    if (!c || !c->gm || !enabled(n)) continue;
    const std::string label = std::string("topk gmax3 on ") + n + " maxima " + pt;
    run(*c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P);
    CK(cudaMemset(idx, 0x55, in.rows * k * 4));
    dsa_topk_gmax3<<<in.rows, THREADS, sizeof(Gmax3Smem)>>>(in.lg, g_gmax, idx, T, P, k);
    const cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) {
      verdict(label, false, std::string("launch error ") + cudaGetErrorString(e));
      exit(4);
    }
    const bool ok = check_topk_rows(in, idx, k, label.c_str());
    const double top = tm.median_ms([&] {
      dsa_topk_gmax3<<<in.rows, THREADS, sizeof(Gmax3Smem)>>>(in.lg, g_gmax, idx, T, P, k);
    });
    const double ix = tm.median_ms([&] { run(*c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P); });
    const double ms = tm.median_ms([&] {
      run(*c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P);
      dsa_topk_gmax3<<<in.rows, THREADS, sizeof(Gmax3Smem)>>>(in.lg, g_gmax, idx, T, P, k);
    });
    printf(
        "BENCH pipe3 %-22s %s+gmax3 %8.4f ms (indexer %7.4f, gmax3 alone %7.4f)  %.3fx %s+v10%s\n",
        pt, n.c_str(), ms, ix, top, msA / ms, base.name, ok ? "" : "  ** FAILED ITS CHECK **");
    char line[256];
    snprintf(line, sizeof line,
             "pipe3 %-22s %s+v10 %7.4f ms | %-3s+gmax3 %7.4f ms (%5.3fx; top-k %6.4f vs %6.4f) %s",
             pt, base.name, msA, n.c_str(), ms, msA / ms, top, topA, ok ? "" : "CHECK FAILED");
    g_summary.push_back(line);
  }
  cudaFree(idx);
}

// Round idx12: the candidates at one shape, R rounds, each round timing every kernel once (median
// of 10 launches after 2 warm-ups) in a rotated order (odd rounds reversed), so lease drift spreads
// over all of them; reported: each kernel's median over the rounds, its min and max, and the median
// of its per-round ratio to v8's time in the same round. Each candidate is first checked at the
// shape (every logit bit for bit v2's, every maximum exact); a failed one is not timed.
static void bench_idx12(int batch, int T, int P, const std::vector<std::string>& names, int rounds,
                        const char* ref = "v8", const char* tag = "idx12") {
  Inputs in(batch, T, P, 13);
  Timer tm;
  const double bytes =
      (double)batch * P * 132 + (double)in.rows * P * 4 + (double)in.rows * (8192 + 256);
  char pt[64];
  snprintf(pt, sizeof pt, "b=%d T=%d P=%d", batch, T, P);
  std::vector<std::string> ok;
  for (const std::string& n : names) {
    Cand* c = cand(n);
    if (!c || !enabled(n)) continue;
    const std::string label = std::string(tag) + " " + n + " " + pt;
    in.run_poisoned(*c, label);
    if (in.compare(*c, label) || kDiagBuild)
      ok.push_back(n);
    else
      printf("%s: %s left out of the timings at %s\n", tag, n.c_str(), pt);
  }
  std::vector<std::vector<double>> ms(ok.size()), ratio(ok.size());
  const auto v8it = std::find(ok.begin(), ok.end(), std::string(ref));
  const int iv8 = v8it == ok.end() ? -1 : (int)(v8it - ok.begin());
  for (int r = 0; r < rounds; r++) {
    std::vector<int> order(ok.size());
    for (size_t i = 0; i < ok.size(); i++) order[i] = (int)((i + r) % ok.size());
    if (r & 1) std::reverse(order.begin(), order.end());
    std::vector<double> t(ok.size());
    for (int i : order) {
      const Cand& c = *cand(ok[i]);
      t[i] = tm.median_ms([&] { run(c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P); });
    }
    for (size_t i = 0; i < ok.size(); i++) {
      ms[i].push_back(t[i]);
      if (iv8 >= 0) ratio[i].push_back(t[iv8] / t[i]);
    }
    if (g_per_round) {  // round idx21: each round's times with the wall clock (UTC ms of the day)
      const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count() %
                            86400000LL;
      printf("ROUND %s %s r=%02d t=%02lld:%02lld:%06.3f", tag, pt, r, now / 3600000,
             now / 60000 % 60, (now % 60000) / 1000.0);
      for (size_t i = 0; i < ok.size(); i++) printf(" %s=%.4f", ok[i].c_str(), t[i]);
      printf("\n");
    }
  }
  auto med = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
  };
  for (size_t i = 0; i < ok.size(); i++) {
    const double m = med(ms[i]);
    const double lo = *std::min_element(ms[i].begin(), ms[i].end());
    const double hi = *std::max_element(ms[i].begin(), ms[i].end());
    const double tbs = bytes / m / 1e9;
    char line[256];
    snprintf(line, sizeof line,
             "%s %-5s %-20s median %7.4f ms (min %7.4f max %7.4f, %d rounds) %5.2f TB/s "
             "(%4.1f%% copy) %5.3fx %s (paired median)",
             tag, ok[i].c_str(), pt, m, lo, hi, rounds, tbs, 100 * tbs / COPY_TBS,
             iv8 >= 0 ? med(ratio[i]) : 0.0, ref);
    printf("BENCH %s\n", line);
    g_summary.push_back(line);
  }
}

// Round idx26 (trace builds, -DIX8_DIAG_TRACE): each candidate's per-item phase stamps at 64 x 2
// @128K (thread 0 of each consumer warpgroup, of the producer and, with three consumers, of the
// first maxima warp; CTAs 0..3), as mean cycles per phase over items 33 .. n-32, and CTA 0's items
// 100..103 raw (of them, the maxima warp's own).
#ifdef IX8_DIAG_TRACE
static void trace_cands(const std::vector<std::string>& names) {
  const int batch = 64, T = 2, P = 131072;
  Inputs in(batch, T, P, 13);
  unsigned* buf = nullptr;
  const size_t words = 4 * 5 * 512 * 8;
  CK(cudaMalloc(&buf, words * 4));
  std::vector<unsigned> h(words);
  for (const std::string& n : names) {
    Cand* c = cand(n);
    if (!c || !enabled(n)) continue;
    const int nc = pers(c->name).threads / 128 - 1;  // consumer warpgroups
    unsigned* none = nullptr;
    CK(cudaMemcpyToSymbol(ix8_trace, &none, sizeof none));
    for (int i = 0; i < 3; i++) run(*c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P);
    CK(cudaMemset(buf, 0, words * 4));
    CK(cudaMemcpyToSymbol(ix8_trace, &buf, sizeof buf));
    run(*c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P);
    CK(cudaDeviceSynchronize());
    CK(cudaMemcpyToSymbol(ix8_trace, &none, sizeof none));
    CK(cudaMemcpy(h.data(), buf, words * 4, cudaMemcpyDeviceToHost));
    const int span = pers(c->name).span;
    const int items = (int)(((long long)batch * ((P + span - 1) / span) + g_sms - 1) / g_sms);
    std::vector<int> roles;
    for (int r = 0; r < nc; r++) roles.push_back(r);
    roles.push_back(4);
    if (c->gm && nc == 3) roles.push_back(3);  // the first maxima warp (its items: 0, MW, ...)
    for (int r : roles) {
      const bool mx = r == 3 && nc == 3;  // a maxima warp: every third item, 3 phases
      const int np = mx ? 3 : r < 4 ? 6 : 2, step = mx ? 3 : 1;
      double sum[8] = {}, per = 0;
      int cnt = 0;
      for (int cta = 0; cta < 4; cta++)
        for (int li = 33; li < items - 32 && li + step < 512; li += step) {
          const unsigned* t = &h[((cta * 5 + r) * 512 + li) * 8];
          const unsigned* t1 = t + 8 * step;
          for (int k = 0; k < np; k++) sum[k] += (double)(unsigned)(t[k + 1] - t[k]);
          per += (double)(unsigned)(t1[0] - t[0]);
          cnt++;
        }
      printf("TRACE %s %s%d period %.0f cycles/item (%.0f per 128 keys); phases", n.c_str(),
             mx      ? "maxima"
             : r < 4 ? "wg"
                     : "prod",
             r < 4 && !mx ? r : 0, per / cnt / step, per / cnt / step * 128 / span);
      for (int k = 0; k < np; k++) printf(" %d-%d:%.0f", k, k + 1, sum[k] / cnt);
      printf("\n");
    }
    for (int li = 100; li < 104; li++)
      for (int r : roles) {
        const bool mx = r == 3 && nc == 3;
        if (mx && li % 3 != 0) continue;  // a maxima warp stamps only its own items
        const unsigned* t = &h[(r * 512 + li) * 8];
        printf("TRACE %s raw item %d role %d:", n.c_str(), li, r);
        for (int k = 0; k < (r == 4 ? 3 : mx ? 4 : 7); k++)
          printf(" %d", (int)(t[k] - h[(0 * 512 + 100) * 8]));
        printf("\n");
      }
  }
  CK(cudaFree(buf));
}
#endif

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "check";
  g_only = argc > 2 ? argv[2] : "";
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  g_sms = prop.multiProcessorCount;
  printf("device %s, %d SMs, mode %s\n", prop.name, g_sms, mode.c_str());
  setup_cands();
  setup_v8_diag();
  CK(cudaFuncSetAttribute(dsa_topk, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(TopkSmem)));
  CK(cudaFuncSetAttribute(dsa_topk_gmax3, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(Gmax3Smem)));
  const std::vector<std::string> all = {"v2", "v6", "v6g", "v8", "v8g"};
  if (mode == "check") {
    for (const char* n : {"v6", "v6g", "v8", "v8g", "v8h", "v12b", "v13bs", "v14g3e", "v12bp",
                          "v14pp", "v17", "v17n", "v17g"}) {
      if (!enabled(n)) continue;
      const Cand& c = *cand(n);
      check_cpu(c, 3, 2, 3001, 2);          // decode, NQ = 2, partial last block
      check_cpu(c, 2, 1, 700, 3);           // NQ = 1
      check_cpu(c, 1, 77, 1000, 1, 300);    // NQ = 4, partial q tile, -inf blocks
      check_cpu(c, 1, 3, 999, 17);          // T = 3 (NQ = 2, a lone query in the last tile)
      check_cpu(c, 3, 2, 77, 6);            // P below one block
      check_cpu(c, 1, 1, 1, 7);             // one key
      check_cpu(c, 1, 130, 1000, 8, 200);   // a dsabench check shape
      check_cpu(c, 2, 2, 70001, 9, 600);    // long decode rows, partial last split
      check_cpu(c, 5, 2, 40000, 19, 400);   // many splits
      check_cpu(c, 3, 1, 131071, 23, 300);  // one-token decode, odd P
      if (!c.persistent) continue;
      // v8's schedule: tiles changing inside a CTA's share (query slots reused), more CTAs than
      // items, and small grids whose shares run over many tiles and many ring turns.
      check_cpu(c, 200, 2, 77, 29);       // 400 items over 132 CTAs: a new tile every ~2 items
      check_cpu(c, 64, 1, 130, 31);       // 3 blocks per tile, one token
      check_cpu(c, 7, 3, 4097, 37, 300);  // T = 3: the last tile's second query is past T
      g_v8_grid_override = 5;
      check_cpu(c, 9, 2, 3001, 41, 300);  // 5 CTAs: ~85 items each over 2-3 tiles, 8+ ring turns
      g_v8_grid_override = 3;
      check_cpu(c, 40, 1, 200, 43);  // 3 CTAs: ~13 tiles each, 4 blocks per tile
      check_cpu(c, 33, 2, 64, 47);   // one block per tile: every item a new tile
      g_v8_grid_override = 0;
    }
  } else if (mode == "indexer") {
    bench_indexer(64, 2, 131072, all);
    bench_indexer(128, 2, 131072, all);
    bench_indexer(64, 2, 32768, all);
    bench_indexer(64, 1, 131072, all);
  } else if (mode == "prefill") {
    bench_indexer(1, 4096, 131072, {"v2", "v6", "v6g"});
  } else if (mode == "idx9") {
    // Each shape twice, the second pass in the opposite order, so drift between launches shows.
    const std::vector<std::string> fwd = {"v2", "v8", "v8g", "v8h"},
                                   rev = {"v2", "v8h", "v8g", "v8"};
    for (const auto& sh : std::vector<std::array<int, 3>>{
             {64, 2, 131072}, {128, 2, 131072}, {64, 2, 32768}, {64, 1, 131072}}) {
      bench_indexer(sh[0], sh[1], sh[2], fwd);
      bench_indexer(sh[0], sh[1], sh[2], rev);
    }
  } else if (mode == "idx12") {
    // v8 beside v12b (one 128-key stage for both consumers); v6 and v8g for reference.
    const std::vector<std::string> names = {"v8", "v12b", "v8g", "v6"};
    for (const auto& sh : std::vector<std::array<int, 3>>{{64, 2, 131072},
                                                          {128, 2, 131072},
                                                          {64, 1, 131072},
                                                          {64, 2, 32768},
                                                          {128, 2, 32768},
                                                          {64, 1, 32768}})
      bench_idx12(sh[0], sh[1], sh[2], names, 7);
  } else if (mode == "idx13") {
    // v12b (the plain form) beside the idx13 g form; v8 for reference. Ratios to v12b.
    const std::vector<std::string> names = {"v12b", "v13bs", "v8"};
    for (const auto& sh : std::vector<std::array<int, 3>>{
             {64, 2, 131072}, {128, 2, 131072}, {64, 1, 131072}, {64, 2, 32768}})
      bench_idx12(sh[0], sh[1], sh[2], names, 7, "v12b", "idx13");
  } else if (mode == "pipe13") {
    // v12b + v10 against v13bs + gmax3.
    for (const auto& sh : std::vector<std::array<int, 3>>{{64, 2, 131072}, {64, 1, 131072}})
      bench_pipe3(sh[0], sh[1], sh[2], {"v13bs"}, "v12b");
  } else if (mode == "idx14") {
    // v12b (the plain form) beside the shipped decode g forms v13bs (one token) and v14g3e (two
    // tokens); ratios to v12b.
    const std::vector<std::string> names = {"v12b", "v13bs", "v14g3e"};
    for (const auto& sh :
         std::vector<std::array<int, 3>>{{64, 2, 131072}, {64, 1, 131072}, {64, 2, 32768}})
      bench_idx12(sh[0], sh[1], sh[2], names, 5, "v12b", "idx14");
  } else if (mode == "idx21") {
    // Round idx21: where the two-token spread comes from. 64 x 2 @128K only, 15 rounds, every
    // round printed with its wall-clock time (to set beside nvidia-smi's clock and power samples).
    // Candidates: argv[2] (default all four: v12b, v14g3e and their PP forms v12bp, v14pp).
    g_per_round = true;
    bench_idx12(64, 2, 131072, {"v12b", "v14g3e", "v12bp", "v14pp"}, 15, "v12b", "idx21");
#ifdef IX8_DIAG_TRACE
  } else if (mode == "trace") {
    trace_cands({"v12b", "v14g3e", "v17n", "v17"});
#endif
  } else if (mode == "idx34") {
    // Rounds idx25-idx34: the two-token forms at 64 x 2 @32K, 64 x 2 @128K (9 rounds, each printed
    // with its wall clock) and 32 x 2 @128K (argv[2] filters).
    const std::vector<std::string> names = {"v12b", "v12bp", "v14g3e", "v17n", "v17g", "v17"};
    bench_idx12(64, 2, 32768, names, 7, "v12b", "idx34");
    g_per_round = true;
    bench_idx12(64, 2, 131072, names, 9, "v12b", "idx34");
    g_per_round = false;
    bench_idx12(32, 2, 131072, names, 7, "v12b", "idx34");
  } else if (mode == "pipe34") {
    // Round idx34: v17 + gmax3 against v14g3e + gmax3 and v12b + v10, 64 x 2 @128K.
    bench_pipe3(64, 2, 131072, {"v14g3e", "v17"}, "v12b");
  } else if (mode == "pipe21") {
    // Round idx21: the maxima forms in turn (+ gmax3) against v12b + v10 and v14g3e + gmax3.
    bench_pipe3(64, 2, 131072, {"v14g3e", "v14pp"}, "v12b");
  } else if (mode == "pipe14") {
    bench_pipe3(64, 2, 131072, {"v13bs", "v14g3e"}, "v12b");
  } else if (mode == "javalike") {
    bench_javalike(64, 2, 131072, {"v8"});
  } else if (mode == "pipe3") {
    for (const auto& sh : std::vector<std::array<int, 3>>{
             {64, 2, 131072}, {128, 2, 131072}, {64, 2, 32768}, {64, 1, 131072}})
      bench_pipe3(sh[0], sh[1], sh[2], {"v8g", "v8h"});
  } else {
    fprintf(stderr,
            "usage: idx7_bench check|indexer|prefill|idx9|javalike|pipe3|idx12|idx13|pipe13|idx14|"
            "pipe14|idx21|pipe21|idx34|pipe34|trace (a -DIX8_DIAG_TRACE build) "
            "[v2,v6,v6g,v8,v8g,v8h,v12b,v13bs,v14g3e,v12bp,v14pp,v17,v17n,v17g]\n");
    return 2;
  }
  printf("SUMMARY %s: %s (%d failed)\n", mode.c_str(), g_fail ? "CHECKS FAILED" : "checks passed",
         g_fail);
  for (auto& s : g_summary) printf("SUMMARY %s\n", s.c_str());
  return g_fail ? 1 : 0;
}
