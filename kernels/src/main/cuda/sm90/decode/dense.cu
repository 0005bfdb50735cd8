// Dense MLA decode in absorbed MQA mode on Hopper (sm_90a), version 3: FlashMLA's design.
// 128 query heads share one latent cache entry of 576 (512 latent + 64 rope) per token; the value
// is the entry's first 512 dims. q [batch, tps, 128, 576], cache [batch, position, 576],
// out [batch, tps, 128, 512], bf16; query token j of a sequence sees keys 0 .. position - tps + j.
//
// A CTA owns 64 query rows (64 heads of one token) over a range of 64-key KV tiles and runs two
// math warpgroups. The 64x512 fp32 output fills half the register file, so it is split by columns:
// warpgroup 0 holds O[:, 0:256], warpgroup 1 O[:, 256:512]. Tiles come in pairs (a in buffer 0,
// b in buffer 1) and the two warpgroups "seesaw" over them: warpgroup 0 scores tile a and runs its
// softmax while warpgroup 1's tensor work is in flight, then warpgroup 1 scores tile b, and each
// multiplies both tiles' P by its own half of V, exchanging P through shared memory. One running
// row max (in shared memory) is advanced by warpgroup 0 on tile a, then by warpgroup 1 on tile b;
// the scale each step applies is passed on so both halves of O and both halves of the row sum stay
// relative to the same max (FlashMLA's docs/20250422-new-kernel-deep-dive.md derives it).
//
// KV tiles arrive by TMA as nine 64x64 chunks, each on its own mbarrier, so the first k-steps of
// Q K^T start before the tile is complete; a buffer's left half (chunks 0..3) is reloaded by the
// warpgroup that reads it last, its right half (chunks 4..8) by the other one, each as soon as its
// last reader retires. Q is loaded once per work item; its rope segment (chunk 8) lives in
// registers so that its shared memory can hold warpgroup 1's P (Q + two KV tiles + two P tiles
// would not fit in 227 KB).
//
// The grid is persistent: (2 * tps row blocks of a sequence) x (parts), parts = SMs / (2 * tps).
// The row blocks of one part walk the same KV tiles at the same time, so each tile leaves HBM
// once and is read 2 * tps times from L2. Work is split by a schedule computed on the device
// (dense_schedule.cuh): every sequence costs its tiles plus a fixed overhead, and each part takes
// an equal contiguous share of the sequences laid end to end. A sequence that one part covers whole
// is written straight to out; one split across parts writes fp32 partials, which
// dense_decode_v3_combine merges.
#include "sm90/decode/dense_schedule.cuh"
#include "sm90/hopper.cuh"

