// Round sdec9 (issue 16, sparse fp8 decode): where the solo producer's ~0.2 ms goes. Diagnostics
// only, never shipped. Every kernel here does one part of what sparse_mla_fp8_v4's producer does,
// on the decode bench's shapes and index lists (fill_indices of sparse_bench.cu without holes:
// k = 2048 random visible keys per query token, drawn with replacement):
//   gv4     the producer's global loads alone, v4's pattern: 128 threads, four per entry, thread q4
//           loads 16 bytes of each 64-byte panel (8 x 16 B), the half's two scales (2 x 8 B) and 32
//           bytes of rope (v4 copies these by cp.async), of entries rr and rr + 32 of every block;
//           U entries in flight per thread; the bytes are summed into a register, stored once.
//           Grid (2, rows) as the solo kernel; `1/SM` pads dynamic shared memory so that one CTA
//           runs per SM as in the real kernel, `free` lets the CTAs share SMs.
//   gflat   the same entries by plain 16-byte loads over the CTA's (entry, chunk) space: NT
//   threads,
//           U chunks in flight per thread, one CTA per SM.
//   gbulk   the same entries by one cp.async.bulk of 656 bytes each into a shared ring (v8's load
//           path): NW warps, SPW ring slots per warp, one mbarrier per slot; one word per entry
//           read.
//   cv4     v4's conversion and bf16 stores alone: 128 threads, the 64 raw entries of one block
//   cv5     resident in shared memory (loaded once), then for each of the k / 64 blocks both halves
//           converted (dequant16, or dequant16_v5 for cv5) and stored into the swizzled tile of
//           that block's parity with rope and flags, a proxy fence per half as v4's signal.
//           No global loads in the loop.
//   floor   the HBM floor of this access: the same (head half, row, entry) requests as 16-byte
//   loads
//           spread over every SM (8 CTAs of 512 threads each); `uniq` reads each row's entries once
//           (no second head half); `seq` reads as many bytes contiguously (the copy ceiling).
// Checks: gv4 / gflat / gbulk / floor sums against a plain reference kernel on fresh random data
// (never zeros), sinks poisoned; a wrong sum is reported and the variant's time marked. The
// conversion kernels are timed only (the conversion itself is checked by sparse_bench's v4/v5).
// Build (repo root, GPU machine):
//   nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I kernels/src/main/cuda \
//        kernels/src/test/cuda/sdec9_bench.cu -o sdec9_bench
// Run: sdec9_bench [prefix,prefix,...]  (variants whose name starts with one; all by default). An
// mbarrier wait that lasts 2 s traps (the process dies: run gbulk in its own process).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sm90/sparse_mla.cuh"

#define CK(x)                                                                                 \
  do {                                                                                        \
    cudaError_t e_ = (x);                                                                     \
    if (e_ != cudaSuccess) {                                                                  \
      printf("ERROR %s:%d %s -> %s (the rest of this run is lost)\n", __FILE__, __LINE__, #x, \
             cudaGetErrorString(e_));                                                         \
      fflush(stdout);                                                                         \
      exit(3);                                                                                \
    }                                                                                         \
  } while (0)

