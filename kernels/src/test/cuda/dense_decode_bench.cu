// Standalone check + timing driver for the Hopper dense MLA decode: version 3
// (sm90/decode/dense.cu, TMA + mbarriers + the two-warpgroup seesaw, persistent split-KV schedule),
// linked in the variant its -D flags build. No Java needed on the GPU machine. Build (repo root):
//   nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I kernels/src/main/cuda \
//     kernels/src/test/cuda/dense_decode_bench.cu kernels/src/main/cuda/sm90/decode/dense.cu \
//     kernels/src/main/cuda/fill.cu -o dense_decode_bench
// Usage: dense_decode_bench schedule   host-only: the v3 schedule owns every tile once
//        dense_decode_bench check      against a naive fp32 GPU reference, fresh random inputs,
//                                      NaN-poisoned outputs; exit 1 on a failure
//        dense_decode_bench time       CUDA events, 2 warm-ups, median of 7
// Lines start with SCHEDULE / CHECK v3 / TIME v3 so that round-dense-decode.sh can tabulate them.
#include <cuda.h>
#include <cudaTypedefs.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dense_driver.cuh"
#include "sm90/decode/dense_schedule.cuh"

extern "C" __global__ void dense_decode_v3(const __grid_constant__ CUtensorMap,
                                           const __grid_constant__ CUtensorMap, __nv_bfloat16*,
                                           float*, float*, int, int, int, float);
extern "C" __global__ void dense_decode_v3_combine(__nv_bfloat16*, const float*, const float*, int,
                                                   int, int, int);
extern "C" __global__ void fill_uniform_bf16(__nv_bfloat16*, long long, unsigned long long, float);

static float* g_ws = nullptr;
static size_t g_ws_bytes = 0;
static float* workspace(size_t bytes) {
  if (bytes > g_ws_bytes) {
    if (g_ws) CK(cudaFree(g_ws));
    CK(cudaMalloc(&g_ws, bytes));
    g_ws_bytes = bytes;
  }
  return g_ws;
}

struct Launch {
  virtual ~Launch() {}
  virtual void run() = 0;
  virtual std::string info() const = 0;
};

// ---- v3: tensor maps, persistent grid, combine when some sequence is split ----
static PFN_cuTensorMapEncodeTiled_v12000 g_encode = nullptr;
static PFN_cuFuncGetModule_v11000 g_func_module = nullptr;
static PFN_cuModuleGetGlobal_v3020 g_module_global = nullptr;

template <class F>
static void driver_entry(const char* name, F& fn) {
  cudaDriverEntryPointQueryResult qr;
  CK(cudaGetDriverEntryPointByVersion(name, reinterpret_cast<void**>(&fn), 12000, cudaEnableDefault,
                                      &qr));
  if (qr != cudaDriverEntryPointSuccess || !fn) {
    fprintf(stderr, "driver entry point %s not found\n", name);
    exit(2);
  }
}

static CUtensorMap make_map(const void* base, int rank, const cuuint64_t* dims,
                            const cuuint64_t* strides) {
  CUtensorMap m;
  cuuint32_t box[3] = {64, 64, 1}, estr[3] = {1, 1, 1};
  CUresult r =
      g_encode(&m, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, rank, const_cast<void*>(base), dims, strides,
               box, estr, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
               CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) {
    fprintf(stderr, "cuTensorMapEncodeTiled failed: %d\n", (int)r);
    exit(2);
  }
  return m;
}

// A launch constant exported by dense.cu, read the way CudaBackend reads it (cuModuleGetGlobal on
// the kernel's module), so the round also proves the constants are there by name.
static int v3_const(const char* name) {
  cudaFunction_t f;
  CK(cudaGetFuncBySymbol(&f, reinterpret_cast<const void*>(dense_decode_v3)));
  CUmodule mod;
  CUdeviceptr ptr;
  size_t bytes;
  if (g_func_module(&mod, reinterpret_cast<CUfunction>(f)) != CUDA_SUCCESS ||
      g_module_global(&ptr, &bytes, mod, name) != CUDA_SUCCESS || bytes != sizeof(int)) {
    fprintf(stderr, "launch constant %s not found in the dense_decode_v3 module\n", name);
    exit(2);
  }
  int v;
  CK(cudaMemcpy(&v, reinterpret_cast<void*>(ptr), sizeof v, cudaMemcpyDeviceToHost));
  return v;
}

