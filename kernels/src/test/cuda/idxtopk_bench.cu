// Standalone check + benchmark of the lightning indexer and top-k candidates against today's
// kernels, no Java needed. Build (repo root, GPU machine; round-idxtopk.sh does this):
//   nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -DDSA_MBAR_TIMEOUT_NS=2000000000 \
//        -I kernels/src/main/cuda kernels/src/test/cuda/idxtopk_bench.cu -o idxtopk_bench
//   ./idxtopk_bench check|indexer|topk [candidates, e.g. v2 or v10,gmax2]
// Indexer: the wgmma v2 (dsa_indexer.cu, 3 key stages, "about 1.5 waves" split grid). Top-k: v10
// (dsa_topk.cu, one CTA per row) and gmax2 (sm90/topk/gmax.cu, guided by 8-key group maxima, here
// computed on the device from the logits: the values an indexer g variant writes). (The round-3
// candidates indexer v3 / v4 / v2w and top-k split / cluster, and the round-4 candidates indexer
// v5 / v5g and top-k gmax, lost and left the sources; kernels/NOTES.md says where they are. The
// sm90/indexer/fp8.cu indexers are checked and timed by idx7_bench.cu.)
// Checks compare with a CPU reference on fresh random inputs (never zeros), outputs poisoned
// first, sizes off every tile multiple; at the timed sizes each candidate's logits are compared
// with v2's on the GPU, and top-k results with a CPU nth_element on 32 rows of real indexer
// logits. Timings: CUDA events, median of 10 after 2 warm-ups. Every result line starts with
// CHECK, BENCH or SUMMARY.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "dsa_indexer.cu"
#include "dsa_topk.cu"
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
// The candidates a bench mode runs (argv[2], comma-separated; empty: all), so that the round
// script can time today's kernels alone when a candidate breaks the process.
static std::string g_only;
static bool enabled(const std::string& name) {
  return g_only.empty() || ("," + g_only + ",").find("," + name + ",") != std::string::npos;
}
static int g_sms = 132;
static std::vector<std::string> g_summary;

// Measured H200 ceilings (kernels/NOTES.md).
constexpr double FP8_TFLOPS = 1305, COPY_TBS = 4.08;

// ---------------------------------------------------------------- random fills (device)
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

// Sum of squared differences and of squares of b over finite entries; counts entries where one is
// NaN or where their infinities differ.
__global__ void diff_kernel(const float* a, const float* b, size_t n, double* acc,
                            unsigned long long* bad) {
  double num = 0, den = 0;
  unsigned long long nb = 0;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x) {
    const float x = a[i], y = b[i];
    if (isnan(x) || isnan(y) || isinf(x) != isinf(y) || (isinf(x) && x != y)) {
      nb++;
      continue;
    }
    if (isinf(x)) continue;
    num += (double)(x - y) * (x - y);
    den += (double)y * y;
  }
  atomicAdd(acc, num);
  atomicAdd(acc + 1, den);
  if (nb) atomicAdd(bad, nb);
}

// ---------------------------------------------------------------- host helpers
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
static bool report(const char* what, double rel, bool bad) {
  const bool ok = !bad && rel <= 1e-2;
  printf("CHECK %-60s rel_l2=%.3e %s\n", what, rel, ok ? "ok" : "FAIL");
  if (!ok) g_fail++;
  return ok;
}

