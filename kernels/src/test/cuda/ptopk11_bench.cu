// Standalone check + benchmark of the prefill-row top-k candidate v13 (sm90/topk/v13.cu,
// dsa_topk_v13: v10 with its sample loaded ahead of a shorter L2 prefetch, v11's window
// threshold, and a select that ranks a small threshold bin directly) against today's v10
// (dsa_topk.cu), for round ptopk11. No Java needed. Build (repo root, GPU machine;
// round-ptopk11.sh does this, and also with -DTOPK_STOP=1/2/3 for the phase times):
//   nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I kernels/src/main/cuda \
//        kernels/src/test/cuda/ptopk11_bench.cu -o ptopk11_bench
//   ./ptopk11_bench check|bench|b32|phase|floor [kernels, e.g. v10,v13]
// Kernels: v10; v13 (the shipped knobs: sample of 16 chunks, 32 KB prefetched at the start, 64 KB
// ahead in the filter, OPT_SHIP); v13a / v13b / v13bn / v13bnf / v13bnf3 (rounds ptopk25-28's
// steps from OPT_ALL, v13 before them, to OPT_SHIP); v13pf (v10's prefetch: 128 KB at the start,
// 128 ahead: what the new threshold + select alone give); v13n (no L2 prefetch at all); v13c (none
// at the start, 32 KB ahead); v13s (v13 with a 16-chunk, 2048-key sample); v13o (v13 with v10's
// filter_pass, as shipped before round ptopk15 gave v13 filter_pass_lean); v13l (v13 as round
// ptopk15 shipped it, without the OPT knobs of rounds ptopk17-21). (Rounds ptopk16-22 also timed
// v13x, rows spread over the CTAs, and the OPT forms v13w / wz / wzt / wzs / wzn / wzsn / wzsg /
// wzsh / wzsr3 / wzsr8 / wzsrp here: kernels/NOTES.md.) Checks: fresh random logits per case, every
// index poisoned first, the causal tail of every row (the keys its query cannot see) set to +1e30
// so that a kernel reading past the visible keys fails, each case run twice on the same buffers;
// every row against a CPU nth_element (threads over rows). Benchmarks: indexer-like logits, 32 rows
// of each output checked, CUDA events, median of 10 after 2 warm-ups. TB/s = 4 B per visible logit
// / time. "phase" (a -DTOPK_STOP build): the same timing at 4096 x 16K / 32K, no checks (the
// kernels stop after a phase). Result lines start with CHECK, BENCH or SUMMARY.
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
#include "sm90/topk/v13.cu"
#include "topk_driver.cuh"
}  // the header ends inside ensure_gmax; its drivers close it (as topk8_bench.cu does)

// The same body at other knobs (topk13_body's template arguments: L2 prefetch KB at the row start,
// KB ahead of the filter, sample chunks of 128 keys, the lean filter, the OPT bits).
#define V13_FORM(name, pf0, pfa, sch, lean, opt)                                               \
  extern "C" __global__ void __launch_bounds__(THREADS, 3)                                     \
      name(const float* __restrict__ logits, int* __restrict__ indices, int T, int P, int k) { \
    topk13_body<pf0, pfa, sch, lean, opt>(logits, indices, T, P, k);                           \
  }
#define V13_VARIANT(name, pf0, pfa, sch) V13_FORM(name, pf0, pfa, sch, true, OPT_SHIP)
#define V13_OPT(name, opt) V13_FORM(name, V13_PF0_KB, V13_PFA_KB, V13_SCH, true, opt)
V13_VARIANT(dsa_topk_v13pf, 128, 128, 32)
V13_VARIANT(dsa_topk_v13n, 0, 0, 32)
V13_VARIANT(dsa_topk_v13c, 0, 32, 32)
V13_VARIANT(dsa_topk_v13s, V13_PF0_KB, V13_PFA_KB, 16)
// v13o: v13 as it shipped until round ptopk15 (v10's filter_pass, none of the OPT knobs); v13l:
// v13 as round ptopk15 shipped it (filter_pass_lean, none of the OPT knobs of rounds ptopk17-21).
V13_FORM(dsa_topk_v13o, V13_PF0_KB, V13_PFA_KB, V13_SCH, false, 0)
V13_OPT(dsa_topk_v13l, 0)
// Rounds ptopk25-28's forms (the shipped v13 is OPT_SHIP = v13bnf plus the 16-byte sample): v13a =
// OPT_ALL (v13 before them), plus the two-barrier select_bin (b), no conversion / maximum pass (n),
// the instruction-counted filter and first select level (f), three deviations at <= 48K (3).
V13_OPT(dsa_topk_v13a, OPT_ALL)
V13_OPT(dsa_topk_v13b, OPT_ALL | OPT_FBIN)
V13_OPT(dsa_topk_v13bn, OPT_ALL | OPT_FBIN | OPT_NORAW)
V13_OPT(dsa_topk_v13bnf, OPT_ALL | OPT_FBIN | OPT_NORAW | OPT_FAST)
V13_OPT(dsa_topk_v13bnf3, OPT_ALL | OPT_FBIN | OPT_NORAW | OPT_FAST | OPT_S3)

