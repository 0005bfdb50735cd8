// Standalone driver of the MoE router (moe/router.cu) and SwiGLU + fp8 quantisation
// (moe/swiglu_quant.cu), issue 21: checks both against naive GPU references on fresh random inputs
// and poisoned outputs, then times them. No Java. Usage: moe_bench [MODE] (see main).
// The router's split choice (splits_for) is CudaMoeOps.routerSplits's; keep them in step.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "moe/router.cu"
#include "moe/swiglu_quant.cu"

#define CK(x)                                                                              \
  do {                                                                                     \
    cudaError_t e_ = (x);                                                                  \
    if (e_ != cudaSuccess) {                                                               \
      fprintf(stderr, "%s:%d %s -> %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e_)); \
      exit(3);                                                                             \
    }                                                                                      \
  } while (0)

constexpr double BF16_TFLOPS = 744.0;  // measured H200 bf16 ceiling (kernels/NOTES.md)
constexpr double COPY_TBS = 4.08;      // measured H200 copy ceiling
constexpr int HIDDEN = 7168;
static int g_fail = 0;
static int g_sms = 132;
static std::vector<std::string> g_summary;

// ---------------------------------------------------------------- fills
__device__ uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
__device__ float unif(uint64_t seed, uint64_t i) {  // [0, 1)
  return (float)(mix(seed * 0x632be59bd9b4e019ull + i) >> 40) * (1.0f / 16777216.0f);
}
__global__ void fill_bf16(__nv_bfloat16* p, size_t n, uint64_t seed, float lo, float hi) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    p[i] = __float2bfloat16_rn(lo + unif(seed, i) * (hi - lo));
}
__global__ void fill_f32(float* p, size_t n, uint64_t seed, float lo, float hi) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    p[i] = lo + unif(seed, i) * (hi - lo);
}
// SwiGLU input with the cases the quantiser must get right: per 128-block a magnitude from 2^-12
// to 2^6 (so that scales span a wide range and h / scale lands on subnormal e4m3 codes too), some
// all-zero up blocks (h = 0: scale 1), some rows with exact zeros in gate.
__global__ void fill_swiglu(__nv_bfloat16* p, int m, int width, uint64_t seed) {
  const size_t n = (size_t)m * 2 * width;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x) {
    const size_t r = i / (2 * width);
    const int c = (int)(i % (2 * width));
    const int blk = (c % width) / 128;
    const float mag = exp2f(-12.f + 18.f * unif(seed + 7, r * 4096 + blk));
    float v = mag * (2.f * unif(seed, i) - 1.f);
    if (c >= width && unif(seed + 9, r * 4096 + blk) < 0.03f) v = 0.f;  // zero up block
    if (c < width && unif(seed + 11, i) < 0.01f) v = 0.f;
    p[i] = __float2bfloat16_rn(v);
  }
}
static void fill(__nv_bfloat16* p, size_t n, uint64_t seed, float lo, float hi) {
  fill_bf16<<<1024, 256>>>(p, n, seed, lo, hi);
  CK(cudaGetLastError());
}

template <typename T>
std::vector<T> d2h(const void* d, size_t n) {
  std::vector<T> h(n);
  CK(cudaMemcpy(h.data(), d, n * sizeof(T), cudaMemcpyDeviceToHost));
  return h;
}

// ---------------------------------------------------------------- router
static int splits_for(int m, int hidden, int rows = 64) {
  const int row_blocks = (m + rows - 1) / rows;
  const int ktiles = hidden / moe_router::KTILE;
  if (row_blocks >= g_sms) return 1;
  return std::max(1, std::min(g_sms / row_blocks, ktiles / 2));
}

// The split buffers, as CudaMoeOps keeps them: zeroed once, left zero by every call.
struct RouterBufs {
  float* acc = nullptr;
  int* counters = nullptr;
  size_t acc_rows = 0, blocks = 0;
  void ensure(int m, int rows) {
    const size_t nb = (size_t)(m + rows - 1) / rows, need = nb * rows;
    if (need <= acc_rows && nb <= blocks) return;
    if (acc) CK(cudaFree(acc));
    if (counters) CK(cudaFree(counters));
    acc_rows = std::max(need, acc_rows);
    blocks = std::max(nb, blocks);
    CK(cudaMalloc(&acc, acc_rows * 256 * 4));
    CK(cudaMalloc(&counters, blocks * 4));
    CK(cudaMemset(acc, 0, acc_rows * 256 * 4));
    CK(cudaMemset(counters, 0, blocks * 4));
  }
};
static RouterBufs g_rb;

