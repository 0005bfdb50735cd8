// Standalone check + benchmark of the sparse MLA kernels, no Java needed. Implementations:
//   v4      the shipped version 4: sm90/prefill/sparse.cu (bf16 cache) and
//   sm90/decode/sparse_fp8.cu's
//           sparse_mla_fp8_v4 (fp8 cache, each CTA dequantises every entry)
//   v4cons  diagnostics (bench only; their outputs are wrong by design), defined here: the shipped
//   v4prod  fp8 kernel with its producer stopped after the first block pair (consumers alone on
//           resident tiles), and with its consumers releasing without computing (v4's producer
//           alone). (The candidates v5 .. v12 and their diagnostics lost in rounds sdec4 .. sdec14
//           and left the sources: kernels/NOTES.md, "Third prune".)
//   v13     in sparse_fp8.cu (fp8 only; the Java default since round sdec20): sparse_mla_fp8_v13,
//           FlashMLA's consumer roles (WG0 S + softmax + P V left, WG1 P V right) with WG1 also
//           converting half the rows, WG0 releasing a block before it waits for the next (REL 1)
//           and the producer two blocks ahead (SETS 2)
//   v13prod diagnostic (bench only), defined here: v13's conversion alone (WG2 + WG1's share)
//   v13cons diagnostic (bench only), defined here: v13's consumers alone
//   v13p    candidate (driver only), defined here: v13's plain form of rounds sdec15 .. sdec19 (REL
//           0, SETS 1); v13r: REL 1, SETS 1; v13s: REL 0, SETS 2
//   v14     candidate in sparse_fp8.cu (fp8 only): sparse_mla_fp8_v14, v13's roles as a CTA pair
//           (FlashMLA's crossover: each CTA converts half of every block into both CTAs' buffers)
//   v14s1   candidate (driver only), defined here: v14 with one producer register set
//   v14prod / v14cons diagnostics (bench only), defined here: v14's conversion / consumers alone
//   v3      the previous version (dsa_sparse_mla.cu: dsa_sparse_mla_bf16_v3,
//   dsa_sparse_mla_fp8_v3_pair)
// An fp8-only implementation runs every check case with the fp8 cache (the bf16 cases' shapes too).
// One implementation per process, so a candidate that traps cannot take the others down:
//   sparse_bench check IMPL   fresh random inputs (never zeros), outputs poisoned with NaN, sizes
//                             off every tile multiple; relative L2 error against a CPU reference
//   sparse_bench bench IMPL   CUDA-event medians (2 warm-up launches, 10 samples) at the sweep's
//                             points; TFLOP/s = 2*128*(576+512)*min(visible, k) per query token
// Build (repo root, GPU machine):
//   nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I kernels/src/main/cuda \
//        kernels/src/test/cuda/sparse_bench.cu -o sparse_bench
// add -DSPARSE90_WAIT_TIMEOUT_NS=1000000000 for checks: a v4 mbarrier wait that hangs gives up
// after ~1 s (and the remaining checks are skipped).
#include <cuda_runtime.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "dsa_sparse_mla.cu"
#include "sm90/decode/sparse_fp8.cu"
#include "sm90/prefill/sparse.cu"

// The diagnostic builds (sm90s::Diag): never shipped, so defined in the driver.
extern "C" __global__ void __launch_bounds__(sm90s::THREADS, 1)
    sparse_mla_fp8_v4_consumers_alone(const __nv_bfloat16* __restrict__ q,
                                      const uint8_t* __restrict__ cache,
                                      const int* __restrict__ indices,
                                      __nv_bfloat16* __restrict__ out, int T, int P, int k,
                                      float scaleLog2) {
  sm90s::sparse_mla<true, sm90s::DIAG_CONSUMERS>({q, cache, indices, out, T, P, k, scaleLog2});
}
extern "C" __global__ void __launch_bounds__(sm90s::THREADS, 1)
    sparse_mla_fp8_v4_producer_alone(const __nv_bfloat16* __restrict__ q,
                                     const uint8_t* __restrict__ cache,
                                     const int* __restrict__ indices,
                                     __nv_bfloat16* __restrict__ out, int T, int P, int k,
                                     float scaleLog2) {
  sm90s::sparse_mla<true, sm90s::DIAG_PRODUCER>({q, cache, indices, out, T, P, k, scaleLog2});
}
// Version 13's diagnostics (driver only).
#define SPARSE_FP8_V13_DRIVER(NAME, DIAG, REL, SETS)                                              \
  extern "C" __global__ void __launch_bounds__(sm90s::v13::THREADS13, 1)                          \
      NAME(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,                \
           const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T, int P, int k, \
           float scaleLog2) {                                                                     \
    sm90s::v13::sparse_mla<DIAG, REL, SETS>({q, cache, indices, out, T, P, k, scaleLog2});        \
  }