namespace {
constexpr int ROWS = 64;  // query rows per CTA (heads of one token)
constexpr int BN = dd_schedule::BN;
constexpr int D = 576, DV = 512, HEADS = 128;
constexpr int NCHUNK = D / 64;         // 64-column chunks of a tile (8 latent + 1 rope)
constexpr int CHUNK_BYTES = 64 * 128;  // one chunk: 64 rows of 128 bytes
constexpr int TILE_BYTES = NCHUNK * CHUNK_BYTES;
constexpr int THREADS = 256;
constexpr int OVERHEAD_TILES = dd_schedule::OVERHEAD_TILES;
constexpr float MASKED =
    -1e33f;  // a masked raw score; finite so that all-masked rows stay NaN-free
constexpr float MAX_INIT = -1e30f;  // the running max before any key; above MASKED * scale

// Named barriers between the two warpgroups (0 is __syncthreads).
constexpr int BAR_SCALE0 = 1;  // warpgroup 0 has advanced the row max on tile a
constexpr int BAR_SCALE1 = 2;  // warpgroup 1 has advanced it on tile b
constexpr int BAR_P0 = 3;      // P of tile a is in shared memory
constexpr int BAR_P1 = 4;      // P of tile b is in shared memory

// Shared memory, from a 1024-byte aligned base (the swizzle atoms need it).
constexpr int OFF_Q = 0;                    // Q [9 chunks][64 rows][128 B]; chunk 8 = P of tile b
constexpr int OFF_KV = OFF_Q + TILE_BYTES;  // two KV tiles
constexpr int OFF_P0 = OFF_KV + 2 * TILE_BYTES;    // P of tile a [64 rows][64 keys]
constexpr int OFF_M = OFF_P0 + CHUNK_BYTES;        // running row max (log2 domain)
constexpr int OFF_SCALE0 = OFF_M + ROWS * 4;       // rescale of warpgroup 0's step
constexpr int OFF_SCALE1 = OFF_SCALE0 + ROWS * 4;  // rescale of warpgroup 1's step
constexpr int OFF_L = OFF_SCALE1 + ROWS * 4;       // row sums of both warpgroups
constexpr int OFF_BAR = OFF_L + 2 * ROWS * 4;      // mbarriers: Q, then 9 per KV buffer
constexpr int SMEM_END = OFF_BAR + 8 * (1 + 2 * NCHUNK);
constexpr int SMEM_BYTES = SMEM_END + 1024;  // + slack to align the base
static_assert(SMEM_BYTES <= 227 * 1024, "more shared memory than one CTA may have");
constexpr int COMBINE_ROWS = 8;  // rows per combine block, one warp each
// KV tiles are loaded with an L2 evict-first hint (FlashMLA found it raises L2 hit rates: the tile
// is dead once the part's row blocks have read it). -DDSA_V3_EVICT_FIRST=0 builds candidate v3b.
#ifndef DSA_V3_EVICT_FIRST
#define DSA_V3_EVICT_FIRST 1
#endif
constexpr int MAX_SPLITS = 256;  // parts one sequence may be split over (the combine's weights)
}  // namespace

// Launch constants, read by CudaBackend at module load.
extern "C" __device__ const int dense_decode_v3_smem_bytes = SMEM_BYTES;
extern "C" __device__ const int dense_decode_v3_threads = THREADS;
extern "C" __device__ const int dense_decode_v3_rows = ROWS;
extern "C" __device__ const int dense_decode_v3_block_n = BN;
extern "C" __device__ const int dense_decode_v3_overhead_tiles = OVERHEAD_TILES;
extern "C" __device__ const int dense_decode_v3_combine_rows = COMBINE_ROWS;
extern "C" __device__ const int dense_decode_v3_max_parts = MAX_SPLITS;