// rows: 64 (moe_router_topk, shipped) or 128 (moe_router_topk_r128, candidate).
static void launch_router(const __nv_bfloat16* x, const __nv_bfloat16* w, const float* bias,
                          float* weights, int* indices, int m, int hidden, int splits,
                          int rows = 64) {
  static bool smem_set = false;
  if (!smem_set) {
    CK(cudaFuncSetAttribute(moe_router_topk, cudaFuncAttributeMaxDynamicSharedMemorySize,
                            moe_router::Tile<64>::SMEM_BYTES));
    CK(cudaFuncSetAttribute(moe_router_topk_r128, cudaFuncAttributeMaxDynamicSharedMemorySize,
                            moe_router::Tile<128>::SMEM_BYTES));
    smem_set = true;
  }
  g_rb.ensure(m, rows);
  dim3 grid((m + rows - 1) / rows, splits);
  if (rows == 128)
    moe_router_topk_r128<<<grid, moe_router::THREADS, moe_router::Tile<128>::SMEM_BYTES>>>(
        x, w, bias, weights, indices, g_rb.acc, g_rb.counters, m, hidden);
  else
    moe_router_topk<<<grid, moe_router::THREADS, moe_router::Tile<64>::SMEM_BYTES>>>(
        x, w, bias, weights, indices, g_rb.acc, g_rb.counters, m, hidden);
}

// Reference logits in double, one warp per (row, expert).
__global__ void ref_logits(const __nv_bfloat16* x, const __nv_bfloat16* w, double* out, int m,
                           int hidden) {
  const size_t i = (blockIdx.x * (size_t)blockDim.x + threadIdx.x) / 32;
  const int lane = threadIdx.x & 31;
  if (i >= (size_t)m * 256) return;
  const int r = (int)(i / 256), e = (int)(i % 256);
  double acc = 0;
  for (int k = lane; k < hidden; k += 32)
    acc += (double)__bfloat162float(x[(size_t)r * hidden + k]) *
           (double)__bfloat162float(w[(size_t)e * hidden + k]);
  for (int off = 16; off > 0; off >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, off);
  if (lane == 0) out[i] = acc;
}

// The contract, read literally, on the host: per row the group-limited top-8 and the row's margin
// (the smallest gap in s + bias that any decision of the selection rests on).
struct RefRow {
  int idx[8];
  float wt[8];
  double margin;
};
static RefRow ref_select(const double* logit, const float* bias) {
  double s[256], v[256];
  for (int e = 0; e < 256; e++) {
    s[e] = 1.0 / (1.0 + std::exp(-logit[e]));
    v[e] = s[e] + bias[e];
  }
  double gs[8];
  for (int g = 0; g < 8; g++) {
    double a = -1e300, b = -1e300;
    for (int e = 32 * g; e < 32 * g + 32; e++) {
      if (v[e] > a) {
        b = a;
        a = v[e];
      } else if (v[e] > b) {
        b = v[e];
      }
    }
    gs[g] = a + b;
  }
  int order[8];
  for (int g = 0; g < 8; g++) order[g] = g;
  std::stable_sort(order, order + 8, [&](int p, int q) { return gs[p] > gs[q]; });
  double margin = gs[order[3]] - gs[order[4]];
  bool kept[8] = {};
  for (int i = 0; i < 4; i++) kept[order[i]] = true;
  std::vector<int> cand;
  for (int e = 0; e < 256; e++)
    if (kept[e / 32]) cand.push_back(e);
  std::stable_sort(cand.begin(), cand.end(), [&](int p, int q) { return v[p] > v[q]; });
  RefRow r;
  double sum = 0;
  for (int i = 0; i < 8; i++) {
    r.idx[i] = cand[i];
    sum += s[cand[i]];
    margin = std::min(margin, v[cand[i]] - v[cand[i + 1]]);
  }
  for (int i = 0; i < 8; i++) r.wt[i] = (float)(s[cand[i]] / sum);
  r.margin = margin;
  return r;
}