struct Timer {
  cudaEvent_t a, b;
  Timer() {
    CK(cudaEventCreate(&a));
    CK(cudaEventCreate(&b));
  }
  // flush: run before each sample, outside the timed interval (e.g. evict L2).
  template <typename F, typename G>
  double median_ms(F f, G flush, int warm = 2, int reps = 10) {
    for (int i = 0; i < warm; i++) f();
    CK(cudaDeviceSynchronize());
    std::vector<float> ts;
    for (int i = 0; i < reps; i++) {
      flush();
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
  template <typename F>
  double median_ms(F f) {
    return median_ms(f, [] {});
  }
};

static double pairs(int batch, int T, int P) {
  double n = T, p = P;
  return batch * (n * (p - n + 1) + n * (n - 1) / 2.0);
}

// ---------------------------------------------------------------- indexer launches
// Today's (mirrors CudaDsaOps.indexerWgmma: 3 CTAs per SM as the split target).
static void run_indexer_v2(const uint8_t* q, const float* w, const uint8_t* k, const float* ks,
                           float* lg, int batch, int T, int P) {
  const int nq = T >= 4 ? 4 : T >= 2 ? 2 : 1;
  const int qt = (T + nq - 1) / nq;
  const long ctas = (long)qt * batch;
  const int maxSplits = (P + 127) / 128;
  const int want = (int)std::max<long>(1, (2L * (g_sms * 3 / 2) + ctas - 1) / ctas);
  int splits = std::min(maxSplits, want);
  int splitLen = ((P + splits - 1) / splits + 127) / 128 * 128;
  splits = (P + splitLen - 1) / splitLen;
  dim3 g(qt, batch, splits);
  const int smem = 1024 + nq * 8192 + 3 * 8192 + nq * 256;
  if (nq == 4)
    dsa_indexer_fp8_wgmma_q4<<<g, 128, smem>>>(q, w, k, ks, lg, T, P, splitLen);
  else if (nq == 2)
    dsa_indexer_fp8_wgmma_q2<<<g, 128, smem>>>(q, w, k, ks, lg, T, P, splitLen);
  else
    dsa_indexer_fp8_wgmma_q1<<<g, 128, smem>>>(q, w, k, ks, lg, T, P, splitLen);
}

// The group maxima top-k gmax2 reads (sized here for the launch).
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

// The 8-key group maxima of logits as the indexer stores them (all P keys, invisible ones are
// whatever the logits hold): the input of dsa_topk_gmax2 on synthetic and v2's logits.
__global__ void gmax_ref(const float* lg, float* gm, size_t rows, int P) {
  const int gs = (P + 7) / 8;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < rows * gs;
       i += (size_t)gridDim.x * blockDim.x) {
    const size_t r = i / gs;
    const int g = (int)(i % gs);
    float m = -INFINITY;
    for (int e = 0; e < 8 && 8 * g + e < P; e++) m = fmaxf(m, lg[r * P + 8 * g + e]);
    gm[i] = m;
  }
}

typedef void (*IndexerRun)(const uint8_t*, const float*, const uint8_t*, const float*, float*, int,
                           int, int);

struct IndexerCand {
  const char* name;
  IndexerRun run;
};

// ---------------------------------------------------------------- top-k launches
// dsa_topk (v10, one CTA per row) or dsa_topk_gmax2 on the group maxima in g_gmax (the caller put
// the right ones there).
enum TopkImpl { TOPK_V10, TOPK_GMAX2 };
static const char* topk_name(TopkImpl v) { return v == TOPK_GMAX2 ? "gmax2" : "v10"; }
static void run_topk(TopkImpl v, const float* lg, int* idx, int batch, int T, int P, int k) {
  const int rows = batch * T;
  if (v == TOPK_GMAX2) {
    dsa_topk_gmax2<<<rows, THREADS, sizeof(TopkSmem)>>>(lg, g_gmax, idx, T, P, k);
  } else {
    dsa_topk<<<rows, THREADS, sizeof(TopkSmem)>>>(lg, idx, T, P, k);
  }
}

// ---------------------------------------------------------------- indexer checks
// CPU reference on every key (or on `sampleKeys` spread keys per row when > 0).
static void check_indexer(IndexerRun run, const char* name, int batch, int T, int P, uint64_t seed,
                          int sampleKeys = 0) {
  const size_t rows = (size_t)batch * T;
  uint8_t *q, *k;
  float *w, *ks, *lg;
  CK(cudaMalloc(&q, rows * 8192));
  CK(cudaMalloc(&k, (size_t)batch * P * 128));
  CK(cudaMalloc(&w, rows * 256));
  CK(cudaMalloc(&ks, (size_t)batch * P * 4));
  CK(cudaMalloc(&lg, rows * P * 4));
  FILL(fill_e4m3, q, rows * 8192, seed, 448.f);
  FILL(fill_e4m3, k, (size_t)batch * P * 128, seed + 1, 448.f);
  FILL(fill_f32, w, rows * 64, seed + 2, -1.f, 1.f);
  FILL(fill_f32, ks, (size_t)batch * P, seed + 3, 0.001f, 0.01f);
  CK(cudaMemset(lg, 0xff, rows * P * 4));  // poison: NaN
  run(q, w, k, ks, lg, batch, T, P);
  cudaError_t e = cudaDeviceSynchronize();
  char label[160];
  snprintf(label, sizeof label, "indexer %s b=%d T=%d P=%d", name, batch, T, P);
  if (e != cudaSuccess) {
    printf("CHECK %-60s launch error %s FAIL\n", label, cudaGetErrorString(e));
    g_fail++;
    exit(4);  // a sticky error: later launches would fail too
  }
  auto hq = d2h<uint8_t>(q, rows * 8192);
  auto hk = d2h<uint8_t>(k, (size_t)batch * P * 128);
  auto hw = d2h<float>(w, rows * 64);
  auto hks = d2h<float>(ks, (size_t)batch * P);
  auto hl = d2h<float>(lg, rows * P);
  std::vector<float> qf(hq.size()), kf(hk.size());
  for (size_t i = 0; i < qf.size(); i++) qf[i] = e4m3f(hq[i]);
  for (size_t i = 0; i < kf.size(); i++) kf[i] = e4m3f(hk[i]);
  double num = 0, den = 0;
  bool bad = false;
  long wrongInf = 0, nanCount = 0;
  for (size_t r = 0; r < rows; r++) {
    const int b = (int)(r / T), t = (int)(r % T);
    const int nk = sampleKeys > 0 ? std::min(sampleKeys, P) : P;
    for (int c = 0; c < nk; c++) {
      const int s = sampleKeys > 0 ? (int)((long)c * (P - 1) / std::max(1, nk - 1)) : c;
      const float got = hl[r * P + s];
      if (std::isnan(got)) {
        nanCount++;
        continue;
      }
      if (s > P - T + t) {
        if (!(std::isinf(got) && got < 0)) wrongInf++;
        continue;
      }
      double acc = 0;
      for (int h = 0; h < 64; h++) {
        double d = 0;
        const float* qq = &qf[(r * 64 + h) * 128];
        const float* kk = &kf[((size_t)b * P + s) * 128];
        for (int j = 0; j < 128; j++) d += (double)qq[j] * kk[j];
        acc += hw[r * 64 + h] * std::max(d, 0.0);
      }
      acc *= hks[(size_t)b * P + s];
      if (std::isinf(got)) bad = true;
      num += (got - acc) * (got - acc);
      den += acc * acc;
    }
  }
  if (wrongInf || nanCount) {
    printf("CHECK %-60s %ld invisible logits not -inf, %ld NaN (unwritten) FAIL\n", label, wrongInf,
           nanCount);
    g_fail++;
  } else {
    report(label, den > 0 ? sqrt(num / den) : sqrt(num), bad);
  }
  cudaFree(q);
  cudaFree(k);
  cudaFree(w);
  cudaFree(ks);
  cudaFree(lg);
}

// ---------------------------------------------------------------- top-k checks
// Rows r of `logits` (host copy `hl`, vis per row) against nth_element; idx already computed.
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

// levels > 0 quantises the logits (ties, overflowing threshold bins); runs = 2 runs the kernel
// twice on the same buffers (no state may carry over from one launch to the next).
static void check_topk(TopkImpl v, int batch, int T, int P, int k, int levels, uint64_t seed,
                       int runs = 1) {
  const size_t rows = (size_t)batch * T;
  float* lg;
  int* idx;
  CK(cudaMalloc(&lg, rows * P * 4));
  CK(cudaMalloc(&idx, rows * k * 4));
  FILL(fill_f32, lg, rows * P, seed, -3.f, 5.f);
  auto hl = d2h<float>(lg, rows * P);
  if (levels > 0) {
    for (auto& x : hl) x = std::floor(x * levels) / levels;
    CK(cudaMemcpy(lg, hl.data(), hl.size() * 4, cudaMemcpyHostToDevice));
  } else if (levels < 0) {  // clustered rows: a window of 3000 keys lifted above the rest
    for (size_t r = 0; r < rows; r++) {
      const int w0 = (int)((r * 7919) % (size_t)std::max(1, P - 3000));
      for (int i = w0; i < std::min(P, w0 + 3000); i++) hl[r * P + i] += 10.f;
    }
    CK(cudaMemcpy(lg, hl.data(), hl.size() * 4, cudaMemcpyHostToDevice));
  }
  if (v == TOPK_GMAX2) {
    gmax_ref<<<1024, 256>>>(lg, ensure_gmax(rows, P), rows, P);
    CK(cudaGetLastError());
  }
  long bad = 0;
  for (int run = 0; run < runs; run++) {
    CK(cudaMemset(idx, 0x55, rows * k * 4));
    run_topk(v, lg, idx, batch, T, P, k);
    cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) {
      printf("CHECK topk %s b=%d T=%d P=%d k=%d: launch error %s FAIL\n", topk_name(v), batch, T, P,
             k, cudaGetErrorString(e));
      g_fail++;
      exit(4);
    }
    bad += bad_topk_rows(hl, d2h<int>(idx, rows * k), rows, T, P, k);
  }
  printf("CHECK topk %-8s b=%d T=%d P=%d k=%d levels=%d runs=%d%*s bad_rows=%ld %s\n", topk_name(v),
         batch, T, P, k, levels, runs, 4, "", bad, bad ? "FAIL" : "ok");
  if (bad) g_fail++;
  cudaFree(lg);
  cudaFree(idx);
}