// A plain read of the same bytes (the floor of this access pattern): 16-byte streaming loads,
// grid-stride over each row's visible keys, one sum per CTA.
__global__ void read_floor(const float* __restrict__ lg, float* sink, int rows, int T, int P) {
  float acc = 0.f;
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const int vis = P - T + r % T + 1;
    const float* row = lg + (size_t)r * P;
    const int head = min(vis, (int)((16 - ((uintptr_t)row & 15)) & 15) / 4);
    const float4* b = reinterpret_cast<const float4*>(row + head);
    const int nv = (vis - head) / 4;
    // Four 16-byte loads in flight per thread (32 KB per CTA, four CTAs per SM).
    for (int i0 = threadIdx.x; i0 < nv; i0 += 4 * blockDim.x) {
      float4 x[4];
#pragma unroll
      for (int j = 0; j < 4; j++) {
        const int i = i0 + j * blockDim.x;
        x[j] = i < nv ? __ldcs(b + i) : make_float4(0.f, 0.f, 0.f, 0.f);
      }
#pragma unroll
      for (int j = 0; j < 4; j++) acc += x[j].x + x[j].y + x[j].z + x[j].w;
    }
  }
  if (acc == 1.2345f) sink[blockIdx.x] = acc;  // keeps the loads; never true on these inputs
}

// One table of the kernels: a name, its entry point, its shared memory (v10's or v13's). The
// launch and the shared-memory limit both come from it, so a new variant cannot be launched
// without its limit raised (round ptopk15's first call and round ptopk16's one call launched a new
// variant with the default 48 KB limit: every launch failed with "invalid argument").
using TopkFn = void (*)(const float*, int*, int, int, int);
struct TopkKernel {
  const char* name;
  TopkFn fn;
  bool v13;  // Topk13Smem (else v10's TopkSmem)
};
static const TopkKernel kKernels[] = {
    {"v10", dsa_topk, false},
    {"v13", dsa_topk_v13, true},
    {"v13pf", dsa_topk_v13pf, true},
    {"v13n", dsa_topk_v13n, true},
    {"v13c", dsa_topk_v13c, true},
    {"v13s", dsa_topk_v13s, true},
    {"v13o", dsa_topk_v13o, true},
    {"v13l", dsa_topk_v13l, true},
    {"v13a", dsa_topk_v13a, true},
    {"v13b", dsa_topk_v13b, true},
    {"v13bn", dsa_topk_v13bn, true},
    {"v13bnf", dsa_topk_v13bnf, true},
    {"v13bnf3", dsa_topk_v13bnf3, true},
};
constexpr int NK = (int)(sizeof(kKernels) / sizeof(kKernels[0]));
static int kernel_smem(int v) {
  return kKernels[v].v13 ? (int)sizeof(Topk13Smem) : (int)sizeof(TopkSmem);
}
static bool g_phase = false;  // a -DTOPK_STOP build: timed, never checked
static bool diagnostic(int) { return g_phase; }
static int g_sms = 132;

static void run_topk(int v, const float* lg, int* idx, int batch, int T, int P, int k) {
  kKernels[v].fn<<<batch * T, THREADS, kernel_smem(v)>>>(lg, idx, T, P, k);
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

// kind: -4 indexer-like; 0 uniform in [-3, 5); levels > 0: uniform quantised to 1/levels (ties);
// -1: uniform with a window of 3000 keys per row lifted by 10 (clustered winners); -2: mostly
// negative (the k-th key below the sample window); -3: every logit in [1, 1 + 2^-9) (one 16-bit
// bin: the sample threshold passes far more than CAP). The causal tail of each row is +1e30.
static void check_topk(int v, int batch, int T, int P, int k, int kind, uint64_t seed,
                       const char* what) {
  const size_t rows = (size_t)batch * T;
  float* lg;
  int* idx;
  CK(cudaMalloc(&lg, rows * P * 4));
  CK(cudaMalloc(&idx, rows * k * 4));
  if (kind == -4)
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
    if (kind > 0)
      for (int i = 0; i < P; i++) x[i] = std::floor(x[i] * kind) / kind;
    if (kind == -1) {
      const int w0 = (int)((r * 7919) % (size_t)std::max(1, vis - 3000));
      for (int i = w0; i < std::min(vis, w0 + 3000); i++) x[i] += 10.f;
    }
    for (int i = vis; i < P; i++) x[i] = 1e30f;
  }
  CK(cudaMemcpy(lg, hl.data(), hl.size() * 4, cudaMemcpyHostToDevice));
  long bad = 0;
  for (int run = 0; run < 2; run++) {
    CK(cudaMemset(idx, 0x55, rows * k * 4));
    run_topk(v, lg, idx, batch, T, P, k);
    cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) {
      printf("CHECK topk %s b=%d T=%d P=%d k=%d (%s): launch error %s FAIL\n", kKernels[v].name,
             batch, T, P, k, what, cudaGetErrorString(e));
      g_fail++;
      exit(4);  // sticky error: later launches would fail too
    }
    bad += bad_rows(hl, d2h<int>(idx, rows * k), rows, T, P, k);
  }
  printf("CHECK topk %-6s b=%d T=%d P=%d k=%d kind=%d (%s) bad_rows=%ld %s\n", kKernels[v].name,
         batch, T, P, k, kind, what, bad, bad ? "FAIL" : "ok");
  if (bad) g_fail++;
  cudaFree(lg);
  cudaFree(idx);
}