static void check_router(int m, int splits, const char* label, uint64_t seed, int rows = 64) {
  const int hidden = HIDDEN;
  __nv_bfloat16 *x, *w;
  float *bias, *weights;
  int* indices;
  double* logits;
  CK(cudaMalloc(&x, (size_t)m * hidden * 2));
  CK(cudaMalloc(&w, (size_t)256 * hidden * 2));
  CK(cudaMalloc(&bias, 256 * 4));
  CK(cudaMalloc(&weights, (size_t)m * 8 * 4));
  CK(cudaMalloc(&indices, (size_t)m * 8 * 4));
  CK(cudaMalloc(&logits, (size_t)m * 256 * 8));
#ifdef MOE_ROUTER_DEBUG_LOGITS
  float* dbg;
  CK(cudaMalloc(&dbg, (size_t)m * 256 * 4));
  CK(cudaMemcpyToSymbol(moe_router::debug_logits, &dbg, sizeof dbg));
#endif
  // Logits ~ N(0, 2): sigmoid away from saturation, so that s separates the experts.
  fill(x, (size_t)m * hidden, seed, -1.f, 1.f);
  fill(w, (size_t)256 * hidden, seed + 1, -0.07f, 0.07f);
  fill_f32<<<1, 256>>>(bias, 256, seed + 2, -0.1f, 0.1f);
  ref_logits<<<(m * 256 * 32 + 255) / 256, 256>>>(x, w, logits, m, hidden);
  CK(cudaGetLastError());
  auto h_log = d2h<double>(logits, (size_t)m * 256);
  auto h_bias = d2h<float>(bias, 256);
  std::vector<RefRow> ref(m);
  for (int r = 0; r < m; r++) ref[r] = ref_select(&h_log[(size_t)r * 256], h_bias.data());
  // Two calls: the second proves that the first left the split accumulator and counters clean.
  for (int call = 0; call < 2; call++) {
    CK(cudaMemset(weights, 0xff, (size_t)m * 8 * 4));  // NaN
    CK(cudaMemset(indices, 0xff, (size_t)m * 8 * 4));
    launch_router(x, w, bias, weights, indices, m, hidden, splits, rows);
    CK(cudaGetLastError());
    cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) {
      printf("router r%d %s m=%d splits=%d: %s\n", rows, label, m, splits, cudaGetErrorString(e));
      exit(4);
    }
    auto hw = d2h<float>(weights, (size_t)m * 8);
    auto hi = d2h<int>(indices, (size_t)m * 8);
    // End to end against the double-precision logits: informative, since where two s + bias are
    // closer than the fp32 product's error a choice may differ.
    int exact = 0, near6 = 0, near5 = 0, near4 = 0, far = 0, nan = 0;
    for (int r = 0; r < m; r++) {
      bool same = true;
      for (int j = 0; j < 8; j++) same &= hi[r * 8 + j] == ref[r].idx[j];
      for (int j = 0; j < 8; j++) nan += !(hw[r * 8 + j] == hw[r * 8 + j]);
      if (same)
        exact++;
      else if (ref[r].margin < 1e-6)
        near6++;
      else if (ref[r].margin < 1e-5)
        near5++;
      else if (ref[r].margin < 1e-4)
        near4++;
      else
        far++;
    }
#ifdef MOE_ROUTER_DEBUG_LOGITS
    // The product and the selection apart: the kernel's logits against the double ones, then the
    // contract's selection from the kernel's own logits, which the kernel must match except where
    // two s + bias are within 1e-6 (its sigmoid is a fast one, ~1e-7).
    auto kz = d2h<float>(dbg, (size_t)m * 256);
    double zerr = 0, zmax = 0;
    for (size_t i = 0; i < kz.size(); i++) {
      zerr = std::max(zerr, std::fabs((double)kz[i] - h_log[i]));
      zmax = std::max(zmax, std::fabs(h_log[i]));
    }
    int own_exact = 0, own_tie = 0, bad = 0;
    double werr = 0;
    for (int r = 0; r < m; r++) {
      std::vector<double> zr(kz.begin() + (size_t)r * 256, kz.begin() + (size_t)r * 256 + 256);
      const RefRow o = ref_select(zr.data(), h_bias.data());
      bool same = true;
      for (int j = 0; j < 8; j++) same &= hi[r * 8 + j] == o.idx[j];
      if (same) {
        own_exact++;
        for (int j = 0; j < 8; j++)
          werr = std::max(werr, (double)std::fabs(hw[r * 8 + j] - o.wt[j]));
      } else if (o.margin < 1e-6) {
        own_tie++;
      } else {
        if (bad < 3) {
          printf("  row %d margin %.3g: got", r, o.margin);
          for (int j = 0; j < 8; j++) printf(" %d", hi[r * 8 + j]);
          printf(" want");
          for (int j = 0; j < 8; j++) printf(" %d", o.idx[j]);
          printf("\n");
        }
        bad++;
      }
    }
    const bool ok = bad == 0 && nan == 0 && werr <= 1e-5 && zerr <= 1e-3 * std::max(1.0, zmax);
    if (!ok) g_fail++;
    printf(
        "router r%d %-8s m=%5d splits=%3d call %d: %s  logits max |err| %.2e (max |z| %.1f); "
        "selection from its own logits: exact %d/%d, at a tie <1e-6 %d, wrong %d, max |weight err| "
        "%.2e; NaN %d | vs double logits: exact %d, differing at margin <1e-6 %d, <1e-5 %d, "
        "<1e-4 %d, larger %d\n",
        rows, label, m, splits, call, ok ? "PASS" : "FAIL", zerr, zmax, own_exact, m, own_tie, bad,
        werr, nan, exact, near6, near5, near4, far);
#else
    const bool ok = far == 0 && nan == 0;
    if (!ok) g_fail++;
    printf(
        "router r%d %-8s m=%5d splits=%3d call %d: %s  (no debug logits in this build) vs double "
        "logits: exact %d/%d, differing at margin <1e-6 %d, <1e-5 %d, <1e-4 %d, larger %d; NaN "
        "%d\n",
        rows, label, m, splits, call, ok ? "PASS" : "FAIL", exact, m, near6, near5, near4, far,
        nan);
#endif
  }
  CK(cudaFree(x));
  CK(cudaFree(w));
  CK(cudaFree(bias));
  CK(cudaFree(weights));
  CK(cudaFree(indices));
  CK(cudaFree(logits));
