// FP8 matrix product in DeepSeek-V3's block-scaled recipe, plain or grouped (issue 21; the contract
// is Ops.Fp8Gemm): out[r, c] = sum_k a[r, k] aScale[k/128, r] b[g, c, k] bScale[g, c/128, k/128]
// for row r of group g, rounded to bf16.
//
// Tile: 128 rows x 128 columns, k in blocks of 128 (one activation scale per row and one weight
// scale per tile for each block, since a column tile is one 128-wide weight-scale block).
// Warp specialisation, persistent grid (one CTA per SM):
//   - warpgroup 0, one thread: the producer. It walks the same tile sequence as the math
//     warpgroups and brings each k block's A (128 x 128 e4m3) and B (128 x 128) into a ring of
//     stages with TMA tensor copies (128-byte swizzle, the layout the wgmma descriptors read),
//     completing on the stage's full barrier; it refills a stage once all 8 math warps have
//     arrived on its empty barrier.
//   - warpgroups 1 and 2: 64 rows each. Per k block: 4 wgmma m64n128k32 (e4m3, fp32 accumulators
//     zeroed at the block's first) into a block accumulator, then the promotion of the recipe:
//     total += block * aScale[row] * bScale, in fp32 FFMA. A warpgroup waits for its own products
//     before promoting; the other warpgroup's products keep the tensor cores busy meanwhile.
//     Scales are read from global memory one block ahead (three floats per thread per block: L1/L2
//     hits; the activation-scale rows of a tile are not 16-byte aligned for every m, so no TMA).
// v2 (PIPE) overlaps a warpgroup's promotion with its own next products: two block accumulators,
// block j+1's wgmma issued before block j is promoted (64 more registers per thread: 192 of
// accumulators in the 232 that setmaxnreg gives the math warpgroups). In v1 the two warpgroups
// consume each stage together, so their promotions tend to coincide and leave the tensor cores
// idle. Tiles: the host lists the row blocks (group, first row, rows <= 128) of all groups, so an
// empty group has none and a group's last block is partial; tiles are (row block, column block, k
// split) in bands of 16 row blocks, column blocks outer within a band: the ~132 tiles in flight
// share a band's A rows and a few columns of B in L2. Rows past a block's end (the next group's, or
// past m where TMA zero-fills) and columns past n are computed and never stored. Split k (few
// tiles, long k: the decode projections): each split adds its fp32 partial sums into a zeroed
// workspace [m, n] with vector atomics; dsa_fp8_gemm_finish rounds it to bf16 and zeroes it again
// for the next call.
// v3 and v4 (round gemm22) attack the fixed cost per tile and per k block:
//   - epilogue through shared memory: each math warpgroup writes its 64 rows as bf16 into its own
//     staging buffer (rows padded by 16 bytes: the accumulator layout's 8 rows x 4 lanes land on
//     32 distinct banks), then copies them out with 16-byte coalesced stores. v1/v2 store 4 bytes
//     per thread per 8 columns, so every warp store half-fills 8 sectors: ~4096 sector writes per
//     128 x 128 tile, issued while the tensor cores wait; the staged copy needs a quarter of that.
//   - v3: tiles of 128 x 192 (wgmma m64n192k32, 96 accumulators per thread, block + total = 192
//     registers, so v1's single block accumulator): the per-k-block wait, release and promotion
//     are paid once per 1.5x the products, and A is fetched once per 192 columns instead of 128
//     (L2->SM bytes per flop -17%). A 192-column tile spans two 128-wide weight-scale blocks: the
//     boundary falls at column 128 of even tiles and 64 of odd ones. n 576 (kv_a) is 3 tiles.
//   - v4: v2 (128 x 128, two block accumulators) with the staged epilogue.
//   - v5: v3 in clusters of 2 CTAs on the same row block and adjacent column tiles (a pair tile):
//     each CTA's producer loads half of the A rows (64) and multicasts them into both CTAs, so A
//     leaves L2 once per 384 columns. Each empty barrier then counts the consumer warps of both
//     CTAs (a producer writes into its partner's stage too), and both CTAs walk the same pair
//     tiles in step; the second CTA of a pair past the last column tile computes zeros and stores
//     nothing. All threads meet at a cluster barrier before exit (remote arrivals target live
//     shared memory only).
// Shipped: v2 and v3 (CudaGemmOps 'auto' picks by shape). v1 (v2 without PIPE), v4 and v5 lost on
// the H200 and left the sources (kernels/NOTES.md, "Removed from the sources"); gemm_body keeps its
// PIPE / SEPI / MC parameters, so any of them is one DSA_FP8_GEMM line away.
#include <cuda_bf16.h>