// v13prod: the conversion alone (WG2 and WG1's share; nobody computes, buffers released once
// ready).
SPARSE_FP8_V13_DRIVER(sparse_mla_fp8_v13_producer_alone, sm90s::DIAG_PRODUCER, 1, 2)
// v13cons: the consumers alone (blocks 0 and 1 converted, later ones only re-signalled).
SPARSE_FP8_V13_DRIVER(sparse_mla_fp8_v13_consumers_alone, sm90s::DIAG_CONSUMERS, 1, 2)
// v13p: the plain form (WG0 waits for block n + 1 before it releases block n; the producer one
// block ahead); v13r: the early release alone; v13s: the two register sets alone.
SPARSE_FP8_V13_DRIVER(sparse_mla_fp8_v13p, sm90s::DIAG_NONE, 0, 1)
SPARSE_FP8_V13_DRIVER(sparse_mla_fp8_v13r, sm90s::DIAG_NONE, 1, 1)
SPARSE_FP8_V13_DRIVER(sparse_mla_fp8_v13s, sm90s::DIAG_NONE, 0, 2)
#undef SPARSE_FP8_V13_DRIVER
// Version 14 (the CTA pair on v13's roles): v14s1, one register set; v14prod / v14cons its
// conversion / consumers alone.
#define SPARSE_FP8_V14_DRIVER(NAME, DIAG, SETS)                                                    \
  extern "C" __global__ void __cluster_dims__(2, 1, 1) __launch_bounds__(sm90s::v13::THREADS13, 1) \
      NAME(const __nv_bfloat16* __restrict__ q, const uint8_t* __restrict__ cache,                 \
           const int* __restrict__ indices, __nv_bfloat16* __restrict__ out, int T, int P, int k,  \
           float scaleLog2) {                                                                      \
    sm90s::v13::sparse_mla<DIAG, 0, SETS, true>({q, cache, indices, out, T, P, k, scaleLog2});     \
  }
SPARSE_FP8_V14_DRIVER(sparse_mla_fp8_v14s1, sm90s::DIAG_NONE, 1)
SPARSE_FP8_V14_DRIVER(sparse_mla_fp8_v14_producer_alone, sm90s::DIAG_PRODUCER, 2)
SPARSE_FP8_V14_DRIVER(sparse_mla_fp8_v14_consumers_alone, sm90s::DIAG_CONSUMERS, 2)
#undef SPARSE_FP8_V14_DRIVER

