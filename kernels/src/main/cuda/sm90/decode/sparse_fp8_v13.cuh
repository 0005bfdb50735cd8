// Sparse MLA over the fp8 cache on Hopper (sm_90a), version 13: FlashMLA's division of the
// consumers' work, with the second consumer warpgroup converting half of every block.
//
// Why: in v4 .. v12 both consumer warpgroups compute S (WG0 even blocks, WG1 odd ones) and each
// multiplies both blocks of a pair by its half of V, so the two 64-entry tiles are held together
// and a tile is freed only when the pair is done: the producer cannot fill one tile while the
// consumers work on the other (rounds sdec6 .. sdec14 measured that coupling: v4 4.1 µs per block
// and CTA against 3.3 for its producer alone and 2.1 for its consumers alone). Here, as in
// FlashMLA's fp8 decode kernel, one warpgroup computes every block's S and softmax and the other
// only its half of P V, so block n lives in buffer n mod 2 and is released as soon as both have
// multiplied it. FlashMLA's second warpgroup is idle most of the block; here it converts rows
// 32..63 of every block (the producer rows 0..31): the conversion is issue-bound (round sdec9), and
// this gives it a second warp per SM sub-partition. (A fourth warpgroup cannot be had: the
// m64n256k16 accumulators need 158 registers at the kernel-wide limit, 65536 / 512 = 128.)
//
// CTA = 64 heads of one query row, 384 threads:
//   WG0 (208 registers): S = Q K^T of block n (36 m64n64k16, both operands in shared memory), the
//     mask, the running max and sum, P to registers (its P V, dims 0..255) and to the block's rope
//     panel (dead once S is done) for WG1, the per-row rescale factor to shared memory; then P V
//     (rs) and, while it runs, S of block n + 1.
//   WG1 (200 registers): waits for P of block n (named barrier 3 + buffer), rescales its O by the
//     factor, P V on dims 256..511 (ss); once both P V of block n have retired, converts its rows
//     of block n + 2 into the same buffer (loaded a block earlier) and loads those of block n + 3.
//   WG2 (96 registers), the producer: converts rows 0..31 of block n once block n - 2 is released,
//     then loads its rows of block n + 1.
//   A converting thread fills row 32 * (its warpgroup is WG1) + (its index) / 4: chunk (index mod
//   4) (16 e4m3) of each of the 8 value panels, 32 bytes of the rope and (index mod 4 = 0) the
//   valid flag.
// Shared memory: Q 72 KB + two 72 KB buffers + flags, rescale factors, sums, 5 mbarriers: 217 KB.
// Conversion: v4's (dequant16): v4's tiles bit for bit.
#pragma once
#include "sm90/sparse_mla.cuh"