static void check_topk_cases(TopkImpl v) {
  check_topk(v, 1, 64, 20000, 2048, 0, 6);
  check_topk(v, 3, 2, 131072, 2048, 0, 7, 2);   // decode rows, twice: counters reset
  check_topk(v, 2, 3, 5000, 2048, 4, 8);        // heavy ties
  check_topk(v, 1, 40, 2100, 2048, 0, 9);       // rows around k
  check_topk(v, 1, 4, 70001, 100, 1000, 10);    // small k, unaligned rows
  check_topk(v, 1, 2, 131072, 2048, 2, 16, 2);  // ties overflowing every buffer: the fallback
  check_topk(v, 1, 3, 40000, 2048, 64, 18);     // sampled path, ties at the threshold
  check_topk(v, 1, 48, 12001, 2048, 0, 22);     // rows 11954..12001, unaligned
  check_topk(v, 2, 5, 9001, 2048, 16, 23);      // short rows with ties
  check_topk(v, 1, 6, 32771, 2048, 0, 24);      // unaligned 32K rows
  check_topk(v, 1, 8, 131072, 512, 0, 25);      // long rows, k = 512
  check_topk(v, 3, 2, 77, 2048, 0, 26);         // all visible: -1 padding
  check_topk(v, 1, 3, 1000, 16, 0, 27);
  check_topk(v, 64, 2, 65537, 2048, 0, 28, 2);  // many rows, odd P: misaligned slices
  if (v == TOPK_GMAX2) {  // the gmax paths: aligned rows at 32K / 128K, level-2 refinement,
                          // clustered rows
    check_topk(v, 2, 2, 32768, 2048, 0, 29);     // G = 2k exactly at t = 1
    check_topk(v, 1, 3, 131072, 2048, 256, 30);  // coarse ties: many groups in the threshold bin
    check_topk(v, 2, 1, 98304, 1000, 0, 31);     // k != 2048
    check_topk(v, 2, 2, 131072, 2048, -1, 32);   // clustered winners: too many candidates
  }
}

