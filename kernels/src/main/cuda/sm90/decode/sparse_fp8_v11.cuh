// Sparse MLA over the fp8 cache on Hopper (sm_90a), version 11: v4's roles (a producer warpgroup
// that loads and dequantises, two consumer warpgroups that run S, the softmax and P V on wgmma)
// with four stages of 32 entries instead of two tiles of 64.
//
// Why: in v4 the two consumer warpgroups work on both tiles of a block pair at once (WG0 scores
// the even block, WG1 the odd one, each multiplies both by its half of V), so a tile they free is
// the one they need next: every pair waits for a whole load + conversion of 128 entries. Here the
// same shared memory holds four 32-entry stages (36 KB each); a "pair" is two stages (64 entries:
// WG0 scores stage E = 2 (i mod 2), WG1 stage E + 1), and while the consumers work on one pair of
// stages the producer fills the other, a full pair ahead.
//
// What changes against v4 (sm90/sparse_mla.cuh):
//   - S = Q K^T per 32-entry block: 36 wgmma m64n32k16 (16 accumulator floats per thread);
//   - P V at K = 32: 2 m64n256k16 per block and warpgroup half of V;
//   - V read MN-major from 32-row panels (4 KB apart instead of 8 KB);
//   - a block's P for the other warpgroup is 64 x 32 bf16 = 4 KB, stored with the 64-byte swizzle
//     (K-major, 8-row groups 512 bytes apart): WG0's in its stage's rope panel (32 x 128 bytes,
//     dead once its S is done, as in v4), WG1's in its own 4 KB;
//   - the producer fills one row-half per thread and stage-half (4 threads per row, 32 rows), in
//     v4's order (E left, E+1 right, E right, E+1 left), with v4's conversion (CONV 1: dequant16,
//     bit for bit v4's tiles) or v5's (CONV 2);
//   - barrier phases: block b sits in stage b mod 4, its n-th use n = b / 4.
// The softmax (one running max shared through WG0 -> WG1 -> WG0, P of WG0 rescaled to WG1's max)
// is v4's, per 32-entry block.
//
// Version 12 (SHARE > 0): v11 plus version 10's consumer share of the conversion. Two stage-halves
// of a pair have one reader each: E's left half (WG0: S panels 0..3, P V on dims 0..255) and E+1's
// right half (WG1: S panels 4..7, P V on dims 256..511). WG0 converts SHARE rows of its next E left
// (rows 32 - SHARE .. 31), WG1 SHARE rows of its next E+1 right (rows 0 .. SHARE - 1), into the
// registers s / pf leave dead between their last P V and their next S, then fence.proxy.async and
// a 128-thread named barrier of their own (BAR_CONV0 + wg) before their S. The producer skips those
// rows' values (still the rope and the flag of E+1 right, still every arrival). With SHARE 16 the
// skipped rows are producer warps 2, 3 in E left and warps 0, 1 in E+1 right: each producer warp
// (one per SM sub-partition) drops one of its four stage-halves per pair, a quarter of its work.
#pragma once
#include "sm90/sparse_mla.cuh"