namespace sm90s {
namespace v13 {

constexpr int THREADS13 = THREADS;  // 384

struct Layout {
  static constexpr int Q = 0;
  static constexpr int K0 = TILE;                    // buffer b at K0 + b * TILE
  static constexpr int FLAGS = 3 * TILE;             // [2][64] bytes: entry valid
  static constexpr int ALPHA = FLAGS + 2 * BLK;      // [2][64] float: WG1's rescale of block n
  static constexpr int SUM = ALPHA + 2 * HEADS * 4;  // [64] float: row sums at the end
  static constexpr int BARS = SUM + HEADS * 4;
  static constexpr int READY = BARS, AVAIL = BARS + 16, QBAR = BARS + 32;
  static constexpr int LAST = QBAR + 8;
  static constexpr int GAVE_UP = LAST + 4;
  static constexpr int END = GAVE_UP + 4;
  static constexpr int BYTES = END + 1024;
  static_assert(K0 % 1024 == 0 && TILE % 1024 == 0, "swizzle atoms");
  static_assert(BARS % 8 == 0, "mbarriers are 8-byte aligned");
  static_assert(BYTES <= 227 * 1024, "one CTA per SM: at most 227 KB of shared memory");
};
template <int B>
constexpr int kb_ = Layout::K0 + B* TILE;

// Registers per thread after setmaxnreg (launch: 168; the increases are exactly what the producer
// gives back).
#ifndef SPARSE13_REGS_S  // driver experiments only
#define SPARSE13_REGS_S 208
#define SPARSE13_REGS_PV 200
#define SPARSE13_REGS_PROD 96
#endif
constexpr int REGS_S = SPARSE13_REGS_S, REGS_PV = SPARSE13_REGS_PV, REGS_PROD = SPARSE13_REGS_PROD;
// The CTA pair (version 14): WG1 converts nothing (it gives 8 registers back), the producer holds
// its rows' rope in registers.
constexpr int REGS_PV_CL = 160, REGS_PROD_CL = 3 * 168 - REGS_S - REGS_PV_CL;
static_assert(REGS_S + REGS_PV + REGS_PROD == 3 * 168, "the pool the producer frees");

S90 uint32_t ready_bar(uint32_t base, int b) { return base + Layout::READY + 8 * b; }
S90 uint32_t avail_bar(uint32_t base, int b) { return base + Layout::AVAIL + 8 * b; }

// v4's bounded wait (mbar_wait_at), with this layout's GAVE_UP word. CTA-scope acquire even in
// the CTA pair: the peer's data comes by st.async, counted on this barrier's transaction bytes,
// which the phase's completion makes visible; a cluster-scope acquire compiled to an L1
// invalidation (CCTL.IVALL) after every wait — 14% of v14's stall samples in round sdec19's ncu
// profile, and the L1 is where the entries' straddled sectors are reused.
S90 void wait(uint32_t base, uint32_t bar, uint32_t parity) {
  mbar_wait_at(bar, parity, base + Layout::GAVE_UP);
}

S90 float4 ld_stream_f4(const void* p) {
  float4 v;
  asm volatile("ld.global.nc." SPARSE90_ENTRY_L1 "v4.f32 {%0, %1, %2, %3}, [%4];\n"
               : "=f"(v.x), "=f"(v.y), "=f"(v.z), "=f"(v.w)
               : "l"(p));
  return v;
}

template <int B>
using Buf = std::integral_constant<int, B>;

// A consumer warp is done with buffer b: lane 0 arrives on this CTA's avail barrier and, in the
// CTA pair (CL), on the peer's, whose producer also writes into this CTA's buffer.
template <bool CL>
S90 void release_buf(uint32_t base, uint32_t peer_base, int b) {
  if ((threadIdx.x & 31) == 0) {
    mbar_arrive(avail_bar(base, b));
    if constexpr (CL) mbar_arrive_cluster(peer_base + Layout::AVAIL + 8 * b);
  }
}

// The end of both consumer warpgroups: this thread's two rows (rows[h], each over its quad's
// columns col0 + 2t + 8j) of O divided by the row's softmax sum (0 for a row with no valid entry),
// stored as bf16.
S90 void store_out(const Args& a, const float (&o)[128], const float* sSum, const int (&rows)[2],
                   int t, int col0) {
  const int hh = blockIdx.x, r = blockIdx.y;
#pragma unroll
  for (int h = 0; h < 2; h++) {
    const float total = sSum[rows[h]];
    const float inv = total > 0.f ? 1.f / total : 0.f;
    __nv_bfloat16* orow = a.out + ((size_t)r * 128 + hh * HEADS + rows[h]) * DV + col0 + 2 * t;
#pragma unroll
    for (int j = 0; j < 32; j++)
      *reinterpret_cast<uint32_t*>(orow + 8 * j) =
          pack_bf16(o[4 * j + 2 * h] * inv, o[4 * j + 2 * h + 1] * inv);
  }
}

// WG0: S, softmax, P V on dims 0..255.
template <int DIAG, int REL, bool CL>
S90 void consumer_s(const Args& a, uint32_t base, uint32_t peer_base, uint8_t* smem, int nb) {
  const int w = (threadIdx.x >> 5) & 3, lane = threadIdx.x & 31;
  const int g = lane >> 2, t = lane & 3;
  const int rows[2] = {16 * w + g, 16 * w + g + 8};
  const uint8_t* flags = smem + Layout::FLAGS;
  float* sAlpha = reinterpret_cast<float*>(smem + Layout::ALPHA);
  const float scale = a.scaleLog2;

  float o[128];
#pragma unroll
  for (int i = 0; i < 128; i++) o[i] = 0.f;
  float s[32];      // S, then P (fp32)
  uint32_t pf[16];  // P as bf16 A fragments: k-step kk uses pf[4kk .. 4kk+3]
  float rowMax[2] = {NEG_BIG, NEG_BIG}, rowSum[2] = {0.f, 0.f};
  const uint64_t dk = desc_kmajor(base), dv = desc_v(base);

  auto wait_ready = [&](int b, uint32_t parity) {
    wait(base, ready_bar(base, b), parity);
    fence_proxy_async_cta();
  };
  auto release = [&](int b) { release_buf<CL>(base, peer_base, b); };
  auto mask_rowmax = [&](int b, float(&mx)[2]) {
    const uint8_t* f = flags + b * BLK + 2 * t;
#pragma unroll
    for (int j = 0; j < 8; j++) {
      const uint32_t v = *reinterpret_cast<const uint16_t*>(f + 8 * j);
      if (!(v & 0xffu)) s[4 * j] = s[4 * j + 2] = -INFINITY;
      if (!(v & 0xff00u)) s[4 * j + 1] = s[4 * j + 3] = -INFINITY;
    }
#pragma unroll
    for (int h = 0; h < 2; h++) {
      float m = -INFINITY;
#pragma unroll
      for (int j = 0; j < 8; j++) m = fmaxf(m, fmaxf(s[4 * j + 2 * h], s[4 * j + 2 * h + 1]));
      m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, 1));
      m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, 2));
      mx[h] = m * scale;
    }
  };
  auto issue_all_s = [&](auto buf) {
    constexpr int B = decltype(buf)::value;
    fence_regs(s);
    wgmma_fence();
    issue_s<kb_<B>, 0, 9, true>(s, dk);
    wgmma_commit();
  };

  if (nb > 0) wait(base, base + Layout::QBAR, 0);
  if constexpr (DIAG == DIAG_PRODUCER) {
    for (int n = 0; n < nb; n++) {
      wait(base, ready_bar(base, n & 1), (uint32_t)(n >> 1) & 1u);
      release(n & 1);
    }
  } else {
    // Block n in buffer B = n mod 2; S of block n is in s (issued at the end of block n - 1).
    auto block = [&](int n, auto buf) {
      constexpr int B = decltype(buf)::value;
      float mx[2], mnew[2], alpha[2], sum[2] = {0.f, 0.f};
      mask_rowmax(B, mx);
#pragma unroll
      for (int h = 0; h < 2; h++) {
        mnew[h] = fmaxf(rowMax[h], mx[h]);
        alpha[h] = ex2(rowMax[h] - mnew[h]);
        rowMax[h] = mnew[h];
      }
      const bool moved = alpha[0] != 1.f || alpha[1] != 1.f;
#pragma unroll
      for (int j = 0; j < 8; j++) {
#pragma unroll
        for (int e = 0; e < 4; e++) {
          const int h = e >> 1;
          const float x = ex2(fmaf(s[4 * j + e], scale, -mnew[h]));
          s[4 * j + e] = x;
          sum[h] += x;
        }
      }
#pragma unroll
      for (int h = 0; h < 2; h++) rowSum[h] = rowSum[h] * alpha[h] + sum[h];
      // The running max rarely moves after the first blocks: skip the 128-register rescale then.
      if (__any_sync(0xffffffffu, moved)) {
#pragma unroll
        for (int j = 0; j < 32; j++) {
          o[4 * j] *= alpha[0];
          o[4 * j + 1] *= alpha[0];
          o[4 * j + 2] *= alpha[1];
          o[4 * j + 3] *= alpha[1];
        }
      }
#pragma unroll
      for (int kk = 0; kk < 4; kk++) {
        pf[4 * kk + 0] = pack_bf16(s[8 * kk + 0], s[8 * kk + 1]);
        pf[4 * kk + 1] = pack_bf16(s[8 * kk + 2], s[8 * kk + 3]);
        pf[4 * kk + 2] = pack_bf16(s[8 * kk + 4], s[8 * kk + 5]);
        pf[4 * kk + 3] = pack_bf16(s[8 * kk + 6], s[8 * kk + 7]);
      }
      // P to the buffer's rope panel ([64 heads][64 keys] bf16, 128-byte rows, swizzled): the
      // K-major A operand of WG1's P V; and the rows' rescale factor.
      uint8_t* pt = smem + kb_<B> + 8 * PANEL;
#pragma unroll
      for (int kk = 0; kk < 4; kk++) {
#pragma unroll
        for (int jj = 0; jj < 2; jj++) {
#pragma unroll
          for (int h = 0; h < 2; h++) {
            const int chunk = 2 * kk + jj;
            *reinterpret_cast<uint32_t*>(pt + rows[h] * 128 + ((chunk ^ g) << 4) + t * 4) =
                pf[4 * kk + 2 * jj + h];
          }
        }
      }
      if (t == 0) {
        sAlpha[B * HEADS + rows[0]] = alpha[0];
        sAlpha[B * HEADS + rows[1]] = alpha[1];
      }
      fence_proxy_async_cta();
      if constexpr (B == 0) {  // constant barrier ids: a computed one makes ptxas reserve all 16
        named_arrive(BAR_P0, 256);
      } else {
        named_arrive(BAR_P1, 256);
      }
      fence_regs(o);
      fence_regs(pf);
      wgmma_fence();
      issue_pv_rs<kb_<B>>(o, pf, dv);  // O[:, 0..255] += P V
      wgmma_commit();
      if (n + 1 < nb && REL == 0) {
        // S of block n + 1 under this P V; block n is released once both have retired.
        wait_ready(1 - B, (uint32_t)((n + 1) >> 1) & 1u);
        issue_all_s(Buf<1 - B>{});
        wgmma_wait<1>();
        fence_regs(o);
        fence_regs(pf);
        release(B);
        wgmma_wait<0>();
        fence_regs(s);
      } else if (n + 1 < nb) {
        // REL 1: block n is released as soon as its P V retires, before the wait for block n + 1
        // (whose conversion may need this very release to start).
        wgmma_wait<0>();
        fence_regs(o);
        fence_regs(pf);
        release(B);
        wait_ready(1 - B, (uint32_t)((n + 1) >> 1) & 1u);
        issue_all_s(Buf<1 - B>{});
        wgmma_wait<0>();
        fence_regs(s);
      } else {
        wgmma_wait<0>();
        fence_regs(o);
        fence_regs(pf);
        release(B);
      }
    };
    if (nb > 0) {
      wait_ready(0, 0);
      issue_all_s(Buf<0>{});
      wgmma_wait<0>();
      fence_regs(s);
      for (int n = 0; n < nb; n++) {
        if (n & 1) {
          block(n, Buf<1>{});
        } else {
          block(n, Buf<0>{});
        }
      }
    }
  }

  float* sSum = reinterpret_cast<float*>(smem + Layout::SUM);