#ifdef MOE_ROUTER_DEBUG_LOGITS
  float* none = nullptr;
  CK(cudaMemcpyToSymbol(moe_router::debug_logits, &none, sizeof none));
  CK(cudaFree(dbg));
#endif
}

// ---------------------------------------------------------------- SwiGLU + quantisation
// e4m3 (fn: no infinities, 0x7f NaN, largest 448) by hand, round to nearest even, saturating:
// written from the format's definition, independently of the conversion the kernel uses.
__device__ uint8_t e4m3_rne_sat(float v) {
  const uint8_t sign = signbit(v) ? 0x80 : 0;
  float f = fabsf(v);
  if (f >= 464.f) return sign | 0x7e;  // halfway 448..480 and above: saturate (480 is no code)
  int ex;
  frexpf(f, &ex);  // f = mant * 2^ex, mant in [0.5, 1)
  int e = ex - 1;  // f in [2^e, 2^(e+1))
  uint32_t bits;
  if (f == 0.f) {
    bits = 0;
  } else if (e < -6) {  // subnormal: units of 2^-9
    bits = (uint32_t)rintf(ldexpf(f, 9));
  } else {
    uint32_t q = (uint32_t)rintf(ldexpf(f, 3 - e));  // 8 .. 16
    bits = ((uint32_t)(e + 7) << 3) + q - 8;
  }
  if (bits > 0x7e) bits = 0x7e;
  return sign | (uint8_t)bits;
}

__global__ void ref_swiglu(const __nv_bfloat16* in, uint8_t* out, float* scales, int m, int width) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  const int blocks = width / 128;
  if (i >= m * blocks) return;
  const int r = i / blocks, b = i % blocks;
  const __nv_bfloat16* row = in + (size_t)r * 2 * width;
  float amax = 0.f;
  for (int c = b * 128; c < b * 128 + 128; c++)
    amax = fmaxf(amax, fabsf(moe_swiglu::silu_mul(__bfloat162float(row[c]),
                                                  __bfloat162float(row[width + c]))));
  const float scale = amax == 0.f ? 1.f : amax / 448.f;
  for (int c = b * 128; c < b * 128 + 128; c++)
    out[(size_t)r * width + c] = e4m3_rne_sat(
        moe_swiglu::silu_mul(__bfloat162float(row[c]), __bfloat162float(row[width + c])) / scale);
  scales[(size_t)b * m + r] = scale;
}