namespace {
constexpr int RAW = 656;                // bytes of a KV_FP8_656 entry
constexpr int CHUNKS = RAW / 16;        // 41 16-byte chunks
constexpr int WORDS = RAW / 4;          // 164
constexpr int ONE_PER_SM = 150 * 1024;  // dynamic shared memory that leaves room for one CTA per SM

struct Args {
  const uint8_t* cache;
  const int* idx;
  int T, P, k;
  unsigned* sink;  // [rows][2] per-CTA sums (floor: one sum)
};

__device__ __forceinline__ unsigned sum4(uint4 v) { return v.x + v.y + v.z + v.w; }

// The CTA's index list into shared memory first (the real kernel's prologue leaves it in L1),
// so that every variant's loop waits only on the entries' bytes.
__device__ __forceinline__ const uint8_t* stage_indices(const Args& a, int* sidx) {
  const int r = blockIdx.y;
  for (int i = threadIdx.x; i < a.k; i += blockDim.x) sidx[i] = a.idx[(size_t)r * a.k + i];
  __syncthreads();
  return a.cache + (size_t)(r / a.T) * a.P * RAW;
}
__device__ __forceinline__ void store_sum(const Args& a, unsigned s) {
#pragma unroll
  for (int o = 16; o; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
  if ((threadIdx.x & 31) == 0) atomicAdd(&a.sink[blockIdx.y * 2 + blockIdx.x], s);
}

// ---------------------------------------------------------------- gv4: v4's loads, nothing else
template <int U>
__global__ void __launch_bounds__(128, 1) gather_v4(Args a) {
  extern __shared__ __align__(1024) int sidx[];
  const uint8_t* seq = stage_indices(a, sidx);
  const int q4 = threadIdx.x & 3, rr = threadIdx.x >> 2;
  unsigned acc = 0;
  // Entry rr + 32 j: j runs over both rows of every block, left and right halves together.
  for (int j = 0; j < a.k / 32; j += U) {
    uint4 v[U][10];
    float2 s[U][2];
#pragma unroll
    for (int u = 0; u < U; u++) {
      const int id = sidx[rr + 32 * (j + u)];
      const uint8_t* e = seq + (size_t)(id >= 0 ? id : 0) * RAW;
#pragma unroll
      for (int p = 0; p < 8; p++) v[u][p] = sm90s::ld_stream_16(e + p * 64 + q4 * 16);
      s[u][0] = sm90s::ld_stream_f2(e + 512);
      s[u][1] = sm90s::ld_stream_f2(e + 520);
      v[u][8] = sm90s::ld_stream_16(e + 528 + q4 * 32);
      v[u][9] = sm90s::ld_stream_16(e + 544 + q4 * 32);
    }
#pragma unroll
    for (int u = 0; u < U; u++) {
#pragma unroll
      for (int p = 0; p < 10; p++) acc += sum4(v[u][p]);
      acc += __float_as_uint(s[u][0].x) + __float_as_uint(s[u][0].y) + __float_as_uint(s[u][1].x) +
             __float_as_uint(s[u][1].y);
    }
  }
  store_sum(a, acc);
}

// ---------------------------------------------------------------- gflat: plain 16-byte loads
template <int NT, int U>
__global__ void __launch_bounds__(NT, 1) gather_flat(Args a) {
  extern __shared__ __align__(1024) int sidx[];
  const uint8_t* seq = stage_indices(a, sidx);
  const int n = a.k * CHUNKS;
  unsigned acc = 0;
  for (int i0 = threadIdx.x; i0 < n; i0 += NT * U) {
    uint4 v[U];
#pragma unroll
    for (int u = 0; u < U; u++) {
      const int i = i0 + u * NT;
      v[u] = make_uint4(0u, 0u, 0u, 0u);
      if (i < n) {
        const int id = sidx[i / CHUNKS];
        v[u] = sm90s::ld_stream_16(seq + (size_t)(id >= 0 ? id : 0) * RAW + (i % CHUNKS) * 16);
      }
    }
#pragma unroll
    for (int u = 0; u < U; u++) acc += sum4(v[u]);
  }
  store_sum(a, acc);
}

// ---------------------------------------------------------------- gbulk: cp.async.bulk ring
__device__ __forceinline__ uint32_t smem_u32(const void* p) {
  return (uint32_t)__cvta_generic_to_shared(p);
}
__device__ __forceinline__ void wait_parity_bounded(uint32_t bar, uint32_t parity) {
  uint32_t done = 0;
  uint64_t t0 = 0;
  for (int spin = 0;; spin++) {
    asm volatile(
        "{\n .reg .pred p;\n mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n selp.u32 %0, "
        "1, 0, p;\n}\n"
        : "=r"(done)
        : "r"(bar), "r"(parity)
        : "memory");
    if (done) return;
    if ((spin & 1023) == 0) {  // a lost copy or a wrong parity traps after ~2 s instead of hanging
      uint64_t now;
      asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
      if (t0 == 0)
        t0 = now;
      else if (now - t0 > 2000000000ull)
        __trap();
    }
  }
}
template <int NW, int SPW>
__global__ void __launch_bounds__(NW * 32, 1) gather_bulk(Args a) {
  extern __shared__ __align__(1024) uint8_t smem[];
  int* sidx = reinterpret_cast<int*>(smem);
  uint8_t* ring = smem + 2048 * 4;  // k <= 2048 (checked on the host)
  uint64_t* bars = reinterpret_cast<uint64_t*>(ring + NW * SPW * RAW);
  const uint8_t* seq = stage_indices(a, sidx);
  const int w = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int nj = (a.k - w + NW - 1) / NW;  // this warp's entries: e = j * NW + w
  uint8_t* myring = ring + w * SPW * RAW;
  const uint32_t mybars = smem_u32(bars + w * SPW);
  if (lane < SPW)
    asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(mybars + 8 * lane) : "memory");
  asm volatile("fence.mbarrier_init.release.cluster;\nfence.proxy.async.shared::cta;" ::: "memory");
  __syncwarp();
  auto issue = [&](int j) {
    const int slot = j % SPW;
    const int id = sidx[j * NW + w];
    const uint32_t bar = mybars + 8 * slot;
    if (id >= 0) {
      asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(bar), "n"(RAW)
                   : "memory");
      asm volatile(
          "cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, "
          "[%3];" ::"r"(smem_u32(myring + slot * RAW)),
          "l"(seq + (size_t)id * RAW), "n"(RAW), "r"(bar)
          : "memory");
    } else {
      asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];" ::"r"(bar) : "memory");
    }
  };
  if (lane < SPW && lane < nj) issue(lane);
  unsigned acc = 0;
  for (int j = 0; j < nj; j++) {
    const int slot = j % SPW;
    wait_parity_bounded(mybars + 8 * slot, (j / SPW) & 1);
    const int e = j * NW + w;
    if (lane == 0 && sidx[e] >= 0)
      acc += reinterpret_cast<const unsigned*>(myring + slot * RAW)[e % WORDS];
    __syncwarp();  // the slot's word is read before the copy that reuses it is issued
    if (lane == slot && j + SPW < nj) issue(j + SPW);
  }
  store_sum(a, acc);
}