#pragma unroll
  for (int h = 0; h < 2; h++) {
    float v = rowSum[h];
    v += __shfl_xor_sync(0xffffffffu, v, 1);
    v += __shfl_xor_sync(0xffffffffu, v, 2);
    if (t == 0) sSum[rows[h]] = v;
  }
  named_sync(BAR_SUM, 256);
  store_out(a, o, sSum, rows, t, 0);
}

// One converting thread's share of a row: chunk q4 (16 e4m3) of each of the 8 value panels and
// the 4 tile scales (fp32, rounded to bf16 pairs where they are used, as v4's conversion does),
// loaded into registers a block ahead, then dequantised and stored (row `row` of a buffer, the
// panels' 128-byte swizzle); its 32 bytes of the rope go by cp.async when the row is stored (the
// buffer is free by then; their landing is counted on the ready barrier), which keeps 8 registers
// free.
struct RowShare {
  uint4 v[8];
  float4 sc;  // the 4 tile scales, packed to bf16 in put: packed here, the load would wait for
              // them, and so would the warp (round sdec19's ncu profile of v14: a stall per block)
  S90 void load(const uint8_t* seq, int id, int q4) {
    if (id >= 0) {
      const uint8_t* e = seq + (size_t)id * RAW;
#pragma unroll
      for (int p = 0; p < 8; p++) v[p] = ld_stream_16(e + p * 64 + q4 * 16);
      sc = ld_stream_f4(e + 512);
    } else {  // a -1 entry: zeros (its scores are masked; its values must not be NaN)
#pragma unroll
      for (int p = 0; p < 8; p++) v[p] = make_uint4(0u, 0u, 0u, 0u);
      sc = make_float4(0.f, 0.f, 0.f, 0.f);
    }
  }
  S90 void put(const uint8_t* seq, uint8_t* smem, uint32_t tile, int b, int row, int q4,
               int id) const {
    const uint32_t rowa = tile + row * 128, rx = row & 7;
    const uint32_t c0 = ((2 * q4) ^ rx) << 4, c1 = ((2 * q4 + 1) ^ rx) << 4;
    const uint8_t* rope = seq + (size_t)(id >= 0 ? id : 0) * RAW + 528 + q4 * 32;
    cp_async_16(rowa + 8 * PANEL + c0, rope, id >= 0 ? 16 : 0);
    cp_async_16(rowa + 8 * PANEL + c1, rope + 16, id >= 0 ? 16 : 0);
    const uint32_t sc01 = pack_bf16(sc.x, sc.y), sc23 = pack_bf16(sc.z, sc.w);
#pragma unroll
    for (int p = 0; p < 8; p++) {
      // bf16x2 (scale, scale) of panel p's tile: both halves from one bf16 of the pair.
      const uint32_t pair = p < 4 ? sc01 : sc23;
      const uint32_t s2 = __byte_perm(pair, 0u, (p & 2) ? 0x3232 : 0x1010);
      uint4 x = v[p];
      asm volatile("" : "+r"(x.x), "+r"(x.y), "+r"(x.z), "+r"(x.w));  // panel by panel
      uint4 lo, hi;
      dequant16(x, *reinterpret_cast<const __nv_bfloat162*>(&s2), lo, hi);
      st_shared_16(rowa + p * PANEL + c0, lo);
      st_shared_16(rowa + p * PANEL + c1, hi);
    }
    if (q4 == 0) smem[Layout::FLAGS + b * BLK + row] = id >= 0;
  }
};