// Candidates beside the shipped 2 rows per thread: 1 (fewer bytes in flight per thread, more CTAs)
// and 4 (more in flight, fewer CTAs).
template <int RPT>
__global__ void __launch_bounds__(moe_swiglu::THREADS)
    swiglu_rpt(const __nv_bfloat16* in, __nv_fp8_e4m3* out, float* scales, int m, int width) {
  moe_swiglu::swiglu_quant_tile<RPT>(in, out, scales, m, width);
}

static void launch_swiglu(const __nv_bfloat16* in, void* out, float* scales, int m, int width,
                          int rpt = moe_swiglu::ROWS_PER_THREAD) {
  const int rows = moe_swiglu::ROW_SLOTS * rpt;
  dim3 grid((m + rows - 1) / rows, width / 128);
  auto* o = (__nv_fp8_e4m3*)out;
  if (rpt == moe_swiglu::ROWS_PER_THREAD)
    moe_swiglu_quant<<<grid, moe_swiglu::THREADS>>>(in, o, scales, m, width);
  else if (rpt == 1)
    swiglu_rpt<1><<<grid, moe_swiglu::THREADS>>>(in, o, scales, m, width);
  else
    swiglu_rpt<4><<<grid, moe_swiglu::THREADS>>>(in, o, scales, m, width);
}

static void check_swiglu(int m, int width, uint64_t seed, int rpt = moe_swiglu::ROWS_PER_THREAD) {
  __nv_bfloat16* in;
  uint8_t *out, *rout;
  float *sc, *rsc;
  CK(cudaMalloc(&in, (size_t)m * 2 * width * 2));
  CK(cudaMalloc(&out, (size_t)m * width));
  CK(cudaMalloc(&rout, (size_t)m * width));
  CK(cudaMalloc(&sc, (size_t)m * width / 128 * 4));
  CK(cudaMalloc(&rsc, (size_t)m * width / 128 * 4));
  fill_swiglu<<<1024, 256>>>(in, m, width, seed);
  CK(cudaMemset(out, 0x7f, (size_t)m * width));  // e4m3 NaN
  CK(cudaMemset(sc, 0xff, (size_t)m * width / 128 * 4));
  launch_swiglu(in, out, sc, m, width, rpt);
  CK(cudaGetLastError());
  ref_swiglu<<<(m * (width / 128) + 127) / 128, 128>>>(in, rout, rsc, m, width);
  CK(cudaGetLastError());
  cudaError_t e = cudaDeviceSynchronize();
  if (e != cudaSuccess) {
    printf("swiglu m=%d width=%d: %s\n", m, width, cudaGetErrorString(e));
    exit(4);
  }
  auto a = d2h<uint8_t>(out, (size_t)m * width), b = d2h<uint8_t>(rout, (size_t)m * width);
  auto sa = d2h<uint32_t>(sc, (size_t)m * width / 128),
       sb = d2h<uint32_t>(rsc, (size_t)m * width / 128);
  size_t bad = 0, bad_s = 0, sub = 0, ones = 0, first = (size_t)-1;
  for (size_t i = 0; i < a.size(); i++) {
    if (a[i] != b[i]) {
      if (first == (size_t)-1) first = i;
      bad++;
    }
    sub += (b[i] & 0x78) == 0 && (b[i] & 7) != 0;
  }
  for (size_t i = 0; i < sa.size(); i++) {
    bad_s += sa[i] != sb[i];
    ones += sb[i] == 0x3f800000u;
  }
  const bool ok = bad == 0 && bad_s == 0;
  if (!ok) g_fail++;
  printf(
      "swiglu rpt=%d m=%5d width=%5d: %s  fp8 bytes differing %zu/%zu, scales differing %zu/%zu "
      "(reference: %zu subnormal codes, %zu blocks of scale 1)\n",
      rpt, m, width, ok ? "PASS" : "FAIL", bad, a.size(), bad_s, sa.size(), sub, ones);
  if (first != (size_t)-1)
    printf("  first difference at %zu: got 0x%02x want 0x%02x\n", first, a[first], b[first]);
  CK(cudaFree(in));
  CK(cudaFree(out));
  CK(cudaFree(rout));
  CK(cudaFree(sc));
  CK(cudaFree(rsc));
}