static void check_cases(int v) {
  check_topk(v, 1, 300, 3000, 2048, -4, 1, "P=3000: every row under CAP keys, tau = 0");
  check_topk(v, 1, 300, 32768, 2048, -4, 2, "300 rows of 32K, indexer-like");
  check_topk(v, 1, 300, 40000, 2048, 64, 3, "P=40000, ties (1/64 steps)");
  check_topk(v, 1, 300, 65536, 2048, -4, 4, "300 rows of 64K");
  check_topk(v, 1, 300, 131072, 2048, -4, 5, "300 rows of 128K");
  check_topk(v, 1, 4096, 32768, 2048, -4, 6, "4096 rows of 32K (the timed shape)");
  check_topk(v, 1, 4096, 5096, 2048, -4, 7, "4096 rows seeing 1001..5096 keys: all modes");
  check_topk(v, 1, 4096, 65536, 2048, 0, 8, "4096 rows of 64K, uniform");
  check_topk(v, 2, 150, 40000, 2048, -1, 9, "clustered winners (sample misjudges some rows)");
  check_topk(v, 1, 300, 32768, 2048, -2, 10, "k-th key below the sample window");
  check_topk(v, 1, 300, 30000, 2048, -3, 11, "one 16-bit bin: over CAP, global radix");
  check_topk(v, 1, 300, 3000, 100, 8, 12, "k=100, heavy ties");
  check_topk(v, 4, 2, 16385, 1, -4, 13, "k=1");
  check_topk(v, 1, 300, 40000, 3000, -4, 14, "k=3000 > CAP/2: global radix every row");
  check_topk(v, 3, 100, 131079, 2048, -4, 15, "odd P: rows at 4-byte offsets, partial chunks");
  check_topk(v, 1, 300, 32771, 2048, 0, 16, "odd P 32771");
  check_topk(v, 1, 130, 1000, 300, -4, 17, "a dsabench check shape: rows around k");
  check_topk(v, 1, 7, 20000, 2048, -4, 18, "fewer rows than CTAs");
  check_topk(v, 2, 2100, 4100, 2048, 16, 19, "rows just under / over CAP and k, ties");
}