// Block n's rows of this thread into buffer n mod 2, then this thread's arrivals on its ready
// barrier (its stores now, its rope copies when they land). DIAG_CONSUMERS (driver only): blocks 0
// and 1 as always, later ones only signalled.
template <int DIAG>
S90 void fill(const RowShare& cv, const uint8_t* seq, uint32_t base, uint8_t* smem, int n, int row,
              int q4, int id) {
  const int b = n & 1;
  if (DIAG != DIAG_CONSUMERS || n < 2) {
    cv.put(seq, smem, base + Layout::K0 + b * TILE, b, row, q4, id);
  }
  cp_async_arrive_noinc(ready_bar(base, b));
  fence_proxy_async_cta();
  mbar_arrive(ready_bar(base, b));
}

// WG1: P V on dims 256..511 with P of each block from WG0 (the buffer's rope panel), and rows
// 32..63 of every block: blocks 0 and 1 before the loop, block n + 2 once block n is released.
// CL (the CTA pair): no conversion here, the producers of the pair fill every row.
template <int DIAG, bool CL>
S90 void consumer_pv(const Args& a, uint32_t base, uint32_t peer_base, uint8_t* smem, int nb) {
  const int w = (threadIdx.x >> 5) & 3, lane = threadIdx.x & 31;
  const int g = lane >> 2, t = lane & 3;
  const int rows[2] = {16 * w + g, 16 * w + g + 8};
  const float* sAlpha = reinterpret_cast<const float*>(smem + Layout::ALPHA);
  const int q4 = threadIdx.x & 3, crow = 32 + ((threadIdx.x & 127) >> 2);
  const int* idx_row = a.indices + (size_t)blockIdx.y * a.k;
  const uint8_t* seq = a.cache + (size_t)(blockIdx.y / a.T) * a.P * RAW;
  RowShare cv;
  int id = -1, idn = -1;
  if (!CL && nb > 0) {
    id = entry_at(a, idx_row, crow);
    cv.load(seq, id, q4);
    fill<DIAG>(cv, seq, base, smem, 0, crow, q4, id);
  }
  if (!CL && nb > 1) {
    id = entry_at(a, idx_row, BLK + crow);
    cv.load(seq, id, q4);
    fill<DIAG>(cv, seq, base, smem, 1, crow, q4, id);
  }
  if (!CL && nb > 2) {
    id = entry_at(a, idx_row, 2 * BLK + crow);
    cv.load(seq, id, q4);
    idn = entry_raw(a, idx_row, 3 * BLK + crow);  // as stored: validated where it is used
  }
  float o[128];
#pragma unroll
  for (int i = 0; i < 128; i++) o[i] = 0.f;
  const uint64_t dk = desc_kmajor(base), dv = desc_v(base);
  auto block = [&](int n, auto buf) {
    constexpr int B = decltype(buf)::value;
    if constexpr (DIAG == DIAG_PRODUCER) {
      wait(base, ready_bar(base, B), (uint32_t)(n >> 1) & 1u);
    } else {
      if constexpr (B == 0) {
        named_sync(BAR_P0, 256);
      } else {
        named_sync(BAR_P1, 256);
      }
      const float f0 = sAlpha[B * HEADS + rows[0]], f1 = sAlpha[B * HEADS + rows[1]];
      if (__any_sync(0xffffffffu, f0 != 1.f || f1 != 1.f)) {
#pragma unroll
        for (int j = 0; j < 32; j++) {
          o[4 * j] *= f0;
          o[4 * j + 1] *= f0;
          o[4 * j + 2] *= f1;
          o[4 * j + 3] *= f1;
        }
      }
      fence_regs(o);
      wgmma_fence();
      issue_pv_ss<kb_<B> + 8 * PANEL, kb_<B> + 4 * PANEL>(o, dk, dv);  // O[:, 256..511] += P V
      wgmma_commit();
      wgmma_wait<0>();
      fence_regs(o);
    }
    release_buf<CL>(base, peer_base, B);
    if (!CL && n + 2 < nb) {
      // Both warpgroups are done with block n: its buffer takes block n + 2.
      wait(base, avail_bar(base, B), (uint32_t)(n >> 1) & 1u);
      fill<DIAG>(cv, seq, base, smem, n + 2, crow, q4, id);
      if (n + 3 < nb) {
        id = entry_valid(a, idn);
        idn = entry_raw(a, idx_row, (n + 4) * BLK + crow);
        if (DIAG != DIAG_CONSUMERS) cv.load(seq, id, q4);
      }
    }
  };
  for (int n = 0; n < nb; n++) {
    if (n & 1) {
      block(n, Buf<1>{});
    } else {
      block(n, Buf<0>{});
    }
  }
  const float* sSum = reinterpret_cast<const float*>(smem + Layout::SUM);
  named_sync(BAR_SUM, 256);
  store_out(a, o, sSum, rows, t, DV / 2);
}