#include "../../dsa_common.cuh"
#include "../../dsa_wgmma.cuh"
#include "../hopper.cuh"
#include "gemm_sm90.cuh"

namespace {

constexpr int BM = 128, BK = 128;
constexpr int THREADS = 384;
constexpr int BAND = 16;  // row blocks per band of the tile order
constexpr int SMEM_LIMIT = 227 * 1024;

// Shared-memory plan of one variant: BN columns per tile; SEPI = epilogue staged in shared memory.
template <int BN_, bool SEPI>
struct Cfg {
  static constexpr int BN = BN_;
  static constexpr int A_BYTES = BM * BK, B_BYTES = BN * BK, STAGE_BYTES = A_BYTES + B_BYTES;
  static constexpr int EPI_PITCH = BN * 2 + 16;  // bytes per staged row (16 B of padding)
  static constexpr int EPI_BYTES = SEPI ? 2 * 64 * EPI_PITCH : 0;
  // As many stages as fit beside the staging (at most 6): BN 128 -> 6 (5 staged), 192 -> 4.
  static constexpr int FIT = (SMEM_LIMIT - 1024 - EPI_BYTES - 2 * 8 * 8) / STAGE_BYTES;
  static constexpr int STAGES = FIT < 6 ? FIT : 6;
  // alignment slack (the 128-byte swizzle wants 1024-byte-aligned tiles) + stages + staging + 2
  // barriers per stage
  static constexpr int SMEM_BYTES = 1024 + STAGES * STAGE_BYTES + EPI_BYTES + 2 * STAGES * 8;
  static_assert(STAGE_BYTES % 1024 == 0 && EPI_BYTES % 16 == 0, "alignment");
  static_assert(SMEM_BYTES <= SMEM_LIMIT, "shared memory");
};

struct Tile {
  int group, row0, rows, col0, cb, kb0, kb1;
};

// Tile t of numRowBlocks * colBlocks * splits (see the file comment for the order).
template <int BN>
__device__ __forceinline__ Tile tile_of(int t, const int4* __restrict__ rowBlocks, int numRowBlocks,
                                        int colBlocks, int splits, int kBlocks) {
  const int perBand = BAND * colBlocks * splits;
  const int band = t / perBand;
  const int local = t - band * perBand;
  const int height = min(BAND, numRowBlocks - band * BAND);
  const int rb = band * BAND + local % height;
  const int rest = local / height;
  const int split = rest % splits;
  const int cb = rest / splits;
  const int4 r = __ldg(rowBlocks + rb);
  Tile tile;
  tile.group = r.x;
  tile.row0 = r.y;
  tile.rows = r.z;
  tile.cb = cb;
  tile.col0 = cb * BN;
  tile.kb0 = (int)((long)split * kBlocks / splits);
  tile.kb1 = (int)((long)(split + 1) * kBlocks / splits);
  return tile;
}

template <int BN, bool PIPE, bool SEPI, bool MC>
__device__ __forceinline__ void gemm_body(const CUtensorMap* aMap, const CUtensorMap* bMap,
                                          const float* __restrict__ aScales,
                                          const float* __restrict__ bScales,
                                          __nv_bfloat16* __restrict__ out, float* __restrict__ ws,
                                          const int4* __restrict__ rowBlocks, int numRowBlocks,
                                          int m, int n, int k, int splits) {
  namespace h = dsa::sm90;
  using C = Cfg<BN, SEPI>;
  constexpr int STAGES = C::STAGES, A_BYTES = C::A_BYTES, STAGE_BYTES = C::STAGE_BYTES;
  constexpr int NACC = BN / 2;  // accumulator registers per thread of a 64 x BN block
  extern __shared__ uint8_t smem_raw[];
  const uint32_t raw = dsa::smem_u32(smem_raw);
  const uint32_t base = (raw + 1023u) & ~1023u;
  const uint32_t staging = base + STAGES * STAGE_BYTES;  // SEPI: 2 x 64 rows of EPI_PITCH
  const uint32_t bars = staging + C::EPI_BYTES;
  auto fullBar = [&](int s) { return bars + s * 8; };
  auto emptyBar = [&](int s) { return bars + (STAGES + s) * 8; };

  const int kBlocks = k / BK;
  const int colBlocks = (n + BN - 1) / BN;
  // MC: tiles are pair tiles (two adjacent column tiles), one per cluster; rank picks the column.
  const int tileCols = MC ? (colBlocks + 1) / 2 : colBlocks;
  const int tiles = numRowBlocks * tileCols * splits;
  const int wg = threadIdx.x / 128;
  const uint32_t rank = MC ? dsak::cluster_rank() : 0;
  // First tile and stride, re-read from the special registers where used (no live registers).
#define FIRST_TILE ((int)(MC ? blockIdx.x / 2 : blockIdx.x))
#define TILE_STRIDE ((int)(MC ? gridDim.x / 2 : gridDim.x))
  auto tile_at = [&](int t) {
    Tile tile = tile_of<BN>(t, rowBlocks, numRowBlocks, tileCols, splits, kBlocks);
    if constexpr (MC) {
      tile.cb = tile.cb * 2 + dsak::cluster_rank();  // re-read: no register kept for it
      tile.col0 = tile.cb * BN;
    }
    return tile;
  };

  if (threadIdx.x == 0) {
    for (int s = 0; s < STAGES; s++) {
      h::mbar_init(fullBar(s), 1);
      h::mbar_init(emptyBar(s), MC ? 16 : 8);  // one lane of each math warp (of both CTAs: MC)
    }
    h::mbar_init_fence();
    h::tma_prefetch_map(aMap);
    h::tma_prefetch_map(bMap);
  }
  // MC: the partner's barriers are initialised before any multicast or remote arrival.
  if constexpr (MC)
    dsa::gemm::cluster_sync_all();
  else
    __syncthreads();

  if (wg == 0) {
    h::regs_release<(BN > 128 ? 24 : 40)>();
    if (threadIdx.x != 0) {
      if constexpr (MC) dsa::gemm::cluster_sync_all();
      return;
    }
    int it = 0;  // k blocks issued so far: stage it % STAGES, its use number it / STAGES
    for (int t = FIRST_TILE; t < tiles; t += TILE_STRIDE) {
      const Tile tile = tile_at(t);
      for (int kb = tile.kb0; kb < tile.kb1; kb++, it++) {
        const int s = it % STAGES;
        // The stage's previous use (parity of use - 1) must be released; a fresh barrier passes.
        h::mbar_wait(emptyBar(s), ((it / STAGES) & 1) ^ 1);
        h::mbar_arrive_expect_tx(fullBar(s), STAGE_BYTES);
        const uint32_t sa = base + s * STAGE_BYTES;
        if constexpr (MC)  // this CTA's 64 rows of A into both CTAs
          dsa::gemm::tma_load_2d_multicast(sa + dsak::cluster_rank() * (A_BYTES / 2), aMap,
                                           fullBar(s), kb * BK,
                                           tile.row0 + dsak::cluster_rank() * 64, 0x3);
        else
          h::tma_load_2d_if(true, sa, aMap, fullBar(s), kb * BK, tile.row0);
        if constexpr (BN > 128)  // no cache-hint operand (evict_normal is the default): the
                                 // producer's 24 registers hold no 64-bit policy
          h::tma_load_3d(sa + A_BYTES, bMap, fullBar(s), kb * BK, tile.col0, tile.group);
        else
          h::tma_load_3d_if(true, sa + A_BYTES, bMap, fullBar(s), kb * BK, tile.col0, tile.group,
                            h::l2_evict_normal());
      }
    }
    if constexpr (MC) dsa::gemm::cluster_sync_all();
    return;
  }

  h::regs_claim<(BN > 128 ? 240 : 232)>();  // 128 x 24 + 256 x 240 <= 64 K for BN 192
  const int mw = wg - 1;                    // math warpgroup: rows mw * 64 .. + 63 of the tile
  const int tid = threadIdx.x - 128 * wg;
  const int warp = tid / 32, lane = tid % 32;
  // This thread's accumulator rows (within the tile) and first column within each 8-column group.
  const int rowA = mw * 64 + warp * 16 + lane / 4, rowB = rowA + 8;
  const int colq = (lane % 4) * 2;
  const uint32_t aOffset = mw * 64 * BK;  // this warpgroup's 64 rows of a stage's A
  const int bScaleRow = (n + 127) / 128;  // bScales [groups][ceil(n/128)][kBlocks]

  // Block kb's products into d (stage it % STAGES, once its bytes have landed).
  auto issue = [&](float* d, int it) {
    const int s = it % STAGES;
    h::mbar_wait(fullBar(s), (it / STAGES) & 1);
    const uint32_t st = base + s * STAGE_BYTES;
    const uint64_t da = dsak::wgmma_desc_sw128(st + aOffset);
    const uint64_t db = dsak::wgmma_desc_sw128(st + A_BYTES);
    h::fence_regs<NACC>(d);
    dsak::wgmma_fence();
#pragma unroll
    for (int ks = 0; ks < BK / 32; ks++) {
      // +32 bytes along k inside the swizzled 128-byte rows = +2 in the descriptors' address.
      if constexpr (BN == 192)
        dsa::gemm::wgmma_e4m3_n192(d, da + 2 * ks, db + 2 * ks, ks > 0);
      else
        dsak::WgmmaE4M3<BN>::mma(d, da + 2 * ks, db + 2 * ks, ks > 0);
    }
    dsak::wgmma_commit();
  };
  // MC: the partner's barriers, as shared::cluster addresses.
  const uint32_t peerBars = MC ? dsak::map_shared(bars, rank ^ 1) : 0;
  // After this warp's wait: its products have read the stage (wait_group is per warp), so one
  // arrival per warp.
  auto release = [&](int it) {
    if (lane == 0) {
      h::mbar_arrive(emptyBar(it % STAGES));
      if constexpr (MC)  // the partner's producer writes this stage too
        dsa::gemm::mbar_arrive_cluster(peerBars + (STAGES + it % STAGES) * 8);
    }
  };
  float total[NACC];
  // The recipe's promotion: total += block * aScale[row] * bScale. Scale products per row (0: row
  // A, 1: row B) and weight-scale block: lo for the tile's first 128-wide weight-scale block, hi
  // for the next. Columns 64..127 of the tile take hi on a tile that starts mid-block (`half`:
  // BN 192, odd tiles), selected here rather than kept in two more registers.
  struct Scales {
    float lo0, lo1, hi0, hi1;
  };
  auto promote = [&](const float* d, const Scales& s, bool half) {
    const float mid0 = half ? s.hi0 : s.lo0, mid1 = half ? s.hi1 : s.lo1;
#pragma unroll
    for (int j = 0; j < BN / 8; j++) {
      const float s0 = j < 8 ? s.lo0 : j < 16 ? mid0 : s.hi0;
      const float s1 = j < 8 ? s.lo1 : j < 16 ? mid1 : s.hi1;
      total[j * 4 + 0] = fmaf(d[j * 4 + 0], s0, total[j * 4 + 0]);
      total[j * 4 + 1] = fmaf(d[j * 4 + 1], s0, total[j * 4 + 1]);
      total[j * 4 + 2] = fmaf(d[j * 4 + 2], s1, total[j * 4 + 2]);
      total[j * 4 + 3] = fmaf(d[j * 4 + 3], s1, total[j * 4 + 3]);
    }
  };

  float acc0[NACC], acc1[PIPE ? NACC : 1];
  int it = 0;  // k blocks consumed so far, in the producer's order
  for (int t = FIRST_TILE; t < tiles; t += TILE_STRIDE) {
    const Tile tile = tile_at(t);
    // Rows past m (TMA zero-filled, never stored) read row m - 1's scale, which exists.
    const int gA = min(tile.row0 + rowA, m - 1), gB = min(tile.row0 + rowB, m - 1);
    // The tile's weight-scale blocks: the one holding its first column, and (BN 192) the next,
    // clamped to the last (a tile past n's last block reads it for columns never stored).
    const int wcb = min(tile.col0 / 128, bScaleRow - 1);  // MC: a pair's second tile may be past n
    const float* bs0 = bScales + ((size_t)tile.group * bScaleRow + wcb) * kBlocks;
    const int bs1Off = wcb + 1 < bScaleRow ? kBlocks : 0;  // bs0 + this: the next block's
#pragma unroll
    for (int i = 0; i < NACC; i++) total[i] = 0.f;
    // Scales of the next block (n*), loaded a block ahead.
    float nsa, nsb, nsw0, nsw1 = 0.f;
    auto next_scales = [&](int kb) {
      nsa = __ldg(aScales + (size_t)kb * m + gA);
      nsb = __ldg(aScales + (size_t)kb * m + gB);
      nsw0 = __ldg(bs0 + kb);
      if constexpr (BN > 128) nsw1 = __ldg(bs0 + bs1Off + kb);
    };
    auto scales = [&]() {  // the loaded block's scale products
      Scales r;
      r.lo0 = nsa * nsw0, r.lo1 = nsb * nsw0;
      if constexpr (BN > 128) {
        r.hi0 = nsa * nsw1, r.hi1 = nsb * nsw1;
      } else {
        r.hi0 = r.lo0, r.hi1 = r.lo1;
      }
      return r;
    };
    next_scales(tile.kb0);
    if constexpr (!PIPE) {
      for (int kb = tile.kb0; kb < tile.kb1; kb++, it++) {
        const Scales sc = scales();
        if (kb + 1 < tile.kb1) next_scales(kb + 1);  // in flight during this block's products
        issue(acc0, it);
        dsak::wgmma_wait<0>();
        h::fence_regs<NACC>(acc0);
        release(it);
        promote(acc0, sc, tile.col0 % 128 != 0);
      }
    } else {
      // Block j+1's products run while block j is promoted from the other set; each step ends
      // with wait<0>, so no wgmma group is pending across a loop edge (ptxas would serialize
      // every wgmma: it cannot follow a pending group around a loop with a runtime trip count).
      const int nkb = tile.kb1 - tile.kb0;
      Scales cs{};  // the promoted block's scale products
      auto step = [&](float* cur, float* nxt, int j) {
        const Scales sc = cs;
        const bool more = j + 1 < nkb;
        if (more) {
          cs = scales();  // block j+1's (loaded during block j)
          if (j + 2 < nkb) next_scales(tile.kb0 + j + 2);
          issue(nxt, it);
        }
        promote(cur, sc, tile.col0 % 128 != 0);  // cur: complete since the last step's wait
        dsak::wgmma_wait<0>();
        h::fence_regs<NACC>(nxt);
        if (more) release(it++);
      };
      cs = scales();
      if (nkb > 1) next_scales(tile.kb0 + 1);
      issue(acc0, it);
      dsak::wgmma_wait<0>();
      h::fence_regs<NACC>(acc0);
      release(it++);
      for (int j = 0; j < nkb; j += 2) {
        step(acc0, acc1, j);
        if (j + 1 < nkb) step(acc1, acc0, j + 1);
      }
    }
    // Epilogue: rows past the block's end and columns past n are not stored.
    const bool okA = rowA < tile.rows, okB = rowB < tile.rows;
    const size_t oA = (size_t)(tile.row0 + rowA) * n + tile.col0 + colq;
    const size_t oB = (size_t)(tile.row0 + rowB) * n + tile.col0 + colq;
    if (SEPI && splits == 1) {
      // This warpgroup's 64 x BN block as bf16 rows of EPI_PITCH bytes in its staging buffer,
      // then 16-byte chunks (8 columns) to global memory, consecutive threads on consecutive
      // chunks of a row. The first barrier: the previous tile's copy-out has read the buffer.
      const uint32_t stage = staging + mw * 64 * C::EPI_PITCH;
      const int barId = 1 + mw;  // named barriers 1, 2: one per math warpgroup
      h::named_sync(barId, 128);
      const int lrA = rowA - mw * 64, lrB = lrA + 8;
#pragma unroll
      for (int j = 0; j < BN / 8; j++) {
        const uint32_t col = (j * 8 + colq) * 2;
        dsa::gemm::st_shared_u32(stage + lrA * C::EPI_PITCH + col,
                                 dsa::pack_bf16(total[j * 4 + 0], total[j * 4 + 1]));
        dsa::gemm::st_shared_u32(stage + lrB * C::EPI_PITCH + col,
                                 dsa::pack_bf16(total[j * 4 + 2], total[j * 4 + 3]));
      }
      h::named_sync(barId, 128);
      constexpr int CHUNKS = BN / 8;  // 16-byte chunks per row
      static_assert(64 * CHUNKS % 128 == 0, "whole passes");
#pragma unroll
      for (int p = 0; p < 64 * CHUNKS / 128; p++) {
        const int i = p * 128 + tid;
        const int r = i / CHUNKS, c = i % CHUNKS;
        const int row = mw * 64 + r;
        if (row < tile.rows && tile.col0 + c * 8 < n) {  // n % 64 == 0: whole chunks
          const uint4 v = dsa::gemm::ld_shared_v4(stage + r * C::EPI_PITCH + c * 16);
          *reinterpret_cast<uint4*>(out + (size_t)(tile.row0 + row) * n + tile.col0 + c * 8) = v;
        }
      }
    } else if (splits == 1) {
#pragma unroll
      for (int j = 0; j < BN / 8; j++) {
        if (tile.col0 + j * 8 >= n) continue;  // n % 64 == 0: whole 8-column groups
        if (okA)
          *reinterpret_cast<uint32_t*>(out + oA + j * 8) =
              dsa::pack_bf16(total[j * 4 + 0], total[j * 4 + 1]);
        if (okB)
          *reinterpret_cast<uint32_t*>(out + oB + j * 8) =
              dsa::pack_bf16(total[j * 4 + 2], total[j * 4 + 3]);
      }
    } else {
#pragma unroll
      for (int j = 0; j < BN / 8; j++) {
        if (tile.col0 + j * 8 >= n) continue;
        if (okA)
          atomicAdd(reinterpret_cast<float2*>(ws + oA + j * 8),
                    make_float2(total[j * 4 + 0], total[j * 4 + 1]));
        if (okB)
          atomicAdd(reinterpret_cast<float2*>(ws + oB + j * 8),
                    make_float2(total[j * 4 + 2], total[j * 4 + 3]));
      }
    }
  }
  if constexpr (MC) dsa::gemm::cluster_sync_all();
}
#undef FIRST_TILE
#undef TILE_STRIDE

}  // namespace

