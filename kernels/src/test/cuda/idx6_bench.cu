// Standalone check + benchmark of the indexer candidates v6 / v6g / v7 / v7g
// (sm90/indexer/fp8.cu) beside today's v2 and the round-4 v5 / v5g (dsa_indexer.cu), and of top-k
// gmax (sm90/topk/gmax.cu) on the new kernels' group maxima against v2 + v10. No Java.
// Build (repo root, GPU machine; round-idx6.sh does this):
//   nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I kernels/src/main/cuda \
//        kernels/src/test/cuda/idx6_bench.cu -o idx6_bench
//   ./idx6_bench check|indexer|prefill|pipe [candidates, e.g. v6,v7g]
// Checks (fresh random inputs, never zeros; outputs NaN-poisoned; sizes off every tile multiple):
// every candidate's logits against a double-precision CPU reference on sampled keys, and bit for
// bit against v2's on every logit (the candidates keep v2's arithmetic and order); the group
// maxima bit for bit against the largest stored logit of each 8-key group. At the timed sizes the
// same two comparisons run on the GPU on every logit and every group. Top-k gmax on a candidate's
// maxima: 32 rows against a CPU nth_element. Timings: CUDA events, median of 10 after 2 warm-ups.
// Lines start with CHECK, BENCH or SUMMARY.
#include <cuda_runtime.h>

#include <algorithm>
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
// v7's grid (CudaDsaOps.indexerWaveSplitLength): the most splits that still fit one wave of
// 2 CTAs per SM.
static int split_wave(int batch, int T, int P, int perSm) {
  const int nq = nq_for(T);
  const long ctas = (long)((T + nq - 1) / nq) * batch;
  const int maxSplits = (P + 127) / 128;
  const int splits = (int)std::max<long>(1, std::min<long>(maxSplits, (long)g_sms * perSm / ctas));
  return ((P + splits - 1) / splits + 127) / 128 * 128;
}

typedef void (*Kern8)(const uint8_t*, const float*, const uint8_t*, const float*, float*, int, int,
                      int);
typedef void (*Kern9)(const uint8_t*, const float*, const uint8_t*, const float*, float*, int, int,
                      int, float*);

struct Cand {
  const char* name;
  bool gm;      // writes group maxima
  Kern8 k8[3];  // q1, q2, q4 (no-gmax kernels)
  Kern9 k9[3];  // q1, q2, q4 (gmax kernels)
  int smem[3];
  bool wave;  // v7's one-wave grid (q1, q2); q4 entries are v6's and use v2's grid
};
static const int kNqIdx[5] = {0, 0, 1, 1, 2};
static Cand g_cands[] = {
    {"v2",
     false,
     {dsa_indexer_fp8_wgmma_q1, dsa_indexer_fp8_wgmma_q2, dsa_indexer_fp8_wgmma_q4},
     {},
     {0, 0, 0},
     false},
    {"v5",
     false,
     {dsa_indexer_fp8_v5_q1, dsa_indexer_fp8_v5_q2, dsa_indexer_fp8_v5_q4},
     {},
     {0, 0, 0},
     false},
    {"v5g",
     true,
     {},
     {dsa_indexer_fp8_v5g_q1, dsa_indexer_fp8_v5g_q2, dsa_indexer_fp8_v5g_q4},
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
    {"v7",
     false,
     {dsa_indexer_fp8_v7_q1, dsa_indexer_fp8_v7_q2, dsa_indexer_fp8_v6_q4},
     {},
     {0, 0, 0},
     true},
    {"v7g",
     true,
     {},
     {dsa_indexer_fp8_v7g_q1, dsa_indexer_fp8_v7g_q2, dsa_indexer_fp8_v6g_q4},
     {0, 0, 0},
     true},
};
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
  const int v5s[3] = {read_const(dsa_indexer_fp8_v5_smem_q1),
                      read_const(dsa_indexer_fp8_v5_smem_q2),
                      read_const(dsa_indexer_fp8_v5_smem_q4)};
  const int v6s[3] = {read_const(dsa_indexer_fp8_v6_smem_q1),
                      read_const(dsa_indexer_fp8_v6_smem_q2),
                      read_const(dsa_indexer_fp8_v6_smem_q4)};
  const int v7s[3] = {read_const(dsa_indexer_fp8_v7_smem_q1),
                      read_const(dsa_indexer_fp8_v7_smem_q2), v6s[2]};
  for (int i = 0; i < 3; i++) {
    g_cands[1].smem[i] = g_cands[2].smem[i] = v5s[i];
    g_cands[3].smem[i] = g_cands[4].smem[i] = v6s[i];
    g_cands[5].smem[i] = g_cands[6].smem[i] = v7s[i];
  }
  for (Cand& c : g_cands)
    for (int i = 0; i < 3; i++) {
      const void* f = c.gm ? (const void*)c.k9[i] : (const void*)c.k8[i];
      CK(cudaFuncSetAttribute(f, cudaFuncAttributeMaxDynamicSharedMemorySize, c.smem[i]));
    }
  int o6 = 0, o7 = 0;
  CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&o6, dsa_indexer_fp8_v6g_q2, 128,
                                                   g_cands[4].smem[1]));
  CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&o7, dsa_indexer_fp8_v7g_q2, 128,
                                                   g_cands[6].smem[1]));
  printf(
      "occupancy: v6g q2 %d CTAs/SM (smem %d), v7g q2 %d CTAs/SM (smem %d); v7_ctas_per_sm export "
      "%d\n",
      o6, g_cands[4].smem[1], o7, g_cands[6].smem[1], read_const(dsa_indexer_fp8_v7_ctas_per_sm));
}