// ---------------------------------------------------------------- timing
struct Timer {
  cudaEvent_t a, b;
  char* flush = nullptr;
  size_t flush_bytes = 256u << 20;  // > the 50 MB L2 several times over
  Timer() {
    CK(cudaEventCreate(&a));
    CK(cudaEventCreate(&b));
    CK(cudaMalloc(&flush, flush_bytes));
  }
  // Median of single launches, each after an L2 flush (cold: the weights come from HBM, as in a
  // model step where other layers ran in between).
  template <typename F>
  double cold_us(F f, int reps = 9) {
    f();
    CK(cudaDeviceSynchronize());
    std::vector<float> ts;
    for (int i = 0; i < reps; i++) {
      CK(cudaMemsetAsync(flush, i, flush_bytes));
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
    return ts[ts.size() / 2] * 1e3;
  }
  // Median over batches of back-to-back launches (warm L2 where the data fits).
  template <typename F>
  double hot_us(F f, int batch = 20, int reps = 7) {
    for (int i = 0; i < 3; i++) f();
    CK(cudaDeviceSynchronize());
    std::vector<float> ts;
    for (int i = 0; i < reps; i++) {
      CK(cudaEventRecord(a));
      for (int j = 0; j < batch; j++) f();
      CK(cudaEventRecord(b));
      CK(cudaEventSynchronize(b));
      float ms;
      CK(cudaEventElapsedTime(&ms, a, b));
      ts.push_back(ms / batch);
    }
    CK(cudaGetLastError());
    std::sort(ts.begin(), ts.end());
    return ts[ts.size() / 2] * 1e3;
  }
};

static void time_router(Timer& tm, int m, int splits_override, int rows = 64) {
  const int hidden = HIDDEN;
  __nv_bfloat16 *x, *w;
  float *bias, *weights;
  int* indices;
  CK(cudaMalloc(&x, (size_t)m * hidden * 2));
  CK(cudaMalloc(&w, (size_t)256 * hidden * 2));
  CK(cudaMalloc(&bias, 256 * 4));
  CK(cudaMalloc(&weights, (size_t)m * 8 * 4));
  CK(cudaMalloc(&indices, (size_t)m * 8 * 4));
  fill(x, (size_t)m * hidden, 5, -1.f, 1.f);
  fill(w, (size_t)256 * hidden, 6, -0.07f, 0.07f);
  fill_f32<<<1, 256>>>(bias, 256, 7, -0.1f, 0.1f);
  const int splits = splits_override > 0 ? splits_override : splits_for(m, hidden, rows);
  auto f = [&] { launch_router(x, w, bias, weights, indices, m, hidden, splits, rows); };
  const double cold = tm.cold_us(f), hot = tm.hot_us(f);
  const double flops = 2.0 * m * 256 * hidden;
  const double bytes = ((double)m + 256) * hidden * 2 + 256 * 4 + (double)m * 8 * 8;
  const double stream_us = bytes / (COPY_TBS * 1e12) * 1e6;
  char line[512];
  snprintf(
      line, sizeof line,
      "router r%d%s m=%5d splits=%3d%s: cold %8.2f us (%6.1f TFLOP/s = %4.1f%% bf16, %5.2f TB/s = "
      "%4.1f%% copy; %.2f us to stream x + w) | hot %8.2f us (%6.1f TFLOP/s = %4.1f%%)",
      rows, rows == 64 ? " (shipped)" : "", m, splits, splits_override > 0 ? " (forced)" : "", cold,
      flops / cold * 1e-6, 100 * flops / cold * 1e-6 / BF16_TFLOPS, bytes / cold * 1e-6,
      100 * bytes / cold * 1e-6 / COPY_TBS, stream_us, hot, flops / hot * 1e-6,
      100 * flops / hot * 1e-6 / BF16_TFLOPS);
  printf("%s\n", line);
  g_summary.push_back(line);
  CK(cudaFree(x));
  CK(cudaFree(w));
  CK(cudaFree(bias));
  CK(cudaFree(weights));
  CK(cudaFree(indices));
}

static void time_swiglu(Timer& tm, int m, int width, int rpt = moe_swiglu::ROWS_PER_THREAD) {
  __nv_bfloat16* in;
  uint8_t* out;
  float* sc;
  CK(cudaMalloc(&in, (size_t)m * 2 * width * 2));
  CK(cudaMalloc(&out, (size_t)m * width));
  CK(cudaMalloc(&sc, (size_t)m * width / 128 * 4));
  fill_swiglu<<<1024, 256>>>(in, m, width, 3);
  auto f = [&] { launch_swiglu(in, out, sc, m, width, rpt); };
  const double cold = tm.cold_us(f), hot = tm.hot_us(f, 10, 5);
  const double bytes = (double)m * width * (4 + 1) + (double)m * width / 128 * 4;
  char line[512];
  snprintf(
      line, sizeof line,
      "swiglu rpt=%d%s m=%5d width=%5d (%7.1f MB): cold %8.2f us = %5.2f TB/s (%4.1f%% copy) | hot "
      "%8.2f us = %5.2f TB/s (%4.1f%%)",
      rpt, rpt == moe_swiglu::ROWS_PER_THREAD ? " (shipped)" : "", m, width, bytes * 1e-6, cold,
      bytes / cold * 1e-6, 100 * bytes / cold * 1e-6 / COPY_TBS, hot, bytes / hot * 1e-6,
      100 * bytes / hot * 1e-6 / COPY_TBS);
  printf("%s\n", line);
  g_summary.push_back(line);
  CK(cudaFree(in));
  CK(cudaFree(out));
  CK(cudaFree(sc));
}

// Modes: check-router, check-swiglu, time-router, time-swiglu (each alone, so that a crash in one
// kernel hides nothing of the other), or all.
int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "all";
  auto on = [&](const char* m) { return mode == "all" || mode == m; };
  CK(cudaDeviceGetAttribute(&g_sms, cudaDevAttrMultiProcessorCount, 0));
  setvbuf(stdout, nullptr, _IOLBF, 0);
  uint64_t seed = 1000;
  if (on("check-router")) {
    printf(
        "== router checks (double-precision reference logits, the contract's selection on the "
        "host)\n");
    for (int m : {1, 37, 256, 4097}) check_router(m, splits_for(m, HIDDEN), "auto", seed += 10);
    check_router(256, 1, "1split", seed += 10);
    check_router(37, HIDDEN / 64, "maxsplit", seed += 10);
    check_router(100, 3, "3split", seed += 10);
    for (int m : {37, 300, 4097})
      check_router(m, splits_for(m, HIDDEN, 128), "auto", seed += 10, 128);
    check_router(300, 1, "1split", seed += 10, 128);
    check_router(200, 5, "5split", seed += 10, 128);
  }
  if (on("check-swiglu")) {
    printf(
        "== swiglu checks (bit for bit against a naive kernel with a hand-written e4m3 "
        "rounding)\n");
    for (int m : {1, 37, 256, 4097}) check_swiglu(m, 2048, seed += 10);
    check_swiglu(37, 384, seed += 10);
    check_swiglu(300, 18432, seed += 10);
    for (int rpt : {1, 4}) {
      check_swiglu(37, 2048, seed += 10, rpt);
      check_swiglu(4097, 384, seed += 10, rpt);
    }
  }
  if (on("time-router") || on("time-swiglu")) {
    printf(
        "== timing (cold: L2 flushed before each launch, median of 9; hot: back-to-back, "
        "median of batches)\n");
    Timer tm;
    if (on("time-router")) {
      for (int m : {256, 4096, 16384}) time_router(tm, m, 0);
      for (int s : {1, 8, 16, 56}) time_router(tm, 256, s);
      for (int m : {256, 4096, 16384}) time_router(tm, m, 0, 128);
    }
    if (on("time-swiglu")) {
      for (int rpt : {2, 1, 4}) {
        time_swiglu(tm, 2048, 2048, rpt);
        time_swiglu(tm, 16384, 2048, rpt);
        time_swiglu(tm, 16384, 18432, rpt);
      }
    }
  }
  printf("== summary%s\n", g_fail ? " (CHECK FAILURES)" : "");
  for (auto& s : g_summary) printf("%s\n", s.c_str());
  printf("checks failed: %d\n", g_fail);
  return g_fail ? 1 : 0;
}