// aMap: a as [m][k] e4m3, box 128 k x 128 rows. bMap: b as [groups][n][k], box 128 k x BN x 1
// (dsa_fp8_gemm_<version>_block_n: 128, v3 192). rowBlocks: int4 (group, first row, rows, unused)
// per row block. ws: fp32 [m][n], zero, used when splits > 1 (then out is written by
// dsa_fp8_gemm_finish). Every version takes the same arguments; shared memory and BN per version.
#define DSA_FP8_GEMM(NAME, BN, PIPE, SEPI, MC)                                                   \
  extern "C" __global__ void __launch_bounds__(THREADS, 1) __cluster_dims__(MC ? 2 : 1, 1, 1)    \
      NAME(const __grid_constant__ CUtensorMap aMap, const __grid_constant__ CUtensorMap bMap,   \
           const float* __restrict__ aScales, const float* __restrict__ bScales,                 \
           __nv_bfloat16* __restrict__ out, float* __restrict__ ws,                              \
           const int4* __restrict__ rowBlocks, int numRowBlocks, int m, int n, int k,            \
           int splits) {                                                                         \
    gemm_body<BN, PIPE, SEPI, MC>(&aMap, &bMap, aScales, bScales, out, ws, rowBlocks,            \
                                  numRowBlocks, m, n, k, splits);                                \
  }                                                                                              \
  extern "C" __device__ const int NAME##_smem = Cfg<BN, SEPI>::SMEM_BYTES;                       \
  extern "C" __device__ const int NAME##_block_n = BN;                                           \
  extern "C" __device__ const int NAME##_box_m = MC ? BM / 2 : BM; /* rows of the A map's box */ \
  extern "C" __device__ const int NAME##_cluster = MC ? 2 : 1;     /* grid: a multiple of this */