namespace sm90s {
namespace v11 {

constexpr int BLK = 32;                  // entries per stage
constexpr int NST = 4;                   // stages
constexpr int PANEL_K = BLK * 128;       // 32 rows x 64 bf16, 128-byte swizzled
constexpr int TILE_K = 9 * PANEL_K;      // 32 rows x 576
constexpr int PBYTES = HEADS * BLK * 2;  // P of one block: 64 heads x 32 keys bf16

struct Layout {
  static constexpr int Q = 0;
  static constexpr int K = TILE;  // stage s at K + s * TILE_K
  static constexpr int P1 = K + NST * TILE_K;
  static constexpr int FLAGS = P1 + PBYTES;  // [4][32] bytes: entry valid
  static constexpr int M0 = FLAGS + NST * BLK;
  static constexpr int M1 = M0 + HEADS * 4;
  static constexpr int SUM = M1 + HEADS * 4;  // [2][64] float
  static constexpr int BARS = SUM + 2 * HEADS * 4;
  // ready[stage][half], free[stage][half], q
  static constexpr int READY = BARS, FREE = BARS + 64, QBAR = BARS + 128;
  static constexpr int LAST = QBAR + 8;
  static constexpr int GAVE_UP = LAST + 4;
  static constexpr int END = GAVE_UP + 4;
  static constexpr int BYTES = END + 1024;
  static_assert(K % 1024 == 0 && TILE_K % 1024 == 0 && P1 % 1024 == 0, "swizzle atoms");
  static_assert(BARS % 8 == 0, "mbarriers are 8-byte aligned");
  static_assert(BYTES <= 227 * 1024, "one CTA per SM: at most 227 KB of shared memory");
};
template <int S>
constexpr int kt_ = Layout::K + (S * TILE_K);  // byte offset of stage S

// v4's bounded wait, with this layout's GAVE_UP word (debug builds only).
S90 void wait(uint32_t base, uint32_t bar, uint32_t parity) {
  if (mbar_try_wait<false>(bar, parity)) return;
#if SPARSE90_WAIT_TIMEOUT_NS > 0
  constexpr uint64_t kCycles = SPARSE90_WAIT_TIMEOUT_NS * 2ull;
  const uint32_t t0 = clock32();
  const uint32_t gave_up = base + Layout::GAVE_UP;
#endif
  while (!mbar_try_wait<false>(bar, parity)) {
#if SPARSE90_WAIT_TIMEOUT_NS > 0
    uint32_t g;
    asm volatile("ld.volatile.shared.u32 %0, [%1];\n" : "=r"(g) : "r"(gave_up) : "memory");
    if (g || clock32() - t0 > (uint32_t)(kCycles > 4000000000ull ? 4000000000ull : kCycles)) {
      asm volatile("st.volatile.shared.u32 [%0], 1;\n" ::"r"(gave_up) : "memory");
      *(volatile int*)&sparse90_wait_timed_out = 1;
      break;
    }
#endif
  }
}

// K-major, 64-byte swizzle (P of 32 keys: 64-byte rows, 8-row groups 512 bytes apart).
S90 uint64_t desc_kmajor64(uint32_t addr) {
  uint64_t d = 0;
  d |= (uint64_t)((addr & 0x3FFFF) >> 4);
  d |= (uint64_t)1 << 16;
  d |= (uint64_t)(512 >> 4) << 32;
  d |= (uint64_t)2 << 62;  // 64-byte swizzle
  return d;
}
// V MN-major from a 32-row stage: 64-dim panels 4 KB apart along N, 8-entry groups 1 KB along K.
S90 uint64_t desc_v32(uint32_t addr) {
  uint64_t d = 0;
  d |= (uint64_t)((addr & 0x3FFFF) >> 4);
  d |= (uint64_t)(PANEL_K >> 4) << 16;
  d |= (uint64_t)(1024 >> 4) << 32;
  d |= (uint64_t)1 << 62;
  return d;
}

// d[16] (+)= A(64x16, smem, K-major) * B(16x32, smem, K-major).
template <int OFF_A, int OFF_B, int ACC>
S90 void wgmma_m64n32k16_ss(float (&d)[16], uint64_t k) {
#if SPARSE90_ARCH_OK
  asm volatile(
      "{\n.reg .b64 da, db;\n.reg .pred p;\n"
      "add.s64 da, %16, %17;\nadd.s64 db, %16, %18;\nsetp.ne.b32 p, %19, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n32k16.f32.bf16.bf16 "
      "{%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15}, da, db, p, 1, 1, 0, 0;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]),
        "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]),
        "+f"(d[14]), "+f"(d[15])
      : "l"(k), "n"(OFF_A), "n"(OFF_B), "n"(ACC));
#else
  __trap();
#endif
}

// S (+)= Q K^T over panels [P0, P1) of the stage at byte offset TILE_OFF.
template <int TILE_OFF, int P0, int P1, bool FIRST, int I = 0>
S90 void issue_s(float (&s)[16], uint64_t dk) {
  if constexpr (I < (P1 - P0) * 4) {
    constexpr int p = P0 + I / 4, kk = I % 4;
    wgmma_m64n32k16_ss<((Layout::Q + p * PANEL + kk * 32) >> 4),
                       ((TILE_OFF + p * PANEL_K + kk * 32) >> 4), (FIRST && I == 0 ? 0 : 1)>(s, dk);
    issue_s<TILE_OFF, P0, P1, FIRST, I + 1>(s, dk);
  }
}
// O += P V (K = 32): P from registers, V = 256 dims of the stage from byte offset V_OFF.
template <int V_OFF, int KK = 0>
S90 void issue_pv_rs(float (&o)[128], const uint32_t (&pf)[8], uint64_t dv) {
  if constexpr (KK < 2) {
    wgmma_m64n256k16_rs<((V_OFF + KK * 16 * 128) >> 4)>(o, pf[4 * KK], pf[4 * KK + 1],
                                                        pf[4 * KK + 2], pf[4 * KK + 3], dv);
    issue_pv_rs<V_OFF, KK + 1>(o, pf, dv);
  }
}
// O += P V: P (64-byte swizzle) at byte offset P_OFF.
template <int P_OFF, int V_OFF, int KK = 0>
S90 void issue_pv_ss(float (&o)[128], uint64_t dp, uint64_t dv) {
  if constexpr (KK < 2) {
    wgmma_m64n256k16_ss<((P_OFF + KK * 32) >> 4), ((V_OFF + KK * 16 * 128) >> 4)>(o, dp, dv);
    issue_pv_ss<P_OFF, V_OFF, KK + 1>(o, dp, dv);
  }
}

S90 uint32_t ready_bar(uint32_t base, int st, int half) {
  return base + Layout::READY + 8 * (2 * st + half);
}
S90 uint32_t free_bar(uint32_t base, int st, int half) {
  return base + Layout::FREE + 8 * (2 * st + half);
}

template <int S>
using St = std::integral_constant<int, S>;

// The consumers (WG0, WG1). Pair i: blocks 2i (stage E = 2 (i mod 2), scored by WG0) and 2i + 1
// (stage E + 1, WG1); phase parity of use n = i / 2 is n mod 2.
template <int CONV, int SHARE>
S90 void consumer(const Args& a, uint32_t base, uint8_t* smem, int npairs) {
  const int wg = threadIdx.x >> 7, w = (threadIdx.x >> 5) & 3, lane = threadIdx.x & 31;
  const int g = lane >> 2, t = lane & 3;
  const int rows[2] = {16 * w + g, 16 * w + g + 8};
  float* sM0 = reinterpret_cast<float*>(smem + Layout::M0);
  float* sM1 = reinterpret_cast<float*>(smem + Layout::M1);
  const uint8_t* flags = smem + Layout::FLAGS;
  const float scale = a.scaleLog2;

  float o[128];
#pragma unroll
  for (int i = 0; i < 128; i++) o[i] = 0.f;
  float s[16];     // S, then P (fp32) of this warpgroup's block
  uint32_t pf[8];  // P as bf16 A fragments: k-step kk uses pf[4kk .. 4kk+3]
  float rowMax[2] = {NEG_BIG, NEG_BIG}, rowSum[2] = {0.f, 0.f};

  auto wait_ready = [&](int st, int half, uint32_t parity) {
    wait(base, ready_bar(base, st, half), parity);
    fence_proxy_async_cta();
  };
  auto release = [&](int st, int half) {
    if (lane == 0) mbar_arrive(free_bar(base, st, half));
  };
  const uint64_t dk = desc_kmajor(base), dv = desc_v32(base), dp = desc_kmajor64(base);
  using Yes = std::true_type;
  using No = std::false_type;
  auto mask_rowmax = [&](int st, float(&mx)[2]) {
    const uint8_t* f = flags + st * BLK + 2 * t;
#pragma unroll
    for (int j = 0; j < 4; j++) {
      const uint32_t v = *reinterpret_cast<const uint16_t*>(f + 8 * j);
      if (!(v & 0xffu)) s[4 * j] = s[4 * j + 2] = -INFINITY;
      if (!(v & 0xff00u)) s[4 * j + 1] = s[4 * j + 3] = -INFINITY;
    }
#pragma unroll
    for (int h = 0; h < 2; h++) {
      float m = -INFINITY;
#pragma unroll
      for (int j = 0; j < 4; j++) m = fmaxf(m, fmaxf(s[4 * j + 2 * h], s[4 * j + 2 * h + 1]));
      m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, 1));
      m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, 2));
      mx[h] = m * scale;
    }
  };
  auto exponentiate = [&](const float(&mnew)[2], float(&sum)[2]) {
#pragma unroll
    for (int j = 0; j < 4; j++) {
#pragma unroll
      for (int e = 0; e < 4; e++) {
        const int h = e >> 1;
        const float x = ex2(fmaf(s[4 * j + e], scale, -mnew[h]));
        s[4 * j + e] = x;
        sum[h] += x;
      }
    }
  };
  auto rescale_o = [&](const float(&f)[2]) {
#pragma unroll
    for (int j = 0; j < 32; j++) {
      o[4 * j] *= f[0];
      o[4 * j + 1] *= f[0];
      o[4 * j + 2] *= f[1];
      o[4 * j + 3] *= f[1];
    }
  };
  auto pack_p = [&](float f0, float f1) {
#pragma unroll
    for (int kk = 0; kk < 2; kk++) {
      pf[4 * kk + 0] = pack_bf16(s[8 * kk + 0] * f0, s[8 * kk + 1] * f0);
      pf[4 * kk + 1] = pack_bf16(s[8 * kk + 2] * f1, s[8 * kk + 3] * f1);
      pf[4 * kk + 2] = pack_bf16(s[8 * kk + 4] * f0, s[8 * kk + 5] * f0);
      pf[4 * kk + 3] = pack_bf16(s[8 * kk + 6] * f1, s[8 * kk + 7] * f1);
    }
  };
  // P to [64 heads][32 keys] bf16, 64-byte rows, 64-byte swizzle (16-byte chunk c of row r at
  // c ^ ((r >> 1) & 3)): the K-major A operand of the other warpgroup's P V.
  auto store_p = [&](uint8_t* pt) {
#pragma unroll
    for (int kk = 0; kk < 2; kk++) {
#pragma unroll
      for (int jj = 0; jj < 2; jj++) {
#pragma unroll
        for (int h = 0; h < 2; h++) {
          const int chunk = 2 * kk + jj, row = rows[h];
          *reinterpret_cast<uint32_t*>(pt + row * 64 + ((chunk ^ ((row >> 1) & 3)) << 4) + t * 4) =
              pf[4 * kk + 2 * jj + h];
        }
      }
    }
  };
  // Version 12's share: thread ct of the warpgroup takes row r0 + ct / TPR of the stage-half (WG0:
  // left, rows 32 - SHARE ..; WG1: right, rows 0 ..), NPT of the half's 4 panels (16 e4m3 each,
  // chunk ct mod 4), and the half's two tile scales. cload issues the loads of a block (zeros for
  // a -1 entry: masked scores, but its values must not be NaN); cconv converts, stores, fences for
  // the async proxy and syncs the warpgroup, so its next S sees every row. (Row and chunk are
  // recomputed from threadIdx.x at each use, as in v10: registers held across the loop spill.)
  constexpr int TPR = SHARE > 0 ? 128 / SHARE : 1, NPT = SHARE > 0 ? 16 / TPR : 1;
  static_assert(SHARE == 0 || SHARE == 16 || SHARE == 32, "share: 16 or 32 rows of 32");
  uint4 cv[NPT];
  float2 csc;
  auto crow = [&]() { return (wg ? 0 : 32 - SHARE) + ((threadIdx.x & 127) / TPR); };
  auto cpanel0 = [&]() { return (((threadIdx.x & 127) >> 2) % (4 / NPT)) * NPT; };
  auto cload = [&](int block) {
    const int* idx_row = a.indices + (size_t)blockIdx.y * a.k;
    const int id = entry_at(a, idx_row, block * BLK + crow());
    if (id >= 0) {
      const uint8_t* e = a.cache + ((size_t)(blockIdx.y / a.T) * a.P + id) * RAW;
      const uint8_t* v = e + wg * 256 + cpanel0() * 64 + (threadIdx.x & 3) * 16;
#pragma unroll
      for (int p = 0; p < NPT; p++) cv[p] = ld_stream_16(v + p * 64);
      csc = ld_stream_f2(e + 512 + wg * 8);
    } else {
#pragma unroll
      for (int p = 0; p < NPT; p++) cv[p] = make_uint4(0u, 0u, 0u, 0u);
      csc = make_float2(0.f, 0.f);
    }
  };
  auto cconv = [&](int st) {
    const int c_row = crow(), c_q4 = threadIdx.x & 3, p0 = cpanel0();
    const uint32_t rowa = base + Layout::K + st * TILE_K + (wg * 4 + p0) * PANEL_K + c_row * 128;
    const uint32_t rx = c_row & 7;
#pragma unroll
    for (int p = 0; p < NPT; p++) {
      const float sc = p0 + p < 2 ? csc.x : csc.y;
      uint4 lo, hi;
      if constexpr (CONV == 1) {
        dequant16(cv[p], __floats2bfloat162_rn(sc, sc), lo, hi);
      } else {
        dequant16_v5(cv[p], __floats2bfloat162_rn(sc * 0x1p120f, sc * 0x1p120f), lo, hi);
      }
      st_shared_16(rowa + p * PANEL_K + (((2 * c_q4) ^ rx) << 4), lo);
      st_shared_16(rowa + p * PANEL_K + (((2 * c_q4 + 1) ^ rx) << 4), hi);
    }
    fence_proxy_async_cta();
    if (wg == 0) {  // constant barrier ids: a computed one makes ptxas reserve all 16
      named_sync(BAR_CONV0, 128);
    } else {
      named_sync(BAR_CONV0 + 1, 128);
    }
  };
  if (npairs > 0) wait(base, base + Layout::QBAR, 0);
  if (wg == 0) {
    // Pair i on stages E = 2 SP, E + 1: S of block 2i is in s (issued at the end of pair i-1).
    auto pair = [&](int i, auto sp, auto has_next) {
      constexpr int E = 2 * decltype(sp)::value, O = E + 1, EN = 2 - E;
      float mx[2], mnew[2], alpha[2], sum[2] = {0.f, 0.f};
      mask_rowmax(E, mx);
#pragma unroll
      for (int h = 0; h < 2; h++) {
        mnew[h] = fmaxf(rowMax[h], mx[h]);
        alpha[h] = ex2(rowMax[h] - mnew[h]);
      }
      const bool moved = mnew[0] != rowMax[0] || mnew[1] != rowMax[1];
      if (t == 0) {
        sM0[rows[0]] = mnew[0];
        sM0[rows[1]] = mnew[1];
      }
      named_arrive(BAR_M0, 256);
      exponentiate(mnew, sum);
#pragma unroll
      for (int h = 0; h < 2; h++) rowSum[h] = rowSum[h] * alpha[h] + sum[h];
      if (__any_sync(0xffffffffu, moved)) rescale_o(alpha);
      pack_p(1.f, 1.f);
      fence_regs(o);
      fence_regs(pf);
      wgmma_fence();
      issue_pv_rs<kt_<E>>(o, pf, dv);  // O[:, 0..255] += P0 V0
      wgmma_commit();
      wgmma_wait<0>();
      fence_regs(o);
      fence_regs(pf);
      release(E, 0);
      named_sync(BAR_M1, 256);
      float f[2];
#pragma unroll
      for (int h = 0; h < 2; h++) {
        const float m1 = sM1[rows[h]];
        f[h] = ex2(mnew[h] - m1);
        rowMax[h] = m1;
        rowSum[h] *= f[h];
      }
      const bool moved1 = rowMax[0] != mnew[0] || rowMax[1] != mnew[1];
      pack_p(f[0], f[1]);
      store_p(smem + kt_<E> + 8 * PANEL_K);  // the rope panel: dead since S
      fence_proxy_async_cta();
      named_arrive(BAR_P0, 256);
      if (__any_sync(0xffffffffu, moved1)) rescale_o(f);
      // v12: s and pf are dead until the next S; stage EN's left half (block 2i+2) was released
      // by this warpgroup in pair i-1 and only it reads it.
      if constexpr (SHARE > 0 && decltype(has_next)::value) cload(2 * i + 2);
      named_sync(BAR_P1, 256);
      fence_regs(o);
      wgmma_fence();
      issue_pv_ss<Layout::P1, kt_<O>>(o, dp, dv);  // += P1 V1
      wgmma_commit();
      if constexpr (decltype(has_next)::value) {
        // S of block 2i+2 (the other stage pair, filled while this one was computed).
        const uint32_t par = (uint32_t)((i + 1) >> 1) & 1u;
        if constexpr (SHARE > 0) cconv(EN);  // while P1 V1 runs
        wait_ready(EN, 0, par);
        fence_regs(s);
        wgmma_fence();
        issue_s<kt_<EN>, 0, 4, true>(s, dk);
        wgmma_commit();
        wgmma_wait<1>();
        fence_regs(o);
        release(O, 0);
        wait_ready(EN, 1, par);
        wgmma_fence();
        issue_s<kt_<EN>, 4, 9, false>(s, dk);
        wgmma_commit();
        wgmma_wait<0>();
        fence_regs(s);
      } else {
        wgmma_wait<0>();
        fence_regs(o);
        release(O, 0);
      }
    };
    if (npairs > 0) {
      if constexpr (SHARE > 0) {
        cload(0);
        cconv(0);
      }
      wait_ready(0, 0, 0);
      fence_regs(s);
      wgmma_fence();
      issue_s<kt_<0>, 0, 4, true>(s, dk);
      wgmma_commit();
      wait_ready(0, 1, 0);
      wgmma_fence();
      issue_s<kt_<0>, 4, 9, false>(s, dk);
      wgmma_commit();
      wgmma_wait<0>();
      fence_regs(s);
      for (int i = 0; i + 1 < npairs; i++) {
        if (i & 1) {
          pair(i, St<1>{}, Yes{});
        } else {
          pair(i, St<0>{}, Yes{});
        }
      }
      if ((npairs - 1) & 1) {
        pair(npairs - 1, St<1>{}, No{});
      } else {
        pair(npairs - 1, St<0>{}, No{});
      }
    }
  } else {
    auto pair = [&](int i, auto sp) {
      constexpr int E = 2 * decltype(sp)::value, O = E + 1;
      const uint32_t par = (uint32_t)(i >> 1) & 1u;
      wait_ready(O, 1, par);
      fence_regs(s);
      wgmma_fence();
      issue_s<kt_<O>, 4, 9, true>(s, dk);
      wgmma_commit();
      wait_ready(O, 0, par);
      wgmma_fence();
      issue_s<kt_<O>, 0, 4, false>(s, dk);
      wgmma_commit();
      wgmma_wait<0>();
      fence_regs(s);
      float mx[2], mnew[2], alpha[2], sum[2] = {0.f, 0.f};
      mask_rowmax(O, mx);
      named_sync(BAR_M0, 256);
#pragma unroll
      for (int h = 0; h < 2; h++) {
        mnew[h] = fmaxf(sM0[rows[h]], mx[h]);
        alpha[h] = ex2(rowMax[h] - mnew[h]);
      }
      const bool moved = mnew[0] != rowMax[0] || mnew[1] != rowMax[1];
      rowMax[0] = mnew[0];
      rowMax[1] = mnew[1];
      if (t == 0) {
        sM1[rows[0]] = mnew[0];
        sM1[rows[1]] = mnew[1];
      }
      named_arrive(BAR_M1, 256);
      exponentiate(mnew, sum);
#pragma unroll
      for (int h = 0; h < 2; h++) rowSum[h] = rowSum[h] * alpha[h] + sum[h];
      if (__any_sync(0xffffffffu, moved)) rescale_o(alpha);
      pack_p(1.f, 1.f);
      fence_regs(o);
      fence_regs(pf);
      wgmma_fence();
      issue_pv_rs<kt_<O> + 4 * PANEL_K>(o, pf, dv);  // O[:, 256..511] += P1 V1
      wgmma_commit();
      store_p(smem + Layout::P1);  // reads pf, which the running wgmma only reads too
      named_sync(BAR_P0, 256);     // WG0's P0, rescaled to this max
      issue_pv_ss<kt_<E> + 8 * PANEL_K, kt_<E> + 4 * PANEL_K>(o, dp, dv);  // += P0 V0
      wgmma_commit();
      fence_proxy_async_cta();
      named_arrive(BAR_P1, 256);
      wgmma_wait<1>();
      release(O, 1);
      // v12: P1 V1 has retired, so s and pf are dead until the next S; the next odd stage's right
      // half (block 2i+3) was released by this warpgroup in pair i-1 and only it reads it: its
      // rows load while P0 V0 runs and are converted after it.
      const bool conv_next = SHARE > 0 && i + 1 < npairs;
      if (conv_next) cload(2 * i + 3);
      wgmma_wait<0>();
      fence_regs(o);
      fence_regs(pf);
      release(E, 1);
      if (conv_next) cconv(4 - O);
    };
    if constexpr (SHARE > 0) {
      if (npairs > 0) {
        cload(1);
        cconv(1);
      }
    }
    for (int i = 0; i < npairs; i++) {
      if (i & 1) {
        pair(i, St<1>{});
      } else {
        pair(i, St<0>{});
      }
    }
  }

  float* sSum = reinterpret_cast<float*>(smem + Layout::SUM);