// WG2, the producer: rows 0..31 of block n once block n - 2 is released (a fresh barrier passes
// parity 1), then the loads of its rows of block n + SETS: with SETS 2 two register sets alternate,
// so a block's loads have a whole block's time to land before its conversion.
template <int DIAG, int SETS>
S90 void producer(const Args& a, uint32_t base, uint8_t* smem, int nb) {
  const int pt = threadIdx.x - 256, q4 = pt & 3, row = pt >> 2;
  const int* idx_row = a.indices + (size_t)blockIdx.y * a.k;
  const uint8_t* seq = a.cache + (size_t)(blockIdx.y / a.T) * a.P * RAW;
  if (nb == 0) return;
  static_assert(SETS == 1 || SETS == 2, "one or two register sets");
  RowShare cv[SETS];
  int id[SETS];
#pragma unroll
  for (int j = 0; j < SETS; j++) {
    id[j] = entry_at(a, idx_row, j * BLK + row);
    if (j < nb) cv[j].load(seq, id[j], q4);
  }
  int idn = entry_raw(a, idx_row, SETS * BLK + row);  // as stored: validated where it is used
  auto step = [&](int n, auto set) {
    constexpr int J = decltype(set)::value;
    wait(base, avail_bar(base, n & 1), ((uint32_t)(n >> 1) & 1u) ^ 1u);
    fill<DIAG>(cv[J], seq, base, smem, n, row, q4, id[J]);
    if (n + SETS < nb) {
      id[J] = entry_valid(a, idn);
      idn = entry_raw(a, idx_row, (n + SETS + 1) * BLK + row);
      if (DIAG != DIAG_CONSUMERS || n + SETS < 2) cv[J].load(seq, id[J], q4);
    }
  };
  for (int n = 0; n < nb; n++) {
    if (SETS == 2 && (n & 1)) {
      step(n, Buf<SETS - 1>{});
    } else {
      step(n, Buf<0>{});
    }
  }
}

