// Dense MLA prefill in MHA mode on Hopper (version 3): 128 heads, q.k dim 192 (128 nope + 64 rope),
// v dim 128, causal, bf16 in and out, fp32 accumulation and softmax. A chunk of `tokens` queries at
// positions position-tokens .. position-1 over `position` keys; query i sees keys 0 ..
// position-tokens+i. Layouts (row-major, as the cpu backend's MhaKernel): q [tokens,128,192], k
// [position,128,192], v [position,128,128], out [tokens,128,128].
//
// FlashAttention-3's design, written for this shape:
// - Warp specialization. Warpgroup 0 is the producer: one thread issues TMA loads (Q of a work tile
//   once; K and V tiles of 128 keys into two-stage rings) that complete on "full" mbarriers, and
//   waits on "empty" mbarriers that the consumers arrive on when their wgmma has read a stage.
//   Warpgroups 1 and 2 are the consumers, 64 query rows each of a 128-row work tile; they never
//   meet at a block-wide barrier. setmaxnreg moves registers from the producer (which needs few) to
//   the consumers (O, S and P of a 64x128 tile live in registers).
// - Inside a consumer warpgroup, S_j+1 = Q K_j+1^T is issued before O += P_j V_j, and the softmax
//   of S_j+1 runs while P_j V_j is still on the tensor cores (the loop is peeled so that no wgmma
//   is in flight across a branch, which would make ptxas serialize every wgmma of the kernel). O is
//   rescaled after S_j+1 is issued and before P_j V_j, so the rescale also hides behind a product.
// - Ping-pong (DSA_V3_PINGPONG=1; off by default): the two consumer warpgroups take turns to issue
//   their products, ordered by two named barriers, so that one's softmax overlaps the other's
//   products. On the H200 the consumers drift apart by themselves and the turn-taking only adds
//   waits: without it 1-4% faster at n = 4096 (kernels/NOTES.md, round of 2026-11-30), as
//   FlashAttention-3 too turns it off for head dims above 128.
// - A persistent grid (one CTA per SM) takes work tiles (128 query rows of one head) from a global
//   counter, in an order that starts the longest tiles first within groups of heads whose K and V
//   fit in L2 together (DSA_V3_L2_SECTION_MB), so that the CTAs working at one time share K/V
//   reads. The last CTA to leave resets the counter, so the next launch finds it at zero again.
// - Causal: a work tile reads only the K/V tiles up to its last query's position; the mask is
//   applied only to the tiles that cross a warp's diagonal.
#include "sm90/hopper.cuh"

#ifndef DSA_V3_PINGPONG
#define DSA_V3_PINGPONG 0
#endif
#ifndef DSA_V3_L2_SECTION_MB
#define DSA_V3_L2_SECTION_MB 32  // K+V bytes of the heads that one section of work tiles shares
#endif
#ifndef DSA_V3_L2_PREFETCH
#define DSA_V3_L2_PREFETCH \
  0  // > 0: the producer also prefetches K/V tile j+this into L2 with tile j
#endif
#ifndef DSA_V3_PRODUCER_REGS
#define DSA_V3_PRODUCER_REGS 24
#endif
#ifndef DSA_V3_CONSUMER_REGS
#define DSA_V3_CONSUMER_REGS 240
#endif