#pragma unroll
  for (int h = 0; h < 2; h++) {
    float v = rowSum[h];
    v += __shfl_xor_sync(0xffffffffu, v, 1);
    v += __shfl_xor_sync(0xffffffffu, v, 2);
    if (t == 0) sSum[wg * HEADS + rows[h]] = v;
  }
  named_sync(BAR_SUM, 256);
  const int hh = blockIdx.x, r = blockIdx.y;
#pragma unroll
  for (int h = 0; h < 2; h++) {
    const float total = sSum[rows[h]] + sSum[HEADS + rows[h]];
    const float inv = total > 0.f ? 1.f / total : 0.f;
    __nv_bfloat16* orow =
        a.out + ((size_t)r * 128 + hh * HEADS + rows[h]) * DV + wg * (DV / 2) + 2 * t;
#pragma unroll
    for (int j = 0; j < 32; j++)
      *reinterpret_cast<uint32_t*>(orow + 8 * j) =
          pack_bf16(o[4 * j + 2 * h] * inv, o[4 * j + 2 * h + 1] * inv);
  }
}

// The producer (WG2): thread pt fills row pt / 4 of every stage-half, 16 e4m3 of each of the
// half's 4 panels (chunk pt mod 4) and, right half, two of the row's 8 rope chunks (cp.async) and
// its valid flag. Two row-halves in registers: the next one loads while one is converted.
// CONV 1: v4's conversion (dequant16), 2: v5's (dequant16_v5). DIAG_CONSUMERS (driver only): the
// first two pairs as always, then only the barriers (the consumers run on resident stages).
// DIAG_PRODUCER is handled by the consumers' stand-in (consumer_release_only).
template <int CONV, int DIAG = DIAG_NONE, int SHARE = 0>
S90 void producer(const Args& a, uint32_t base, uint8_t* smem, int npairs) {
  const int pt = threadIdx.x - 256, q4 = pt & 3, row = pt >> 2;
  const int r = blockIdx.y;
  const int* idx_row = a.indices + (size_t)r * a.k;
  const uint8_t* seq = a.cache + (size_t)(r / a.T) * a.P * RAW;
  // v12: rows the consumers convert (E left: the last SHARE rows; E+1 right: the first SHARE),
  // warp-uniform for SHARE 16 / 32. Only those two stage-halves: E right and E+1 left are the
  // producer's in full (round sdec13 skipped them too, by half alone, and left them unwritten).
  const bool skipL = SHARE > 0 && row >= 32 - SHARE, skipR = SHARE > 0 && row < SHARE;
  auto skip = [&](bool right, bool odd) { return right ? (odd && skipR) : (!odd && skipL); };
  auto load = [&](int id, auto right, auto odd, Fp8Half& h) {
    constexpr bool RT = decltype(right)::value;
    if (skip(RT, decltype(odd)::value)) return;
    if (id >= 0) {
      const uint8_t* e = seq + (size_t)id * RAW;
#pragma unroll
      for (int p = 0; p < 4; p++) h.v[p] = ld_stream_16(e + (RT ? 256 : 0) + p * 64 + q4 * 16);
      h.scale = ld_stream_f2(e + 512 + (RT ? 8 : 0));
    } else {  // a -1 entry: zeros (its scores are masked; its values must not be NaN)
#pragma unroll
      for (int p = 0; p < 4; p++) h.v[p] = make_uint4(0u, 0u, 0u, 0u);
      h.scale = make_float2(0.f, 0.f);
    }
  };
  auto put = [&](const Fp8Half& h, int st, int id, auto right, auto odd) {
    constexpr bool RT = decltype(right)::value;
    const uint32_t tile = base + Layout::K + st * TILE_K;
    const uint32_t rowoff = row * 128, rx = row & 7;
    if (!skip(RT, decltype(odd)::value)) {
#pragma unroll
      for (int p = 0; p < 4; p++) {
        const float sc = p < 2 ? h.scale.x : h.scale.y;
        uint4 v = h.v[p];
        asm volatile("" : "+r"(v.x), "+r"(v.y), "+r"(v.z), "+r"(v.w));  // panel by panel
        uint4 lo, hi;
        if constexpr (CONV == 1) {
          dequant16(v, __floats2bfloat162_rn(sc, sc), lo, hi);
        } else {
          dequant16_v5(v, __floats2bfloat162_rn(sc * 0x1p120f, sc * 0x1p120f), lo, hi);
        }
        const uint32_t panel = tile + ((RT ? 4 : 0) + p) * PANEL_K + rowoff;
        st_shared_16(panel + (((2 * q4) ^ rx) << 4), lo);
        st_shared_16(panel + (((2 * q4 + 1) ^ rx) << 4), hi);
      }
    }
    if constexpr (RT) {
      const uint32_t panel = tile + 8 * PANEL_K + rowoff;
      const uint8_t* e = seq + (size_t)(id >= 0 ? id : 0) * RAW + 528 + q4 * 32;
      cp_async_16(panel + (((2 * q4) ^ rx) << 4), e, id >= 0 ? 16 : 0);
      cp_async_16(panel + (((2 * q4 + 1) ^ rx) << 4), e + 16, id >= 0 ? 16 : 0);
      if (q4 == 0) smem[Layout::FLAGS + st * BLK + row] = id >= 0;
    }
  };
  auto signal = [&](int st, int half) {
    const uint32_t bar = ready_bar(base, st, half);
    if (half == 1) cp_async_arrive_noinc(bar);  // the rope copies
    fence_proxy_async_cta();
    mbar_arrive(bar);
  };
  using Yes = std::true_type;
  using No = std::false_type;
  if (npairs == 0) return;
  int id0 = entry_at(a, idx_row, row), id1 = entry_at(a, idx_row, BLK + row);
  Fp8Half A, B;
  load(id0, No{}, No{}, A);
  for (int i = 0; i < npairs; i++) {
    const uint32_t par = ((uint32_t)(i >> 1) & 1u) ^ 1u;  // a fresh barrier passes parity 1
    const int E = 2 * (i & 1), O = E + 1;
    if constexpr (DIAG == DIAG_CONSUMERS) {
      if (i >= 2) {  // no copies in flight: the rope's noinc arrival completes at once
        wait(base, free_bar(base, E, 0), par);
        signal(E, 0);
        wait(base, free_bar(base, O, 1), par);
        signal(O, 1);
        wait(base, free_bar(base, E, 1), par);
        signal(E, 1);
        wait(base, free_bar(base, O, 0), par);
        signal(O, 0);
        continue;
      }
    }
    const bool next = i + 1 < npairs;
    const int nx0 = next ? entry_at(a, idx_row, (2 * i + 2) * BLK + row) : -1;
    const int nx1 = next ? entry_at(a, idx_row, (2 * i + 3) * BLK + row) : -1;
    // v4's order: E left, O right, E right, O left.
    load(id1, Yes{}, Yes{}, B);
    wait(base, free_bar(base, E, 0), par);
    put(A, E, id0, No{}, No{});
    signal(E, 0);
    load(id0, Yes{}, No{}, A);
    wait(base, free_bar(base, O, 1), par);
    put(B, O, id1, Yes{}, Yes{});
    signal(O, 1);
    load(id1, No{}, Yes{}, B);
    wait(base, free_bar(base, E, 1), par);
    put(A, E, id0, Yes{}, No{});
    signal(E, 1);
    if (next) load(nx0, No{}, No{}, A);
    wait(base, free_bar(base, O, 0), par);
    put(B, O, id1, No{}, Yes{});
    signal(O, 0);
    id0 = nx0;
    id1 = nx1;
  }
}