// ---------------------------------------------------------------- benchmarks
struct IndexerInputs {
  int batch, T, P;
  size_t rows;
  uint8_t *q, *k;
  float *w, *ks, *lg;
  IndexerInputs(int b, int t, int p) : batch(b), T(t), P(p), rows((size_t)b * t) {
    CK(cudaMalloc(&q, rows * 8192));
    CK(cudaMalloc(&k, (size_t)batch * P * 128));
    CK(cudaMalloc(&w, rows * 256));
    CK(cudaMalloc(&ks, (size_t)batch * P * 4));
    CK(cudaMalloc(&lg, rows * P * 4));
    FILL(fill_e4m3, q, rows * 8192, 11, 448.f);
    FILL(fill_e4m3, k, (size_t)batch * P * 128, 12, 448.f);
    FILL(fill_f32, w, rows * 64, 13, -1.f, 1.f);
    FILL(fill_f32, ks, (size_t)batch * P, 14, 0.001f, 0.01f);
  }
  ~IndexerInputs() {
    cudaFree(q);
    cudaFree(k);
    cudaFree(w);
    cudaFree(ks);
    cudaFree(lg);
  }
};

static void print_indexer(const char* v, const char* pt, double ms, double ms2, double flops,
                          double bytes, bool ok) {
  const double tf = flops / ms / 1e9, tbs = bytes / ms / 1e9;
  const bool base = strcmp(v, "v2") == 0;
  printf(
      "BENCH indexer %-3s %-22s %9.4f ms %7.1f TFLOP/s (%4.1f%% fp8) %5.2f TB/s (%4.1f%% copy)%s\n",
      v, pt, ms, tf, 100 * tf / FP8_TFLOPS, tbs, 100 * tbs / COPY_TBS,
      ok ? "" : "  ** FAILED ITS CHECK **");
  char line[256];
  snprintf(line, sizeof line, "indexer %-3s %-22s %9.4f ms %7.1f TFLOP/s %5.2f TB/s %s %s", v, pt,
           ms, tf, tbs,
           ms2 > 0 && !base ? (std::to_string(ms2 / ms).substr(0, 4) + "x v2").c_str() : "",
           ok ? (base ? "" : "check ok") : "CHECK FAILED");
  g_summary.push_back(line);
}