// ---------------------------------------------------------------- cv4 / cv5: conversion alone
// Shared: [raw 64 x 656][tile 0][tile 1][flags 2 x 64]; tiles as sm90s::Layout's K0 / K1 (9 panels
// of 64 rows x 128 bytes, 16-byte chunks swizzled by row & 7).
template <bool V5>
__global__ void __launch_bounds__(128, 1) convert_only(Args a) {
  extern __shared__ __align__(1024) uint8_t smem[];
  constexpr int PANEL = 64 * 128, TILE = 9 * PANEL, RAWB = 64 * RAW;
  const uint32_t base = smem_u32(smem), raw = base, tile0 = base + RAWB, flags = tile0 + 2 * TILE;
  {  // the CTA's first 64 entries, loaded once (plain loads: the loop below never reads global
     // memory)
    const int r = blockIdx.y;
    const uint8_t* seq = a.cache + (size_t)(r / a.T) * a.P * RAW;
    for (int i = threadIdx.x; i < 64 * CHUNKS; i += blockDim.x) {
      const int id = a.idx[(size_t)r * a.k + i / CHUNKS];
      uint4 v = *reinterpret_cast<const uint4*>(seq + (size_t)(id >= 0 ? id : 0) * RAW +
                                                (i % CHUNKS) * 16);
      sm90s::st_shared_16(raw + (i / CHUNKS) * RAW + (i % CHUNKS) * 16, v);
    }
    __syncthreads();
  }
  const int q4 = threadIdx.x & 3, rr = threadIdx.x >> 2;
  for (int b = 0; b < a.k / 64; b++) {
    const uint32_t tile = tile0 + (b & 1) * TILE;
#pragma unroll
    for (int half = 0; half < 2; half++) {
#pragma unroll
      for (int h = 0; h < 2; h++) {
        const int row = rr + 32 * h;
        const uint32_t src = raw + row * RAW, rowoff = row * 128, rx = row & 7;
        uint32_t sc2[2];
        asm volatile("ld.shared.v2.b32 {%0, %1}, [%2];"
                     : "=r"(sc2[0]), "=r"(sc2[1])
                     : "r"(src + 512 + half * 8));
#pragma unroll
        for (int p = 0; p < 4; p++) {
          const uint4 v = sm90s::ld_shared_16(src + half * 256 + p * 64 + q4 * 16);
          const float sc = __uint_as_float(p < 2 ? sc2[0] : sc2[1]);
          uint4 lo, hi;
          if constexpr (V5) {
            const float s120 = sc * 0x1p120f;
            sm90s::dequant16_v5(v, __floats2bfloat162_rn(s120, s120), lo, hi);
          } else {
            sm90s::dequant16(v, __floats2bfloat162_rn(sc, sc), lo, hi);
          }
          const uint32_t panel = tile + (half * 4 + p) * PANEL + rowoff;
          sm90s::st_shared_16(panel + (((2 * q4) ^ rx) << 4), lo);
          sm90s::st_shared_16(panel + (((2 * q4 + 1) ^ rx) << 4), hi);
        }
        if (half == 1) {  // rope as stored (v4 copies it by cp.async from global) and the flag
          const uint32_t panel = tile + 8 * PANEL + rowoff;
          sm90s::st_shared_16(panel + (((2 * q4) ^ rx) << 4),
                              sm90s::ld_shared_16(src + 528 + q4 * 32));
          sm90s::st_shared_16(panel + (((2 * q4 + 1) ^ rx) << 4),
                              sm90s::ld_shared_16(src + 544 + q4 * 32));
          if (q4 == 0)
            asm volatile("st.shared.u8 [%0], %1;" ::"r"(flags + (b & 1) * 64 + row),
                         "h"((unsigned short)1)
                         : "memory");
        }
      }
      sm90s::fence_proxy_async_cta();  // as v4's signal: generic stores before the consumers' wgmma
    }
  }
  // One word of the last tile, so the stores have an observable result.
  if (threadIdx.x == 0) atomicAdd(&a.sink[blockIdx.y * 2 + blockIdx.x], smem[RAWB + 16]);
}