// The CTA pair's producer (CL; version 14, FlashMLA's crossover on v13's roles): the two CTAs of a
// cluster are the two head halves of one query row and need the same bf16 rows, so CTA c converts
// rows 32c .. 32c + 31 of every block (chunk q4 of each value panel and 32 bytes of the rope per
// thread, all in registers, SETS blocks ahead) into its own buffer and, by st.async, into the
// peer's, counted in bytes on the peer's ready barrier (its thread 0 expects them); the valid flags
// of all 64 rows are written locally (thread q4 = 1 of a row reads the peer row's index too). A
// buffer is written by both producers, so its avail barrier counts both CTAs' consumer warps.
constexpr int CL_TX_BYTES = 32 * (8 * 64 * 2 + 128);  // the peer's 32 rows: values + rope

struct RowShareCL {
  uint4 v[8], rope[2];
  float4 sc;    // the four tile scales, packed to bf16 where they are used: a pack here would make
                // the load wait for them (round sdec19's profile: a stall per block)
  int id, idp;  // set by the caller a block ahead, so the loads do not wait for the index either
  S90 void load(const uint8_t* seq, int q4) {
    if (id >= 0) {
      const uint8_t* e = seq + (size_t)id * RAW;
#pragma unroll
      for (int p = 0; p < 8; p++) v[p] = ld_stream_16(e + p * 64 + q4 * 16);
      sc = ld_stream_f4(e + 512);
      rope[0] = ld_stream_16(e + 528 + q4 * 32);
      rope[1] = ld_stream_16(e + 528 + q4 * 32 + 16);
    } else {  // a -1 entry: zeros (its scores are masked; its values must not be NaN)
#pragma unroll
      for (int p = 0; p < 8; p++) v[p] = make_uint4(0u, 0u, 0u, 0u);
      sc = make_float4(0.f, 0.f, 0.f, 0.f);
      rope[0] = rope[1] = make_uint4(0u, 0u, 0u, 0u);
    }
  }
};