// Times v2 (the candidates that were timed beside it here have left the sources).
static void bench_indexer(int batch, int T, int P) {
  IndexerInputs in(batch, T, P);
  float* ref;
  CK(cudaMalloc(&ref, in.rows * P * 4));
  Timer tm;
  const double flops = 2.0 * 64 * 128 * pairs(batch, T, P);
  // Bytes a memory-bound indexer must move: each sequence's key cache once (128 B + a 4-byte
  // scale per key) for all of its tokens, q, w, and the logits written.
  const double bytes =
      (double)batch * P * 132 + (double)in.rows * P * 4 + (double)in.rows * (8192 + 256);
  char pt[64];
  snprintf(pt, sizeof pt, "b=%d T=%d P=%d", batch, T, P);
  double ms2 = 0;
  if (enabled("v2")) {
    ms2 = tm.median_ms([&] { run_indexer_v2(in.q, in.w, in.k, in.ks, ref, batch, T, P); });
    print_indexer("v2", pt, ms2, ms2, flops, bytes, true);
  }
  cudaFree(ref);
}

// Times today's top-k and the candidates on the fp8 indexer's logits of (batch, T, P); checks
// 32 spread rows of each output. Decode rows are timed twice: as they come (the logits of the
// previous sample may sit in L2) and after a 256 MB write that evicts L2.
static void bench_topk(int batch, int T, int P, bool flushToo) {
  IndexerInputs in(batch, T, P);
  // v2's logits plus their group maxima (what a g indexer writes beside the same logits).
  run_indexer_v2(in.q, in.w, in.k, in.ks, in.lg, batch, T, P);
  gmax_ref<<<1024, 256>>>(in.lg, ensure_gmax(in.rows, P), in.rows, P);
  CK(cudaDeviceSynchronize());
  const int k = 2048;
  const size_t rows = in.rows;
  int* idx;
  CK(cudaMalloc(&idx, rows * k * 4));
  void* flushBuf;
  const size_t flushBytes = 256u << 20;
  CK(cudaMalloc(&flushBuf, flushBytes));
  const int nchk = (int)std::min<size_t>(32, rows);
  std::vector<size_t> rid(nchk);
  std::vector<float> hl((size_t)nchk * P);
  for (int c = 0; c < nchk; c++) {
    rid[c] = (rows - 1) * c / std::max(1, nchk - 1);
    CK(cudaMemcpy(&hl[(size_t)c * P], in.lg + rid[c] * P, (size_t)P * 4, cudaMemcpyDeviceToHost));
  }
  Timer tm;
  const double bytes = 4.0 * pairs(batch, T, P);
  char pt[64];
  snprintf(pt, sizeof pt, "b=%d T=%d P=%d", batch, T, P);
  double base = 0;
  for (TopkImpl v : {TOPK_V10, TOPK_GMAX2}) {
    if (!enabled(topk_name(v))) continue;
    CK(cudaMemset(idx, 0x55, rows * k * 4));
    run_topk(v, in.lg, idx, batch, T, P, k);
    cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) {
      printf("CHECK topk %s on indexer logits %s: launch error %s FAIL\n", topk_name(v), pt,
             cudaGetErrorString(e));
      g_fail++;
      exit(4);
    }
    // Each checked row on its own: its vis visible logits against the k indices it got.
    std::vector<int> hi((size_t)k);
    long bad = 0;
    for (int c = 0; c < nchk; c++) {
      CK(cudaMemcpy(hi.data(), idx + rid[c] * k, (size_t)k * 4, cudaMemcpyDeviceToHost));
      const int vis = P - T + (int)(rid[c] % T) + 1;
      std::vector<float> rv(hl.begin() + (size_t)c * P, hl.begin() + (size_t)c * P + vis);
      bad += bad_topk_rows(rv, hi, 1, 1, vis, k);
    }
    char label[128];
    snprintf(label, sizeof label, "topk %s on indexer logits %s (32 rows)", topk_name(v), pt);
    printf("CHECK %-60s bad_rows=%ld %s\n", label, bad, bad ? "FAIL" : "ok");
    if (bad) g_fail++;
    const double ms = tm.median_ms([&] { run_topk(v, in.lg, idx, batch, T, P, k); });
    double msF = 0;
    if (flushToo) {
      msF = tm.median_ms([&] { run_topk(v, in.lg, idx, batch, T, P, k); },
                         [&] { CK(cudaMemsetAsync(flushBuf, (int)v, flushBytes)); });
    }
    if (v == TOPK_V10) base = ms;
    const double tbs = bytes / ms / 1e9;
    printf("BENCH topk %-8s %-22s %9.4f ms %5.2f TB/s (%4.1f%% copy)", topk_name(v), pt, ms, tbs,
           100 * tbs / COPY_TBS);
    if (flushToo) printf("  L2 flushed: %8.4f ms %5.2f TB/s", msF, bytes / msF / 1e9);
    printf("%s\n", bad ? "  ** FAILED ITS CHECK **" : "");
    char line[256];
    snprintf(line, sizeof line, "topk %-12s %-22s %9.4f ms %5.2f TB/s %s %s", topk_name(v), pt, ms,
             tbs, base > 0 ? (std::to_string(base / ms).substr(0, 4) + "x v10").c_str() : "",
             bad ? "CHECK FAILED" : "check ok");
    if (flushToo) {
      char more[96];
      snprintf(more, sizeof more, " | L2 flushed %8.4f ms %5.2f TB/s", msF, bytes / msF / 1e9);
      strncat(line, more, sizeof line - strlen(line) - 1);
    }
    g_summary.push_back(line);
  }
  cudaFree(idx);
  cudaFree(flushBuf);
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "check";
  g_only = argc > 2 ? argv[2] : "";
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  g_sms = prop.multiProcessorCount;
  printf("device %s, %d SMs, mode %s\n", prop.name, g_sms, mode.c_str());
  CK(cudaFuncSetAttribute(dsa_indexer_fp8_wgmma_q4, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          1024 + 4 * 8192 + 3 * 8192 + 1024));
  CK(cudaFuncSetAttribute(dsa_indexer_fp8_wgmma_q2, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          1024 + 2 * 8192 + 3 * 8192 + 512));
  CK(cudaFuncSetAttribute(dsa_topk, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(TopkSmem)));
  CK(cudaFuncSetAttribute(dsa_topk_gmax2, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          (int)sizeof(TopkSmem)));
  {
    int og = 0;
    CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&og, dsa_topk_gmax2, THREADS,
                                                     sizeof(TopkSmem)));
    printf("occupancy: topk gmax2 %d CTAs/SM\n", og);
  }
  printf("smem: topk v10 / gmax2 %d\n", (int)sizeof(TopkSmem));

  if (mode == "check") {
    const IndexerCand all[] = {{"v2", run_indexer_v2}};
    for (const IndexerCand& c : all) {
      if (!enabled(c.name)) continue;
      printf("(indexer %s)\n", c.name);
      check_indexer(c.run, c.name, 3, 2, 3001, 2);          // decode, NQ = 2, partial last block
      check_indexer(c.run, c.name, 2, 1, 700, 3);           // NQ = 1
      check_indexer(c.run, c.name, 1, 77, 1000, 1);         // NQ = 4, partial q tile, -inf blocks
      check_indexer(c.run, c.name, 1, 3, 999, 17);          // T = 3
      check_indexer(c.run, c.name, 3, 2, 77, 6);            // P below one block
      check_indexer(c.run, c.name, 1, 1, 1, 7);             // one key
      check_indexer(c.run, c.name, 1, 130, 1000, 8);        // a dsabench check shape
      check_indexer(c.run, c.name, 2, 2, 70001, 9, 3000);   // long decode rows, partial last split
      check_indexer(c.run, c.name, 5, 2, 40000, 19, 2000);  // many splits
    }
    if (enabled("gmax2")) {
      printf("(topk gmax2, group maxima from the logits on the device)\n");
      check_topk_cases(TOPK_GMAX2);
    }
    if (enabled("v10")) {
      printf("(topk v10, today's, on the same checks)\n");
      check_topk_cases(TOPK_V10);
    }
  } else if (mode == "indexer") {
    bench_indexer(64, 2, 131072);
    bench_indexer(128, 2, 131072);
    bench_indexer(64, 2, 32768);
    bench_indexer(64, 1, 131072);
    bench_indexer(1, 4096, 131072);
    bench_indexer(1, 4096, 32768);
  } else if (mode == "topk") {
    bench_topk(64, 2, 131072, true);   // 128 decode rows
    bench_topk(64, 1, 131072, true);   // 64 rows
    bench_topk(128, 2, 131072, true);  // 256 rows
    bench_topk(64, 2, 32768, true);
    bench_topk(1, 4096, 32768, false);
    bench_topk(1, 4096, 131072, false);
  } else {
    fprintf(stderr, "usage: idxtopk_bench check|indexer|topk [v2,v10,gmax2]\n");
    return 2;
  }
  printf("SUMMARY %s: %s (%d failed)\n", mode.c_str(), g_fail ? "CHECKS FAILED" : "checks passed",
         g_fail);
  for (auto& s : g_summary) printf("SUMMARY %s\n", s.c_str());
  return g_fail ? 1 : 0;
}