namespace dsa::prefill_v3 {
using namespace dsa::sm90;

constexpr int DQK = 192, DV = 128, HEADS = 128;
constexpr int BM = 128;  // query rows per work tile: two consumer warpgroups of 64
constexpr int BN = 128;  // keys per K/V tile
constexpr int THREADS = 384;
constexpr uint32_t Q_BYTES = BM * DQK * 2, K_BYTES = BN * DQK * 2, V_BYTES = BN * DV * 2;
// The registers the CTA holds (384 threads x 168) are redistributed, never exceeded.
static_assert(128 * DSA_V3_PRODUCER_REGS + 256 * DSA_V3_CONSUMER_REGS <= 384 * 168,
              "register budget");

// Tiles are stored as 64-column segments [segment][row][64] with 128-byte swizzle
// (sm90/hopper.cuh): what TMA writes with CU_TENSOR_MAP_SWIZZLE_128B and a box of 64 columns, and
// what the wgmma descriptors read. Every segment is a multiple of 1024 bytes, so each stays
// 1024-aligned.
struct Shared {
  __nv_bfloat16 q[DQK / 64][BM * 64];
  __nv_bfloat16 k[2][DQK / 64][BN * 64];
  __nv_bfloat16 v[2][DV / 64][BN * 64];
  uint64_t q_full, q_empty, k_full[2], k_empty[2], v_full[2], v_empty[2];
  int tile_head, tile_mb;  // the work tile whose Q is in q (tile_head < 0: no more work)
};
constexpr int SHARED_BYTES = (int)sizeof(Shared) + 1024;  // + alignment of the dynamic base to 1024
constexpr uint32_t EMPTY_ARRIVALS = 8;                    // one per consumer warp

// K/V tiles that query rows m0 .. m0+BM-1 need: up to the last row's position.
DSA_DEVICE int kv_tiles(int mb, int tokens, int position) {
  return (position - tokens + min(mb * BM + BM, tokens) - 1) / BN + 1;
}

// Work tile t -> (head, query block). Heads are taken in sections whose K and V together fit the L2
// budget; within a section the latest query blocks (the longest) come first, heads fastest.
struct Order {
  int mblocks, group;
  DSA_DEVICE Order(int tokens, int position) {
    mblocks = (tokens + BM - 1) / BM;
    const long long head_bytes = (long long)position * (DQK + DV) * 2;
    group = (int)max(
        1LL, min((long long)HEADS, (long long)DSA_V3_L2_SECTION_MB * 1048576LL / head_bytes));
  }
  DSA_DEVICE int total() const { return mblocks * HEADS; }
  DSA_DEVICE void decode(int t, int& head, int& mb) const {
    const int per_section = group * mblocks, section = t / per_section;
    const int first = section * group, heads = min(group, HEADS - first);
    const int r = t - section * per_section;
    mb = mblocks - 1 - r / heads;
    head = first + r % heads;
  }
};

// Warpgroup 0, one thread: the tile scheduler and every TMA load.
DSA_DEVICE void produce(Shared& sh, const CUtensorMap* q_map, const CUtensorMap* k_map,
                        const CUtensorMap* v_map, int* schedule, int tokens, int position) {
  tma_prefetch_map(q_map);
  tma_prefetch_map(k_map);
  tma_prefetch_map(v_map);
  const Order order(tokens, position);
  uint32_t kc = 0, vc = 0, tc = 0;  // K tiles, V tiles and work tiles loaded so far
  auto load_k = [&](int head, int tile) {
    const int s = kc & 1;
    mbar_wait(smem_u32(&sh.k_empty[s]), ((kc >> 1) & 1) ^ 1);
    const uint32_t bar = smem_u32(&sh.k_full[s]);
    mbar_arrive_expect_tx(bar, K_BYTES);
#pragma unroll
    for (int c = 0; c < DQK / 64; c++)
      tma_load_3d(smem_u32(sh.k[s][c]), k_map, bar, c * 64, head, tile * BN);
    kc++;
  };
  auto load_v = [&](int head, int tile) {
    const int s = vc & 1;
    mbar_wait(smem_u32(&sh.v_empty[s]), ((vc >> 1) & 1) ^ 1);
    const uint32_t bar = smem_u32(&sh.v_full[s]);
    mbar_arrive_expect_tx(bar, V_BYTES);
#pragma unroll
    for (int c = 0; c < DV / 64; c++)
      tma_load_3d(smem_u32(sh.v[s][c]), v_map, bar, c * 64, head, tile * BN);
    vc++;
  };
  for (;;) {
    // Take the next tile before the consumers free Q, so the atomic's latency overlaps their work.
    const int t = atomicAdd(schedule, 1);
    mbar_wait(smem_u32(&sh.q_empty), (tc & 1) ^ 1);
    if (t >= order.total()) {
      sh.tile_head = -1;
      mbar_arrive(smem_u32(&sh.q_full));
      break;
    }
    int head, mb;
    order.decode(t, head, mb);
    sh.tile_head = head;
    sh.tile_mb = mb;
    const uint32_t qbar = smem_u32(&sh.q_full);
    mbar_arrive_expect_tx(qbar, Q_BYTES);
#pragma unroll
    for (int c = 0; c < DQK / 64; c++)
      tma_load_3d(smem_u32(sh.q[c]), q_map, qbar, c * 64, head, mb * BM);
    // The consumers' order: K_0, then per step K_j+1 before V_j.
    const int n = kv_tiles(mb, tokens, position);
    // With DSA_V3_L2_PREFETCH = d, tile j+d is asked of L2 when tile j loads: the CTAs that share
    // a head sweep its K/V together, and two stages are little lead when they all miss at once.
    auto prefetch = [&](int tile) {
      if (DSA_V3_L2_PREFETCH > 0 && tile < n) {
#pragma unroll
        for (int c = 0; c < DQK / 64; c++) tma_prefetch_3d(k_map, c * 64, head, tile * BN);
#pragma unroll
        for (int c = 0; c < DV / 64; c++) tma_prefetch_3d(v_map, c * 64, head, tile * BN);
      }
    };
    for (int j = 0; j < DSA_V3_L2_PREFETCH; j++) prefetch(j + 1);
    load_k(head, 0);
    for (int j = 1; j < n; j++) {
      prefetch(j + DSA_V3_L2_PREFETCH);
      load_k(head, j);
      load_v(head, j - 1);
    }
    load_v(head, n - 1);
    tc++;
  }
  // Every CTA takes exactly one tile index past the end; the last of them to get here knows that no
  // CTA of this launch will touch the counter again.
  __threadfence();
  if (atomicAdd(schedule + 1, 1) == (int)gridDim.x - 1) {
    atomicExch(schedule, 0);
    atomicExch(schedule + 1, 0);
  }
}

// O / row sum -> bf16 out for this thread's two rows (warp_row0 + lane/4, + 8) of head `head`.
DSA_DEVICE void store_o(__nv_bfloat16* __restrict__ out, const float* o, const float* row_sum,
                        int warp_row0, int tokens, int head) {
  const int lane = threadIdx.x & 31, g = lane >> 2, t4 = lane & 3;
#pragma unroll
  for (int h = 0; h < 2; h++) {
    float sum = row_sum[h];
    sum += __shfl_xor_sync(0xffffffff, sum, 1);
    sum += __shfl_xor_sync(0xffffffff, sum, 2);
    const float inv = 1.f / sum;
    const int row = warp_row0 + g + h * 8;
    if (row < tokens) {
      uint32_t* dst = reinterpret_cast<uint32_t*>(out + ((size_t)row * HEADS + head) * DV);
#pragma unroll
      for (int nt = 0; nt < DV / 8; nt++)
        dst[(nt * 8 + 2 * t4) / 2] =
            pack_bf16(o[nt * 4 + h * 2] * inv, o[nt * 4 + h * 2 + 1] * inv);
    }
  }
}

// Consumer warpgroup wg (0 or 1): rows wg*64 .. wg*64+63 of every work tile.
DSA_DEVICE void consume(Shared& sh, int wg, __nv_bfloat16* __restrict__ out, int tokens,
                        int position, float scale) {
  const int warp = (threadIdx.x >> 5) & 3, lane = threadIdx.x & 31;
  const int g = lane >> 2, t4 = lane & 3;
  const int offset = position - tokens;
  const float sl2 = scale * 1.4426950408889634f;
  const uint32_t q_addr = smem_u32(sh.q[0]) + wg * 64 * 128;
  uint32_t kc = 0, vc = 0, tc = 0;  // K tiles, V tiles and work tiles consumed so far

  // Ping-pong: warpgroup wg issues its products after `turn` and hands over with `pass`. Warpgroup
  // 1 starts by passing, so warpgroup 0 goes first.
  constexpr bool PINGPONG = DSA_V3_PINGPONG != 0;
  auto turn = [&]() {
    if constexpr (PINGPONG) named_sync(1 + wg, 256);
  };
  auto pass = [&]() {
    if constexpr (PINGPONG) named_arrive(2 - wg, 256);
  };
  if (wg == 1) pass();

  auto release = [&](uint64_t* bar) {
    if (lane == 0) mbar_arrive(smem_u32(bar));
  };

  for (;; tc++) {
    mbar_wait(smem_u32(&sh.q_full), tc & 1);
    const int head = sh.tile_head, mb = sh.tile_mb;
    if (head < 0) break;
    const int m0 = mb * BM;
    const int n = kv_tiles(mb, tokens, position);
    const int warp_row0 = m0 + wg * 64 + warp * 16;  // this warp's first query row

    float o[64];
#pragma unroll
    for (int i = 0; i < 64; i++) o[i] = 0.f;
    float row_max[2] = {-INFINITY, -INFINITY}, row_sum[2] = {0.f, 0.f}, alpha[2] = {0.f, 0.f};
    bool moved = true;
    uint32_t pa[BN / 16][4];
    float s[BN / 2];

    auto fence_s = [&]() {
#pragma unroll
      for (int i = 0; i < BN / 2; i++) fence_operand(s[i]);
    };
    auto fence_o = [&]() {
#pragma unroll
      for (int i = 0; i < 64; i++) fence_operand(o[i]);
    };
    // Each product waits for its stage first: a wait loop between wgmma.fence and the wgmma makes
    // ptxas inject another fence.
    auto issue_s = [&]() {
      const int st = kc & 1;
      mbar_wait(smem_u32(&sh.k_full[st]), (kc >> 1) & 1);
      const uint32_t k_addr = smem_u32(sh.k[st][0]);
      wgmma_fence();
#pragma unroll
      for (int kk = 0; kk < DQK / 16; kk++) {
        const uint32_t koff = (kk & 3) * 32;
        const uint64_t da = wgmma_desc(q_addr + (kk >> 2) * (BM * 128) + koff, 16, 1024);
        const uint64_t db = wgmma_desc(k_addr + (kk >> 2) * (BN * 128) + koff, 16, 1024);
        wgmma_m64n128k16_ss(s, da, db, kk > 0);
      }
      wgmma_commit();
    };
    auto issue_pv = [&]() {
      const int st = vc & 1;
      mbar_wait(smem_u32(&sh.v_full[st]), (vc >> 1) & 1);
      const uint32_t v_addr = smem_u32(sh.v[st][0]);
      fence_o();
      wgmma_fence();
#pragma unroll
      for (int kk = 0; kk < BN / 16; kk++) {
        const uint64_t db = wgmma_desc_mn(v_addr + kk * 16 * 128, BN * 128);
        wgmma_m64n128k16_rs_tb(o, pa[kk], db, 1);
      }
      wgmma_commit();
    };
    // Softmax of K/V tile `tile` in place (s becomes P in fp32); sets alpha and `moved` (whether a
    // row maximum of this warp moved, so O needs rescaling).
    auto softmax = [&](int tile) {
      if ((tile + 1) * BN - 1 >
          offset + warp_row0) {  // some key of the tile is after this warp's first row
#pragma unroll
        for (int h = 0; h < 2; h++) {
          const int qpos = offset + warp_row0 + g + h * 8;
#pragma unroll
          for (int nt = 0; nt < BN / 8; nt++)
#pragma unroll
            for (int e = 0; e < 2; e++)
              if (tile * BN + nt * 8 + 2 * t4 + e > qpos) s[nt * 4 + h * 2 + e] = -INFINITY;
        }
      }
      bool any = false;
#pragma unroll
      for (int h = 0; h < 2; h++) {
        float mx = -INFINITY;
#pragma unroll
        for (int nt = 0; nt < BN / 8; nt++)
          mx = fmaxf(mx, fmaxf(s[nt * 4 + h * 2], s[nt * 4 + h * 2 + 1]));
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffff, mx, 1));
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffff, mx, 2));
        const float m_new =
            fmaxf(row_max[h], mx * sl2);  // key 0 is in every row's first tile: finite
        alpha[h] = ex2(row_max[h] - m_new);
        any |= m_new != row_max[h];
        row_max[h] = m_new;
        float sum = 0.f;
#pragma unroll
        for (int nt = 0; nt < BN / 8; nt++)
#pragma unroll
          for (int e = 0; e < 2; e++) {
            const float p = ex2(fmaf(s[nt * 4 + h * 2 + e], sl2, -m_new));
            s[nt * 4 + h * 2 + e] = p;
            sum += p;
          }
        row_sum[h] = row_sum[h] * alpha[h] + sum;
      }
      moved = __any_sync(0xffffffff, any);
    };
    // P (fp32, in s) -> bf16 A fragments: keys 16kk..16kk+15 are the n-tiles 2kk and 2kk+1.
    auto pack = [&]() {
#pragma unroll
      for (int kk = 0; kk < BN / 16; kk++) {
        pa[kk][0] = pack_bf16(s[(2 * kk) * 4 + 0], s[(2 * kk) * 4 + 1]);
        pa[kk][1] = pack_bf16(s[(2 * kk) * 4 + 2], s[(2 * kk) * 4 + 3]);
        pa[kk][2] = pack_bf16(s[(2 * kk + 1) * 4 + 0], s[(2 * kk + 1) * 4 + 1]);
        pa[kk][3] = pack_bf16(s[(2 * kk + 1) * 4 + 2], s[(2 * kk + 1) * 4 + 3]);
      }
    };
    auto rescale_o = [&]() {
      if (moved) {
#pragma unroll
        for (int nt = 0; nt < DV / 8; nt++) {
          o[nt * 4 + 0] *= alpha[0];
          o[nt * 4 + 1] *= alpha[0];
          o[nt * 4 + 2] *= alpha[1];
          o[nt * 4 + 3] *= alpha[1];
        }
      }
    };

    // S_0 and its softmax.
    turn();
    issue_s();
    pass();
    wgmma_wait<0>();
    fence_s();
    release(&sh.k_empty[kc & 1]);
    kc++;
    if (n == 1) release(&sh.q_empty);
    softmax(0);
    pack();

    // Steps with a successor: S_j+1 and P_j V_j in flight together.
    for (int j = 0; j < n - 1; j++) {
      turn();
      issue_s();
      fence_o();    // keeps the rescale after the S_j+1 issue
      rescale_o();  // to tile j's maxima, before P_j V_j adds to O
      issue_pv();
      pass();
      wgmma_wait<1>();  // S_j+1 is done; P_j V_j may still run
      fence_s();
      release(&sh.k_empty[kc & 1]);
      kc++;
      if (j + 2 == n) release(&sh.q_empty);  // that was this tile's last read of Q
      softmax(j + 1);
      wgmma_wait<0>();
      fence_o();
      release(&sh.v_empty[vc & 1]);
      vc++;
      pack();  // only now: P_j V_j has read the old P
    }

    // The last tile: P V alone.
    turn();
    rescale_o();
    issue_pv();
    pass();
    wgmma_wait<0>();
    fence_o();
    release(&sh.v_empty[vc & 1]);
    vc++;

    store_o(out, o, row_sum, warp_row0, tokens, head);
  }
  // Warpgroup 1 passed once more than warpgroup 0 waited (its first pass): take it, so that no
  // named barrier is left half-arrived when the CTA exits.
  if (wg == 0) turn();
}

}  // namespace dsa::prefill_v3