// ---------------------------------------------------------------- floor: every SM, many warps
// MODE 0: the (row, entry, head half) requests of the solo grid; 1: each (row, entry) once;
// 2: as many bytes as mode 0 read contiguously from the cache's start.
template <int MODE>
__global__ void __launch_bounds__(512) gather_floor(Args a, int rows) {
  constexpr int U = 4;
  const long long per = (long long)a.k * CHUNKS;  // chunks per (half, row)
  const long long n = (MODE == 1 ? 1 : 2) * (long long)rows * per;
  const long long stride = (long long)gridDim.x * blockDim.x;
  unsigned acc = 0;
  for (long long i0 = blockIdx.x * (long long)blockDim.x + threadIdx.x; i0 < n; i0 += stride * U) {
    uint4 v[U];
#pragma unroll
    for (int u = 0; u < U; u++) {
      const long long i = i0 + u * stride;
      v[u] = make_uint4(0u, 0u, 0u, 0u);
      if (i < n) {
        if constexpr (MODE == 2) {
          v[u] = sm90s::ld_stream_16(a.cache + i * 16);
        } else {
          // Mode 0: the two head halves' requests of an entry next to each other (as the two CTAs
          // of a row run side by side in the solo grid), so the second may hit L2.
          const long long ent = i / CHUNKS;
          const int c = (int)(i - ent * CHUNKS);
          const long long re = MODE == 0 ? ent >> 1 : ent;
          const int r = (int)(re / a.k), e = (int)(re % a.k);
          const int id = __ldg(a.idx + (size_t)r * a.k + e);
          v[u] = sm90s::ld_stream_16(a.cache +
                                     ((size_t)(r / a.T) * a.P + (id >= 0 ? id : 0)) * RAW + c * 16);
        }
      }
    }
#pragma unroll
    for (int u = 0; u < U; u++) acc += sum4(v[u]);
  }
#pragma unroll
  for (int o = 16; o; o >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, o);
  if ((threadIdx.x & 31) == 0) atomicAdd(a.sink, acc);
}

// ---------------------------------------------------------------- reference sums, fills
// Per (row, entry): all 164 words (`all`), v4's pattern (values and rope once, the four scale
// words four times: each of the entry's four threads loads them), and gbulk's word e % 164.
__global__ void reference_sums(Args a, int rows, unsigned* all, unsigned* v4, unsigned* bulk) {
  const size_t n = (size_t)rows * a.k;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x) {
    const int r = (int)(i / a.k), e = (int)(i % a.k);
    const int id = a.idx[i];
    const unsigned* w = reinterpret_cast<const unsigned*>(
        a.cache + ((size_t)(r / a.T) * a.P + (id >= 0 ? id : 0)) * RAW);
    unsigned s = 0, sc = 0;
    for (int j = 0; j < WORDS; j++) {
      if (j >= 128 && j < 132)
        sc += w[j];
      else
        s += w[j];
    }
    atomicAdd(all + r, s + sc);
    atomicAdd(v4 + r, s + 4 * sc);
    if (id >= 0) atomicAdd(bulk + r, w[e % WORDS]);
  }
}
__device__ uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
__global__ void fill_random(uint64_t* p, size_t n, uint64_t seed) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    p[i] = mix(seed * 0x632be59bd9b4e019ull + i) | 0x0101010101010101ull;  // never a zero byte
}
// sparse_bench's decode bench: row r (token r % T) sees P - T + t + 1 keys, picks k at random.
__global__ void fill_indices(int* idx, int rows, int T, int P, int k, uint64_t seed) {
  const size_t n = (size_t)rows * k;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x) {
    const int r = (int)(i / k);
    const int vis = P - T + (r % T) + 1;
    idx[i] = (int)((mix(seed * 31 + i) >> 20) % (uint64_t)vis);
  }
}