static void run(const Cand& c, const uint8_t* q, const float* w, const uint8_t* k, const float* ks,
                float* lg, int batch, int T, int P) {
  const int nq = nq_for(T), i = kNqIdx[nq];
  const bool wave = c.wave && nq <= 2;
  static const int perSm =
      read_const(dsa_indexer_fp8_v7_ctas_per_sm);  // once: not inside a timed launch
  const int splitLen = wave ? split_wave(batch, T, P, perSm) : split_v2(batch, T, P);
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

// The two stages together, as a decode step runs them: v2 + v10 (today) against each g-variant +
// gmax; gmax's output checked on 32 rows of each variant's logits first.
static void bench_pipe(int batch, int T, int P, const std::vector<std::string>& names) {
  Inputs in(batch, T, P, 21);
  const int k = 2048;
  int* idx;
  CK(cudaMalloc(&idx, in.rows * k * 4));
  Timer tm;
  char pt[64];
  snprintf(pt, sizeof pt, "b=%d T=%d P=%d", batch, T, P);
  const double msA = tm.median_ms([&] {
    run(g_cands[0], in.q, in.w, in.k, in.ks, in.lg, batch, T, P);
    dsa_topk<<<in.rows, THREADS, sizeof(TopkSmem)>>>(in.lg, idx, T, P, k);
  });
  const double topA =
      tm.median_ms([&] { dsa_topk<<<in.rows, THREADS, sizeof(TopkSmem)>>>(in.lg, idx, T, P, k); });
  printf("BENCH pipe %-22s v2+v10 %8.4f ms (v10 alone %7.4f)\n", pt, msA, topA);
  for (const std::string& n : names) {
    Cand* c = cand(n);
    if (!c || !c->gm || !enabled(n)) continue;
    const std::string label = std::string("topk gmax on ") + n + " maxima " + pt;
    run(*c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P);
    CK(cudaMemset(idx, 0x55, in.rows * k * 4));
    dsa_topk_gmax<<<in.rows, THREADS, sizeof(TopkSmem)>>>(in.lg, g_gmax, idx, T, P, k);
    const cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) {
      verdict(label, false, std::string("launch error ") + cudaGetErrorString(e));
      exit(4);
    }
    const bool ok = check_topk_rows(in, idx, k, label.c_str());
    const double top = tm.median_ms([&] {
      dsa_topk_gmax<<<in.rows, THREADS, sizeof(TopkSmem)>>>(in.lg, g_gmax, idx, T, P, k);
    });
    const double ms = tm.median_ms([&] {
      run(*c, in.q, in.w, in.k, in.ks, in.lg, batch, T, P);
      dsa_topk_gmax<<<in.rows, THREADS, sizeof(TopkSmem)>>>(in.lg, g_gmax, idx, T, P, k);
    });
    printf("BENCH pipe %-22s %s+gmax %8.4f ms (gmax alone %7.4f)  %.3fx v2+v10%s\n", pt, n.c_str(),
           ms, top, msA / ms, ok ? "" : "  ** FAILED ITS CHECK **");
    char line[256];
    snprintf(line, sizeof line,
             "pipe %-22s v2+v10 %7.4f ms | %-3s+gmax %7.4f ms (%5.3fx; top-k %6.4f vs %6.4f) %s",
             pt, msA, n.c_str(), ms, msA / ms, top, topA, ok ? "" : "CHECK FAILED");
    g_summary.push_back(line);
  }
  cudaFree(idx);
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "check";
  g_only = argc > 2 ? argv[2] : "";
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  g_sms = prop.multiProcessorCount;
  printf("device %s, %d SMs, mode %s\n", prop.name, g_sms, mode.c_str());
  setup_cands();
  CK(cudaFuncSetAttribute(dsa_topk, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(TopkSmem)));
  CK(cudaFuncSetAttribute(dsa_topk_gmax, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(TopkSmem)));
  const std::vector<std::string> all = {"v2", "v5", "v5g", "v6", "v6g", "v7", "v7g"};
  if (mode == "check") {
    for (const char* n : {"v6", "v6g", "v7", "v7g"}) {
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
    }
  } else if (mode == "indexer") {
    bench_indexer(64, 2, 131072, all);
    bench_indexer(128, 2, 131072, all);
    bench_indexer(64, 2, 32768, all);
    bench_indexer(64, 1, 131072, all);
  } else if (mode == "prefill") {
    bench_indexer(1, 4096, 131072, {"v2", "v5", "v6", "v6g"});
  } else if (mode == "pipe") {
    bench_pipe(64, 2, 131072, {"v5g", "v6g", "v7g"});
    bench_pipe(128, 2, 131072, {"v6g", "v7g"});
    bench_pipe(64, 1, 131072, {"v6g", "v7g"});
  } else {
    fprintf(stderr, "usage: idx6_bench check|indexer|prefill|pipe [v2,v5,v5g,v6,v6g,v7,v7g]\n");
    return 2;
  }
  printf("SUMMARY %s: %s (%d failed)\n", mode.c_str(), g_fail ? "CHECKS FAILED" : "checks passed",
         g_fail);
  for (auto& s : g_summary) printf("SUMMARY %s\n", s.c_str());
  return g_fail ? 1 : 0;
}