// ---------------------------------------------------------------- benchmarks
static void bench(int batch, int T, int P) {
  const size_t rows = (size_t)batch * T;
  const int k = 2048;
  float* lg;
  int* idx;
  float* sink;
  CK(cudaMalloc(&lg, rows * P * 4));
  CK(cudaMalloc(&idx, rows * k * 4));
  CK(cudaMalloc(&sink, 4096 * 4));
  fill_logits<<<4096, 256>>>(lg, rows, P, 1000 + P);
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
  {
    const double ms =
        tm.median_ms([&] { read_floor<<<4 * g_sms, 512>>>(lg, sink, (int)rows, T, P); });
    const double tbs = bytes / ms / 1e9;
    printf("BENCH read floor %-32s %9.4f ms %7.1f us %5.2f TB/s (%4.1f%% copy)\n", pt, ms, ms * 1e3,
           tbs, 100 * tbs / COPY_TBS);
    char line[200];
    snprintf(line, sizeof line, "read   %-32s %8.1f us %5.2f TB/s (%4.1f%% of 4.08)", pt, ms * 1e3,
             tbs, 100 * tbs / COPY_TBS);
    g_summary.push_back(line);
  }
  double base = 0;
  for (int v = 0; v < NK; v++) {
    if (!enabled(kKernels[v].name)) continue;
    CK(cudaMemset(idx, 0x55, rows * k * 4));
    run_topk(v, lg, idx, batch, T, P, k);
    cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) {
      printf("CHECK topk %s %s: launch error %s FAIL\n", kKernels[v].name, pt,
             cudaGetErrorString(e));
      g_fail++;
      exit(4);
    }
    std::vector<int> hi((size_t)k);
    long bad = 0;
    for (int c = 0; c < nchk && !diagnostic(v); c++) {
      CK(cudaMemcpy(hi.data(), idx + rid[c] * k, (size_t)k * 4, cudaMemcpyDeviceToHost));
      const int vis = P - T + (int)(rid[c] % T) + 1;
      bad += bad_rows_range(&hl[(size_t)c * P], hi.data(), 0, 1, 1, vis, k);
    }
    if (!diagnostic(v))
      printf("CHECK topk %-6s %-32s (32 rows) bad_rows=%ld %s\n", kKernels[v].name, pt, bad,
             bad ? "FAIL" : "ok");
    if (bad) g_fail++;
    const double ms = tm.median_ms([&] { run_topk(v, lg, idx, batch, T, P, k); });
    if (v == 0) base = ms;
    const double tbs = bytes / ms / 1e9;
    printf("BENCH topk %-6s %-32s %9.4f ms %7.1f us %5.2f TB/s (%4.1f%% copy)%s\n",
           kKernels[v].name, pt, ms, ms * 1e3, tbs, 100 * tbs / COPY_TBS,
           bad ? "  ** FAILED ITS CHECK **" : "");
    char line[256];
    snprintf(line, sizeof line, "topk %-6s %-32s %8.1f us %5.2f TB/s (%4.1f%% of 4.08) %s %s",
             kKernels[v].name, pt, ms * 1e3, tbs, 100 * tbs / COPY_TBS,
             base > 0 && v > 0 ? (std::to_string(base / ms).substr(0, 4) + "x v10").c_str() : "",
             bad             ? "CHECK FAILED"
             : diagnostic(v) ? "(diagnostic, unchecked)"
                             : "");
    g_summary.push_back(line);
  }
  cudaFree(lg);
  cudaFree(idx);
  cudaFree(sink);
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "check";
  g_only = argc > 2 ? argv[2] : "";
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  g_sms = prop.multiProcessorCount;
  printf("device %s, %d SMs, mode %s\n", prop.name, g_sms, mode.c_str());
  for (int v = 0; v < NK; v++) {
    CK(cudaFuncSetAttribute(kKernels[v].fn, cudaFuncAttributeMaxDynamicSharedMemorySize,
                            kernel_smem(v)));
  }
  const int s13 = (int)sizeof(Topk13Smem);
  {
    int o10 = 0, o13 = 0;
    CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&o10, dsa_topk, THREADS, sizeof(TopkSmem)));
    CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&o13, dsa_topk_v13, THREADS, s13));
    printf("occupancy: v10 %d CTAs/SM (smem %d B), v13 %d CTAs/SM (smem %d B); 3 expected\n", o10,
           (int)sizeof(TopkSmem), o13, s13);
  }
#ifdef TOPK_STOP
  printf("phase build: TOPK_STOP=%d (kernels end after phase %d; outputs not checked)\n", TOPK_STOP,
         TOPK_STOP);
#endif
  if (mode == "check") {
    for (int v = 0; v < NK; v++) {
      if (!enabled(kKernels[v].name)) continue;
      printf("(topk %s)\n", kKernels[v].name);
      check_cases(v);
    }
  } else if (mode == "bench") {
    bench(1, 4096, 16384);
    bench(1, 4096, 32768);
    bench(1, 4096, 65536);
    bench(1, 4096, 131072);
    bench(1, 300, 32768);      // fewer rows than 2 CTAs x SMs: one row per CTA
  } else if (mode == "b32") {  // the must's shape alone (for ncu)
    bench(1, 4096, 32768);
  } else if (mode == "phase") {
    g_phase = true;
    bench(1, 4096, 16384);
    bench(1, 4096, 32768);
  } else if (mode == "floor") {
    Timer tm;
    const double a = tm.median_ms([] { empty_kernel<<<264, 512>>>(nullptr); });
    printf("BENCH launch floor: empty kernel 264 CTAs %.1f us\n", a * 1e3);
    char line[160];
    snprintf(line, sizeof line, "launch floor (events): 264 CTAs %.1f us", a * 1e3);
    g_summary.push_back(line);
  } else {
    fprintf(stderr,
            "usage: ptopk11_bench check|bench|phase|floor [v10,v13,v13pf,v13n,v13c,v13s]\n");
    return 2;
  }
  printf("SUMMARY %s: %s (%d failed)\n", mode.c_str(), g_fail ? "CHECKS FAILED" : "checks passed",
         g_fail);
  for (auto& s : g_summary) printf("SUMMARY %s\n", s.c_str());
  return g_fail ? 1 : 0;
}