template <int DIAG, int SETS>
S90 void producer_cl(const Args& a, uint32_t base, uint32_t peer_base, uint8_t* smem, int nb) {
  const int pt = threadIdx.x - 256, q4 = pt & 3, rr = pt >> 2;
  const int c = (int)cluster_rank();
  const int row = 32 * c + rr, prow = 32 * (1 - c) + rr;
  const int* idx_row = a.indices + (size_t)blockIdx.y * a.k;
  const uint8_t* seq = a.cache + (size_t)(blockIdx.y / a.T) * a.P * RAW;
  if (nb == 0) return;
  static_assert(SETS == 1 || SETS == 2, "one or two register sets");
  RowShareCL cv[SETS];
  // The entries of block n: this thread's row, and (q4 = 1) the peer's row for its valid flag.
  auto ids = [&](int n, int& id, int& idp) {  // as stored (entry_valid where they are used)
    id = entry_raw(a, idx_row, n * BLK + row);
    idp = q4 == 1 ? entry_raw(a, idx_row, n * BLK + prow) : -1;
  };
#pragma unroll
  for (int j = 0; j < SETS; j++)
    if (j < nb) {
      ids(j, cv[j].id, cv[j].idp);
      cv[j].id = entry_valid(a, cv[j].id);
      cv[j].idp = entry_valid(a, cv[j].idp);
      cv[j].load(seq, q4);
    }
  int idn, idpn;  // the entries of the next block to load
  ids(SETS, idn, idpn);
  const uint32_t rx = row & 7;
  const uint32_t c0 = ((2 * q4) ^ rx) << 4, c1 = ((2 * q4 + 1) ^ rx) << 4;
  auto step = [&](int n, auto set) {
    constexpr int J = decltype(set)::value;
    RowShareCL& x = cv[J];
    const int b = n & 1;
    wait(base, avail_bar(base, b), ((uint32_t)(n >> 1) & 1u) ^ 1u);
    const bool stores = DIAG != DIAG_CONSUMERS || n < 2;
    if (stores) {
      const uint32_t off = Layout::K0 + b * TILE + row * 128;
      const uint32_t pbar = peer_base + Layout::READY + 8 * b;
      const uint32_t sc01 = pack_bf16(x.sc.x, x.sc.y), sc23 = pack_bf16(x.sc.z, x.sc.w);
#pragma unroll
      for (int p = 0; p < 8; p++) {
        const uint32_t pair = p < 4 ? sc01 : sc23;
        const uint32_t s2 = __byte_perm(pair, 0u, (p & 2) ? 0x3232 : 0x1010);
        uint4 w = x.v[p];
        asm volatile("" : "+r"(w.x), "+r"(w.y), "+r"(w.z), "+r"(w.w));  // panel by panel
        uint4 lo, hi;
        dequant16(w, *reinterpret_cast<const __nv_bfloat162*>(&s2), lo, hi);
        st_shared_16(base + off + p * PANEL + c0, lo);
        st_shared_16(base + off + p * PANEL + c1, hi);
        st_async_16(peer_base + off + p * PANEL + c0, lo, pbar);
        st_async_16(peer_base + off + p * PANEL + c1, hi, pbar);
      }
      st_shared_16(base + off + 8 * PANEL + c0, x.rope[0]);
      st_shared_16(base + off + 8 * PANEL + c1, x.rope[1]);
      st_async_16(peer_base + off + 8 * PANEL + c0, x.rope[0], pbar);
      st_async_16(peer_base + off + 8 * PANEL + c1, x.rope[1], pbar);
      if (q4 == 0) smem[Layout::FLAGS + b * BLK + row] = x.id >= 0;
      if (q4 == 1) smem[Layout::FLAGS + b * BLK + prow] = x.idp >= 0;
    }
    fence_proxy_async_cta();
    if (pt == 0 && stores) {
      mbar_arrive_expect_tx(ready_bar(base, b), CL_TX_BYTES);
    } else {
      mbar_arrive(ready_bar(base, b));
    }
    if (n + SETS < nb) {
      x.id = entry_valid(a, idn);
      x.idp = entry_valid(a, idpn);
      ids(n + SETS + 1, idn, idpn);
      if (DIAG != DIAG_CONSUMERS || n + SETS < 2) x.load(seq, q4);
    }
  };
  for (int n = 0; n < nb; n++) {
    if (SETS == 2 && (n & 1)) {
      step(n, Buf<SETS - 1>{});
    } else {
      step(n, Buf<0>{});
    }
  }
}