// Diagnostic (driver only): consumers that release every stage-half once it is ready, in their
// order, without computing (the producer alone; outputs are zeros).
S90 void consumer_release_only(uint32_t base, int npairs) {
  const int wg = threadIdx.x >> 7, lane = threadIdx.x & 31;
  auto rel = [&](int st, int half, uint32_t par) {
    wait(base, ready_bar(base, st, half), par);
    if (lane == 0) mbar_arrive(free_bar(base, st, half));
  };
  for (int i = 0; i < npairs; i++) {
    const uint32_t par = (uint32_t)(i >> 1) & 1u;
    const int E = 2 * (i & 1), O = E + 1;
    if (wg == 0) {
      rel(E, 0, par);
      rel(O, 0, par);
    } else {
      rel(O, 1, par);
      rel(E, 1, par);
    }
  }
}

template <int CONV, int DIAG = DIAG_NONE, int SHARE = 0>
S90 void sparse_mla(const Args& a) {
  extern __shared__ uint8_t smem_raw[];
  const uint32_t raw0 = smem_u32(smem_raw);
  const uint32_t base = (raw0 + 1023u) & ~1023u;
  uint8_t* const smem = smem_raw + (base - raw0);
  const int tid = threadIdx.x, wg = tid >> 7;
  const int hh = blockIdx.x, r = blockIdx.y;
  int* const sLast = reinterpret_cast<int*>(smem + Layout::LAST);

  if (tid == 0) {
#pragma unroll
    for (int st = 0; st < NST; st++) {
      mbar_init(ready_bar(base, st, 0), 128);
      mbar_init(ready_bar(base, st, 1), 256);  // + the rope copies (noinc)
      mbar_init(free_bar(base, st, 0), 4);     // the 4 warps of the warpgroup that reads it last
      mbar_init(free_bar(base, st, 1), 4);
    }
    mbar_init(base + Layout::QBAR, 128);
    *sLast = -1;
    *reinterpret_cast<int*>(smem + Layout::GAVE_UP) = 0;
    fence_mbar_init();
  }
  __syncthreads();
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
    for (int i0 = tid; i0 < a.k; i0 += 4 * THREADS) {
      int v[4];
#pragma unroll
      for (int u = 0; u < 4; u++)
        v[u] = i0 + u * THREADS < a.k ? __ldg(idx_row + i0 + u * THREADS) : -1;
#pragma unroll
      for (int u = 0; u < 4; u++)
        if (v[u] >= 0 && v[u] < a.P) last = i0 + u * THREADS;
    }
    last = __reduce_max_sync(0xffffffffu, last);
    if ((tid & 31) == 0 && last >= 0) atomicMax(sLast, last);
  }
  __syncthreads();
  const int nb = (*sLast + BLK) / BLK;  // 32-entry blocks 0 .. nb-1 hold every valid entry
  const int npairs = (nb + 1) / 2;      // WG1's block of the last pair may be all -1

  if (wg == 2) {
    reg_dealloc<Regs<true>::PRODUCER>();
    producer<CONV, DIAG, SHARE>(a, base, smem, npairs);
    cp_async_wait_all();
  } else {
    reg_alloc<Regs<true>::CONSUMER>();
    if constexpr (DIAG == DIAG_PRODUCER) {
      consumer_release_only(base, npairs);
    } else {
      consumer<CONV, SHARE>(a, base, smem, npairs);
    }
  }
}

}  // namespace v11
}  // namespace sm90s