DSA_FP8_GEMM(dsa_fp8_gemm_v2, 128, true, false, false)
DSA_FP8_GEMM(dsa_fp8_gemm_v3, 192, false, true, false)

// Split k's last step: out = bf16(ws), ws = 0 (ready for the next call). elems4 = m * n / 4.
extern "C" __global__ void __launch_bounds__(256)
    dsa_fp8_gemm_finish(float* __restrict__ ws, __nv_bfloat16* __restrict__ out, long elems4) {
  for (long i = blockIdx.x * 256L + threadIdx.x; i < elems4; i += (long)gridDim.x * 256) {
    float4 v = reinterpret_cast<float4*>(ws)[i];
    reinterpret_cast<uint2*>(out)[i] =
        make_uint2(dsa::pack_bf16(v.x, v.y), dsa::pack_bf16(v.z, v.w));
    reinterpret_cast<float4*>(ws)[i] = make_float4(0.f, 0.f, 0.f, 0.f);
  }
}

// v1 / v2's (Cfg<128, false>), kept for launches that predate the per-version constants.
extern "C" __device__ const int dsa_fp8_gemm_smem = Cfg<128, false>::SMEM_BYTES;
extern "C" __device__ const int dsa_fp8_gemm_threads = THREADS;
extern "C" __device__ const int dsa_fp8_gemm_block_m = BM;
extern "C" __device__ const int dsa_fp8_gemm_block_n = 128;
extern "C" __device__ const int dsa_fp8_gemm_block_k = BK;
extern "C" __device__ const int dsa_fp8_gemm_band = BAND;
extern "C" __device__ const int dsa_fp8_gemm_finish_threads = 256;