namespace {
using namespace dsa;
using namespace dsa::sm90;

// Per-work-item state shared by both warpgroups' code.
struct Item {
  uint32_t q, kv0, kv1, p0, p1;  // shared addresses: Q, the two KV buffers, P of tiles a and b
  uint32_t bar_kv0, bar_kv1;     // mbarrier of chunk 0 of each buffer (chunk c at + 8 c)
  float *m, *scale0, *scale1;
  const CUtensorMap* kv_map;
  uint64_t policy;
  int seq, kmax;  // keys >= kmax are masked (the row's causal limit or the end of the range)
  int last_tile;  // the sequence's last tile
  float sl2;      // softmax scale * log2(e)
  int warp, g, t4;
  bool leader;  // the thread of this warpgroup that issues its TMA copies
};

// Loads chunks [C0, C1) of KV tile `tile` into the buffer at `dst`, each completing on its barrier.
// The fully masked tile that ends an odd range may lie past the sequence: it reads the last tile
// instead (finite values; zero-filled boxes wholly out of bounds are not needed).
template <int C0, int C1>
DSA_DEVICE void load_kv(const Item& it, uint32_t dst, uint32_t bar, int tile) {
  tile = min(tile, it.last_tile);
#pragma unroll
  for (int c = C0; c < C1; c++) {
    mbar_arrive_expect_tx_if(it.leader, bar + 8 * c, CHUNK_BYTES);
    tma_load_3d_if(it.leader, dst + c * CHUNK_BYTES, it.kv_map, bar + 8 * c, c * 64, tile * BN,
                   it.seq, it.policy);
  }
}

// S (+)= Q K^T over chunks [C0, C1) of the tile at `kv`, waiting for each chunk's copy first;
// ZERO: the first k-step overwrites S. Chunks 0..7 read Q from shared memory, chunk 8 (rope) from
// registers (rq8). Callers take the chunks in the order their copies were issued.
template <int C0, int C1, bool ZERO>
DSA_DEVICE void qk_chunks(const Item& it, float* s, const uint32_t* rq8, uint32_t kv, uint32_t bar,
                          uint32_t parity) {
#pragma unroll
  for (int c = C0; c < C1; c++) {
    mbar_wait_asm(bar + 8 * c, parity);
    wgmma_fence();
#pragma unroll
    for (int k = 0; k < 4; k++) {
      const uint64_t db = wgmma_desc(kv + c * CHUNK_BYTES + k * 32, 16, 1024);
      const int accumulate = !(ZERO && c == C0 && k == 0);
      if (c < NCHUNK - 1) {
        wgmma_m64n64k16_ss(s, wgmma_desc(it.q + c * CHUNK_BYTES + k * 32, 16, 1024), db,
                           accumulate);
      } else {
        wgmma_m64n64k16_rs(s, rq8 + 4 * k, db, accumulate);
      }
    }
  }
}

// O[:, half] += P V_half over one tile: 4 k-steps of m64n256k16, V read N-major from the tile's
// chunks 4 * half .. 4 * half + 3 (64-column segments 8 KB apart, 8-key groups 1 KB apart).
DSA_DEVICE void pv_from_regs(float* o, const uint32_t* p, uint32_t kv, int half) {
#pragma unroll
  for (int k = 0; k < 4; k++)
    wgmma_m64n256k16_rs_tb(
        o, p + 4 * k, wgmma_desc(kv + half * 4 * CHUNK_BYTES + k * 2048, CHUNK_BYTES, 1024), 1);
}
DSA_DEVICE void pv_from_smem(float* o, uint32_t p, uint32_t kv, int half) {
#pragma unroll
  for (int k = 0; k < 4; k++)
    wgmma_m64n256k16_ss_tb(o, wgmma_desc(p + k * 32, 16, 1024),
                           wgmma_desc(kv + half * 4 * CHUNK_BYTES + k * 2048, CHUNK_BYTES, 1024),
                           1);
}

// Masks keys >= kmax in a tile's scores and returns the raw row maxima of the thread's two rows
// (reduced over the 4 threads that share a row).
DSA_DEVICE void mask_and_max(const Item& it, float* s, int tile, float* mx) {
  if ((tile + 1) * BN > it.kmax) {
#pragma unroll
    for (int nt = 0; nt < 8; nt++)
#pragma unroll
      for (int i = 0; i < 4; i++)
        if (tile * BN + nt * 8 + 2 * it.t4 + (i & 1) >= it.kmax) s[nt * 4 + i] = MASKED;
  }
#pragma unroll
  for (int h = 0; h < 2; h++) {
    float x = MASKED;
#pragma unroll
    for (int nt = 0; nt < 8; nt++) x = fmaxf(x, fmaxf(s[nt * 4 + 2 * h], s[nt * 4 + 2 * h + 1]));
    x = fmaxf(x, __shfl_xor_sync(0xffffffff, x, 1));
    mx[h] = fmaxf(x, __shfl_xor_sync(0xffffffff, x, 2));
  }
}

// P = 2^(S * sl2 - m) in place; returns the thread's partial row sums.
DSA_DEVICE void exponentiate(const Item& it, float* s, const float* m, float* sum) {
#pragma unroll
  for (int h = 0; h < 2; h++) {
    float acc = 0.f;
#pragma unroll
    for (int nt = 0; nt < 8; nt++)
#pragma unroll
      for (int e = 0; e < 2; e++) {
        const float p = ex2(fmaf(s[nt * 4 + 2 * h + e], it.sl2, -m[h]));
        s[nt * 4 + 2 * h + e] = p;
        acc += p;
      }
    sum[h] = acc;
  }
}

// The running max rarely moves after the first tiles: skip the 128-register rescale then.
DSA_DEVICE void rescale(float* o, const float* f) {
  if (__any_sync(0xffffffff, f[0] != 1.f || f[1] != 1.f)) {
#pragma unroll
    for (int nt = 0; nt < 32; nt++) {
      o[nt * 4 + 0] *= f[0];
      o[nt * 4 + 1] *= f[0];
      o[nt * 4 + 2] *= f[1];
      o[nt * 4 + 3] *= f[1];
    }
  }
}

// P (fp32 accumulator layout) as bf16 register A fragments: fragment k holds keys 16k..16k+15,
// which is the accumulator's own order.
DSA_DEVICE void pack_p(const float* s, uint32_t* p, const float* f) {
#pragma unroll
  for (int i = 0; i < 16; i++) p[i] = pack_bf16(s[2 * i] * f[(i & 1)], s[2 * i + 1] * f[(i & 1)]);
}

// Stores P (bf16 fragments) into a 64x64 K-major swizzled tile for the other warpgroup's wgmma.
DSA_DEVICE void store_p(const Item& it, uint32_t dst, const uint32_t* p) {
#pragma unroll
  for (int i = 0; i < 16; i++) {
    const int nt = i >> 1, h = i & 1;
    const int r = it.warp * 16 + it.g + 8 * h;
    const uint32_t addr = dst + r * 128 + ((nt ^ (r & 7)) << 4) + it.t4 * 4;
    asm volatile("st.shared.b32 [%0], %1;\n" ::"r"(addr), "r"(p[i]) : "memory");
  }
}

// Who reloads which chunks of a buffer, and when, follows from their last readers: chunk 8 (rope)
// only feeds the scores of its tile, so it is reloaded as soon as they are done; chunks 0..3
// (V's left half) retire with warpgroup 0's P V, chunks 4..7 with warpgroup 1's. Each S takes the
// chunks in the order their copies went out, so the latest copy has the most time to land.

// ---- warpgroup 0: scores tile a, owns O[:, 0:256] ----
// On entry S holds Q K_a^T (waited). HAS_NEXT: another pair follows, so this one reloads the
// buffers' parts that warpgroup 0 reads last and scores the next tile a.
template <bool HAS_NEXT>
DSA_DEVICE void wg0_pair(const Item& it, int tile_a, float* o, float* s, uint32_t* p,
                         const uint32_t* rq8, float* l, uint32_t& parity) {
  if (HAS_NEXT) load_kv<NCHUNK - 1, NCHUNK>(it, it.kv0, it.bar_kv0, tile_a + 2);
  float mx[2], m_new[2], sc0[2], sum[2];
  mask_and_max(it, s, tile_a, mx);
#pragma unroll
  for (int h = 0; h < 2; h++) {
    const int r = it.warp * 16 + it.g + 8 * h;
    const float m_old = it.m[r];
    m_new[h] = fmaxf(m_old, mx[h] * it.sl2);
    sc0[h] = ex2(m_old - m_new[h]);
  }
  __syncwarp();
  if (it.t4 == 0) {
#pragma unroll
    for (int h = 0; h < 2; h++) {
      const int r = it.warp * 16 + it.g + 8 * h;
      it.m[r] = m_new[h];
      it.scale0[r] = sc0[h];
    }
  }
  rescale(o, sc0);
  exponentiate(it, s, m_new, sum);
  const float one[2] = {1.f, 1.f};
  pack_p(s, p, one);
#pragma unroll
  for (int h = 0; h < 2; h++) l[h] = l[h] * sc0[h] + sum[h];
  named_arrive(BAR_SCALE0, THREADS);

  // O_L += P_a V_aL
  fence_regs<128>(o);
  fence_regs<16>(p);
  wgmma_fence();
  pv_from_regs(o, p, it.kv0, 0);
  wgmma_commit();
  wgmma_wait<0>();
  fence_regs<128>(o);
  fence_regs<16>(p);

  named_sync(BAR_SCALE1, THREADS);
  // Chunks 0..3 of buffer 0 (K_a's first half, V_aL) have no reader left.
  if (HAS_NEXT) load_kv<0, 4>(it, it.kv0, it.bar_kv0, tile_a + 2);
  float sc1[2];
#pragma unroll
  for (int h = 0; h < 2; h++) sc1[h] = it.scale1[it.warp * 16 + it.g + 8 * h];
  // P_a relative to warpgroup 1's max, for warpgroup 1's half of V.
  pack_p(s, p, sc1);
  store_p(it, it.p0, p);
  fence_proxy_async();
  named_arrive(BAR_P0, THREADS);

  named_sync(BAR_P1, THREADS);
  rescale(o, sc1);
#pragma unroll
  for (int h = 0; h < 2; h++) l[h] *= sc1[h];
  // O_L += P_b V_bL (P_b from warpgroup 1, in shared memory)
  fence_regs<128>(o);
  wgmma_fence();
  pv_from_smem(o, it.p1, it.kv1, 0);
  wgmma_commit();
  if (HAS_NEXT) {
    // S = Q K_{a+2}^T: chunks 0..3 and 8 were reloaded above; 4..7 come from warpgroup 1.
    fence_regs<32>(s);
    wgmma_fence();
    qk_chunks<0, 4, true>(it, s, rq8, it.kv0, it.bar_kv0, parity);
    wgmma_commit();
    wgmma_wait<1>();  // P_b V_bL retired: chunks 0..3 of buffer 1 have no reader left
    load_kv<0, 4>(it, it.kv1, it.bar_kv1, tile_a + 3);
    qk_chunks<NCHUNK - 1, NCHUNK, false>(it, s, rq8, it.kv0, it.bar_kv0, parity);
    qk_chunks<4, NCHUNK - 1, false>(it, s, rq8, it.kv0, it.bar_kv0, parity);
    wgmma_commit();
    parity ^= 1;
  }
  wgmma_wait<0>();
  fence_regs<128>(o);
  fence_regs<32>(s);
}

// ---- warpgroup 1: scores tile b, owns O[:, 256:512] ----
template <bool HAS_NEXT>
DSA_DEVICE void wg1_pair(const Item& it, int tile_a, float* o, float* s, uint32_t* p,
                         const uint32_t* rq8, float* l, uint32_t& parity) {
  const int tile_b = tile_a + 1;
  fence_regs<32>(s);
  wgmma_fence();
  qk_chunks<NCHUNK - 1, NCHUNK, true>(it, s, rq8, it.kv1, it.bar_kv1, parity);
  qk_chunks<4, NCHUNK - 1, false>(it, s, rq8, it.kv1, it.bar_kv1, parity);
  qk_chunks<0, 4, false>(it, s, rq8, it.kv1, it.bar_kv1, parity);
  wgmma_commit();
  wgmma_wait<0>();
  fence_regs<32>(s);
  parity ^= 1;
  if (HAS_NEXT) load_kv<NCHUNK - 1, NCHUNK>(it, it.kv1, it.bar_kv1, tile_b + 2);

  float mx[2], m_new[2], sc1[2], f[2], sum[2];
  mask_and_max(it, s, tile_b, mx);
  named_sync(BAR_SCALE0, THREADS);
#pragma unroll
  for (int h = 0; h < 2; h++) {
    const int r = it.warp * 16 + it.g + 8 * h;
    const float m_old = it.m[r];  // warpgroup 0's max after tile a
    m_new[h] = fmaxf(m_old, mx[h] * it.sl2);
    sc1[h] = ex2(m_old - m_new[h]);
    f[h] = it.scale0[r] * sc1[h];
  }
  __syncwarp();
  if (it.t4 == 0) {
#pragma unroll
    for (int h = 0; h < 2; h++) {
      const int r = it.warp * 16 + it.g + 8 * h;
      it.m[r] = m_new[h];
      it.scale1[r] = sc1[h];
    }
  }
  exponentiate(it, s, m_new, sum);
  const float one[2] = {1.f, 1.f};
  pack_p(s, p, one);
  named_arrive(BAR_SCALE1, THREADS);
  rescale(o, f);
#pragma unroll
  for (int h = 0; h < 2; h++) l[h] = l[h] * f[h] + sum[h];
  store_p(it, it.p1, p);
  fence_proxy_async();

  // O_R += P_b V_bR, then (once warpgroup 0's P_a is in) O_R += P_a V_aR.
  fence_regs<128>(o);
  fence_regs<16>(p);
  wgmma_fence();
  pv_from_regs(o, p, it.kv1, 1);
  wgmma_commit();
  named_arrive(BAR_P1, THREADS);
  named_sync(BAR_P0, THREADS);
  pv_from_smem(o, it.p0, it.kv0, 1);
  wgmma_commit();
  if (HAS_NEXT) {
    wgmma_wait<1>();  // P_b V_bR retired: chunks 4..7 of buffer 1 have no reader left
    load_kv<4, NCHUNK - 1>(it, it.kv1, it.bar_kv1, tile_b + 2);
  }
  wgmma_wait<0>();
  fence_regs<128>(o);
  fence_regs<16>(p);
  // P_a V_aR retired: chunks 4..7 of buffer 0 have no reader left.
  if (HAS_NEXT) load_kv<4, NCHUNK - 1>(it, it.kv0, it.bar_kv0, tile_a + 2);
}
}  // namespace