struct V3 : Launch {
  CUtensorMap qmap, kvmap;
  __nv_bfloat16* out;
  int batch, tps, p, parts;
  float *po, *pl;
  bool any_split = false;
  int split_seqs = 0;
  V3(const __nv_bfloat16* q, const __nv_bfloat16* cache, __nv_bfloat16* o_, int b, int t, int p_)
      : out(o_), batch(b), tps(t), p(p_) {
    const cuuint64_t qdims[2] = {(cuuint64_t)D, (cuuint64_t)batch * tps * H}, qstr[1] = {D * 2};
    const cuuint64_t kdims[3] = {(cuuint64_t)D, (cuuint64_t)p, (cuuint64_t)batch},
                     kstr[2] = {D * 2, (cuuint64_t)p * D * 2};
    qmap = make_map(q, 2, qdims, qstr);
    kvmap = make_map(cache, 3, kdims, kstr);
    parts = std::max(1, g_sms / (2 * tps));
    const size_t rows_per_seq = (size_t)tps * H, slots = (size_t)parts + batch;
    po = workspace(slots * rows_per_seq * (DL + 1) * 4);
    pl = po + slots * rows_per_seq * DL;
    CK(cudaMemset(po, 0xff, slots * rows_per_seq * (DL + 1) * 4));  // NaN: unwritten partials fail
    const dd_schedule::Schedule s(batch, p, parts);
    for (int i = 0; i < batch; i++)
      if (s.first_part(i) != s.last_part(i)) any_split = true, split_seqs++;
  }
  void run() override {
    static const int smem = v3_const("dense_decode_v3_smem_bytes"),
                     threads = v3_const("dense_decode_v3_threads"),
                     crows = v3_const("dense_decode_v3_combine_rows");
    dense_decode_v3<<<dim3(2 * tps, parts), threads, smem>>>(qmap, kvmap, out, po, pl, batch, tps,
                                                             p, SCALE);
    if (any_split) {
      const long long rows = (long long)batch * tps * H;
      dense_decode_v3_combine<<<(unsigned)((rows + crows - 1) / crows), crows * 32>>>(
          out, po, pl, batch, tps, p, parts);
    }
  }
  std::string info() const override {
    return "parts=" + std::to_string(parts) + " split_seqs=" + std::to_string(split_seqs);
  }
};

static const char* const K = "v3";  // the kernel's label in CHECK and TIME lines

// ---- naive fp32 reference: one thread per query row, online softmax ----

static void fill(__nv_bfloat16* p, size_t n, unsigned long long seed) {
  fill_uniform_bf16<<<g_sms * 8, 256>>>(p, (long long)n, seed, 1.0f);
  CK(cudaGetLastError());
}

static void check(int batch, int tps, int p, unsigned long long seed) {
  const size_t rows = (size_t)batch * tps * H;
  __nv_bfloat16 *q, *cache, *out;
  float* ref;
  CK(cudaMalloc(&q, rows * D * 2));
  CK(cudaMalloc(&cache, (size_t)batch * p * D * 2));
  CK(cudaMalloc(&out, rows * DL * 2));
  CK(cudaMalloc(&ref, rows * DL * 4));
  fill(q, rows * D, seed);
  fill(cache, (size_t)batch * p * D, seed + 1);
  CK(cudaMemset(out, 0xff, rows * DL * 2));  // NaN poison: unwritten outputs fail
  Launch* l = new V3(q, cache, out, batch, tps, p);
  l->run();
  CK(cudaGetLastError());
  ref_decode<<<(unsigned)((rows + 63) / 64), 64>>>(q, cache, ref, batch, tps, p, SCALE);
  CK(cudaDeviceSynchronize());
  size_t bad = 0;
  const double err = rel_l2(out, ref, rows * DL, &bad);
  const bool ok = bad == 0 && err <= 1e-2;
  if (!ok) g_fail = true;
  printf("CHECK %s b=%d t=%d p=%d %s relL2=%.3e nonfinite=%zu %s\n", K, batch, tps, p,
         l->info().c_str(), err, bad, ok ? "PASS" : "FAIL");
  fflush(stdout);
  delete l;
  cudaFree(q), cudaFree(cache), cudaFree(out), cudaFree(ref);
}

static double median_seconds(Launch* l) {
  return time_median([l] { l->run(); }, 2, 7);
}

static void time_all() {
  struct Shape {
    int b, t, p;
  };
  const Shape shapes[] = {{64, 1, 1024},   {64, 1, 2048},   {64, 1, 4096},   {64, 1, 8192},
                          {64, 1, 16384},  {64, 1, 65536},  {64, 1, 131072}, {64, 2, 32768},
                          {64, 2, 131072}, {128, 2, 32768}, {128, 2, 131072}};
  size_t max_cache = 0, max_rows = 0;
  for (const Shape& s : shapes) {
    max_cache = std::max(max_cache, (size_t)s.b * s.p * D);
    max_rows = std::max(max_rows, (size_t)s.b * s.t * H);
  }
  __nv_bfloat16 *q, *cache, *out;
  CK(cudaMalloc(&q, max_rows * D * 2));
  CK(cudaMalloc(&cache, max_cache * 2));
  CK(cudaMalloc(&out, max_rows * DL * 2));
  fill(q, max_rows * D, 21);
  fill(cache, max_cache, 22);  // each shape reads a prefix: random bf16 whatever its layout
  for (const Shape& s : shapes) {
    Launch* l = new V3(q, cache, out, s.b, s.t, s.p);
    const double sec = median_seconds(l);
    const double rows = (double)s.b * s.t * H;
    const double flops = 2.0 * H * (D + DL) * (double)s.b * s.t * s.p;
    const double bytes =
        2.0 * (rows * D + (double)s.b * s.p * D + rows * DL);  // each cache read once
    printf(
        "TIME %s b=%d t=%d p=%d %s %.4f ms %.1f TFLOP/s %.1f%%_of_744 %.0f GB/s %.1f%%_of_4080\n",
        K, s.b, s.t, s.p, l->info().c_str(), sec * 1e3, flops / sec / 1e12, flops / sec / 744e10,
        bytes / sec / 1e9, bytes / sec / 4080e7);
    fflush(stdout);
    delete l;
  }
  cudaFree(q), cudaFree(cache), cudaFree(out);
}