#define CK(x)                                                                                \
  do {                                                                                       \
    cudaError_t e_ = (x);                                                                    \
    if (e_ != cudaSuccess) {                                                                 \
      fprintf(stderr, "%s:%d %s -> %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e_));   \
      printf("ERROR %s -> %s (the rest of this run is lost)\n", #x, cudaGetErrorString(e_)); \
      fflush(stdout);                                                                        \
      exit(3);                                                                               \
    }                                                                                        \
  } while (0)

static constexpr double BF16_CEILING = 744e12;  // measured bf16 matrix product, H200

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
__global__ void fill_bf16(__nv_bfloat16* p, size_t n, uint64_t seed, float s) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    p[i] = __float2bfloat16(unif(seed, i) * s);
}
// KV_FP8_656: 512 e4m3 over the whole e4m3 range (subnormals included), 4 scales in [0.5, 1.5]/448,
// 64 bf16 rope values in [-1, 1].
__global__ void fill_kv656(uint8_t* p, size_t tokens, uint64_t seed) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < tokens * 656;
       i += (size_t)gridDim.x * blockDim.x) {
    size_t tok = i / 656;
    int off = (int)(i % 656);
    if (off < 512) {
      p[i] = __nv_cvt_float_to_fp8(unif(seed, i) * 448.f, __NV_SATFINITE, __NV_E4M3);
    } else if (off < 528) {
      if ((off & 3) == 0) {
        float sc = (1.0f + 0.5f * unif(seed + 1, tok * 4 + (off - 512) / 4)) / 448.f;
        *reinterpret_cast<float*>(p + i) = sc;
      }
    } else if ((off & 1) == 0) {
      *reinterpret_cast<__nv_bfloat16*>(p + i) = __float2bfloat16(unif(seed + 2, i));
    }
  }
}
// Row r (token t = r % T of its sequence) sees keys 0 .. P-T+t. Rows that see at most k keys list
// them in order, -1 after (top-k's take-all rows); longer rows pick k random visible keys, with a
// -1 hole now and then when `holes`. Row `empty` (if >= 0) lists no key at all.
__global__ void fill_indices(int* idx, int rows, int T, int P, int k, uint64_t seed, int holes,
                             int empty) {
  size_t n = (size_t)rows * k;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x) {
    int r = (int)(i / k), e = (int)(i % k);
    int vis = P - T + (r % T) + 1;
    if (r == empty) {
      idx[i] = -1;
    } else if (vis <= k) {
      idx[i] = e < vis ? e : -1;
    } else {
      uint64_t h = mix(seed * 31 + i);
      idx[i] = (holes && (h % 97) == 0) ? -1 : (int)((h >> 20) % (uint64_t)vis);
    }
  }
}
#define FILL(kernel, ...)             \
  kernel<<<2048, 256>>>(__VA_ARGS__); \
  CK(cudaGetLastError())