extern "C" __global__ void __launch_bounds__(THREADS, 1)
    dense_decode_v3(const __grid_constant__ CUtensorMap q_map,
                    const __grid_constant__ CUtensorMap kv_map, __nv_bfloat16* __restrict__ out,
                    float* __restrict__ partial_o, float* __restrict__ partial_lse, int batch,
                    int tps, int position, float scale) {
  extern __shared__ uint8_t smem_raw[];
  const uint32_t raw = smem_u32(smem_raw);
  const uint32_t base = (raw + 1023) & ~1023u;
  uint8_t* gbase = smem_raw + (base - raw);

  const int tid = threadIdx.x, wg = tid >> 7, wtid = tid & 127, lane = tid & 31;
  Item it;
  it.q = base + OFF_Q;
  it.kv0 = base + OFF_KV;
  it.kv1 = base + OFF_KV + TILE_BYTES;
  it.p0 = base + OFF_P0;
  it.p1 = base + OFF_Q + (NCHUNK - 1) * CHUNK_BYTES;
  const uint32_t bar_q = base + OFF_BAR;
  it.bar_kv0 = bar_q + 8;
  it.bar_kv1 = bar_q + 8 + 8 * NCHUNK;
  it.m = reinterpret_cast<float*>(gbase + OFF_M);
  it.scale0 = reinterpret_cast<float*>(gbase + OFF_SCALE0);
  it.scale1 = reinterpret_cast<float*>(gbase + OFF_SCALE1);
  float* s_l = reinterpret_cast<float*>(gbase + OFF_L);
  it.kv_map = &kv_map;
  it.policy = DSA_V3_EVICT_FIRST ? l2_evict_first() : l2_evict_normal();
  it.sl2 = scale * 1.4426950408889634f;
  it.warp = wtid >> 5;
  it.g = lane >> 2;
  it.t4 = lane & 3;
  it.leader = wtid == 0;

  if (tid == 0) {
    tma_prefetch_map(&q_map);
    tma_prefetch_map(&kv_map);
    for (int i = 0; i < 1 + 2 * NCHUNK; i++) mbar_init(bar_q + 8 * i, 1);
    mbar_init_fence();
  }
  __syncthreads();

  const dd_schedule::Schedule sch(batch, position, gridDim.y);
  const int part = blockIdx.y, token = blockIdx.x >> 1, half = blockIdx.x & 1;
  const int limit = position - tps + token + 1;  // keys this token sees
  const int rows_per_seq = tps * HEADS;
  const int row_in_seq0 = token * HEADS + half * ROWS;
  uint32_t q_parity = 0, kv_parity = 0;
  const int b_first = sch.first_seq(part), b_last = sch.last_seq(part);

  for (int b = b_first; b <= b_last; b++) {
    int lo, hi;
    sch.range(part, b, lo, hi);
    if (lo >= hi) continue;
    it.seq = b;
    it.last_tile = sch.tiles - 1;
    it.kmax = min(limit, hi * BN);
    const int npairs = (hi - lo + 1) / 2;  // an odd range ends with a fully masked tile hi

    if (tid == 0) {
      const int q_row0 = b * rows_per_seq + row_in_seq0;
      mbar_arrive_expect_tx_if(true, bar_q, TILE_BYTES);
      for (int c = 0; c < NCHUNK; c++)
        tma_load_2d_if(true, it.q + c * CHUNK_BYTES, &q_map, bar_q, c * 64, q_row0);
    }
    if (wtid == 0) {
      // Warpgroup 0's leader loads tile lo into buffer 0, warpgroup 1's tile lo + 1 into buffer 1.
      if (wg == 0)
        load_kv<0, NCHUNK>(it, it.kv0, it.bar_kv0, lo);
      else
        load_kv<0, NCHUNK>(it, it.kv1, it.bar_kv1, lo + 1);
    }
    if (tid < ROWS) it.m[tid] = MAX_INIT;
    __syncthreads();

    mbar_wait_asm(bar_q, q_parity);
    q_parity ^= 1;
    // Q's rope chunk as register A fragments (ldmatrix x4 per k-step: rows 16 warp + lane % 16,
    // columns 8 (lane / 16) of each 16-column step).
    uint32_t rq8[16];
    {
      const int r = it.warp * 16 + (lane & 15);
#pragma unroll
      for (int k = 0; k < 4; k++) {
        const int chunk = 2 * k + (lane >> 4);
        const uint32_t addr = it.p1 + r * 128 + ((chunk ^ (r & 7)) << 4);
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                     : "=r"(rq8[4 * k]), "=r"(rq8[4 * k + 1]), "=r"(rq8[4 * k + 2]),
                       "=r"(rq8[4 * k + 3])
                     : "r"(addr));
      }
    }

    float o[128], s[32], l[2] = {0.f, 0.f};
    uint32_t p[16];
#pragma unroll
    for (int i = 0; i < 128; i++) o[i] = 0.f;
#pragma unroll
    for (int i = 0; i < 32; i++) s[i] = 0.f;

    if (wg == 0) {
      fence_regs<32>(s);
      wgmma_fence();
      qk_chunks<0, NCHUNK, true>(it, s, rq8, it.kv0, it.bar_kv0, kv_parity);
      wgmma_commit();
      wgmma_wait<0>();
      fence_regs<32>(s);
      uint32_t parity = kv_parity ^ 1;
#pragma unroll 1
      for (int i = 0; i + 1 < npairs; i++) wg0_pair<true>(it, lo + 2 * i, o, s, p, rq8, l, parity);
      wg0_pair<false>(it, lo + 2 * (npairs - 1), o, s, p, rq8, l, parity);
    } else {
      uint32_t parity = kv_parity;
#pragma unroll 1
      for (int i = 0; i + 1 < npairs; i++) wg1_pair<true>(it, lo + 2 * i, o, s, p, rq8, l, parity);
      wg1_pair<false>(it, lo + 2 * (npairs - 1), o, s, p, rq8, l, parity);
    }
    // Each buffer completed one phase per pair.
    kv_parity ^= npairs & 1;

    // ---- epilogue: row sums of both halves, then O / sum to out or to this split's partial ----
#pragma unroll
    for (int h = 0; h < 2; h++) {
      l[h] += __shfl_xor_sync(0xffffffff, l[h], 1);
      l[h] += __shfl_xor_sync(0xffffffff, l[h], 2);
      if (it.t4 == 0) s_l[wg * ROWS + it.warp * 16 + it.g + 8 * h] = l[h];
    }
    __syncthreads();
    const bool whole = lo == 0 && hi == sch.tiles;
#pragma unroll
    for (int h = 0; h < 2; h++) {
      const int r = it.warp * 16 + it.g + 8 * h;
      const float sum = s_l[r] + s_l[ROWS + r];
      const float inv = sum > 0.f ? 1.f / sum : 0.f;
      const long long row_in_seq = row_in_seq0 + r;
      if (whole) {
        uint32_t* dst = reinterpret_cast<uint32_t*>(
            out + ((long long)b * rows_per_seq + row_in_seq) * DV + wg * 256);
#pragma unroll
        for (int nt = 0; nt < 32; nt++)
          dst[nt * 4 + it.t4] = pack_bf16(o[nt * 4 + 2 * h] * inv, o[nt * 4 + 2 * h + 1] * inv);
      } else {
        const long long slot = part + b;
        float2* dst = reinterpret_cast<float2*>(partial_o +
                                                (slot * rows_per_seq + row_in_seq) * DV + wg * 256);
#pragma unroll
        for (int nt = 0; nt < 32; nt++)
          dst[nt * 4 + it.t4] = make_float2(o[nt * 4 + 2 * h] * inv, o[nt * 4 + 2 * h + 1] * inv);
        if (wg == 0 && it.t4 == 0)
          partial_lse[slot * rows_per_seq + row_in_seq] =
              sum > 0.f ? it.m[r] + __log2f(sum) : -INFINITY;
      }
    }
    __syncthreads();  // shared memory (Q, KV, row state) is free for the next item
  }
}