enum class Sum { ALL, V4, BULK, NONE };
struct Variant {
  std::string name;
  Sum sum;
  int floorMode;  // -1: a (2, rows) kernel; else gather_floor<mode>
  void (*kernel)(Args);
  int threads, smem;
};
template <int M>
void floor_launch(Args a, int rows, cudaStream_t s) {
  gather_floor<M><<<132 * 8, 512, 0, s>>>(a, rows);
}
}  // namespace

int main(int argc, char** argv) {
  // Variants whose name starts with one of the comma-separated prefixes of argv[1] (all without
  // it).
  std::vector<std::string> only;
  for (std::string l = argc > 1 ? argv[1] : ""; !l.empty();) {
    const size_t c = l.find(',');
    only.push_back(l.substr(0, c));
    l = c == std::string::npos ? "" : l.substr(c + 1);
  }
  auto wanted = [&](const std::string& n) {
    if (only.empty()) return true;
    for (const auto& o : only)
      if (n.rfind(o, 0) == 0) return true;
    return false;
  };
  const int idxBytes = 2048 * 4;
  const int bulk4 = idxBytes + 4 * 28 * RAW + 4 * 28 * 8;  // v8's ring: 112 entries, 73 KB
  const int bulk8 = idxBytes + 8 * 24 * RAW + 8 * 24 * 8;  // 192 entries, 126 KB
  const int conv = 64 * RAW + 2 * 9 * 64 * 128 + 128;
  std::vector<Variant> vs = {
      {"gv4 U=1 1/SM", Sum::V4, -1, gather_v4<1>, 128, ONE_PER_SM},
      {"gv4 U=2 1/SM", Sum::V4, -1, gather_v4<2>, 128, ONE_PER_SM},
      {"gv4 U=1 free", Sum::V4, -1, gather_v4<1>, 128, idxBytes},
      {"gflat 128x4 1/SM", Sum::ALL, -1, gather_flat<128, 4>, 128, ONE_PER_SM},
      {"gflat 128x8 1/SM", Sum::ALL, -1, gather_flat<128, 8>, 128, ONE_PER_SM},
      {"gflat 256x8 1/SM", Sum::ALL, -1, gather_flat<256, 8>, 256, ONE_PER_SM},
      {"gflat 384x8 1/SM", Sum::ALL, -1, gather_flat<384, 8>, 384, ONE_PER_SM},
      {"gflat 384x16 1/SM", Sum::ALL, -1, gather_flat<384, 16>, 384, ONE_PER_SM},
      {"gbulk 4wx28 1/SM", Sum::BULK, -1, gather_bulk<4, 28>, 128, std::max(bulk4, ONE_PER_SM)},
      {"gbulk 8wx24 1/SM", Sum::BULK, -1, gather_bulk<8, 24>, 256, std::max(bulk8, ONE_PER_SM)},
      {"cv4 1/SM", Sum::NONE, -1, convert_only<false>, 128, conv},
      {"cv5 1/SM", Sum::NONE, -1, convert_only<true>, 128, conv},
      {"floor req", Sum::ALL, 0, nullptr, 512, 0},
      {"floor uniq", Sum::ALL, 1, nullptr, 512, 0},
      {"floor seq", Sum::NONE, 2, nullptr, 512, 0},
  };
  for (auto& v : vs)
    if (v.kernel && v.smem > 48 * 1024)
      CK(cudaFuncSetAttribute(v.kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, v.smem));
  printf("conv smem %d B, bulk rings %d / %d B, 1/SM pad %d B\n", conv, bulk4, bulk8, ONE_PER_SM);

  struct Point {
    int batch, T, P, k;
    const char* name;
  };
  const Point pts[] = {{64, 2, 131072, 2048, "64x2 p=128K"},
                       {128, 2, 131072, 2048, "128x2 p=128K"}};
  cudaEvent_t e0, e1;
  CK(cudaEventCreate(&e0));
  CK(cudaEventCreate(&e1));
  int bad = 0;
  for (const Point& pt : pts) {
    const int rows = pt.batch * pt.T;
    const size_t cacheBytes = (size_t)pt.batch * pt.P * RAW;
    uint8_t* cache;
    int* idx;
    unsigned *sink, *ref;
    CK(cudaMalloc(&cache, cacheBytes));
    CK(cudaMalloc(&idx, (size_t)rows * pt.k * 4));
    CK(cudaMalloc(&sink, (size_t)rows * 2 * 4));
    CK(cudaMalloc(&ref, (size_t)rows * 3 * 4));
    fill_random<<<4096, 256>>>(reinterpret_cast<uint64_t*>(cache), cacheBytes / 8, 7 + pt.batch);
    fill_indices<<<2048, 256>>>(idx, rows, pt.T, pt.P, pt.k, 23);
    CK(cudaMemset(ref, 0, (size_t)rows * 3 * 4));
    Args a{cache, idx, pt.T, pt.P, pt.k, sink};
    reference_sums<<<2048, 256>>>(a, rows, ref, ref + rows, ref + 2 * rows);
    CK(cudaGetLastError());
    CK(cudaDeviceSynchronize());
    std::vector<unsigned> hr((size_t)rows * 3);
    CK(cudaMemcpy(hr.data(), ref, hr.size() * 4, cudaMemcpyDeviceToHost));
    const double reqBytes = 2.0 * rows * pt.k * RAW;  // both head halves ask for every entry
    for (const Variant& v : vs) {
      if (!wanted(v.name)) continue;
      auto launch = [&]() {
        if (v.floorMode == 0)
          floor_launch<0>(a, rows, 0);
        else if (v.floorMode == 1)
          floor_launch<1>(a, rows, 0);
        else if (v.floorMode == 2)
          floor_launch<2>(a, rows, 0);
        else
          v.kernel<<<dim3(2, rows), v.threads, v.smem>>>(a);
      };
      // Check: one launch into a poisoned sink.
      CK(cudaMemset(sink, 0xA5, (size_t)rows * 2 * 4));
      if (v.floorMode >= 0)
        CK(cudaMemset(sink, 0, 4));
      else
        CK(cudaMemset(sink, 0, (size_t)rows * 2 * 4));
      launch();
      CK(cudaGetLastError());
      CK(cudaDeviceSynchronize());
      std::vector<unsigned> hs((size_t)rows * 2);
      CK(cudaMemcpy(hs.data(), sink, hs.size() * 4, cudaMemcpyDeviceToHost));
      int wrong = 0;
      if (v.sum != Sum::NONE) {
        const unsigned* want = hr.data() + (v.sum == Sum::ALL  ? 0
                                            : v.sum == Sum::V4 ? rows
                                                               : 2 * rows);
        if (v.floorMode >= 0) {
          unsigned tot = 0;
          for (int r = 0; r < rows; r++) tot += (v.floorMode == 1 ? 1u : 2u) * want[r];
          wrong = hs[0] != tot;
        } else {
          for (int r = 0; r < rows; r++)
            wrong += (hs[2 * r] != want[r]) + (hs[2 * r + 1] != want[r]);
        }
      }
      // Time: 2 warm-up launches, median of 10 (back to back, as sparse_bench's bench).
      launch();
      launch();
      std::vector<float> ms;
      for (int i = 0; i < 10; i++) {
        CK(cudaEventRecord(e0));
        launch();
        CK(cudaEventRecord(e1));
        CK(cudaEventSynchronize(e1));
        float t;
        CK(cudaEventElapsedTime(&t, e0, e1));
        ms.push_back(t);
      }
      CK(cudaGetLastError());
      std::sort(ms.begin(), ms.end());
      const double med = ms[5];
      const double bytes =
          v.floorMode == 1 ? reqBytes / 2 : reqBytes;  // floor seq reads reqBytes too
      bad += wrong != 0;
      printf(
          "BENCH %-18s | %-12s | %8.1f us | %6.3f TB/s requested | %5.1f%% of 4.08 | min %.1f max "
          "%.1f | %s\n",
          v.name.c_str(), pt.name, med * 1e3, bytes / (med * 1e-3) / 1e12,
          100.0 * bytes / (med * 1e-3) / 4.08e12, ms[0] * 1e3, ms[9] * 1e3,
          v.sum == Sum::NONE ? "sum not checked"
          : wrong            ? "SUM WRONG"
                             : "sum ok");
      fflush(stdout);
    }
    CK(cudaFree(cache));
    CK(cudaFree(idx));
    CK(cudaFree(sink));
    CK(cudaFree(ref));
  }
  printf("CHECKS %s (%d variant-points with a wrong sum)\n", bad ? "FAILED" : "passed", bad);
  return bad ? 1 : 0;
}