// Every tile of every sequence owned by exactly one part; slots (part + sequence) unique; the
// combine's part range and the main kernel's "whole" test agree.
static int check_schedule() {
  int cases = 0, bad = 0;
  const int parts_list[] = {1, 2, 22, 33, 44, 66, 132};
  const int batches[] = {1, 2, 3, 7, 64, 65, 67, 128, 133};
  const int positions[] = {1, 2, 63, 64, 65, 129, 300, 1000, 4097, 16384, 131072};
  for (int parts : parts_list)
    for (int batch : batches)
      for (int p : positions) {
        const dd_schedule::Schedule s(batch, p, parts);
        std::vector<int> owner((size_t)batch * s.tiles, -1);
        std::vector<char> slot(parts + batch, 0);
        bool ok = true;
        for (int q = 0; q < parts; q++)
          for (int b = s.first_seq(q); b <= s.last_seq(q); b++) {
            int lo, hi;
            s.range(q, b, lo, hi);
            if (lo >= hi) continue;
            if (q < s.first_part(b) || q > s.last_part(b)) ok = false;
            if (slot[q + b]++) ok = false;
            const bool whole = lo == 0 && hi == s.tiles;
            if (whole != (s.first_part(b) == s.last_part(b))) ok = false;
            for (int t = lo; t < hi; t++) {
              if (owner[(size_t)b * s.tiles + t] != -1) ok = false;
              owner[(size_t)b * s.tiles + t] = q;
            }
          }
        for (int o : owner)
          if (o < 0) ok = false;
        for (int b = 0; b < batch; b++)
          if (s.last_part(b) >= parts || s.first_part(b) > s.last_part(b)) ok = false;
        cases++;
        if (!ok) {
          bad++;
          printf("SCHEDULE FAIL parts=%d batch=%d p=%d\n", parts, batch, p);
        }
      }
  printf("SCHEDULE %d cases, %d failed %s\n", cases, bad, bad ? "FAIL" : "PASS");
  return bad ? 1 : 0;
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "schedule") return check_schedule();
  if (mode != "check" && mode != "time") {
    fprintf(stderr, "usage: %s schedule | check | time\n", argv[0]);
    return 2;
  }
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  g_sms = prop.multiProcessorCount;
  driver_entry("cuTensorMapEncodeTiled", g_encode);
  driver_entry("cuFuncGetModule", g_func_module);
  driver_entry("cuModuleGetGlobal", g_module_global);
  CK(cudaFuncSetAttribute(dense_decode_v3, cudaFuncAttributeMaxDynamicSharedMemorySize,
                          v3_const("dense_decode_v3_smem_bytes")));
  printf(
      "v3 constants: smem %d threads %d rows %d block_n %d overhead %d combine_rows %d max_parts "
      "%d\n",
      v3_const("dense_decode_v3_smem_bytes"), v3_const("dense_decode_v3_threads"),
      v3_const("dense_decode_v3_rows"), v3_const("dense_decode_v3_block_n"),
      v3_const("dense_decode_v3_overhead_tiles"), v3_const("dense_decode_v3_combine_rows"),
      v3_const("dense_decode_v3_max_parts"));
  if (g_sms / 2 > v3_const("dense_decode_v3_max_parts")) {
    fprintf(stderr, "%d SMs: more parts than dense_decode_v3_combine holds\n", g_sms);
    return 2;
  }
  printf("device %s sms %d kernel %s mode %s\n", prop.name, g_sms, K, mode.c_str());
  if (mode == "check") {
    // Sizes off every tile multiple, single keys, exact tiles, a token 0 whose last tile is fully
    // masked (t=2, p=65 and p=129), one sequence split over many parts, more sequences than parts.
    const int cases[][3] = {{1, 1, 1},     {2, 1, 64},   {3, 1, 100},   {1, 2, 2},     {5, 2, 65},
                            {2, 2, 1000},  {1, 1, 4097}, {64, 1, 1000}, {133, 1, 300}, {67, 2, 577},
                            {130, 2, 129}, {4, 2, 8191}, {1, 1, 65536}};
    unsigned long long seed = 300;
    for (const auto& c : cases) check(c[0], c[1], c[2], seed += 7);
    printf("CHECKS %s %s\n", K, g_fail ? "FAILED" : "PASSED");
    return g_fail ? 1 : 0;
  }
  time_all();
  return 0;
}