// out[row] = sum_s w_s O_s / sum_s w_s, w_s = 2^(lse_s - max lse), over the parts that split the
// row's sequence. One warp per row, 16 columns per lane; rows of unsplit sequences are skipped
// (the main kernel wrote them).
extern "C" __global__ void __launch_bounds__(COMBINE_ROWS * 32)
    dense_decode_v3_combine(__nv_bfloat16* __restrict__ out, const float* __restrict__ partial_o,
                            const float* __restrict__ partial_lse, int batch, int tps, int position,
                            int parts) {
  __shared__ float s_w[COMBINE_ROWS][MAX_SPLITS];
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int rows_per_seq = tps * HEADS;
  const long long row = (long long)blockIdx.x * COMBINE_ROWS + warp;
  const int b = (int)(row / rows_per_seq), r = (int)(row % rows_per_seq);
  if (b >= batch) return;
  const dd_schedule::Schedule sch(batch, position, parts);
  const int q0 = sch.first_part(b), n = sch.last_part(b) - q0 + 1;
  if (n <= 1) return;
  const long long slot0 = q0 + b;
  float mx = -INFINITY;
  for (int i = lane; i < n; i += 32) mx = fmaxf(mx, partial_lse[(slot0 + i) * rows_per_seq + r]);
#pragma unroll
  for (int off = 16; off > 0; off >>= 1) mx = fmaxf(mx, __shfl_xor_sync(0xffffffff, mx, off));
  float total = 0.f;
  for (int i = lane; i < n; i += 32) {
    const float lse = partial_lse[(slot0 + i) * rows_per_seq + r];
    const float w = lse == -INFINITY ? 0.f : exp2f(lse - mx);
    s_w[warp][i] = w;
    total += w;
  }
#pragma unroll
  for (int off = 16; off > 0; off >>= 1) total += __shfl_xor_sync(0xffffffff, total, off);
  __syncwarp();
  float4 acc[4];
#pragma unroll
  for (int j = 0; j < 4; j++) acc[j] = make_float4(0.f, 0.f, 0.f, 0.f);
  for (int i = 0; i < n; i++) {
    const float w = s_w[warp][i];
    if (w == 0.f) continue;
    const float4* src =
        reinterpret_cast<const float4*>(partial_o + ((slot0 + i) * rows_per_seq + r) * DV);
#pragma unroll
    for (int j = 0; j < 4; j++) {
      const float4 x = src[j * 32 + lane];
      acc[j].x += w * x.x, acc[j].y += w * x.y, acc[j].z += w * x.z, acc[j].w += w * x.w;
    }
  }
  const float inv = total > 0.f ? 1.f / total : 0.f;
  uint2* dst = reinterpret_cast<uint2*>(out + ((long long)b * rows_per_seq + r) * DV);
#pragma unroll
  for (int j = 0; j < 4; j++)
    dst[j * 32 + lane] = make_uint2(pack_bf16(acc[j].x * inv, acc[j].y * inv),
                                    pack_bf16(acc[j].z * inv, acc[j].w * inv));
}
