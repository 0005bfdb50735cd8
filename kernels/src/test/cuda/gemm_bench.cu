// Standalone driver of the fp8 block-scaled GEMM (sm90/gemm/fp8.cu, issue 21): checks it against
// a naive fp32 GPU reference of the same recipe (per 128-wide k block: the block's exact product
// sum times aScale * bScale, summed in fp32) on fresh random e4m3 data with random positive scales,
// shapes off every tile multiple, plain and grouped (empty and uneven groups), both the direct and
// the split-k epilogue; then times DeepSeek-V3.2's layer GEMMs at the prefill (m = 16384) and
// decode (m = 256) batches.
//   gemm_bench check VERSION            -> "CHECK <version> <case> relL2=... PASS|FAIL" lines
// (The cluster path stays for a version exported with _cluster 2; none is now: v5 left.)
//   gemm_bench time VERSIONS [filter]   -> "TIME <version> <name> ..." lines: the versions
//                                          (comma-separated, e.g. v2,v3) one after the other on
//                                          each shape's buffers; filter: comma-separated shapes
// Host logic mirrored by the Java launch (CudaGemmOps): the row-block table and the split rule.
#include <cuda.h>
#include <cudaTypedefs.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../../main/cuda/sm90/gemm/fp8.cu"

#define CK(x)                                                                              \
  do {                                                                                     \
    cudaError_t e_ = (x);                                                                  \
    if (e_ != cudaSuccess) {                                                               \
      fprintf(stderr, "%s:%d %s -> %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e_)); \
      exit(3);                                                                             \
    }                                                                                      \
  } while (0)

constexpr double FP8_TFLOPS = 1305.0, COPY_TBS = 4.08;

// ---------------------------------------------------------------- fills and reference
__device__ uint64_t mixh(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
__device__ float unif(uint64_t seed, uint64_t i) {  // [0, 1)
  return (float)(mixh(seed * 0x632be59bd9b4e019ull + i) >> 40) * (1.0f / 16777216.0f);
}
// e4m3 values in [-4, 4) (every exponent of that range, rounded to nearest by the conversion).
__global__ void fill_e4m3(__nv_fp8_e4m3* p, size_t n, uint64_t seed) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    p[i] = __nv_fp8_e4m3(8.f * unif(seed, i) - 4.f);
}
// Positive scales spread over two octaves either side of 1 (2^[-2, 2)).
__global__ void fill_scale(float* p, size_t n, uint64_t seed) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    p[i] = exp2f(4.f * unif(seed, i) - 2.f);
}
__global__ void fill_u16(uint16_t* p, size_t n, uint16_t v) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    p[i] = v;
}
// One thread per output: the recipe in fp32, block by block.
__global__ void gemm_ref(const __nv_fp8_e4m3* a, const float* as, const __nv_fp8_e4m3* b,
                         const float* bs, const int* rowGroup, float* ref, int m, int n, int k) {
  const size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
  if (i >= (size_t)m * n) return;
  const int r = (int)(i / n), c = (int)(i % n);
  const int g = rowGroup[r], kBlocks = k / 128, cbs = (n + 127) / 128;
  const __nv_fp8_e4m3* ar = a + (size_t)r * k;
  const __nv_fp8_e4m3* bc = b + ((size_t)g * n + c) * k;
  float total = 0.f;
  for (int kb = 0; kb < kBlocks; kb++) {
    float blk = 0.f;
    for (int e = 0; e < 128; e++) blk = fmaf((float)ar[kb * 128 + e], (float)bc[kb * 128 + e], blk);
    total += blk * as[(size_t)kb * m + r] * bs[((size_t)g * cbs + c / 128) * kBlocks + kb];
  }
  ref[i] = total;
}

// ---------------------------------------------------------------- launch (what Java does)
static PFN_cuTensorMapEncodeTiled_v12000 g_encode;
static int g_sms, g_smem, g_bn, g_boxm, g_cluster, g_maxClusters = 1 << 30;
using GemmKernel = decltype(&dsa_fp8_gemm_v2);
static GemmKernel g_kernel = dsa_fp8_gemm_v2;
static std::string g_version = "v2";
struct Version {
  const char* name;
  GemmKernel kernel;
  // the cubin's dsa_fp8_gemm_<version>_smem / _block_n / _box_m / _cluster, read as Java does
  const int *smemSymbol, *bnSymbol, *boxmSymbol, *clusterSymbol;
};
#define DSA_VERSION(V)                                                           \
  {                                                                              \
#V, dsa_fp8_gemm_##V, &dsa_fp8_gemm_##V##_smem, &dsa_fp8_gemm_##V##_block_n, \
        &dsa_fp8_gemm_##V##_box_m, &dsa_fp8_gemm_##V##_cluster                   \
  }
static const Version kVersions[] = {
    DSA_VERSION(v2),
    DSA_VERSION(v3),
};
static void select(const std::string& v) {
  for (const Version& x : kVersions) {
    if (v != x.name) continue;
    g_version = v;
    g_kernel = x.kernel;
    CK(cudaMemcpyFromSymbol(&g_smem, *x.smemSymbol, sizeof(int)));
    CK(cudaMemcpyFromSymbol(&g_bn, *x.bnSymbol, sizeof(int)));
    CK(cudaMemcpyFromSymbol(&g_boxm, *x.boxmSymbol, sizeof(int)));
    CK(cudaMemcpyFromSymbol(&g_cluster, *x.clusterSymbol, sizeof(int)));
    CK(cudaFuncSetAttribute(x.kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, g_smem));
    return;
  }
  fprintf(stderr, "version %s: not v2 or v3\n", v.c_str());
  exit(2);
}

static CUtensorMap map_a(const void* a, int m, int k) {
  CUtensorMap map;
  cuuint64_t dims[2] = {(cuuint64_t)k, (cuuint64_t)m};
  cuuint64_t strides[1] = {(cuuint64_t)k};
  cuuint32_t box[2] = {128, (cuuint32_t)g_boxm}, es[2] = {1, 1};  // v5: 64 rows per CTA
  CUresult r = g_encode(&map, CU_TENSOR_MAP_DATA_TYPE_UINT8, 2, const_cast<void*>(a), dims, strides,
                        box, es, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
                        CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) {
    fprintf(stderr, "encode A failed %d\n", (int)r);
    exit(3);
  }
  return map;
}
static CUtensorMap map_b(const void* b, int groups, int n, int k) {
  CUtensorMap map;
  cuuint64_t dims[3] = {(cuuint64_t)k, (cuuint64_t)n, (cuuint64_t)groups};
  cuuint64_t strides[2] = {(cuuint64_t)k, (cuuint64_t)n * k};
  cuuint32_t box[3] = {128, (cuuint32_t)g_bn, 1}, es[3] = {1, 1, 1};  // the selected version's BN
  CUresult r = g_encode(&map, CU_TENSOR_MAP_DATA_TYPE_UINT8, 3, const_cast<void*>(b), dims, strides,
                        box, es, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
                        CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) {
    fprintf(stderr, "encode B failed %d\n", (int)r);
    exit(3);
  }
  return map;
}

struct Plan {
  std::vector<int> groups;  // rows per group
  int m, n, k, numRowBlocks, splits, tiles, grid;
  int4* dRowBlocks;
};
// splits: 0 = the rule below (the Java launch's), else forced.
static Plan plan(const std::vector<int>& groups, int n, int k, int forceSplits) {
  Plan p;
  p.groups = groups;
  p.n = n, p.k = k, p.m = 0;
  std::vector<int4> rb;
  for (size_t g = 0; g < groups.size(); g++) {
    for (int r = 0; r < groups[g]; r += 128)
      rb.push_back(make_int4((int)g, p.m + r, std::min(128, groups[g] - r), 0));
    p.m += groups[g];
  }
  p.numRowBlocks = (int)rb.size();
  const int colBlocks = (n + g_bn - 1) / g_bn, kBlocks = k / 128;
  const int tiles0 = p.numRowBlocks * colBlocks;
  // Split k only when the tiles do not fill the chip, keeping >= 4 k blocks per split.
  int s = tiles0 >= g_sms ? 1 : std::max(1, std::min(g_sms / tiles0, kBlocks / 4));
  p.splits = forceSplits ? forceSplits : s;
  p.tiles = tiles0 * p.splits;
  p.grid = std::min(p.tiles, g_sms);
  if (g_cluster == 2) {  // v5: one pair tile (two column tiles) per cluster of 2 CTAs
    const int pairTiles = p.numRowBlocks * ((colBlocks + 1) / 2) * p.splits;
    p.grid = 2 * std::min(pairTiles, std::min(g_sms / 2, g_maxClusters));
  }
  CK(cudaMalloc(&p.dRowBlocks, rb.size() * sizeof(int4)));
  CK(cudaMemcpy(p.dRowBlocks, rb.data(), rb.size() * sizeof(int4), cudaMemcpyHostToDevice));
  return p;
}

struct Bufs {
  __nv_fp8_e4m3 *a, *b;
  float *as, *bs, *ws;
  __nv_bfloat16* out;
};

static void launch(const Plan& p, const Bufs& d, const CUtensorMap& ma, const CUtensorMap& mb) {
  g_kernel<<<p.grid, THREADS, g_smem>>>(ma, mb, d.as, d.bs, d.out, d.ws, p.dRowBlocks,
                                        p.numRowBlocks, p.m, p.n, p.k, p.splits);
  if (p.splits > 1) {
    const long e4 = (long)p.m * p.n / 4;
    const int blocks = (int)std::min<long>((e4 + 255) / 256, (long)g_sms * 8);
    dsa_fp8_gemm_finish<<<blocks, 256>>>(d.ws, d.out, e4);
  }
}

static Bufs alloc(const Plan& p, uint64_t seed) {
  Bufs d;
  const size_t G = p.groups.size(), m = p.m, n = p.n, k = p.k;
  CK(cudaMalloc(&d.a, std::max<size_t>(m * k, 1)));
  CK(cudaMalloc(&d.b, G * n * k));
  CK(cudaMalloc(&d.as, (k / 128) * m * 4));
  CK(cudaMalloc(&d.bs, G * ((n + 127) / 128) * (k / 128) * 4));
  CK(cudaMalloc(&d.out, m * n * 2));
  d.ws = nullptr;
  if (p.splits > 1) {
    CK(cudaMalloc(&d.ws, m * n * 4));
    CK(cudaMemset(d.ws, 0, m * n * 4));
  }
  fill_e4m3<<<1024, 256>>>(d.a, m * k, seed);
  fill_e4m3<<<1024, 256>>>(d.b, G * n * k, seed + 1);
  fill_scale<<<256, 256>>>(d.as, (k / 128) * m, seed + 2);
  fill_scale<<<256, 256>>>(d.bs, G * ((n + 127) / 128) * (k / 128), seed + 3);
  fill_u16<<<1024, 256>>>(reinterpret_cast<uint16_t*>(d.out), m * n, 0x7fc1);  // poison: NaN
  CK(cudaGetLastError());
  return d;
}
static void release(Plan& p, Bufs& d) {
  cudaFree(d.a), cudaFree(d.b), cudaFree(d.as), cudaFree(d.bs), cudaFree(d.out);
  if (d.ws) cudaFree(d.ws);
  cudaFree(p.dRowBlocks);
}

static float bf16_to_f(uint16_t h) {
  uint32_t u = (uint32_t)h << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

static int g_fail = 0;
static std::vector<std::string> g_summary;

static void check(const char* name, const std::vector<int>& groups, int n, int k, int splits) {
  Plan p = plan(groups, n, k, splits);
  Bufs d = alloc(p, 1000 + n + k + p.m);
  std::vector<int> rowGroup;
  for (size_t g = 0; g < groups.size(); g++) rowGroup.insert(rowGroup.end(), groups[g], (int)g);
  int* dRowGroup;
  float* ref;
  CK(cudaMalloc(&dRowGroup, rowGroup.size() * 4));
  CK(cudaMemcpy(dRowGroup, rowGroup.data(), rowGroup.size() * 4, cudaMemcpyHostToDevice));
  CK(cudaMalloc(&ref, (size_t)p.m * n * 4));
  gemm_ref<<<(unsigned)(((size_t)p.m * n + 255) / 256), 256>>>(d.a, d.as, d.b, d.bs, dRowGroup, ref,
                                                               p.m, n, k);
  CK(cudaDeviceSynchronize());
  const CUtensorMap ma = map_a(d.a, p.m, k), mb = map_b(d.b, (int)groups.size(), n, k);
  // Twice: the second call also proves the split workspace was left zeroed by the first.
  for (int rep = 0; rep < 2; rep++) {
    fill_u16<<<1024, 256>>>(reinterpret_cast<uint16_t*>(d.out), (size_t)p.m * n, 0x7fc1);
    launch(p, d, ma, mb);
  }
  cudaError_t e = cudaDeviceSynchronize();
  if (e != cudaSuccess) {
    printf("CHECK %s %s: launch error %s FAIL\n", g_version.c_str(), name, cudaGetErrorString(e));
    exit(4);  // the context is gone; the script runs the timing in a fresh process
  }
  std::vector<uint16_t> got((size_t)p.m * n);
  std::vector<float> want((size_t)p.m * n);
  CK(cudaMemcpy(got.data(), d.out, got.size() * 2, cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(want.data(), ref, want.size() * 4, cudaMemcpyDeviceToHost));
  double num = 0, den = 0;
  size_t nan = 0, worst = 0;
  double worstErr = 0;
  for (size_t i = 0; i < got.size(); i++) {
    const float g = bf16_to_f(got[i]);
    if (!std::isfinite(g)) {
      nan++;
      continue;
    }
    const double diff = (double)g - want[i];
    num += diff * diff, den += (double)want[i] * want[i];
    if (fabs(diff) > worstErr) worstErr = fabs(diff), worst = i;
  }
  const double rel = den > 0 ? sqrt(num / den) : 0;
  const bool ok = nan == 0 && rel <= 1e-2;
  if (!ok) g_fail++;
  printf(
      "CHECK %s %-34s m=%d groups=%zu n=%d k=%d splits=%d tiles=%d relL2=%.3e nonfinite=%zu "
      "worst=%.3g@(%zu,%zu) %s\n",
      g_version.c_str(), name, p.m, groups.size(), n, k, p.splits, p.tiles, rel, nan, worstErr,
      worst / n, worst % n, ok ? "PASS" : "FAIL");
  cudaFree(dRowGroup), cudaFree(ref);
  release(p, d);
}

static void time_shape(const char* name, const std::vector<int>& groups, int n, int k,
                       const std::vector<std::string>& versions) {
  select(versions[0]);
  Plan p0 = plan(groups, n, k, 0);
  Bufs d = alloc(p0, 7);
  cudaEvent_t e0, e1;
  CK(cudaEventCreate(&e0));
  CK(cudaEventCreate(&e1));
  const double flops = 2.0 * p0.m * n * k;
  const double G = groups.size();
  const double bytes = (double)p0.m * k + G * n * k + 2.0 * p0.m * n + 4.0 * (k / 128) * p0.m +
                       4.0 * G * ((n + 127) / 128) * (k / 128);
  for (const std::string& v : versions) {
    select(v);
    // The tiles, splits and B box follow the version's BN.
    Plan p = plan(groups, n, k, 0);
    if (p.splits > 1 && !d.ws) {
      CK(cudaMalloc(&d.ws, (size_t)p.m * n * 4));
      CK(cudaMemset(d.ws, 0, (size_t)p.m * n * 4));
    }
    const CUtensorMap ma = map_a(d.a, p.m, k), mb = map_b(d.b, (int)groups.size(), n, k);
    // Enough repetitions for ~40 ms of work, at least 5, at most 200.
    launch(p, d, ma, mb);
    CK(cudaDeviceSynchronize());
    CK(cudaEventRecord(e0));
    launch(p, d, ma, mb);
    CK(cudaEventRecord(e1));
    CK(cudaEventSynchronize(e1));
    float first;
    CK(cudaEventElapsedTime(&first, e0, e1));
    const int reps = std::max(5, std::min(200, (int)(40.0 / std::max(first, 1e-3f))));
    for (int i = 0; i < 3; i++) launch(p, d, ma, mb);
    std::vector<float> ms;
    for (int i = 0; i < reps; i++) {
      CK(cudaEventRecord(e0));
      launch(p, d, ma, mb);
      CK(cudaEventRecord(e1));
      CK(cudaEventSynchronize(e1));
      float t;
      CK(cudaEventElapsedTime(&t, e0, e1));
      ms.push_back(t);
    }
    CK(cudaGetLastError());
    std::sort(ms.begin(), ms.end());
    const double med = ms[ms.size() / 2], lo = ms.front(), hi = ms.back();
    const double tflops = flops / (med * 1e-3) / 1e12;
    const double stream_us = bytes / (COPY_TBS * 1e12) * 1e6;
    char line[512];
    snprintf(line, sizeof line,
             "%s %-16s m=%-6d g=%-3zu n=%-6d k=%-5d splits=%-2d tiles=%-5d grid=%-3d %9.1f us "
             "[%7.1f..%7.1f] %7.1f TFLOP/s = %.3f of fp8 | %.3g GB, stream %.1f us, t/stream %.2f",
             v.c_str(), name, p.m, groups.size(), n, k, p.splits, p.tiles, p.grid, med * 1e3,
             lo * 1e3, hi * 1e3, tflops, tflops / FP8_TFLOPS, bytes / 1e9, stream_us,
             med * 1e3 / stream_us);
    printf("TIME %s\n", line);
    g_summary.push_back(line);
    fflush(stdout);
    cudaFree(p.dRowBlocks);
  }
  cudaEventDestroy(e0), cudaEventDestroy(e1);
  release(p0, d);
}

static bool wanted(const std::string& filter, const char* name) {
  return filter.empty() ||
         ("," + filter + ",").find("," + std::string(name) + ",") != std::string::npos;
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "check";
  const std::string arg = argc > 2 ? argv[2] : "v2";
  const std::string filter = argc > 3 ? argv[3] : "";
  std::vector<std::string> versions;
  for (size_t i = 0; i <= arg.size();) {
    const size_t j = std::min(arg.find(',', i), arg.size());
    versions.push_back(arg.substr(i, j - i));
    i = j + 1;
  }
  CK(cudaDeviceGetAttribute(&g_sms, cudaDevAttrMultiProcessorCount, 0));
  cudaDriverEntryPointQueryResult st;
  CK(cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", (void**)&g_encode, 12000,
                                      cudaEnableDefault, &st));
  if (st != cudaDriverEntryPointSuccess || !g_encode) {
    fprintf(stderr, "no cuTensorMapEncodeTiled\n");
    return 3;
  }
  for (const std::string& v : versions) {
    select(v);
    printf("%s: smem=%d block_n=%d box_m=%d cluster=%d\n", v.c_str(), g_smem, g_bn, g_boxm,
           g_cluster);
    if (g_cluster > 1) {
      // The grid assumes every SM pair can hold a cluster (132 SMs = 66 TPCs of 2): say so if not.
      cudaLaunchConfig_t cfg = {};
      cudaLaunchAttribute attr;
      attr.id = cudaLaunchAttributeClusterDimension;
      attr.val.clusterDim.x = g_cluster, attr.val.clusterDim.y = 1, attr.val.clusterDim.z = 1;
      cfg.gridDim = dim3(g_sms), cfg.blockDim = dim3(THREADS), cfg.dynamicSmemBytes = g_smem;
      cfg.attrs = &attr, cfg.numAttrs = 1;
      int clusters = -1;
      cudaError_t e = cudaOccupancyMaxActiveClusters(&clusters, (void*)g_kernel, &cfg);
      printf("%s: max active clusters %d (%s; the grid uses %d)\n", v.c_str(), clusters,
             cudaGetErrorString(e), g_sms / g_cluster);
      if (e == cudaSuccess && clusters > 0) g_maxClusters = clusters;
    }
  }
  printf("sms=%d threads=%d\n", g_sms, THREADS);

  if (mode == "check") {
    select(versions[0]);
    const int ms[] = {1, 77, 300}, ns[] = {64, 576}, ks[] = {128, 7168};
    for (int m : ms)
      for (int n : ns)
        for (int k : ks) {
          char nm[64];
          snprintf(nm, sizeof nm, "plain m%d n%d k%d", m, n, k);
          check(nm, {m}, n, k, 0);
          if (k > 128) {  // the other epilogue on the same shape
            snprintf(nm, sizeof nm, "plain m%d n%d k%d forced", m, n, k);
            int rule = plan({m}, n, k, 0).splits;  // (leaks a tiny table; fine in a test)
            check(nm, {m}, n, k, rule > 1 ? 1 : 3);
          }
        }
    check("grouped empty+uneven n576 k7168", {0, 77, 1, 200, 0, 130}, 576, 7168, 0);
    check("grouped empty+uneven n576 k7168 s1", {0, 77, 1, 200, 0, 130}, 576, 7168, 1);
    check("grouped empty+uneven n64 k128", {5, 0, 129, 0}, 64, 128, 0);
    check("grouped 8 uneven n1088 k384", {300, 0, 1, 513, 128, 129, 0, 1000}, 1088, 384, 0);
    check("plain m1100 n2048 k256", {1100}, 2048, 256, 0);
    check("grouped 128x3 n512 k128", std::vector<int>(128, 3), 512, 128, 0);
    // Over 132 tiles for every BN (v3: 33 x 5 = 165): CTAs take several tiles, so the staged
    // epilogue's buffer is reused; n 960 ends mid weight-scale block and mid tile.
    check("plain m4100 n960 k384", {4100}, 960, 384, 0);
    printf("CHECKS %s (%d failed)\n", g_fail ? "FAIL" : "PASS", g_fail);
    return g_fail ? 1 : 0;
  }

  struct S {
    const char* name;
    std::vector<int> groups;
    int n, k;
  };
  const int P = 16384, D = 256;
  const std::vector<S> shapes = {
      {"p.q_a", {P}, 1536, 7168},
      {"p.q_b", {P}, 24576, 1536},
      {"p.kv_a", {P}, 576, 7168},
      {"p.kv_b", {P}, 32768, 512},
      {"p.o", {P}, 7168, 16384},
      {"p.wq_b", {P}, 8192, 1536},
      {"p.gate_up", std::vector<int>(8, P), 4096, 7168},
      {"p.down", std::vector<int>(8, P), 7168, 2048},
      {"p.dense", {P}, 36864, 7168},
      {"d.q_a", {D}, 1536, 7168},
      {"d.q_b", {D}, 24576, 1536},
      {"d.kv_a", {D}, 576, 7168},
      {"d.kv_b", {D}, 32768, 512},
      {"d.o", {D}, 7168, 16384},
      {"d.wq_b", {D}, 8192, 1536},
      {"d.dense", {D}, 36864, 7168},
      {"d.lm_head", {D}, 129280, 7168},
      {"d.gate_up", {1024, 1024}, 4096, 7168},
      {"d.down", {1024, 1024}, 7168, 2048},
      {"d.kv_b_absorbed", std::vector<int>(128, 256), 512, 128},
      // The issue's decode target is at 128 tokens per GPU, where the fp8 ceiling's compute time
      // is ~0.75x the streaming time of the bytes (at 256 rows: ~1.5x, so 1.5x is the ceiling
      // itself).
      {"d128.q_a", {128}, 1536, 7168},
      {"d128.q_b", {128}, 24576, 1536},
      {"d128.kv_a", {128}, 576, 7168},
      {"d128.o", {128}, 7168, 16384},
      {"d128.wq_b", {128}, 8192, 1536},
      {"d128.lm_head", {128}, 129280, 7168},
  };
  for (const S& s : shapes)
    if (wanted(filter, s.name)) time_shape(s.name, s.groups, s.n, s.k, versions);
  printf("== summary\n");
  for (auto& l : g_summary) printf("%s\n", l.c_str());
  return 0;
}