template <int DIAG = DIAG_NONE, int REL = 0, int SETS = 1, bool CL = false>
S90 void sparse_mla(const Args& a) {
  extern __shared__ uint8_t smem_raw[];
  const uint32_t raw0 = smem_u32(smem_raw);
  const uint32_t base = (raw0 + 1023u) & ~1023u;
  uint8_t* const smem = smem_raw + (base - raw0);
  const int tid = threadIdx.x, wg = tid >> 7;
  const int hh = blockIdx.x, r = blockIdx.y;
  int* const sLast = reinterpret_cast<int*>(smem + Layout::LAST);

  if (tid == 0) {
    for (int b = 0; b < 2; b++) {
      // v13: every converting thread (WG1, WG2), twice (stores, rope copies); CL: the producer's
      // 128 threads (thread 0's arrival also expects the peer's bytes)
      mbar_init(ready_bar(base, b), CL ? 128 : 512);
      mbar_init(avail_bar(base, b),
                CL ? 16 : 8);  // lane 0 of the 8 consumer warps (CL: of both CTAs)
    }
    mbar_init(base + Layout::QBAR, 128);
    *sLast = -1;
    *reinterpret_cast<int*>(smem + Layout::GAVE_UP) = 0;
    fence_mbar_init();
  }
  // CL: the peer's barriers must be initialised before anything of this CTA reaches them.
  if constexpr (CL) {
    cluster_sync();
  } else {
    __syncthreads();
  }
  const uint32_t peer_base = CL ? map_shared(base, cluster_rank() ^ 1u) : 0u;
  if (wg == 2) {  // Q (64 heads x 576) while everyone scans the index list
    const int pt = tid - 256;
    const uint8_t* src =
        reinterpret_cast<const uint8_t*>(a.q + ((size_t)r * 128 + hh * HEADS) * DQK);
    for (int c = pt; c < HEADS * 72; c += 128) {
      const int row = c / 72, ch = c % 72;
      cp_async_16(base + Layout::Q + (ch >> 3) * PANEL + row * 128 + (((ch & 7) ^ (row & 7)) << 4),
                  src + row * ROWB + ch * 16, 16);
    }
    cp_async_arrive_noinc(base + Layout::QBAR);
  }
  {
    const int* idx_row = a.indices + (size_t)r * a.k;
    int last = -1;
    for (int i0 = tid; i0 < a.k; i0 += 4 * THREADS13) {
      int v[4];
#pragma unroll
      for (int u = 0; u < 4; u++)
        v[u] = i0 + u * THREADS13 < a.k ? __ldg(idx_row + i0 + u * THREADS13) : -1;
#pragma unroll
      for (int u = 0; u < 4; u++)
        if (v[u] >= 0 && v[u] < a.P) last = i0 + u * THREADS13;
    }
    last = __reduce_max_sync(0xffffffffu, last);
    if ((tid & 31) == 0 && last >= 0) atomicMax(sLast, last);
  }
  __syncthreads();
  const int nb = (*sLast + BLK) / BLK;  // 64-entry blocks 0 .. nb-1 hold every valid entry

  if (wg == 2) {
    if constexpr (CL) {
      reg_dealloc<REGS_PROD_CL>();
      producer_cl<DIAG, SETS>(a, base, peer_base, smem, nb);
    } else {
      reg_dealloc<REGS_PROD>();
      producer<DIAG, SETS>(a, base, smem, nb);
    }
    cp_async_wait_all();
  } else if (wg == 0) {
    reg_alloc<REGS_S>();
    consumer_s<DIAG, REL, CL>(a, base, peer_base, smem, nb);
  } else {
    if constexpr (CL) {
      reg_dealloc<REGS_PV_CL>();  // below the launch's 168: setmaxnreg.inc to less is illegal
    } else {
      reg_alloc<REGS_PV>();
    }
    consumer_pv<DIAG, CL>(a, base, peer_base, smem, nb);
  }
  // CL: the peer may still store into this CTA's buffers or arrive on its barriers until it is
  // done.
  if constexpr (CL) cluster_sync();
}

}  // namespace v13
}  // namespace sm90s