// Launch: grid = min(SMs, work tiles) CTAs (persistent), dense_prefill_v3_threads threads,
// dense_prefill_v3_shared_bytes of dynamic shared memory. q_map, k_map, v_map: rank-3 bf16 tensor
// maps over (feature, head, row) of q, k and v (dims {192 or 128, 128, rows}, strides {2*dim,
// 2*dim*128} bytes), box {64, 1, 128}, 128-byte swizzle, zero fill out of bounds. schedule: two
// ints, zero before the first launch; every launch leaves them at zero.
extern "C" __global__ void __launch_bounds__(dsa::prefill_v3::THREADS, 1)
    dense_prefill_v3(const __grid_constant__ CUtensorMap q_map,
                     const __grid_constant__ CUtensorMap k_map,
                     const __grid_constant__ CUtensorMap v_map, __nv_bfloat16* __restrict__ out,
                     int* __restrict__ schedule, int tokens, int position, float scale) {
  using namespace dsa::prefill_v3;
  extern __shared__ __align__(16) uint8_t smem_raw[];
  Shared& sh =
      *reinterpret_cast<Shared*>(smem_raw + ((1024 - (dsa::smem_u32(smem_raw) & 1023)) & 1023));
  const int wg = threadIdx.x >> 7;
  if (threadIdx.x == 0) {
    using namespace dsa::sm90;
    mbar_init(dsa::smem_u32(&sh.q_full), 1);
    mbar_init(dsa::smem_u32(&sh.q_empty), EMPTY_ARRIVALS);
    for (int s = 0; s < 2; s++) {
      mbar_init(dsa::smem_u32(&sh.k_full[s]), 1);
      mbar_init(dsa::smem_u32(&sh.k_empty[s]), EMPTY_ARRIVALS);
      mbar_init(dsa::smem_u32(&sh.v_full[s]), 1);
      mbar_init(dsa::smem_u32(&sh.v_empty[s]), EMPTY_ARRIVALS);
    }
    mbar_init_fence();
    fence_proxy_async();
  }
  __syncthreads();  // the only block-wide barrier: the mbarriers are initialised
  if (wg == 0) {
    dsa::sm90::regs_release<DSA_V3_PRODUCER_REGS>();
    if (threadIdx.x == 0) produce(sh, &q_map, &k_map, &v_map, schedule, tokens, position);
  } else {
    dsa::sm90::regs_claim<DSA_V3_CONSUMER_REGS>();
    consume(sh, wg - 1, out, tokens, position, scale);
  }
}

// Launch constants, read by the cuda backend from this cubin (CudaBackend.constant).
extern "C" __device__ const int dense_prefill_v3_shared_bytes = dsa::prefill_v3::SHARED_BYTES;
extern "C" __device__ const int dense_prefill_v3_threads = dsa::prefill_v3::THREADS;
extern "C" __device__ const int dense_prefill_v3_block_m = dsa::prefill_v3::BM;  // rows of a Q box
extern "C" __device__ const int dense_prefill_v3_block_n =
    dsa::prefill_v3::BN;  // rows of a K/V box