// ---------------------------------------------------------------- host helpers
static float bf2f(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
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
static double sparse_pairs(int batch, int T, int P, int k) {
  double s = 0;
  for (int t = 0; t < T; t++) s += std::min(P - T + t + 1, k);
  return s * batch;
}

// ---------------------------------------------------------------- the implementations
enum class Kind {
  V3,
  V4,
  V4CONS,
  V4PROD,
  V13,
  V13PROD,
  V13CONS,
  V13R,
  V13S,
  V13P,
  V14,
  V14S1,
  V14PROD,
  V14CONS
};
struct Impl {
  const char* name;
  Kind kind;
  bool fp8Only;  // no bf16 form: bf16 cases and points are skipped
  bool diag;     // a diagnostic build: timed, never checked
};
static const Impl kImpls[] = {
    {"v4", Kind::V4, false, false},         {"v3", Kind::V3, false, false},
    {"v4cons", Kind::V4CONS, true, true},   {"v4prod", Kind::V4PROD, true, true},
    {"v13", Kind::V13, true, false},        {"v13prod", Kind::V13PROD, true, true},
    {"v13cons", Kind::V13CONS, true, true}, {"v13r", Kind::V13R, true, false},
    {"v13s", Kind::V13S, true, false},      {"v13p", Kind::V13P, true, false},
    {"v14", Kind::V14, true, false},        {"v14s1", Kind::V14S1, true, false},
    {"v14prod", Kind::V14PROD, true, true}, {"v14cons", Kind::V14CONS, true, true},
};
static Impl g_impl;

static int v3_smem(bool fp8) { return fp8 ? V3Smem<true>::TOTAL : V3Smem<false>::TOTAL; }

static void setup_kernels() {
  CK(cudaFuncSetAttribute(dsa_sparse_mla_bf16_v3, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          v3_smem(false)));
  CK(cudaFuncSetAttribute(dsa_sparse_mla_fp8_v3_pair, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          v3_smem(true)));
  CK(cudaFuncSetAttribute(sparse_mla_bf16_v4, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          sm90s::Layout::BYTES));
  CK(cudaFuncSetAttribute(sparse_mla_fp8_v4, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          sm90s::Layout::BYTES));
  CK(cudaFuncSetAttribute(sparse_mla_fp8_v4_consumers_alone,
                          cudaFuncAttributeMaxDynamicSharedMemorySize, sm90s::Layout::BYTES));
  CK(cudaFuncSetAttribute(sparse_mla_fp8_v4_producer_alone,
                          cudaFuncAttributeMaxDynamicSharedMemorySize, sm90s::Layout::BYTES));
  for (const void* f :
       {(const void*)sparse_mla_fp8_v13, (const void*)sparse_mla_fp8_v13_producer_alone,
        (const void*)sparse_mla_fp8_v13_consumers_alone, (const void*)sparse_mla_fp8_v13r,
        (const void*)sparse_mla_fp8_v13s, (const void*)sparse_mla_fp8_v13p,
        (const void*)sparse_mla_fp8_v14, (const void*)sparse_mla_fp8_v14s1,
        (const void*)sparse_mla_fp8_v14_producer_alone,
        (const void*)sparse_mla_fp8_v14_consumers_alone})
    CK(cudaFuncSetAttribute(f, cudaFuncAttributeMaxDynamicSharedMemorySize,
                            sm90s::v13::Layout::BYTES));
}

// How many clusters of 2 (one CTA per SM) the GPU runs at once: the pair kernel's wave size.
static void print_cluster_occupancy() {
  auto one = [](const char* name, const void* fn) {
    cudaLaunchConfig_t cfg = {};
    cfg.gridDim = dim3(2, 256);
    cfg.blockDim = dim3(sm90s::v13::THREADS13);
    cfg.dynamicSmemBytes = sm90s::v13::Layout::BYTES;
    int n = -1;
    const cudaError_t e = cudaOccupancyMaxActiveClusters(&n, fn, &cfg);
    printf("OCCUPANCY %s: %d clusters of 2 at once (%s)\n", name, n, cudaGetErrorString(e));
    cudaGetLastError();
  };
  one("sparse_mla_fp8_v14", (const void*)sparse_mla_fp8_v14);
}

// The launches the Java cuda backend makes (CudaDsaOps.sparse): grid (2 head halves, rows).
static void run_sparse(bool fp8, const __nv_bfloat16* q, const void* cache, const int* idx,
                       __nv_bfloat16* out, int batch, int T, int P, int k) {
  const float scaleLog2 = (float)(1.0 / sqrt(192.0) * 1.4426950408889634);
  dim3 grid(2, batch * T);
  const uint8_t* c8 = (const uint8_t*)cache;
  const __nv_bfloat16* c16 = (const __nv_bfloat16*)cache;
  constexpr int TH = sm90s::THREADS, SM = sm90s::Layout::BYTES;
  constexpr int TH13 = sm90s::v13::THREADS13, SM13 = sm90s::v13::Layout::BYTES;
  switch (g_impl.kind) {
    case Kind::V4:
      if (fp8)
        sparse_mla_fp8_v4<<<grid, TH, SM>>>(q, c8, idx, out, T, P, k, scaleLog2);
      else
        sparse_mla_bf16_v4<<<grid, TH, SM>>>(q, c16, idx, out, T, P, k, scaleLog2);
      break;
    case Kind::V4CONS:
      sparse_mla_fp8_v4_consumers_alone<<<grid, TH, SM>>>(q, c8, idx, out, T, P, k, scaleLog2);
      break;
    case Kind::V4PROD:
      sparse_mla_fp8_v4_producer_alone<<<grid, TH, SM>>>(q, c8, idx, out, T, P, k, scaleLog2);
      break;
    case Kind::V13:
      sparse_mla_fp8_v13<<<grid, TH13, SM13>>>(q, c8, idx, out, T, P, k, scaleLog2);
      break;
    case Kind::V13PROD:
      sparse_mla_fp8_v13_producer_alone<<<grid, TH13, SM13>>>(q, c8, idx, out, T, P, k, scaleLog2);
      break;
    case Kind::V13CONS:
      sparse_mla_fp8_v13_consumers_alone<<<grid, TH13, SM13>>>(q, c8, idx, out, T, P, k, scaleLog2);
      break;
    case Kind::V13R:
      sparse_mla_fp8_v13r<<<grid, TH13, SM13>>>(q, c8, idx, out, T, P, k, scaleLog2);
      break;
    case Kind::V13S:
      sparse_mla_fp8_v13s<<<grid, TH13, SM13>>>(q, c8, idx, out, T, P, k, scaleLog2);
      break;
    case Kind::V13P:
      sparse_mla_fp8_v13p<<<grid, TH13, SM13>>>(q, c8, idx, out, T, P, k, scaleLog2);
      break;
    case Kind::V14:
      sparse_mla_fp8_v14<<<grid, TH13, SM13>>>(q, c8, idx, out, T, P, k, scaleLog2);
      break;
    case Kind::V14S1:
      sparse_mla_fp8_v14s1<<<grid, TH13, SM13>>>(q, c8, idx, out, T, P, k, scaleLog2);
      break;
    case Kind::V14PROD:
      sparse_mla_fp8_v14_producer_alone<<<grid, TH13, SM13>>>(q, c8, idx, out, T, P, k, scaleLog2);
      break;
    case Kind::V14CONS:
      sparse_mla_fp8_v14_consumers_alone<<<grid, TH13, SM13>>>(q, c8, idx, out, T, P, k, scaleLog2);
      break;
    case Kind::V3:
      if (fp8)
        dsa_sparse_mla_fp8_v3_pair<<<grid, 256, v3_smem(true)>>>(q, c8, idx, out, T, P, k,
                                                                 scaleLog2);
      else
        dsa_sparse_mla_bf16_v3<<<grid, 256, v3_smem(false)>>>(q, c16, idx, out, T, P, k, scaleLog2);
      break;
  }
}

// ---------------------------------------------------------------- check
struct Case {
  bool fp8;
  int batch, T, P, k;
  int rowsToCheck;  // spread over all rows (all of them if >= rows)
  int empty;        // a row with no valid index (-1: none)
  const char* why;
};

static int g_fail = 0, g_checks = 0;
static bool g_hung = false;  // a check's mbarrier wait timed out: the rest are not run

static void check_case(const Case& c, uint64_t seed) {
  const size_t rows = (size_t)c.batch * c.T;
  const size_t cacheBytes = (size_t)c.batch * c.P * (c.fp8 ? 656 : 1152);
  __nv_bfloat16 *q, *out;
  void* cache;
  int* idx;
  CK(cudaMalloc(&q, rows * 128 * 576 * 2));
  CK(cudaMalloc(&out, rows * 128 * 512 * 2));
  CK(cudaMalloc(&cache, cacheBytes));
  CK(cudaMalloc(&idx, rows * c.k * 4));
  FILL(fill_bf16, q, rows * 128 * 576, seed, 1.f);
  if (c.fp8) {
    FILL(fill_kv656, (uint8_t*)cache, (size_t)c.batch * c.P, seed + 1);
  } else {
    FILL(fill_bf16, (__nv_bfloat16*)cache, (size_t)c.batch * c.P * 576, seed + 1, 1.f);
  }
  FILL(fill_indices, idx, (int)rows, c.T, c.P, c.k, seed + 2, 1, c.empty);
  CK(cudaMemset(out, 0xff, rows * 128 * 512 * 2));  // poison: bf16 NaN
#if SPARSE90_WAIT_TIMEOUT_NS > 0
  const int zero = 0;
  CK(cudaMemcpyToSymbol(sm90s::sparse90_wait_timed_out, &zero, sizeof zero));
#endif
  run_sparse(c.fp8, q, cache, idx, out, c.batch, c.T, c.P, c.k);
  CK(cudaDeviceSynchronize());
  CK(cudaGetLastError());
  bool timedOut = false;
#if SPARSE90_WAIT_TIMEOUT_NS > 0
  int flag = 0;
  CK(cudaMemcpyFromSymbol(&flag, sm90s::sparse90_wait_timed_out, sizeof flag));
  timedOut = flag != 0;
#endif
  auto hq = d2h<uint16_t>(q, rows * 128 * 576);
  auto ho = d2h<uint16_t>(out, rows * 128 * 512);
  auto hc = d2h<uint8_t>(cache, cacheBytes);
  auto hi = d2h<int>(idx, rows * c.k);

  std::vector<size_t> check;
  const int n = (int)std::min<size_t>(c.rowsToCheck, rows);
  for (int i = 0; i < n; i++) check.push_back(n == 1 ? 0 : (rows - 1) * i / (n - 1));
  if (c.empty >= 0 && std::find(check.begin(), check.end(), (size_t)c.empty) == check.end())
    check.push_back(c.empty);

  // The reference in double, one (row, head) per task on every host core.
  const double scale = 1.0 / sqrt(192.0);
  std::vector<double> num(check.size() * 128, 0.0), den(check.size() * 128, 0.0);
  std::vector<char> nan(check.size() * 128, 0);
  std::vector<std::vector<float>> ents(check.size());
  for (size_t ci = 0; ci < check.size(); ci++) {
    const size_t r = check[ci];
    const int b = (int)(r / c.T);
    auto& ent = ents[ci];
    for (int e = 0; e < c.k; e++) {
      const int id = hi[r * c.k + e];
      if (id < 0 || id >= c.P) continue;
      const size_t tok = (size_t)b * c.P + id;
      if (c.fp8) {
        const uint8_t* p = &hc[tok * 656];
        for (int d = 0; d < 512; d++) {
          float sc;
          memcpy(&sc, p + 512 + (d / 128) * 4, 4);
          ent.push_back(e4m3f(p[d]) * sc);
        }
        for (int d = 0; d < 64; d++)
          ent.push_back(bf2f((uint16_t)(p[528 + 2 * d] | (p[529 + 2 * d] << 8))));
      } else {
        for (int d = 0; d < 576; d++) {
          uint16_t v;
          memcpy(&v, &hc[tok * 1152 + d * 2], 2);
          ent.push_back(bf2f(v));
        }
      }
    }
  }
  std::atomic<int> next(0);
  auto work = [&]() {
    std::vector<double> sc, o(512);
    for (int task; (task = next++) < (int)(check.size() * 128);) {
      const size_t ci = task / 128;
      const int h = task % 128;
      const size_t r = check[ci];
      const auto& ent = ents[ci];
      const size_t ne = ent.size() / 576;
      const uint16_t* qq = &hq[(r * 128 + h) * 576];
      double qf[576];
      for (int j = 0; j < 576; j++) qf[j] = bf2f(qq[j]);
      sc.assign(ne, 0.0);
      double mx = -1e300;
      for (size_t e = 0; e < ne; e++) {
        double d = 0;
        const float* kv = &ent[e * 576];
        for (int j = 0; j < 576; j++) d += qf[j] * kv[j];
        sc[e] = d * scale;
        mx = std::max(mx, sc[e]);
      }
      double l = 0;
      std::fill(o.begin(), o.end(), 0.0);
      for (size_t e = 0; e < ne; e++) {
        const double p = exp(sc[e] - mx);
        l += p;
        const float* kv = &ent[e * 576];
        for (int j = 0; j < 512; j++) o[j] += p * kv[j];
      }
      for (int j = 0; j < 512; j++) {
        const double ref = l > 0 ? o[j] / l : 0.0;  // a row with no entry: zeros
        const double got = bf2f(ho[(r * 128 + h) * 512 + j]);
        if (std::isnan(got)) nan[task] = 1;
        num[task] += (got - ref) * (got - ref);
        den[task] += ref * ref;
      }
    }
  };
  const int nt = std::max(1u, std::min(32u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (int i = 0; i < nt; i++) pool.emplace_back(work);
  for (auto& th : pool) th.join();

  double N = 0, D = 0, worst = 0;
  long nans = 0;
  size_t worstRow = 0;
  int worstHead = 0;
  for (size_t task = 0; task < num.size(); task++) {
    N += num[task];
    D += den[task];
    nans += nan[task];
    const double e = den[task] > 0 ? sqrt(num[task] / den[task]) : sqrt(num[task]);
    if (nan[task] || e > worst) {
      worst = nan[task] ? INFINITY : e;
      worstRow = check[task / 128];
      worstHead = (int)(task % 128);
    }
  }
  const double rel = D > 0 ? sqrt(N / D) : sqrt(N);
  const bool ok = nans == 0 && rel <= 1e-2 && !std::isnan(rel) && !timedOut;
  g_hung |= timedOut;
  g_checks++;
  if (!ok) g_fail++;
  printf(
      "CHECK %s %s b=%d T=%d P=%d k=%d rows=%zu%s: rel_l2=%.3e worst(row %zu head %d)=%.3e "
      "nan_heads=%ld %s  [%s]\n",
      g_impl.name, c.fp8 ? "fp8 " : "bf16", c.batch, c.T, c.P, c.k, check.size(),
      c.empty >= 0 ? " +empty row" : "", rel, worstRow, worstHead, worst, nans,
      ok         ? "ok"
      : timedOut ? "FAIL (an mbarrier wait timed out: a hang)"
                 : "FAIL",
      c.why);
  fflush(stdout);
  cudaFree(q);
  cudaFree(out);
  cudaFree(cache);
  cudaFree(idx);
}

// Sizes off every tile multiple: positions not multiples of 64, k = 300 (an odd number of 64-entry
// blocks), k = 64 (one block: the second consumer's block is all -1), rows shorter than k (-1
// padding, trailing blocks skipped), an empty row, 1 and 2 tokens per sequence.
static const Case kCases[] = {
    {false, 1, 3, 5000, 2048, 3, -1, "prefill rows, full k"},
    {false, 1, 6, 5000, 2048, 6, 2, "prefill rows + a row with no entry"},
    {false, 1, 3, 1500, 2048, 3, -1, "rows shorter than k: -1 padding"},
    {false, 2, 2, 3000, 300, 4, -1, "k = 300: odd block count"},
    {false, 1, 4, 70, 64, 4, -1, "k = 64: one block"},
    {false, 1, 64, 100, 2048, 64, -1, "rows of 37..100 entries"},
    {false, 2, 2, 4000, 2048, 4, -1, "bf16 decode, 2 tokens"},
    {true, 3, 2, 4000, 2048, 6, -1, "fp8 decode, 2 tokens"},
    {true, 2, 1, 3001, 2048, 2, -1, "fp8 decode, 1 token"},
    {true, 1, 1, 100, 2048, 1, -1, "fp8: 100 entries of 2048"},
    {true, 2, 2, 70, 64, 4, -1, "fp8 k = 64: one block"},
    {true, 2, 1, 3000, 300, 2, -1, "fp8 k = 300"},
    {true, 1, 3, 1500, 2048, 3, 1, "fp8 short rows + a row with no entry"},
    // The decode shapes of the sweep (positions shortened so the host copy of the cache stays
    // small), and rows that are a multiple of nothing at position 1000 with -1 holes.
    {true, 64, 1, 8192, 2048, 4, -1, "fp8 decode 64x1"},
    {true, 64, 2, 8192, 2048, 4, -1, "fp8 decode 64x2"},
    {true, 128, 2, 8192, 2048, 4, 77, "fp8 decode 128x2 + a row with no entry"},
    {true, 37, 3, 1000, 300, 5, -1, "fp8 37x3 rows, p=1000, k=300"},
};

// ---------------------------------------------------------------- bench
struct Point {
  bool fp8;
  int batch, T, P, k;
  const char* what;
};
// The decode points first (what this round is about), then prefill (nothing may regress), then a
// bf16-cache decode: the same consumers fed by cp.async gathers, i.e. what decode costs when the
// producer's loads are not the bound.
static const Point kPoints[] = {
    {true, 64, 2, 32768, 2048, "decode fp8 64x2 p=32K"},
    {true, 64, 2, 131072, 2048, "decode fp8 64x2 p=128K"},
    {true, 128, 2, 32768, 2048, "decode fp8 128x2 p=32K"},
    {true, 128, 2, 131072, 2048, "decode fp8 128x2 p=128K"},
    {true, 64, 1, 32768, 2048, "decode fp8 64x1 p=32K"},
    {true, 64, 1, 131072, 2048, "decode fp8 64x1 p=128K"},
    {false, 1, 4096, 16384, 2048, "prefill n=4096 p=16K"},
    {false, 1, 4096, 131072, 2048, "prefill n=4096 p=128K"},
    {false, 64, 2, 131072, 2048, "decode bf16 64x2 p=128K"},
};

static void bench_point(const Point& pt) {
  const size_t rows = (size_t)pt.batch * pt.T;
  const size_t cacheBytes = (size_t)pt.batch * pt.P * (pt.fp8 ? 656 : 1152);
  __nv_bfloat16 *q, *out;
  void* cache;
  int* idx;
  CK(cudaMalloc(&q, rows * 128 * 576 * 2));
  CK(cudaMalloc(&out, rows * 128 * 512 * 2));
  CK(cudaMalloc(&cache, cacheBytes));
  CK(cudaMalloc(&idx, rows * pt.k * 4));
  FILL(fill_bf16, q, rows * 128 * 576, 21, 1.f);
  if (pt.fp8) {
    FILL(fill_kv656, (uint8_t*)cache, (size_t)pt.batch * pt.P, 22);
  } else {
    FILL(fill_bf16, (__nv_bfloat16*)cache, (size_t)pt.batch * pt.P * 576, 22, 1.f);
  }
  FILL(fill_indices, idx, (int)rows, pt.T, pt.P, pt.k, 23, 0, -1);
  CK(cudaDeviceSynchronize());
  cudaEvent_t e0, e1;
  CK(cudaEventCreate(&e0));
  CK(cudaEventCreate(&e1));
  for (int i = 0; i < 2; i++) run_sparse(pt.fp8, q, cache, idx, out, pt.batch, pt.T, pt.P, pt.k);
  CK(cudaDeviceSynchronize());
  CK(cudaGetLastError());
  std::vector<float> ts;
  for (int i = 0; i < 10; i++) {
    CK(cudaEventRecord(e0));
    run_sparse(pt.fp8, q, cache, idx, out, pt.batch, pt.T, pt.P, pt.k);
    CK(cudaEventRecord(e1));
    CK(cudaEventSynchronize(e1));
    float ms;
    CK(cudaEventElapsedTime(&ms, e0, e1));
    ts.push_back(ms);
  }
  CK(cudaGetLastError());
  std::sort(ts.begin(), ts.end());
  const double ms = ts[ts.size() / 2];
  const double flops = 2.0 * 128 * (576 + 512) * sparse_pairs(pt.batch, pt.T, pt.P, pt.k);
  printf("BENCH %s | %-26s | %9.4f ms | %6.1f TFLOP/s | %5.1f%% of bf16 | p10 %.4f p90 %.4f ms\n",
         g_impl.name, pt.what, ms, flops / ms / 1e9, 100.0 * flops / ms / 1e-3 / BF16_CEILING,
         ts[1], ts[8]);
  fflush(stdout);
  cudaEventDestroy(e0);
  cudaEventDestroy(e1);
  cudaFree(q);
  cudaFree(out);
  cudaFree(cache);
  cudaFree(idx);
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "check";
  const std::string impl = argc > 2 ? argv[2] : "v4";
  const Impl* found = nullptr;
  for (const Impl& i : kImpls)
    if (impl == i.name) found = &i;
  if ((mode != "check" && mode != "bench") || !found) {
    fprintf(
        stderr,
        "usage: sparse_bench check|bench v4|v3|v4cons|v4prod|v13|v13prod|v13cons|v13p|v13r|v13s|"
        "v14|"
        "v14s1|v14prod|v14cons\n");
    return 2;
  }
  g_impl = *found;
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  setup_kernels();
  printf("== %s %s on %s (%d SMs); smem v4 %d B, v3 bf16 %d B, v3 fp8 %d B\n", mode.c_str(),
         g_impl.name, prop.name, prop.multiProcessorCount, sm90s::Layout::BYTES, v3_smem(false),
         v3_smem(true));
  if (g_impl.kind == Kind::V14) print_cluster_occupancy();
  fflush(stdout);
  if (mode == "check" && g_impl.diag) {
    printf("CHECKS %s: a diagnostic build, not checked (its outputs are wrong by design)\n",
           g_impl.name);
    return 0;
  }
  if (mode == "check") {
    uint64_t seed = 100;
    for (const Case& c : kCases) {
      seed += 10;
      if (g_hung) {
        printf("CHECK %s: skipped after a hang [%s]\n", g_impl.name, c.why);
        continue;
      }
      if (g_impl.fp8Only) {  // every shape, with the fp8 cache
        Case f = c;
        f.fp8 = true;
        check_case(f, seed);
      } else {
        check_case(c, seed);
      }
    }
    printf("CHECKS %s %s: %d of %d passed\n", g_impl.name, g_fail ? "FAILED" : "passed",
           g_checks - g_fail, g_checks);
    return g_fail ? 1 : 0;
  }
  for (const Point& pt : kPoints)
    if (pt.fp8 || !g_impl.fp8Only) bench_point(pt);
  return 0;
}
