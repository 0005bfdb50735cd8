// Hopper (sm_90a) sparse MLA in absorbed MQA mode, shared by the two shipped kernels:
// sm90/prefill/sparse.cu (bf16 cache) and sm90/decode/sparse_fp8.cu (DeepSeek-V3.2's 656-byte fp8
// cache). Each query row (one token, 128 heads x 576) attends to its own k selected cache entries
// (indices from top-k, -1 for none; values = the first 512 dims of an entry).
//
// CTA = 64 heads of one query row, 384 threads in three warpgroups, no block-wide barrier after the
// prologue:
//   WG2, the producer: fills two 64-entry tiles K0 / K1 (even / odd blocks of the index list), each
//     in a "left" half (dims 0..255) and a "right" half (dims 256..575) with its own ready / free
//     mbarrier pair, so a half is refilled as soon as its last reader is done. bf16: cp.async
//     gathers of 16 bytes per thread, completion signalled to the mbarrier (noinc). fp8: 16-byte
//     loads into registers, dequantised and stored as bf16 rows (sparse_mla<true, false>, the
//     shipped form); or (the version-5 candidate sparse_mla<true, true, ..., V5>) the two head
//     halves of a row run as a CTA pair (cluster of 2) that gathers the same entries, so each CTA
//     loads and dequantises 32 of a block's 64 rows and stores the bf16 rows into both CTAs' tiles
//     (the peer's by st.async into distributed shared memory); or (the version-6 candidate
//     sparse_mla<true, false, false, DIAG_NONE, true>) cp.async gathers of the raw fp8 bytes into
//     the half-tile itself, dequantised there in place (producer_fp8_v6); or (the version-7
//     candidate sparse_mla<true, true, false, DIAG_NONE, false, 2>) the CTA pair whose rope goes
//     through registers and st.async with the values (producer_fp8_v7).
//   WG0 and WG1, the consumers: WG0 scores even blocks, WG1 odd ones (S = Q K^T, 64 heads x 64
//     keys, 36 m64n64k16 with both operands in shared memory). The two keep one running row max:
//     WG0 publishes max(old, block 2i), WG1 folds in block 2i+1 and publishes the result, WG0
//     rescales its P. Each owns half of the 512 output dims: WG0 O[:, 0..255] += P0 V0 (P0 from its
//     registers) + P1 V1 (P1 from shared memory), WG1 O[:, 256..511] += P1 V1 + P0 V0. So one
//     warpgroup's softmax overlaps the other's tensor-core work, and the next block's S is issued
//     while the last P V still runs.
// Shared memory: Q 72 KB + K0 + K1 (72 KB each) + WG1's P (8 KB; WG0's P lives in K0's rope
// panel, dead once S of block 2i is done) + flags, maxima, sums, barriers: 226 KB, one CTA per SM.
// Tiles are 9 panels of 64 rows x 128 bytes, 128-byte swizzled (the wgmma K-major layout); V is
// read from the same tile MN-major.
#pragma once
#include <cuda_bf16.h>
#include <stdint.h>

#include <type_traits>

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900 && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define SPARSE90_ARCH_OK 1
#else
#define SPARSE90_ARCH_OK 0
#endif

// Debug builds (the standalone driver's checks) set this to a number of nanoseconds: an mbarrier
// wait that lasts longer gives up instead of hanging the GPU (see mbar_wait). Product builds leave
// it 0.
#ifndef SPARSE90_WAIT_TIMEOUT_NS
#define SPARSE90_WAIT_TIMEOUT_NS 0
#endif

#define S90 __device__ __forceinline__

namespace sm90s {

constexpr int HEADS = 64;  // query heads per CTA: one head half of a row
constexpr int BLK = 64;    // cache entries per block (tile rows)
constexpr int DQK = 576, DV = 512;
constexpr int ROWB = DQK * 2;    // bytes of a bf16 entry
constexpr int RAW = 656;         // bytes of a KV_FP8_656 entry
constexpr int PANEL = 64 * 128;  // 64 rows x 64 bf16: one column of 128-byte swizzle atoms
constexpr int TILE = 9 * PANEL;  // 64 rows x 576
constexpr int THREADS = 384;

// Byte offsets from a 1024-aligned base.
struct Layout {
  static constexpr int Q = 0;
  static constexpr int K0 = TILE;
  static constexpr int K1 = 2 * TILE;
  static constexpr int P0 = K1 - PANEL;       // K0's rope panel (8): WG0's P once S0 is done
  static constexpr int P1 = 3 * TILE;         // WG1's P
  static constexpr int FLAGS = P1 + PANEL;    // [2][64] bytes: entry valid
  static constexpr int M0 = FLAGS + 2 * BLK;  // [64] float: WG0's row max (log2 units)
  static constexpr int M1 = M0 + HEADS * 4;   // [64] float: WG1's
  static constexpr int SUM = M1 + HEADS * 4;  // [2][64] float: row sums at the end
  static constexpr int BARS = SUM + 2 * HEADS * 4;
  // mbarriers, 8 bytes each: ready[buf][half], free[buf][half], q
  static constexpr int READY = BARS, FREE = BARS + 32, QBAR = BARS + 64;
  static constexpr int LAST = BARS + 72;    // int: last valid position of the index list
  static constexpr int GAVE_UP = LAST + 4;  // int: a wait of this CTA timed out (debug builds)
  static constexpr int END = GAVE_UP + 4;
  static constexpr int BYTES = END + 1024;  // + slack to align the dynamic base to 1024
  static_assert(P0 % 1024 == 0 && P1 % 1024 == 0 && K0 % 1024 == 0, "swizzle atoms need 1 KB");
  static_assert(BARS % 128 == 0 && GAVE_UP < BARS + 128,
                "a barrier's address rounded down to 128 bytes finds GAVE_UP (mbar_wait)");
  static_assert(BYTES <= 227 * 1024, "one CTA per SM: at most 227 KB of shared memory");
  // Version 6 (fp8, sparse_mla<..., V6>): four more mbarriers, staged[buf][half] (the raw bytes of
  // the half have landed in its own tile region, see producer_fp8_v6). The other kernels keep
  // BYTES.
  static constexpr int STAGED = END;
  static constexpr int BYTES6 = STAGED + 32 + 1024;
  static_assert(STAGED % 8 == 0 && STAGED + 32 <= BARS + 128,
                "mbar_wait finds GAVE_UP from STAGED too");
  static_assert(BYTES6 <= 227 * 1024, "one CTA per SM: at most 227 KB of shared memory");
};

// Diagnostic builds (the standalone driver only; never shipped): DIAG_CONSUMERS, the producer
// fills the first block pair and then only re-signals the tiles it already converted, so the
// consumers run on resident data; DIAG_PRODUCER, the consumers release every half as soon as it is
// ready, without computing (outputs are zeros).
enum Diag : int { DIAG_NONE = 0, DIAG_CONSUMERS = 1, DIAG_PRODUCER = 2 };

// Named barriers of the two consumer warpgroups (256 threads; 0 is __syncthreads).
enum : int { BAR_M0 = 1, BAR_M1 = 2, BAR_P0 = 3, BAR_P1 = 4, BAR_SUM = 5 };
// Version 10: one warpgroup's own conversion share is complete (128 threads; id 6 + warpgroup).
enum : int { BAR_CONV0 = 6 };

// Arrivals each mbarrier phase expects.
template <bool FP8, bool CLUSTER, bool V5 = false, bool V6 = false, int V7 = 0>
struct Counts {
  // bf16: the 128 producer threads' cp.async completions (noinc), plus the 16 threads that store a
  // block's valid flags before its right half (a plain arrive, so the flags are released).
  // fp8: every producer thread of this CTA arrives once its stores are done; a right half also
  // counts the 128 noinc arrivals of the rope copies (cp.async). In the v5 pair one of the
  // arrivals also expects the peer's bytes, which its st.async stores count off, and each CTA
  // copies the rope of all 64 rows of a right half itself.
  // v7 (the pair): the rope and flags come through registers and st.async like the values, so
  // either half counts the 128 producer arrivals only (plus the peer's bytes).
  static_assert(!CLUSTER || V5 || V7 > 0, "the CTA pair exists in its version-5 and 7 forms only");
  static constexpr int READY_L = 128;
  // v6: the rope copies complete on the staged barrier, which the producer waits for before it
  // converts and arrives: one arrival per producer thread for either half.
  static constexpr int READY_R = FP8 ? ((V6 || V7 > 0) ? 128 : 256) : 128 + 16;
  // One arrival per consumer warp (4) of the warpgroup that reads the half last, from both CTAs of
  // a pair.
  static constexpr int FREE = CLUSTER ? 8 : 4;
};

// ---------------------------------------------------------------------------------------------
// PTX wrappers.

S90 uint32_t smem_u32(const void* p) { return static_cast<uint32_t>(__cvta_generic_to_shared(p)); }

S90 void mbar_init(uint32_t bar, int count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(bar), "r"(count) : "memory");
}
// Makes the initialised barriers visible to the cluster (and to the async proxy).
S90 void fence_mbar_init() {
#if SPARSE90_ARCH_OK
  asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory");
#endif
}

template <bool CLUSTER>
S90 bool mbar_try_wait(uint32_t bar, uint32_t parity) {
  uint32_t done;
  if constexpr (CLUSTER) {
    asm volatile(
        "{\n.reg .pred p;\nmbarrier.try_wait.parity.acquire.cluster.shared::cta.b64 p, [%1], %2;\n"
        "selp.u32 %0, 1, 0, p;\n}\n"
        : "=r"(done)
        : "r"(bar), "r"(parity)
        : "memory");
  } else {
    asm volatile(
        "{\n.reg .pred p;\nmbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n"
        "selp.u32 %0, 1, 0, p;\n}\n"
        : "=r"(done)
        : "r"(bar), "r"(parity)
        : "memory");
  }
  return done != 0;
}

S90 uint32_t clock32() {
  uint32_t t;
  asm volatile("mov.u32 %0, %%clock;\n" : "=r"(t));
  return t;
}

#if SPARSE90_WAIT_TIMEOUT_NS > 0
// Set when a wait gave up, for the host to read.
__device__ int sparse90_wait_timed_out;
#endif

// Waits for the phase with this parity to complete. With SPARSE90_WAIT_TIMEOUT_NS, a wait that
// never ends (a bug in the phase bookkeeping) gives up after about that long (the SM clock at
// ~2 GHz in one 32-bit register; wrap-around is harmless in unsigned arithmetic), marks the CTA's
// GAVE_UP word, which makes every later wait of the CTA return at once, and sets the global flag:
// the kernel ends with wrong results instead of hanging. It does not trap or printf: either makes
// ptxas serialize every wgmma of the kernel.
template <bool CLUSTER>
S90 void mbar_wait(uint32_t bar, uint32_t parity) {
  if (mbar_try_wait<CLUSTER>(bar, parity)) return;
#if SPARSE90_WAIT_TIMEOUT_NS > 0
  constexpr uint64_t kCycles = SPARSE90_WAIT_TIMEOUT_NS * 2ull;
  const uint32_t t0 = clock32();
  const uint32_t gave_up = (bar & ~127u) + (Layout::GAVE_UP - Layout::BARS);
#endif
  while (!mbar_try_wait<CLUSTER>(bar, parity)) {
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

// Whether the phase with this parity has completed, without waiting (mbarrier.test_wait never
// suspends the thread).
S90 bool mbar_test(uint32_t bar, uint32_t parity) {
  uint32_t done;
  asm volatile(
      "{\n.reg .pred p;\nmbarrier.test_wait.parity.shared::cta.b64 p, [%1], %2;\n"
      "selp.u32 %0, 1, 0, p;\n}\n"
      : "=r"(done)
      : "r"(bar), "r"(parity)
      : "memory");
  return done != 0;
}

S90 void mbar_arrive(uint32_t bar) {
  asm volatile("{\n.reg .b64 st;\nmbarrier.arrive.shared::cta.b64 st, [%0];\n}\n" ::"r"(bar)
               : "memory");
}
// Arrive on the barrier at a shared::cluster address (the peer CTA's), releasing this thread's
// prior writes to the cluster.
S90 void mbar_arrive_cluster(uint32_t cluster_bar) {
#if SPARSE90_ARCH_OK
  asm volatile("mbarrier.arrive.release.cluster.shared::cluster.b64 _, [%0];\n" ::"r"(cluster_bar)
               : "memory");
#endif
}
// The barrier counts one arrival once every cp.async this thread issued so far has landed.
S90 void cp_async_arrive_noinc(uint32_t bar) {
  asm volatile("cp.async.mbarrier.arrive.noinc.shared::cta.b64 [%0];\n" ::"r"(bar) : "memory");
}
S90 void cp_async_wait_all() { asm volatile("cp.async.wait_all;\n" ::: "memory"); }

// 16-byte global -> shared copy; src_bytes = 0 zero-fills (a -1 entry). The L2 fetch is widened to
// 256 bytes: a 1152-byte entry is read whole by the 8 threads of a row group anyway.
S90 void cp_async_16(uint32_t dst, const void* src, int src_bytes) {
  asm volatile("cp.async.cg.shared.global.L2::256B [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src),
               "r"(src_bytes)
               : "memory");
}

S90 void named_sync(int id, int threads) {
  asm volatile("bar.sync %0, %1;\n" ::"r"(id), "r"(threads) : "memory");
}
S90 void named_arrive(int id, int threads) {
  asm volatile("bar.arrive %0, %1;\n" ::"r"(id), "r"(threads) : "memory");
}

template <int N>
S90 void reg_alloc() {
#if SPARSE90_ARCH_OK
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\n" ::"n"(N));
#endif
}
template <int N>
S90 void reg_dealloc() {
#if SPARSE90_ARCH_OK
  asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\n" ::"n"(N));
#endif
}

// Generic-proxy writes to this CTA's shared memory (st.shared, cp.async) ordered before
// async-proxy reads (wgmma).
S90 void fence_proxy_async_cta() {
#if SPARSE90_ARCH_OK
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
#endif
}

S90 uint32_t cluster_rank() {
  uint32_t r = 0;
#if SPARSE90_ARCH_OK
  asm volatile("mov.u32 %0, %%cluster_ctarank;\n" : "=r"(r));
#endif
  return r;
}
// All threads of both CTAs of the pair; orders shared-memory writes (remote ones included).
S90 void cluster_sync() {
#if SPARSE90_ARCH_OK
  asm volatile("barrier.cluster.arrive.release.aligned;\nbarrier.cluster.wait.acquire.aligned;\n" ::
                   : "memory");
#endif
}
// The shared::cluster address of the same offset in CTA `rank` of the cluster.
S90 uint32_t map_shared(uint32_t addr, uint32_t rank) {
  uint32_t o = addr;
#if SPARSE90_ARCH_OK
  asm volatile("mapa.shared::cluster.u32 %0, %1, %2;\n" : "=r"(o) : "r"(addr), "r"(rank));
#endif
  return o;
}
// Shared-memory loads as ordered memory operations (volatile, memory clobber): v6 converts in
// place, so a warp's reads of a row must stay before its __syncwarp and the stores after it.
S90 uint4 ld_shared_16(uint32_t addr) {
  uint4 v;
  asm volatile("ld.shared.v4.b32 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
               : "r"(addr)
               : "memory");
  return v;
}
S90 float ld_shared_f32(uint32_t addr) {
  float v;
  asm volatile("ld.shared.f32 %0, [%1];\n" : "=f"(v) : "r"(addr) : "memory");
  return v;
}
S90 void st_shared_16(uint32_t addr, uint4 v) {
  asm volatile("st.shared.v4.b32 [%0], {%1, %2, %3, %4};\n" ::"r"(addr), "r"(v.x), "r"(v.y),
               "r"(v.z), "r"(v.w)
               : "memory");
}
// 16 bytes into the peer CTA's shared memory (shared::cluster address), counted off the peer's
// mbarrier `cluster_bar` in bytes when they land: no fence, no arrival, no wait in this thread.
S90 void st_async_16(uint32_t addr, uint4 v, uint32_t cluster_bar) {
#if SPARSE90_ARCH_OK
  asm volatile(
      "st.async.shared::cluster.mbarrier::complete_tx::bytes.v4.b32 [%0], {%1, %2, %3, %4}, "
      "[%5];\n" ::"r"(addr),
      "r"(v.x), "r"(v.y), "r"(v.z), "r"(v.w), "r"(cluster_bar)
      : "memory");
#endif
}
// Arrive, and add `bytes` to the transaction count the current phase waits for (the peer's st.async
// stores count it off; it may go below zero until this arrival comes: the phase needs both).
S90 void mbar_arrive_expect_tx(uint32_t bar, uint32_t bytes) {
#if SPARSE90_ARCH_OK
  asm volatile(
      "{\n.reg .b64 st;\nmbarrier.arrive.expect_tx.shared::cta.b64 st, [%0], %1;\n}\n" ::"r"(bar),
      "r"(bytes)
      : "memory");
#endif
}
// 16 read-only bytes that no other CTA of this SM will read again: no L1 allocation, 256-byte L2
// fetch (the rest of the entry follows).
S90 uint4 ld_stream_16(const void* p) {
  uint4 v;
  asm volatile("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
               : "l"(p));
  return v;
}
S90 float ld_stream_f32(const void* p) {
  float v;
  asm volatile("ld.global.nc.L1::no_allocate.f32 %0, [%1];\n" : "=f"(v) : "l"(p));
  return v;
}
S90 float2 ld_stream_f2(const void* p) {
  float2 v;
  asm volatile("ld.global.nc.L1::no_allocate.v2.f32 {%0, %1}, [%2];\n"
               : "=f"(v.x), "=f"(v.y)
               : "l"(p));
  return v;
}

S90 uint32_t pack_bf16(float lo, float hi) {
  __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
  return *reinterpret_cast<uint32_t*>(&v);
}
// 2^x on the special-function unit; -inf gives 0.
S90 float ex2(float x) {
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;\n" : "=f"(y) : "f"(x));
  return y;
}

// Two e4m3 values -> two bf16 without the conversion unit (whose 16 results per clock and SM make
// dequantisation, not the tensor cores, the bound of an fp8 decode): t holds the bytes as the high
// bytes of its two 16-bit lanes. Sign stays at bit 15; exponent and mantissa (7 bits) move right
// by 4 into bf16's low exponent bits and top mantissa bits, which is the same number scaled by
// 2^-120 (bias 127 against 7). Exact for every e4m3 value; the 2^120 comes back in dequant16.
S90 uint32_t e4m3x2_bf16_scaled(uint32_t t) { return (t & 0x80008000u) | ((t >> 4) & 0x07f007f0u); }
S90 uint32_t bf16x2_mul(uint32_t a, __nv_bfloat162 b) {
  __nv_bfloat162 x = *reinterpret_cast<__nv_bfloat162*>(&a);
  x = __hmul2(x, b);
  return *reinterpret_cast<uint32_t*>(&x);
}
// 16 e4m3 values (16 bytes) -> 16 bf16 (two 16-byte chunks), times the tile scale (bf16x2).
S90 void dequant16(uint4 v, __nv_bfloat162 scale2, uint4& lo, uint4& hi) {
  const __nv_bfloat16 t120 = __ushort_as_bfloat16(0x7B80);  // 2^120: exponent 247, mantissa 0
  const __nv_bfloat162 two120 = __halves2bfloat162(t120, t120);
  uint32_t w[8];
  const uint32_t x[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
  for (int i = 0; i < 4; i++) {
    // bytes 0,1 -> lanes of w[2i], bytes 2,3 -> w[2i+1]; byte order = element order.
    const uint32_t t01 = __byte_perm(x[i], 0u, 0x1404);
    const uint32_t t23 = __byte_perm(x[i], 0u, 0x3424);
    w[2 * i] = bf16x2_mul(bf16x2_mul(e4m3x2_bf16_scaled(t01), two120), scale2);
    w[2 * i + 1] = bf16x2_mul(bf16x2_mul(e4m3x2_bf16_scaled(t23), two120), scale2);
  }
  lo = make_uint4(w[0], w[1], w[2], w[3]);
  hi = make_uint4(w[4], w[5], w[6], w[7]);
}

// The v5 conversion: three integer-pipe-or-shift instructions and one multiply per two values
// instead of four and two. A prmt with sign-replicating selectors puts byte i in the low byte of a
// 16-bit lane and 0xff or 0x00 (its sign) in the high byte; shifted left by 4 and masked with
// 0x87f0 per lane, the lane holds the sign at bit 15 and exponent + mantissa at bits 4..10: the
// same bf16 as e4m3x2_bf16_scaled (the value times 2^-120). The lower lane's carry out of bit 15
// lands in the upper lane's bits 0..3, which the mask clears. The tile scale comes times 2^120
// (one bf16x2 multiply, rounding once as before; exact for every scale below 2^8, i.e. tiles whose
// largest value is below 448 * 2^8).
S90 uint32_t prmt(uint32_t x, uint32_t sel) {
  uint32_t r;
  asm("prmt.b32 %0, %1, 0, %2;\n" : "=r"(r) : "r"(x), "r"(sel));
  return r;
}
S90 void dequant16_v5(uint4 v, __nv_bfloat162 scale2x120, uint4& lo, uint4& hi) {
  uint32_t w[8];
  const uint32_t x[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
  for (int i = 0; i < 4; i++) {
    // bytes 0,1 -> lanes of w[2i], bytes 2,3 -> w[2i+1]; byte order = element order. Selector
    // nibbles (low first): byte, its sign (8 | byte), next byte, its sign.
    const uint32_t t01 = prmt(x[i], 0x9180u);
    const uint32_t t23 = prmt(x[i], 0xB3A2u);
    w[2 * i] = bf16x2_mul((t01 << 4) & 0x87f087f0u, scale2x120);
    w[2 * i + 1] = bf16x2_mul((t23 << 4) & 0x87f087f0u, scale2x120);
  }
  lo = make_uint4(w[0], w[1], w[2], w[3]);
  hi = make_uint4(w[4], w[5], w[6], w[7]);
}

// The same for 8 values (two words): the first or second 16-byte result of dequant16_v5.
S90 uint4 dequant8_v5(uint32_t x0, uint32_t x1, __nv_bfloat162 scale2x120) {
  const uint32_t t0 = prmt(x0, 0x9180u), t1 = prmt(x0, 0xB3A2u);
  const uint32_t t2 = prmt(x1, 0x9180u), t3 = prmt(x1, 0xB3A2u);
  return make_uint4(bf16x2_mul((t0 << 4) & 0x87f087f0u, scale2x120),
                    bf16x2_mul((t1 << 4) & 0x87f087f0u, scale2x120),
                    bf16x2_mul((t2 << 4) & 0x87f087f0u, scale2x120),
                    bf16x2_mul((t3 << 4) & 0x87f087f0u, scale2x120));
}

// ---------------------------------------------------------------------------------------------
// wgmma (sm_90a). Descriptors: 128-byte swizzle; K-major tiles have 8-row groups 1024 bytes apart.

S90 uint64_t desc_kmajor(uint32_t addr) {
  uint64_t d = 0;
  d |= (uint64_t)((addr & 0x3FFFF) >> 4);
  d |= (uint64_t)1 << 16;            // leading byte offset: unused for swizzled K-major
  d |= (uint64_t)(1024 >> 4) << 32;  // stride byte offset: 8 rows of 128 bytes
  d |= (uint64_t)1 << 62;            // 128-byte swizzle
  return d;
}
// V read MN-major from a tile: 64-dim atoms (panels) 8192 bytes apart along N, 8-entry groups
// 1024 bytes apart along K (the convention the v3 kernels verified on the H200).
S90 uint64_t desc_v(uint32_t addr) {
  uint64_t d = 0;
  d |= (uint64_t)((addr & 0x3FFFF) >> 4);
  d |= (uint64_t)(8192 >> 4) << 16;
  d |= (uint64_t)(1024 >> 4) << 32;
  d |= (uint64_t)1 << 62;
  return d;
}

S90 void wgmma_fence() {
#if SPARSE90_ARCH_OK
  asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
#endif
}
S90 void wgmma_commit() {
#if SPARSE90_ARCH_OK
  asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
#endif
}
template <int N>
S90 void wgmma_wait() {
#if SPARSE90_ARCH_OK
  asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory");
#endif
}
// Keeps the compiler from moving reads or writes of registers across the asynchronous wgmma that
// owns them.
template <int N>
S90 void fence_regs(float (&r)[N]) {
#pragma unroll
  for (int i = 0; i < N; i++) asm volatile("" : "+f"(r[i])::"memory");
}
template <int N>
S90 void fence_regs(uint32_t (&r)[N]) {
#pragma unroll
  for (int i = 0; i < N; i++) asm volatile("" : "+r"(r[i])::"memory");
}

// Descriptors are passed as a base plus a compile-time offset (16-byte units) that the asm adds:
// offsets computed in C++ are loop-invariant, and the compiler hoists all 72 of a block's
// descriptors into registers that the 128-register accumulator cannot spare.

// d[32] (+)= A(64x16, smem, K-major) * B(16x64, smem, K-major): descriptor `k` advanced by OFF_A
// and OFF_B. ACC = 0 overwrites d.
template <int OFF_A, int OFF_B, int ACC>
S90 void wgmma_m64n64k16_ss(float (&d)[32], uint64_t k) {
#if SPARSE90_ARCH_OK
  asm volatile(
      "{\n.reg .b64 da, db;\n.reg .pred p;\n"
      "add.s64 da, %32, %33;\nadd.s64 db, %32, %34;\nsetp.ne.b32 p, %35, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 "
      "{%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%"
      "25,%26,%27,%28,%29,%30,%31}, da, db, p, 1, 1, 0, 0;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]),
        "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]),
        "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]),
        "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]),
        "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
      : "l"(k), "n"(OFF_A), "n"(OFF_B), "n"(ACC));
#else
  __trap();
#endif
}

// d[128] += A(64x16 bf16 in registers: the accumulator layout of a 64x16 slice of S) * B(16x256,
// smem, MN-major: V read transposed, descriptor advanced by OFF).
template <int OFF>
S90 void wgmma_m64n256k16_rs(float (&d)[128], uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3,
                             uint64_t b) {
#if SPARSE90_ARCH_OK
  asm volatile(
      "{\n.reg .b64 db;\n.reg .pred p;\nadd.s64 db, %132, %133;\nsetp.ne.b32 p, 1, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16 "
      "{%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%"
      "25,%26,%27,%28,%29,%30,%31,%32,%33,%34,%35,%36,%37,%38,%39,%40,%41,%42,%43,%44,%45,%46,%47,%"
      "48,%49,%50,%51,%52,%53,%54,%55,%56,%57,%58,%59,%60,%61,%62,%63,%64,%65,%66,%67,%68,%69,%70,%"
      "71,%72,%73,%74,%75,%76,%77,%78,%79,%80,%81,%82,%83,%84,%85,%86,%87,%88,%89,%90,%91,%92,%93,%"
      "94,%95,%96,%97,%98,%99,%100,%101,%102,%103,%104,%105,%106,%107,%108,%109,%110,%111,%112,%"
      "113,%114,%115,%116,%117,%118,%119,%120,%121,%122,%123,%124,%125,%126,%127}, "
      "{%128,%129,%130,%131}, db, p, 1, 1, 1;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]),
        "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]),
        "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]),
        "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]),
        "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]),
        "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]),
        "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]),
        "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]),
        "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]),
        "+f"(d[63]), "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]),
        "+f"(d[70]), "+f"(d[71]), "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]),
        "+f"(d[77]), "+f"(d[78]), "+f"(d[79]), "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]),
        "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87]), "+f"(d[88]), "+f"(d[89]), "+f"(d[90]),
        "+f"(d[91]), "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95]), "+f"(d[96]), "+f"(d[97]),
        "+f"(d[98]), "+f"(d[99]), "+f"(d[100]), "+f"(d[101]), "+f"(d[102]), "+f"(d[103]),
        "+f"(d[104]), "+f"(d[105]), "+f"(d[106]), "+f"(d[107]), "+f"(d[108]), "+f"(d[109]),
        "+f"(d[110]), "+f"(d[111]), "+f"(d[112]), "+f"(d[113]), "+f"(d[114]), "+f"(d[115]),
        "+f"(d[116]), "+f"(d[117]), "+f"(d[118]), "+f"(d[119]), "+f"(d[120]), "+f"(d[121]),
        "+f"(d[122]), "+f"(d[123]), "+f"(d[124]), "+f"(d[125]), "+f"(d[126]), "+f"(d[127])
      : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "l"(b), "n"(OFF));
#else
  __trap();
#endif
}

// d[128] += A(64x16 bf16, smem, K-major: P; descriptor `k` advanced by OFF_A) * B(16x256, smem,
// MN-major; descriptor `v` advanced by OFF_B).
template <int OFF_A, int OFF_B>
S90 void wgmma_m64n256k16_ss(float (&d)[128], uint64_t k, uint64_t v) {
#if SPARSE90_ARCH_OK
  asm volatile(
      "{\n.reg .b64 da, db;\n.reg .pred p;\n"
      "add.s64 da, %128, %130;\nadd.s64 db, %129, %131;\nsetp.ne.b32 p, 1, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16 "
      "{%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%"
      "25,%26,%27,%28,%29,%30,%31,%32,%33,%34,%35,%36,%37,%38,%39,%40,%41,%42,%43,%44,%45,%46,%47,%"
      "48,%49,%50,%51,%52,%53,%54,%55,%56,%57,%58,%59,%60,%61,%62,%63,%64,%65,%66,%67,%68,%69,%70,%"
      "71,%72,%73,%74,%75,%76,%77,%78,%79,%80,%81,%82,%83,%84,%85,%86,%87,%88,%89,%90,%91,%92,%93,%"
      "94,%95,%96,%97,%98,%99,%100,%101,%102,%103,%104,%105,%106,%107,%108,%109,%110,%111,%112,%"
      "113,%114,%115,%116,%117,%118,%119,%120,%121,%122,%123,%124,%125,%126,%127}, da, db, p, 1, "
      "1, 0, 1;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]),
        "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]),
        "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]),
        "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]),
        "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]),
        "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]),
        "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]),
        "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]),
        "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]),
        "+f"(d[63]), "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]),
        "+f"(d[70]), "+f"(d[71]), "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]),
        "+f"(d[77]), "+f"(d[78]), "+f"(d[79]), "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]),
        "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87]), "+f"(d[88]), "+f"(d[89]), "+f"(d[90]),
        "+f"(d[91]), "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95]), "+f"(d[96]), "+f"(d[97]),
        "+f"(d[98]), "+f"(d[99]), "+f"(d[100]), "+f"(d[101]), "+f"(d[102]), "+f"(d[103]),
        "+f"(d[104]), "+f"(d[105]), "+f"(d[106]), "+f"(d[107]), "+f"(d[108]), "+f"(d[109]),
        "+f"(d[110]), "+f"(d[111]), "+f"(d[112]), "+f"(d[113]), "+f"(d[114]), "+f"(d[115]),
        "+f"(d[116]), "+f"(d[117]), "+f"(d[118]), "+f"(d[119]), "+f"(d[120]), "+f"(d[121]),
        "+f"(d[122]), "+f"(d[123]), "+f"(d[124]), "+f"(d[125]), "+f"(d[126]), "+f"(d[127])
      : "l"(k), "l"(v), "n"(OFF_A), "n"(OFF_B));
#else
  __trap();
#endif
}

// The products of one block, unrolled at compile time so every descriptor offset is an immediate.
// dk / dv: K-major / V descriptors of the 1024-aligned shared-memory base.

// S (+)= Q K^T over panels [P0, P1) of the tile at byte offset TILE_OFF (4 k-steps per panel).
template <int TILE_OFF, int P0, int P1, bool FIRST, int I = 0>
S90 void issue_s(float (&s)[32], uint64_t dk) {
  if constexpr (I < (P1 - P0) * 4) {
    constexpr int off = (P0 + I / 4) * PANEL + (I % 4) * 32;
    wgmma_m64n64k16_ss<((Layout::Q + off) >> 4), ((TILE_OFF + off) >> 4),
                       (FIRST && I == 0 ? 0 : 1)>(s, dk);
    issue_s<TILE_OFF, P0, P1, FIRST, I + 1>(s, dk);
  }
}
// O += P V: P from registers, V = 256 dims of the tile starting at byte offset V_OFF.
template <int V_OFF, int KK = 0>
S90 void issue_pv_rs(float (&o)[128], const uint32_t (&pf)[16], uint64_t dv) {
  if constexpr (KK < 4) {
    wgmma_m64n256k16_rs<((V_OFF + KK * 16 * 128) >> 4)>(o, pf[4 * KK], pf[4 * KK + 1],
                                                        pf[4 * KK + 2], pf[4 * KK + 3], dv);
    issue_pv_rs<V_OFF, KK + 1>(o, pf, dv);
  }
}
// O += P V: P from the tile at byte offset P_OFF.
template <int P_OFF, int V_OFF, int KK = 0>
S90 void issue_pv_ss(float (&o)[128], uint64_t dk, uint64_t dv) {
  if constexpr (KK < 4) {
    wgmma_m64n256k16_ss<((P_OFF + KK * 32) >> 4), ((V_OFF + KK * 16 * 128) >> 4)>(o, dk, dv);
    issue_pv_ss<P_OFF, V_OFF, KK + 1>(o, dk, dv);
  }
}

// ---------------------------------------------------------------------------------------------
// The kernel body.

struct Args {
  const __nv_bfloat16* q;  // [rows, 128, 576]
  const uint8_t* cache;    // bf16 [batch, P, 576] or KV_FP8_656 [batch, P]
  const int* indices;      // [rows, k]; -1 (or >= P): no entry
  __nv_bfloat16* out;      // [rows, 128, 512]
  int T, P, k;             // query tokens per sequence (row r reads sequence r / T), positions, k
  float scaleLog2;         // softmax scale * log2(e)
};

// Registers per thread after setmaxnreg. A CTA starts with the launch allocation (168 per thread:
// __launch_bounds__(384, 1), which ptxas reports as "Used 168 registers"), and setmaxnreg.inc
// only draws what setmaxnreg.dec put into the CTA's pool: more would block the consumers forever.
template <bool FP8>
struct Regs {
  static constexpr int LAUNCH = 168;
  static constexpr int CONSUMER = FP8 ? 208 : 216;
  static constexpr int PRODUCER = FP8 ? 88 : 72;
  static_assert(2 * (CONSUMER - LAUNCH) <= LAUNCH - PRODUCER,
                "the consumers take only what the producer frees");
};

constexpr float NEG_BIG = -1e30f;  // initial row max: finite, so no inf - inf

S90 int entry_at(const Args& a, const int* idx_row, int e);

// CL: the kernel runs as a CTA pair (cluster of 2). V10 (fp8, alone; 1: v4's conversion, 2: v5's):
// each warpgroup converts rows 32..63 of the half-tile only it reads (WG0: K0's left half, the
// values of its S and of its P V; WG1: K1's right half) for its next block, in the time it would
// wait for the producer (the producer skips those rows: producer_fp8_v9<3, 4, ..., true>).
template <bool CL, int DIAG = DIAG_NONE, int V10 = 0>
S90 void consumer(const Args& a, uint32_t base, uint8_t* smem, uint32_t peer_base, int npairs) {
  const int wg = threadIdx.x >> 7, w = (threadIdx.x >> 5) & 3, lane = threadIdx.x & 31;
  const int g = lane >> 2, t = lane & 3;
  const int rows[2] = {16 * w + g, 16 * w + g + 8};
  float* sM0 = reinterpret_cast<float*>(smem + Layout::M0);
  float* sM1 = reinterpret_cast<float*>(smem + Layout::M1);
  const uint8_t* flags = smem + Layout::FLAGS;
  const float scale = a.scaleLog2;

  // Version 10's share: thread ct of the warpgroup takes row 32 + ct / 4 of the private half-tile,
  // 16 e4m3 of each of its 4 panels (as one producer thread does for a row-half) and the half's
  // two tile scales. cload issues the loads for a block (zeros for a -1 entry: masked scores, but
  // its values must not be NaN); cconv converts and stores them once the loads have landed,
  // fences them for the async proxy and syncs the warpgroup, so its next wgmma sees all 32 rows.
  // The producer converts rows 0..31 of the same half (and the rope and flags of all 64).
  // (The row and chunk are recomputed from threadIdx.x at each use: two registers held across the
  // loop make the consumers spill.)
  uint4 cv[4];
  float2 csc;
  auto cload = [&](int block) {
    const int c_row = 32 + ((threadIdx.x & 127) >> 2), c_q4 = threadIdx.x & 3;
    const int* idx_row = a.indices + (size_t)blockIdx.y * a.k;
    const int id = entry_at(a, idx_row, block * BLK + c_row);
    if (id >= 0) {
      const uint8_t* e = a.cache + ((size_t)(blockIdx.y / a.T) * a.P + id) * RAW;
#pragma unroll
      for (int p = 0; p < 4; p++) cv[p] = ld_stream_16(e + wg * 256 + p * 64 + c_q4 * 16);
      csc = ld_stream_f2(e + 512 + wg * 8);
    } else {
#pragma unroll
      for (int p = 0; p < 4; p++) cv[p] = make_uint4(0u, 0u, 0u, 0u);
      csc = make_float2(0.f, 0.f);
    }
  };
  auto cconv = [&]() {
    const int c_row = 32 + ((threadIdx.x & 127) >> 2), c_q4 = threadIdx.x & 3;
    const uint32_t row = base + (wg ? Layout::K1 : Layout::K0) + wg * 4 * PANEL + c_row * 128;
    const uint32_t rx = c_row & 7;
#pragma unroll
    for (int p = 0; p < 4; p++) {
      const float sc = p < 2 ? csc.x : csc.y;
      uint4 lo, hi;
      if constexpr (V10 == 1) {
        dequant16(cv[p], __floats2bfloat162_rn(sc, sc), lo, hi);
      } else {
        dequant16_v5(cv[p], __floats2bfloat162_rn(sc * 0x1p120f, sc * 0x1p120f), lo, hi);
      }
      st_shared_16(row + p * PANEL + (((2 * c_q4) ^ rx) << 4), lo);
      st_shared_16(row + p * PANEL + (((2 * c_q4 + 1) ^ rx) << 4), hi);
    }
    fence_proxy_async_cta();
    if (wg == 0) {  // constant barrier ids: a computed one makes ptxas reserve all 16
      named_sync(BAR_CONV0, 128);
    } else {
      named_sync(BAR_CONV0 + 1, 128);
    }
  };
  // The first block of each warpgroup (0: WG0, 1: WG1), before O exists (here, ptxas keeps the
  // consumers at 0 spills; after O's initialisation it spills 8 bytes).
  if constexpr (V10 > 0) {
    if (npairs > 0) {
      cload(wg);
      cconv();
    }
  }

  float o[128];
#pragma unroll
  for (int i = 0; i < 128; i++) o[i] = 0.f;
  float s[32];      // S, then P (fp32) of this warpgroup's block
  uint32_t pf[16];  // P as bf16 A fragments: m64n256k16 k-step kk uses pf[4kk .. 4kk+3]
  float rowMax[2] = {NEG_BIG, NEG_BIG}, rowSum[2] = {0.f, 0.f};

  auto wait_ready = [&](int buf, int half, uint32_t parity) {
    mbar_wait<CL>(base + Layout::READY + 8 * (2 * buf + half), parity);
    fence_proxy_async_cta();
  };
  // This warp no longer reads the half (its wgmma groups have retired): tell both producers.
  auto release = [&](int buf, int half) {
    if (lane == 0) {
      const uint32_t off = Layout::FREE + 8 * (2 * buf + half);
      mbar_arrive(base + off);
      if constexpr (CL) mbar_arrive_cluster(peer_base + off);
    }
  };
  const uint64_t dk = desc_kmajor(base), dv = desc_v(base);
  using Yes = std::true_type;
  using No = std::false_type;
  // -1 entries -> -inf; the row maxima of this block in log2 units (the scale is positive).
  auto mask_rowmax = [&](int buf, float(&mx)[2]) {
    const uint8_t* f = flags + buf * BLK + 2 * t;
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
  auto exponentiate = [&](const float(&mnew)[2], float(&sum)[2]) {
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
  // P (times f per row) as bf16 A fragments: the accumulator layout of S is the A layout.
  auto pack_p = [&](float f0, float f1) {
#pragma unroll
    for (int kk = 0; kk < 4; kk++) {
      pf[4 * kk + 0] = pack_bf16(s[8 * kk + 0] * f0, s[8 * kk + 1] * f0);
      pf[4 * kk + 1] = pack_bf16(s[8 * kk + 2] * f1, s[8 * kk + 3] * f1);
      pf[4 * kk + 2] = pack_bf16(s[8 * kk + 4] * f0, s[8 * kk + 5] * f0);
      pf[4 * kk + 3] = pack_bf16(s[8 * kk + 6] * f1, s[8 * kk + 7] * f1);
    }
  };
  // P to a [64 heads][64 keys] bf16 tile, 128-byte rows swizzled: the K-major A operand of the
  // other warpgroup's P V.
  auto store_p = [&](uint8_t* pt) {
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
  };
  if (npairs > 0) mbar_wait<CL>(base + Layout::QBAR, 0);
  if constexpr (DIAG == DIAG_PRODUCER) {
    // Each warpgroup takes the halves it releases in the real schedule, in its order.
    for (int i = 0; i < npairs; i++) {
      const uint32_t par = (uint32_t)i & 1u;
      if (wg == 0) {
        wait_ready(0, 0, par);
        release(0, 0);
        wait_ready(1, 0, par);
        release(1, 0);
      } else {
        wait_ready(1, 1, par);
        release(1, 1);
        wait_ready(0, 1, par);
        release(0, 1);
      }
    }
  } else if (wg == 0) {
    // Block pair i: S0 of block 2i is in s (issued at the end of pair i-1).
    auto pair = [&](int i, auto has_next) {
      float mx[2], mnew[2], alpha[2], sum[2] = {0.f, 0.f};
      mask_rowmax(0, mx);
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
      // The running max rarely moves after the first blocks: skip the 128-register rescale then.
      if (__any_sync(0xffffffffu, moved)) rescale_o(alpha);
      pack_p(1.f, 1.f);
      fence_regs(o);
      fence_regs(pf);
      wgmma_fence();
      issue_pv_rs<Layout::K0>(o, pf, dv);  // O[:, 0..255] += P0 V0
      wgmma_commit();
      wgmma_wait<0>();
      fence_regs(o);
      fence_regs(pf);
      release(0, 0);
      // WG1's max covers both blocks: rescale P0 to it for WG1, and O / sums before P1 V1.
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
      store_p(smem + Layout::P0);
      fence_proxy_async_cta();
      named_arrive(BAR_P0, 256);
      if (__any_sync(0xffffffffu, moved1)) rescale_o(f);
      // v10: s and pf are dead until the next S: their registers hold this warpgroup's share of
      // block 2i+2 (K0's left half was released above; only this warpgroup reads it).
      if constexpr (V10 > 0 && decltype(has_next)::value) cload(2 * i + 2);
      named_sync(BAR_P1, 256);
      fence_regs(o);
      wgmma_fence();
      issue_pv_ss<Layout::P1, Layout::K1>(o, dk, dv);  // += P1 V1
      wgmma_commit();
      if constexpr (decltype(has_next)::value) {
        // S of block 2i+2 while P1 V1 runs; the left half of K1 is free once P1 V1 retires.
        const uint32_t par = (uint32_t)(i + 1) & 1u;
        if constexpr (V10 > 0) cconv();  // while P1 V1 runs, before the producer's rows land
        wait_ready(0, 0, par);
        fence_regs(s);
        wgmma_fence();
        issue_s<Layout::K0, 0, 4, true>(s, dk);
        wgmma_commit();
        wgmma_wait<1>();
        fence_regs(o);
        release(1, 0);
        wait_ready(0, 1, par);
        wgmma_fence();  // the batch before may still run: only orders this warp's register use
        issue_s<Layout::K0, 4, 9, false>(s, dk);
        wgmma_commit();
        wgmma_wait<0>();
        fence_regs(s);
      } else {
        wgmma_wait<0>();
        fence_regs(o);
        release(1, 0);
      }
    };
    if (npairs > 0) {
      wait_ready(0, 0, 0);
      fence_regs(s);
      wgmma_fence();
      issue_s<Layout::K0, 0, 4, true>(s, dk);
      wgmma_commit();
      wait_ready(0, 1, 0);
      wgmma_fence();  // the batch before may still run: only orders this warp's register use
      issue_s<Layout::K0, 4, 9, false>(s, dk);
      wgmma_commit();
      wgmma_wait<0>();
      fence_regs(s);
      for (int i = 0; i + 1 < npairs; i++) pair(i, Yes{});
      pair(npairs - 1, No{});
    }
  } else {
    for (int i = 0; i < npairs; i++) {
      const uint32_t par = (uint32_t)i & 1u;
      wait_ready(1, 1, par);
      fence_regs(s);
      wgmma_fence();
      issue_s<Layout::K1, 4, 9, true>(s, dk);
      wgmma_commit();
      wait_ready(1, 0, par);
      wgmma_fence();
      issue_s<Layout::K1, 0, 4, false>(s, dk);
      wgmma_commit();
      wgmma_wait<0>();
      fence_regs(s);
      float mx[2], mnew[2], alpha[2], sum[2] = {0.f, 0.f};
      mask_rowmax(1, mx);
      named_sync(BAR_M0, 256);  // WG0's max of block 2i (and everything before)
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
      issue_pv_rs<Layout::K1 + 4 * PANEL>(o, pf, dv);  // O[:, 256..511] += P1 V1
      wgmma_commit();
      const bool conv_next = V10 > 0 && i + 1 < npairs;
      store_p(smem + Layout::P1);  // reads pf, which the running wgmma only reads too
      named_sync(BAR_P0, 256);     // WG0's P0, rescaled to this max
      issue_pv_ss<Layout::P0, Layout::K0 + 4 * PANEL>(o, dk, dv);  // += P0 V0
      wgmma_commit();
      fence_proxy_async_cta();
      named_arrive(BAR_P1, 256);
      wgmma_wait<1>();
      release(1, 1);
      // v10: P1 V1 has retired, so s and pf are dead until the next S and K1's right half (only
      // this warpgroup reads it) is done with block 2i+1: this warpgroup's rows of block 2i+3 are
      // loaded while P0 V0 runs and converted after it.
      if (conv_next) cload(2 * i + 3);
      wgmma_wait<0>();
      fence_regs(o);
      fence_regs(pf);
      release(0, 1);
      if (conv_next) cconv();
    }
  }

  // Both warpgroups' sums are relative to the same final max: add them, normalise, store.
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

// The list entry at position e of row r, or -1 (past k, negative, or not a position < P).
S90 int entry_at(const Args& a, const int* idx_row, int e) {
  const int v = e < a.k ? __ldg(idx_row + e) : -1;
  return (v >= 0 && v < a.P) ? v : -1;
}

// bf16 cache: 16 groups of 8 threads; group grp fills rows grp + 16 i (i < 4) of a block, thread
// l8 of the group the 16-byte chunk l8 of each 128-byte panel row (so a group reads 128 contiguous
// bytes per panel).
S90 void producer_bf16(const Args& a, uint32_t base, uint8_t* smem, int npairs) {
  const int pt = threadIdx.x - 256, grp = pt >> 3, l8 = pt & 7;
  const int r = blockIdx.y;
  const int* idx_row = a.indices + (size_t)r * a.k;
  const uint8_t* seq_rows = a.cache + (size_t)(r / a.T) * a.P * ROWB;
  const uint8_t* seq = seq_rows + l8 * 16;
  const uint32_t dst0 = grp * 128 + ((l8 ^ (grp & 7)) << 4);  // rows grp + 16 i: same swizzle
  auto ready = [&](int buf, int half) { return base + Layout::READY + 8 * (2 * buf + half); };
  auto free_ = [&](int buf, int half) { return base + Layout::FREE + 8 * (2 * buf + half); };
  auto load_idx = [&](int blk, int(&id)[4]) {
#pragma unroll
    for (int i = 0; i < 4; i++) id[i] = entry_at(a, idx_row, blk * BLK + grp + 16 * i);
  };
  auto gather = [&](const int(&id)[4], uint32_t tile, auto p0, auto p1) {
#pragma unroll
    for (int i = 0; i < 4; i++) {
      const uint8_t* src = seq + (size_t)(id[i] >= 0 ? id[i] : 0) * ROWB;
      const uint32_t dst = tile + dst0 + i * 16 * 128;
      const int n = id[i] >= 0 ? 16 : 0;
#pragma unroll
      for (int p = decltype(p0)::value; p < decltype(p1)::value; p++)
        cp_async_16(dst + p * PANEL, src + p * 128, n);
    }
  };
  auto put_flags = [&](const int(&id)[4], int buf) {
    if (l8 == 0) {
#pragma unroll
      for (int i = 0; i < 4; i++) smem[Layout::FLAGS + buf * BLK + grp + 16 * i] = id[i] >= 0;
    }
  };
  using Z = std::integral_constant<int, 0>;
  using L4 = std::integral_constant<int, 4>;
  using R9 = std::integral_constant<int, 9>;
  const uint32_t k0 = base + Layout::K0, k1 = base + Layout::K1;
  int c0[4], c1[4], n0[4], n1[4];
  if (npairs > 0) {
    load_idx(0, c0);
    load_idx(1, c1);
  }
  for (int i = 0; i < npairs; i++) {
    const uint32_t par = ((uint32_t)i & 1u) ^ 1u;  // a fresh barrier passes parity 1 at once
    if (i + 1 < npairs) {
      load_idx(2 * i + 2, n0);
      load_idx(2 * i + 3, n1);
    }
    // The order the consumers need them: WG0 starts on K0's left half, WG1 on K1's right half.
    mbar_wait<false>(free_(0, 0), par);
    gather(c0, k0, Z{}, L4{});
    cp_async_arrive_noinc(ready(0, 0));
    mbar_wait<false>(free_(1, 1), par);
    put_flags(c1, 1);
    gather(c1, k1, L4{}, R9{});
    cp_async_arrive_noinc(ready(1, 1));
    if (l8 == 0) mbar_arrive(ready(1, 1));
    mbar_wait<false>(free_(0, 1), par);
    put_flags(c0, 0);
    gather(c0, k0, L4{}, R9{});
    cp_async_arrive_noinc(ready(0, 1));
    if (l8 == 0) mbar_arrive(ready(0, 1));
    mbar_wait<false>(free_(1, 0), par);
    gather(c1, k1, Z{}, L4{});
    cp_async_arrive_noinc(ready(1, 0));
#pragma unroll
    for (int j = 0; j < 4; j++) {
      c0[j] = n0[j];
      c1[j] = n1[j];
    }
  }
}

// fp8 cache: four threads per row, thread q4 the dims q4*16 .. +15 of each 64-dim panel (and rope
// chunk pair q4). In a CTA pair, CTA `rank` fills rows rank*32 .. +31 of every block in both CTAs'
// tiles (one row per thread); alone, a CTA fills all 64 rows of its own tiles (rows r and r+32 per
// thread). The loads of the next row-half are in flight while the current one is converted.
struct Fp8Half {
  uint4 v[4];    // 4 x 16 e4m3 (panel p, bytes q4*16 ..)
  float2 scale;  // the two tile scales of this half
};

// V5: the cheaper conversion (dequant16_v5); in a CTA pair, the peer's half of every tile comes by
// st.async, counted in bytes on this CTA's ready barrier (no cluster-scope fence or arrival per
// producer thread), and each CTA copies the rope values and valid flags of all 64 rows itself
// (thread pt: row pt / 2, four of its eight 16-byte rope chunks), so the rope needs no registers
// and crosses no CTA.
template <bool CLUSTER, bool V5 = false, int DIAG = DIAG_NONE>
S90 void producer_fp8(const Args& a, uint32_t base, uint8_t* smem, uint32_t peer_base, int npairs) {
  constexpr bool ASYNC = CLUSTER && V5;  // the v5 pair: st.async to the peer
  constexpr int R = CLUSTER ? 1 : 2;     // rows per thread and block
  const int pt = threadIdx.x - 256, q4 = pt & 3;
  const int r = blockIdx.y;
  const int row0 = (CLUSTER ? (int)cluster_rank() * 32 : 0) + (pt >> 2);
  const int* idx_row = a.indices + (size_t)r * a.k;
  const uint8_t* seq = a.cache + (size_t)(r / a.T) * a.P * RAW;
  auto free_ = [&](int buf, int half) { return base + Layout::FREE + 8 * (2 * buf + half); };

  auto load = [&](int id, auto right, Fp8Half& h) {
    constexpr bool RT = decltype(right)::value;
    if (id >= 0) {
      const uint8_t* e = seq + (size_t)id * RAW;
#pragma unroll
      for (int p = 0; p < 4; p++) h.v[p] = ld_stream_16(e + (RT ? 256 : 0) + p * 64 + q4 * 16);
      h.scale = ld_stream_f2(e + 512 + (RT ? 8 : 0));  // the rope goes by cp.async (see put)
    } else {  // a -1 entry: zeros (its scores are masked; its values must not be NaN)
#pragma unroll
      for (int p = 0; p < 4; p++) h.v[p] = make_uint4(0u, 0u, 0u, 0u);
      h.scale = make_float2(0.f, 0.f);
    }
  };
  auto store = [&](uint32_t off, uint4 v) { st_shared_16(base + off, v); };
  // Version 4 (alone only): row `row` of tile `buf`, dequantised values (and, right half, rope and
  // the row's valid flag).
  auto put4 = [&](const Fp8Half& h, int buf, int row, int id, auto right) {
    constexpr bool RT = decltype(right)::value;
    const uint32_t tile = buf ? Layout::K1 : Layout::K0;
    const uint32_t rowoff = row * 128, rx = row & 7;
#pragma unroll
    for (int p = 0; p < 4; p++) {
      const float sc = p < 2 ? h.scale.x : h.scale.y;
      const __nv_bfloat162 s2 = __floats2bfloat162_rn(sc, sc);
      uint4 lo, hi;
      dequant16(h.v[p], s2, lo, hi);
      const uint32_t panel = tile + ((RT ? 4 : 0) + p) * PANEL + rowoff;
      store(panel + (((2 * q4) ^ rx) << 4), lo);
      store(panel + (((2 * q4 + 1) ^ rx) << 4), hi);
    }
    if constexpr (RT) {
      // bf16 as stored: no registers needed (two rows per thread leave none to spare).
      const uint32_t panel = tile + 8 * PANEL + rowoff;
      const uint8_t* e = seq + (size_t)(id >= 0 ? id : 0) * RAW + 528 + q4 * 32;
      cp_async_16(base + panel + (((2 * q4) ^ rx) << 4), e, id >= 0 ? 16 : 0);
      cp_async_16(base + panel + (((2 * q4 + 1) ^ rx) << 4), e + 16, id >= 0 ? 16 : 0);
      if (q4 == 0) smem[Layout::FLAGS + buf * BLK + row] = id >= 0;
    }
  };
  // Version 5: the same with dequant16_v5; the pair sends its rows to the peer by st.async.
  auto put5 = [&](const Fp8Half& h, int buf, int row, int id, auto right) {
    constexpr bool RT = decltype(right)::value;
    const uint32_t tile = buf ? Layout::K1 : Layout::K0;
    const uint32_t rowoff = row * 128, rx = row & 7;
    // The peer's ready barrier of this half counts the bytes of the stores sent to it.
    auto store5 = [&](uint32_t off, uint4 v) {
      st_shared_16(base + off, v);
      if constexpr (ASYNC)
        st_async_16(peer_base + off, v, peer_base + Layout::READY + 8 * (2 * buf + (RT ? 1 : 0)));
    };
    // bf16 as stored: no registers needed (two rows per thread leave none to spare).
    auto rope_alone = [&]() {
      const uint32_t panel = tile + 8 * PANEL + rowoff;
      const uint8_t* e = seq + (size_t)(id >= 0 ? id : 0) * RAW + 528 + q4 * 32;
      cp_async_16(base + panel + (((2 * q4) ^ rx) << 4), e, id >= 0 ? 16 : 0);
      cp_async_16(base + panel + (((2 * q4 + 1) ^ rx) << 4), e + 16, id >= 0 ? 16 : 0);
    };
#pragma unroll
    for (int p = 0; p < 4; p++) {
      const float sc = p < 2 ? h.scale.x : h.scale.y;
      // Panel p's values enter the conversion only after panel p-1's stores (volatile asm keeps
      // their order): left free, ptxas schedules the solo producer's conversions so that it needs
      // more than its 88 registers (spills).
      uint4 v = h.v[p];
      asm volatile("" : "+r"(v.x), "+r"(v.y), "+r"(v.z), "+r"(v.w));
      const float s120 = sc * 0x1p120f;
      uint4 lo, hi;
      dequant16_v5(v, __floats2bfloat162_rn(s120, s120), lo, hi);
      const uint32_t panel = tile + ((RT ? 4 : 0) + p) * PANEL + rowoff;
      store5(panel + (((2 * q4) ^ rx) << 4), lo);
      store5(panel + (((2 * q4 + 1) ^ rx) << 4), hi);
    }
    if constexpr (RT && !ASYNC) {  // alone (the v5 pair copies rope and flags in put_rope_all)
      rope_alone();
      if (q4 == 0) smem[Layout::FLAGS + buf * BLK + row] = id >= 0;
    }
  };
  auto put = [&](const Fp8Half& h, int buf, int row, int id, auto right) {
    if constexpr (V5) {
      put5(h, buf, row, id, right);
    } else {
      put4(h, buf, row, id, right);
    }
  };
  // The v5 pair: the rope values (as stored: bf16) and valid flags of row pt / 2 of block `blk`'s
  // right half, for this CTA's tile only. Its index is read here (the prologue's scan left the list
  // in L1) rather than held in registers for a pair.
  const int rrow = pt >> 1, rc0 = (pt & 1) * 4;
  auto put_rope_all = [&](int buf, int blk) {
    const int rid = entry_at(a, idx_row, blk * BLK + rrow);
    const uint32_t tile = buf ? Layout::K1 : Layout::K0;
    const uint32_t panel = base + tile + 8 * PANEL + rrow * 128;
    const uint8_t* e = seq + (size_t)(rid >= 0 ? rid : 0) * RAW + 528 + rc0 * 16;
#pragma unroll
    for (int c = 0; c < 4; c++)
      cp_async_16(panel + (((rc0 + c) ^ (rrow & 7)) << 4), e + c * 16, rid >= 0 ? 16 : 0);
    if ((pt & 1) == 0) smem[Layout::FLAGS + buf * BLK + rrow] = rid >= 0;
  };
  // This thread's rows of the half are stored: generic stores before the consumers' wgmma (proxy
  // fence), then the ready barrier(s).
  auto signal = [&](int buf, int half) {
    const uint32_t off = Layout::READY + 8 * (2 * buf + half);
    if constexpr (ASYNC) {
      // The peer's 32 rows of this half: 4 panels x 128 bytes each (the rope is copied locally).
      constexpr uint32_t kPeerBytes = 32 * 4 * 128;
      if (half == 1) cp_async_arrive_noinc(base + off);  // the rope copies
      fence_proxy_async_cta();
      if (pt == 0) {
        mbar_arrive_expect_tx(base + off, kPeerBytes);
      } else {
        mbar_arrive(base + off);
      }
    } else {
      if (half == 1) cp_async_arrive_noinc(base + off);  // the rope copies
      fence_proxy_async_cta();
      mbar_arrive(base + off);
    }
  };
  using Yes = std::true_type;
  using No = std::false_type;

  if constexpr (DIAG == DIAG_CONSUMERS) {
    // Pair 0 as always, then the same tiles again: no loads, no conversion, only the barriers.
    // The pair keeps its coupling: a ready barrier still needs the peer producer's bytes, here 16
    // of them (one chunk of this CTA's rows sent again to the same place in the peer, whose tile
    // holds the same values), and the free barriers both CTAs' consumers.
    auto resignal = [&](int buf, int half) {
      if constexpr (ASYNC) {
        const uint32_t off = Layout::READY + 8 * (2 * buf + half);
        if (half == 1) cp_async_arrive_noinc(base + off);  // no copies in flight: at once
        fence_proxy_async_cta();
        if (pt == 0) {
          const uint32_t chunk =
              (buf ? Layout::K1 : Layout::K0) + (half ? 4 : 0) * PANEL + row0 * 128;
          st_async_16(peer_base + chunk, ld_shared_16(base + chunk), peer_base + off);
          mbar_arrive_expect_tx(base + off, 16);
        } else {
          mbar_arrive(base + off);
        }
      } else {
        signal(buf, half);
      }
    };
    producer_fp8<CLUSTER, V5, DIAG_NONE>(a, base, smem, peer_base, npairs > 0 ? 1 : 0);
    for (int i = 1; i < npairs; i++) {
      const uint32_t par = ((uint32_t)i & 1u) ^ 1u;
      mbar_wait<CLUSTER>(free_(0, 0), par);
      resignal(0, 0);
      mbar_wait<CLUSTER>(free_(1, 1), par);
      resignal(1, 1);
      mbar_wait<CLUSTER>(free_(0, 1), par);
      resignal(0, 1);
      mbar_wait<CLUSTER>(free_(1, 0), par);
      resignal(1, 0);
    }
    return;
  }
  if (npairs == 0) return;
  // id[b][j]: entry of row row0 + 32 j in block 2i + b.
  int id[2][R], nx[2][R];
#pragma unroll
  for (int b = 0; b < 2; b++)
#pragma unroll
    for (int j = 0; j < R; j++) id[b][j] = entry_at(a, idx_row, b * BLK + row0 + 32 * j);
  Fp8Half A, B;
  load(id[0][0], No{}, A);
  for (int i = 0; i < npairs; i++) {
    const uint32_t par = ((uint32_t)i & 1u) ^ 1u;  // a fresh barrier passes parity 1 at once
    const bool next = i + 1 < npairs;
    // The next pair's entries: early enough to hide their latency, late enough (two rows per
    // thread) not to be live while both half buffers hold right halves.
    auto load_next = [&]() {
#pragma unroll
      for (int b = 0; b < 2; b++)
#pragma unroll
        for (int j = 0; j < R; j++)
          nx[b][j] = next ? entry_at(a, idx_row, (2 * i + 2 + b) * BLK + row0 + 32 * j) : -1;
    };
    if constexpr (R == 1) load_next();
    // Halves in the order the consumers need them: K0 left (block 2i), K1 right (2i+1), K0 right
    // (2i), K1 left (2i+1); A and B alternate, the next row-half loading while one is stored.
    if constexpr (R == 1) {
      load(id[1][0], Yes{}, B);
      mbar_wait<CLUSTER>(free_(0, 0), par);
      put(A, 0, row0, id[0][0], No{});
      signal(0, 0);
      load(id[0][0], Yes{}, A);
      mbar_wait<CLUSTER>(free_(1, 1), par);
      if constexpr (ASYNC) put_rope_all(1, 2 * i + 1);
      put(B, 1, row0, id[1][0], Yes{});
      signal(1, 1);
      load(id[1][0], No{}, B);
      mbar_wait<CLUSTER>(free_(0, 1), par);
      if constexpr (ASYNC) put_rope_all(0, 2 * i);
      put(A, 0, row0, id[0][0], Yes{});
      signal(0, 1);
      if (next) load(nx[0][0], No{}, A);
      mbar_wait<CLUSTER>(free_(1, 0), par);
      put(B, 1, row0, id[1][0], No{});
      signal(1, 0);
    } else {
      const int row1 = row0 + 32;
      load(id[0][R - 1], No{}, B);
      mbar_wait<CLUSTER>(free_(0, 0), par);
      put(A, 0, row0, id[0][0], No{});
      load(id[1][0], Yes{}, A);
      put(B, 0, row1, id[0][R - 1], No{});
      signal(0, 0);
      load(id[1][R - 1], Yes{}, B);
      mbar_wait<CLUSTER>(free_(1, 1), par);
      put(A, 1, row0, id[1][0], Yes{});
      load(id[0][0], Yes{}, A);
      put(B, 1, row1, id[1][R - 1], Yes{});
      signal(1, 1);
      load_next();
      load(id[0][R - 1], Yes{}, B);
      mbar_wait<CLUSTER>(free_(0, 1), par);
      put(A, 0, row0, id[0][0], Yes{});
      load(id[1][0], No{}, A);
      put(B, 0, row1, id[0][R - 1], Yes{});
      signal(0, 1);
      load(id[1][R - 1], No{}, B);
      mbar_wait<CLUSTER>(free_(1, 0), par);
      put(A, 1, row0, id[1][0], No{});
      if (next) load(nx[0][0], No{}, A);
      put(B, 1, row1, id[1][R - 1], No{});
      signal(1, 0);
    }
#pragma unroll
    for (int b = 0; b < 2; b++)
#pragma unroll
      for (int j = 0; j < R; j++) id[b][j] = nx[b][j];
  }
}

// Version 6 (fp8, alone): the loads no longer pass through registers. v4 / v5 load a row-half into
// registers, and each conversion waits for the loads issued one step earlier, so the bytes in
// flight per SM are what 128 threads x two row-halves of registers hold (~18 KB). Here every raw
// byte goes global -> shared by cp.async (16 bytes, completion counted on a staged[buf][half]
// mbarrier with noinc arrivals), and the staging area is the half-tile itself: a half of 64 rows
// holds 64 x 256 fp8 bytes (16 KB) in the space its 64 x 256 bf16 values (32 KB) will take. So the
// loads of up to three halves ahead are in flight while one half is converted, bounded by which
// half-tiles the consumers have released, not by registers; no shared memory is added.
//
// Where a half's raw bytes sit (bp = 0 for the left half, dims 0..255; 4 for the right, 256..511):
//   row r's fp8 bytes 0..127 of the half in panel bp+2, row r; bytes 128..255 in panel bp+3, row r
//   (16-byte chunk c at position c ^ 4 (r & 1): odd rows swap their two 64-byte halves, so the two
//   rows a converting warp reads at once fall on different banks);
//   row r's 16 bytes of tile scales (all four floats) in panel bp, row r, at position 4 (r & 1);
//   row r's rope (bf16, no conversion) straight into panel 8, 128-byte swizzled (right half only).
// Row r's raw bytes and scales lie only in row r of the half's panels, so one warp converting whole
// rows can convert in place: read both rows of a step, __syncwarp, write them.
// -1 entries (and positions >= P) copy 0 bytes (cp.async zero-fills): values and scales are zeros.
//
// Issue (thread pt): row pt / 2 of the block, part pt & 1 (8 contiguous 16-byte chunks, plus the
// scales for part 0 and four rope chunks for a right half). Conversion (warp w): rows 16w ..
// 16w+15, two rows per step: lanes with bit 2 set take the odd row, q = lane bits {4,3,1,0} the
// 16-value chunk (so the eight lanes of one shared-memory phase cover all 32 banks on the bf16
// stores).
//
// The producer converts halves in the order the consumers need them (K0 left, K1 right, K0 right,
// K1 left, as v4); before each it issues the loads of every later half (up to three ahead) whose
// region is already free, testing the free barriers without waiting: only the half it is about to
// convert is waited for, which is v4's own order, so the consumers' release order cannot deadlock
// it.
S90 void producer_fp8_v6(const Args& a, uint32_t base, uint8_t* smem, int npairs) {
  const int pt = threadIdx.x - 256, w = pt >> 5, lane = pt & 31;
  const int r = blockIdx.y;
  const int* idx_row = a.indices + (size_t)r * a.k;
  const uint8_t* seq = a.cache + (size_t)(r / a.T) * a.P * RAW;
  const int irow = pt >> 1, ipart = pt & 1, isw = (irow & 1) << 2;
  const int sub = (lane >> 2) & 1, q = (lane & 3) | ((lane >> 3) << 2);
  auto bar = [&](int kind, int buf, int half) { return base + kind + 8 * (2 * buf + half); };
  // Sequence s: pair s / 4, slot s % 4 = K0 left (block 2i), K1 right (2i+1), K0 right (2i),
  // K1 left (2i+1).
  auto slot_buf = [](int k) { return k & 1; };
  auto slot_half = [](int k) { return (k == 1 || k == 2) ? 1 : 0; };

  // One copy of the code for all four slots, buf and half at run time: compiled per slot, the
  // loop-invariant addresses of all of them were hoisted into registers the producer lacks.
  auto issue = [&](int s) {
    const int buf = slot_buf(s & 3), rt = slot_half(s & 3), bp = 4 * rt;
    const int id = entry_at(a, idx_row, (2 * (s >> 2) + buf) * BLK + irow);
    const uint8_t* e = seq + (size_t)(id >= 0 ? id : 0) * RAW;
    const int n = id >= 0 ? 16 : 0;
    const uint32_t tile = base + (buf ? Layout::K1 : Layout::K0) + irow * 128;
    const uint32_t raw = tile + (bp + 2 + ipart) * PANEL;
    const uint8_t* src = e + rt * 256 + ipart * 128;
#pragma unroll
    for (int c = 0; c < 8; c++) cp_async_16(raw + ((c ^ isw) << 4), src + c * 16, n);
    if (ipart == 0) cp_async_16(tile + bp * PANEL + (isw << 4), e + 512, n);
    if (rt) {
#pragma unroll
      for (int c = 0; c < 4; c++) {
        const int cc = ipart * 4 + c;
        cp_async_16(tile + 8 * PANEL + ((cc ^ (irow & 7)) << 4), e + 528 + cc * 16, n);
      }
      // The right half's region is free, and so are the block's flags (their readers release it).
      if (ipart == 0) smem[Layout::FLAGS + buf * BLK + irow] = id >= 0;
    }
    cp_async_arrive_noinc(bar(Layout::STAGED, buf, rt));
  };
  auto convert = [&](int buf, int rt) {
    const int bp = 4 * rt;
    // This lane's row pair 0 (rows 16w + sub, 16w + 2 + sub, ... step 2 rows per pair).
    const uint32_t row0 = base + (buf ? Layout::K1 : Layout::K0) + (16 * w + sub) * 128;
    const int sw = sub << 2;  // rows of this lane all have the parity of sub
    const uint32_t rd = (bp + 2 + (q >> 3)) * PANEL + (((q & 7) ^ sw) << 4);
    const uint32_t scd = bp * PANEL + (sw << 4) + rt * 8 + (q >> 3) * 4;
    const uint32_t od = (bp + (q >> 2)) * PANEL;
    const int c0 = 2 * (q & 3);
#pragma unroll 1
    for (int j = 0; j < 8; j += 2) {
      uint4 v[2];
      float sc[2];
#pragma unroll
      for (int u = 0; u < 2; u++) {
        const uint32_t row = row0 + (j + u) * 256;
        v[u] = ld_shared_16(row + rd);
        sc[u] = ld_shared_f32(row + scd);
      }
      __syncwarp();  // every lane has read the two rows before any lane overwrites them
#pragma unroll
      for (int u = 0; u < 2; u++) {
        const uint32_t row = row0 + (j + u) * 256;
        const int rx = (2 * (j + u) + sub) & 7;  // (16w + 2(j+u) + sub) & 7
        const float s120 = sc[u] * 0x1p120f;
        uint4 lo, hi;
        dequant16_v5(v[u], __floats2bfloat162_rn(s120, s120), lo, hi);
        st_shared_16(row + od + ((c0 ^ rx) << 4), lo);
        st_shared_16(row + od + (((c0 + 1) ^ rx) << 4), hi);
      }
    }
  };
  // Generic stores before the consumers' wgmma: fence, then this thread's arrival.
  auto signal = [&](int buf, int half) {
    fence_proxy_async_cta();
    mbar_arrive(bar(Layout::READY, buf, half));
  };

  const int total = 4 * npairs;
  int next = 0;  // halves whose loads this thread has issued
  auto free_bar = [&](int s) { return bar(Layout::FREE, slot_buf(s & 3), slot_half(s & 3)); };
  auto free_par = [](int s) { return ((uint32_t)(s >> 2) & 1u) ^ 1u; };  // fresh: parity 1 passes
  for (int s = 0; s < total; s++) {
    if (next == s) mbar_wait<false>(free_bar(s), free_par(s));  // v4's one blocking wait
    // Every later half (at most three ahead: the fourth would reuse this one's region) whose
    // region is free; the warp decides together.
    while (next < total && next <= s + 3 &&
           __all_sync(0xffffffffu, mbar_test(free_bar(next), free_par(next)))) {
      issue(next);
      next++;
    }
    const int k = s & 3;
    mbar_wait<false>(bar(Layout::STAGED, slot_buf(k), slot_half(k)), (uint32_t)(s >> 2) & 1u);
    convert(slot_buf(k), slot_half(k));
    signal(slot_buf(k), slot_half(k));
  }
}

// Compile-time loop: f(integral_constant<int, I>) for I = 0 .. N-1.
template <int N, int I = 0, typename F>
S90 void unroll(F& f) {
  if constexpr (I < N) {
    f(std::integral_constant<int, I>{});
    unroll<N, I + 1>(f);
  }
}

// Version 7 (fp8, CTA pair): v5pair's crossover (each CTA loads and dequantises rows rank*32 ..
// +31 of every block, one row per four threads, and stores them into its own tile and by st.async
// into the peer's; same consumers, free barriers of both CTAs, register buffers) without the
// global round trips v5pair put between a right half's release and its ready barrier:
//   - the rope (bf16, 128 bytes a row) was copied by cp.async only after the half's free barrier
//     passed, all 64 rows in each CTA, each index re-read first: a whole memory round trip between
//     the consumers' release and the ready barrier of both right halves (and K0's right half is
//     the one the next block pair's first S waits for). Here each CTA loads its own 32 rows' rope
//     into registers with the row's values (one buffer per right slot) and sends it to the peer
//     like them, so the ready barrier waits only for the conversion and the stores.
//   - the valid flags: each CTA writes its own row's and the peer's row at the same place from
//     the index list (an L1 read after the stores).
// NBUF register buffers issue each half's loads NBUF halves before its stores (v5pair: 2). Three
// would cover the short gap between the releases of K1's right and left halves, but need ~19
// more registers than the producer's 88 (ptxas spills); the index of the next half is read after
// the stores for the same reason. Ready barriers count this CTA's 128 producer arrivals plus the
// peer's bytes (expected by thread 0's arrival: 32 rows x 512 bytes of values, + 32 x 128 of rope
// for a right half).
template <int NBUF>
S90 void producer_fp8_v7(const Args& a, uint32_t base, uint32_t peer_base, int npairs) {
  static_assert(NBUF >= 2 && NBUF <= 4,
                "a rope buffer (one per right slot) is reloaded four halves on");
  const int pt = threadIdx.x - 256, q4 = pt & 3;
  const uint32_t rank = cluster_rank();
  const int row = (int)rank * 32 + (pt >> 2);
  const uint32_t rowoff = row * 128, rx = row & 7;
  const int* idx_row = a.indices + (size_t)a.k * blockIdx.y;
  const uint8_t* seq = a.cache + (size_t)(blockIdx.y / a.T) * a.P * RAW;
  const int total = 4 * npairs;
  constexpr uint32_t kPeerLeft = 32 * 4 * 128;
  constexpr uint32_t kPeerRight = kPeerLeft + 32 * 128;

  struct Half {
    uint4 v[4];    // 4 x 16 e4m3: panel p, bytes q4*16 .. of the half
    float2 scale;  // the half's two tile scales
  };
  Half h[NBUF];
  uint4 rope[2][2];  // right slot 1 (K1) / 2 (K0): rope chunks 2 q4, 2 q4 + 1 of the row

  // Half s: pair s / 4, slot s % 4 = K0 left (block 2i), K1 right (2i+1), K0 right (2i), K1 left
  // (2i+1), the order the consumers release them in (v4's).
  auto entry = [&](int s) {
    return s < total ? entry_at(a, idx_row, (2 * (s >> 2) + (s & 1)) * BLK + row) : -1;
  };
  auto load = [&](int id, auto slot, Half& x) {
    constexpr int K = decltype(slot)::value;
    constexpr bool RT = K == 1 || K == 2;
    if (id >= 0) {
      const uint8_t* e = seq + (size_t)id * RAW;
#pragma unroll
      for (int p = 0; p < 4; p++) x.v[p] = ld_stream_16(e + (RT ? 256 : 0) + p * 64 + q4 * 16);
      x.scale = ld_stream_f2(e + 512 + (RT ? 8 : 0));
      if constexpr (RT) {
        rope[K - 1][0] = ld_stream_16(e + 528 + q4 * 32);
        rope[K - 1][1] = ld_stream_16(e + 528 + q4 * 32 + 16);
      }
    } else {  // a -1 entry: zeros (its scores are masked; its values must not be NaN)
#pragma unroll
      for (int p = 0; p < 4; p++) x.v[p] = make_uint4(0u, 0u, 0u, 0u);
      x.scale = make_float2(0.f, 0.f);
      if constexpr (RT) rope[K - 1][0] = rope[K - 1][1] = make_uint4(0u, 0u, 0u, 0u);
    }
  };
  auto put = [&](const Half& x, int blk, auto slot) {  // blk: the block pair (s / 4)
    constexpr int K = decltype(slot)::value;
    constexpr bool RT = K == 1 || K == 2;
    constexpr int BUF = K & 1;
    const uint32_t tile = BUF ? Layout::K1 : Layout::K0;
    const uint32_t peer_ready = peer_base + Layout::READY + 8 * (2 * BUF + (RT ? 1 : 0));
    auto store2 = [&](uint32_t off, uint4 v) {
      st_shared_16(base + off, v);
      st_async_16(peer_base + off, v, peer_ready);
    };
    // One 8-value chunk at a time (volatile asm keeps the order): at most 4 converted registers
    // live beside the loaded ones.
#pragma unroll
    for (int c = 0; c < 8; c++) {
      const int p = c >> 1;
      const float sc = p < 2 ? x.scale.x : x.scale.y;
      uint32_t x0 = (c & 1) ? x.v[p].z : x.v[p].x, x1 = (c & 1) ? x.v[p].w : x.v[p].y;
      asm volatile("" : "+r"(x0), "+r"(x1));
      const float s120 = sc * 0x1p120f;
      const uint4 out = dequant8_v5(x0, x1, __floats2bfloat162_rn(s120, s120));
      const uint32_t panel = tile + ((RT ? 4 : 0) + p) * PANEL + rowoff;
      store2(panel + (((2 * q4 + (c & 1)) ^ rx) << 4), out);
    }
    if constexpr (RT) {
      const uint32_t panel = tile + 8 * PANEL + rowoff;
      store2(panel + (((2 * q4) ^ rx) << 4), rope[K - 1][0]);
      store2(panel + (((2 * q4 + 1) ^ rx) << 4), rope[K - 1][1]);
      // Valid flags of the block's rows in this CTA: its own row's (thread q4 = 0) and the peer's
      // row at the same place (q4 = 1), the index read again here (from L1, after the stores:
      // holding it beside the loaded values would cost registers the producer lacks).
      if (q4 < 2) {
        const int frow = q4 ? row ^ 32 : row;
        const uint32_t valid = entry_at(a, idx_row, (2 * blk + BUF) * BLK + frow) >= 0;
        asm volatile("st.shared.u8 [%0], %1;\n" ::"r"(base + Layout::FLAGS + BUF * BLK + frow),
                     "r"(valid)
                     : "memory");
      }
    }
  };
  // This thread's stores of the half are done: proxy fence, then the ready barrier (thread 0's
  // arrival also expects the peer's bytes).
  auto signal = [&](auto slot) {
    constexpr int K = decltype(slot)::value;
    constexpr bool RT = K == 1 || K == 2;
    const uint32_t bar = base + Layout::READY + 8 * (2 * (K & 1) + (RT ? 1 : 0));
    fence_proxy_async_cta();
    if (pt == 0) {
      mbar_arrive_expect_tx(bar, RT ? kPeerRight : kPeerLeft);
    } else {
      mbar_arrive(bar);
    }
  };

  if (npairs == 0) return;
  auto prologue = [&](auto b) {
    constexpr int B = decltype(b)::value;
    if (B < total) load(entry(B), std::integral_constant<int, B & 3>{}, h[B]);
  };
  unroll<NBUF>(prologue);
  // Unrolled over lcm(4, NBUF) halves, so that slot and buffer are compile-time.
  constexpr int U = NBUF == 3 ? 12 : 4;
  for (int s0 = 0; s0 < total; s0 += U) {
    auto step = [&](auto j) {
      constexpr int J = decltype(j)::value;
      constexpr int K = J & 3, B = J % NBUF;
      const int s = s0 + J;
      if (s < total) {
        const uint32_t par = ((uint32_t)(s >> 2) & 1u) ^ 1u;  // a fresh barrier passes parity 1
        mbar_wait<true>(base + Layout::FREE + 8 * (2 * (K & 1) + ((K == 1 || K == 2) ? 1 : 0)),
                        par);
        put(h[B], s >> 2, std::integral_constant<int, K>{});
        signal(std::integral_constant<int, K>{});
        // The index after the stores (an L1 hit): held across the conversion it would cost a
        // register the producer lacks.
        if (s + NBUF < total)
          load(entry(s + NBUF), std::integral_constant<int, (J + NBUF) & 3>{}, h[B]);
      }
    };
    unroll<U>(step);
  }
}

// FP8: the cache format. CLUSTER (with V5 only): the two head halves of a row run as a CTA pair
// that shares the dequantised rows; without it (the shipped fp8 kernel) an fp8 CTA dequantises all
// rows itself. V5 (fp8 only): the version-5 producer (see producer_fp8). V6 (fp8, alone): the
// version-6 producer (producer_fp8_v6; shared memory Layout::BYTES6). DIAG: a diagnostic build
// (Diag). V7 (fp8, CLUSTER, not V5): the version-7 pair producer with V7 register buffers
// (producer_fp8_v7).
// Version 9 (fp8, alone): v4's producer with its gather and its conversion overlapped. Round sdec9
// split v4's producer (v4prod, 210 us at 64 x 2) into its gather alone (112 us) and its conversion
// alone (101 us): they add up, because each thread holds two row-half buffers and alternates
// them, so while one is converted only the other is in flight, and every buffer's cycle is
// load latency + conversion in series. Here a thread's register buffers form a ring of NB slots
// of PPT panels (16 bytes of one row per panel, 4 threads per row as in v4) over the same task
// order as v4 (K0 left, K1 right, K0 right, K1 left of each block pair; rows row0 and row0 + 32;
// PPT = 2 splits a row-half into two tasks): task t is converted while tasks t + 1 .. t + NB - 1
// are in flight, and its slot is reloaded with task t + NB as soon as its stores are issued. The
// ring's slots are compile-time (the loop body covers lcm(NB, tasks per pair) tasks), so no
// register moves wait on a load. Same consumers, barriers, arrival counts, rope copies (cp.async,
// right halves) and valid flags as v4; the conversion is v5's (bit for bit v4's bf16 for tile
// scales below 2^8, see dequant16_v5), or with CONV4 v4's own (dequant16).
__host__ __device__ constexpr int gcd_c(int x, int y) { return y == 0 ? x : gcd_c(y, x % y); }
// Task s of a block pair (0 .. 8 SUB - 1, SUB tasks per row-half): which tile, which half (v4's
// order: K0 left, K1 right, K0 right, K1 left), which of the thread's two rows, which panel group.
struct V9Task {
  int buf, right, j, sub;
};
// Version 10: row-halves a consumer warpgroup converts (rows 32..63, j = 1, of K0's left half and
// of K1's right half; see consumer<..., V10>), which the producer skips.
__host__ __device__ constexpr bool v10_consumer_task(bool v10, int buf, int right, int j) {
  return v10 && j == 1 && buf == right;
}
template <int SUB>
__host__ __device__ constexpr V9Task v9_task(int s) {
  const int h = s / (2 * SUB);
  return V9Task{h & 1, (h == 1 || h == 2) ? 1 : 0, (s / SUB) % 2, s % SUB};
}

template <int NB, int PPT, bool CONV4 = false, bool V10 = false>
S90 void producer_fp8_v9(const Args& a, uint32_t base, uint8_t* smem, int npairs) {
  static_assert(NB >= 2 && (PPT == 2 || PPT == 4), "a ring of >= 2 slots of 2 or 4 panels");
  constexpr int SUB = 4 / PPT;                // tasks per row-half
  constexpr int TP = 8 * SUB;                 // tasks per block pair (4 halves x 2 rows)
  constexpr int U = NB * TP / gcd_c(NB, TP);  // tasks per loop iteration
  constexpr int UP = U / TP;                  // block pairs per loop iteration
  constexpr int NS = PPT / 2;                 // tile scales per task
  static_assert(NB <= TP, "the prologue loads tasks of the first pair only");
  const int pt = threadIdx.x - 256, q4 = pt & 3;
  const int r = blockIdx.y;
  const int row0 = pt >> 2;
  const int* idx_row = a.indices + (size_t)r * a.k;
  const uint8_t* seq = a.cache + (size_t)(r / a.T) * a.P * RAW;

  struct Slot {
    uint4 v[PPT];     // PPT x 16 e4m3 (panel p, bytes q4*16 ..)
    float scale[NS];  // the tile scales of these panels
    int id;           // the entry (-1: none)
  };
  Slot ring[NB];

  // The entry of task s of pair `pair`, read from the index list (L1: the prologue's scan brought
  // it) when the task's loads are issued. (Read one task earlier into a register, it makes the
  // producer spill 96 bytes.)
  auto entry = [&](int pair, auto s_c) {
    constexpr V9Task tk = v9_task<SUB>(decltype(s_c)::value);
    return entry_at(a, idx_row, (2 * pair + tk.buf) * BLK + row0 + 32 * tk.j);
  };
  // Loads of task s (entry id) into `sl` (zeros for a -1 entry: its scores are masked, its values
  // must not be NaN).
  auto load = [&](Slot& sl, int id, auto s_c) {
    constexpr int s = decltype(s_c)::value;
    constexpr V9Task tk = v9_task<SUB>(s);
    sl.id = id;
    if constexpr (v10_consumer_task(V10, tk.buf, tk.right, tk.j)) {
      return;  // a consumer warpgroup loads and converts these values
    } else if (id >= 0) {
      const uint8_t* e = seq + (size_t)id * RAW;
      const int col = tk.right * 256 + tk.sub * PPT * 64;
#pragma unroll
      for (int p = 0; p < PPT; p++) sl.v[p] = ld_stream_16(e + col + p * 64 + q4 * 16);
      if constexpr (NS == 2) {
        const float2 s2 = ld_stream_f2(e + 512 + tk.right * 8);
        sl.scale[0] = s2.x;
        sl.scale[1] = s2.y;
      } else {
        sl.scale[0] = ld_stream_f32(e + 512 + tk.right * 8 + tk.sub * 4);
      }
    } else {
#pragma unroll
      for (int p = 0; p < PPT; p++) sl.v[p] = make_uint4(0u, 0u, 0u, 0u);
#pragma unroll
      for (int i = 0; i < NS; i++) sl.scale[i] = 0.f;
    }
  };
  auto put = [&](const Slot& sl, auto s_c) {
    constexpr int s = decltype(s_c)::value;
    constexpr V9Task tk = v9_task<SUB>(s);
    const int row = row0 + 32 * tk.j;
    const uint32_t tile = tk.buf ? Layout::K1 : Layout::K0;
    const uint32_t rowoff = row * 128, rx = row & 7;
#pragma unroll
    for (int p = 0; p < (v10_consumer_task(V10, tk.buf, tk.right, tk.j) ? 0 : PPT); p++) {
      // Panel p's values enter the conversion only after panel p-1's stores (as in v5): left
      // free, ptxas converts every panel first and needs more registers than the producer has.
      uint4 v = sl.v[p];
      asm volatile("" : "+r"(v.x), "+r"(v.y), "+r"(v.z), "+r"(v.w));
      const float sc = sl.scale[NS == 2 ? p / 2 : 0];
      uint4 lo, hi;
      if constexpr (CONV4) {
        dequant16(v, __floats2bfloat162_rn(sc, sc), lo, hi);
      } else {
        dequant16_v5(v, __floats2bfloat162_rn(sc * 0x1p120f, sc * 0x1p120f), lo, hi);
      }
      const uint32_t panel = base + tile + (tk.right * 4 + tk.sub * PPT + p) * PANEL + rowoff;
      st_shared_16(panel + (((2 * q4) ^ rx) << 4), lo);
      st_shared_16(panel + (((2 * q4 + 1) ^ rx) << 4), hi);
    }
    if constexpr (tk.right && tk.sub == SUB - 1) {  // the rope (bf16 as stored) and the flag
      const int id = sl.id;
      const uint32_t panel = base + tile + 8 * PANEL + rowoff;
      const uint8_t* e = seq + (size_t)(id >= 0 ? id : 0) * RAW + 528 + q4 * 32;
      cp_async_16(panel + (((2 * q4) ^ rx) << 4), e, id >= 0 ? 16 : 0);
      cp_async_16(panel + (((2 * q4 + 1) ^ rx) << 4), e + 16, id >= 0 ? 16 : 0);
      if (q4 == 0) smem[Layout::FLAGS + tk.buf * BLK + row] = id >= 0;
    }
  };

  if (npairs == 0) return;
  {
    auto pro = [&](auto k_c) {
      constexpr int k = decltype(k_c)::value;
      load(ring[k], entry(0, std::integral_constant<int, k>{}), std::integral_constant<int, k>{});
    };
    unroll<NB>(pro);
  }
  for (int it = 0; it * UP < npairs; it++) {
    auto step = [&](auto k_c) {
      constexpr int k = decltype(k_c)::value;
      constexpr int s = k % TP;
      constexpr V9Task tk = v9_task<SUB>(s);
      const int pair = it * UP + k / TP;
      if (pair < npairs) {
        const uint32_t half = 2 * tk.buf + tk.right;
        if constexpr (tk.j == 0 && tk.sub == 0) {
          const uint32_t par = ((uint32_t)pair & 1u) ^ 1u;  // a fresh barrier passes parity 1
          mbar_wait<false>(base + Layout::FREE + 8 * half, par);
        }
        put(ring[k % NB], std::integral_constant<int, s>{});
        if constexpr (tk.j == 1 && tk.sub == SUB - 1) {  // the half's last task: ready
          const uint32_t bar = base + Layout::READY + 8 * half;
          if constexpr (tk.right) cp_async_arrive_noinc(bar);  // the rope copies
          fence_proxy_async_cta();
          mbar_arrive(bar);
        }
        // The slot just stored takes task k + NB (possibly of the next iteration's pairs).
        constexpr int k2 = k + NB;
        const int pair2 = it * UP + k2 / TP;
        if (pair2 < npairs)
          load(ring[k % NB], entry(pair2, std::integral_constant<int, k2 % TP>{}),
               std::integral_constant<int, k2 % TP>{});
      }
    };
    unroll<U>(step);
  }
}

// Version 10 (fp8, alone): the consumers take a quarter of the conversion. Round sdec10: v9's
// three-slot register ring did not make v4's producer faster (v9prod 0.22 ms against v4prod 0.21):
// its four warps are issue-bound (16-byte loads, the conversion and the swizzled stores all on
// them), while the two consumer warpgroups wait for it ~35% of the time. Of the four half-tiles,
// two have a single reader: K0's left half (WG0's S of an even block and its P V on dims 0..255)
// and K1's right half (WG1's S of an odd block and its P V on dims 256..511). The warpgroup that
// reads such a half converts its rows 32..63 itself (consumer<..., V10>: loads issued where its S
// and P registers are dead, converted while its last P V of the pair runs, before it waits for the
// next S), so no barrier between the warpgroups changes: the producer still arrives 128 (+ 128
// rope copies for a right half) times per half, and the warpgroup's own stores are fenced and
// synced among its 128 threads before its wgmma. The producer keeps v9's ring of three row-half
// register slots (producer_fp8_v9<3, 4, CONV4, true>) and its task order, but the tasks of row
// row0 + 32 in those two halves load and convert nothing (the second only copies the row's rope
// and writes its flag): 6 of 8 row-halves per block pair, 25% less of its work. (A ring over the
// six tasks alone, one pair per loop iteration, spills 16-28 bytes at the producer's 88 registers;
// the skipped tasks cost a slot each for one step.) Conversion: v4's (dequant16) with CONV4, else
// v5's, the same in producer and consumers.
template <bool FP8, bool CLUSTER, bool V5 = false, int DIAG = DIAG_NONE, bool V6 = false,
          int V7 = 0, int V9 = 0, int V10 = 0>
S90 void sparse_mla(const Args& a) {
  static_assert(FP8 || !CLUSTER, "the bf16 gather has no CTA-pair form");
  static_assert(FP8 || !V5, "version 5 changes only the fp8 producer");
  static_assert(!V6 || (FP8 && !CLUSTER && !V5), "version 6 is an fp8 producer of the solo kernel");
  static_assert(DIAG != DIAG_CONSUMERS || (FP8 && !V6),
                "DIAG_CONSUMERS is a v4 / v5 producer switch");
  static_assert(V7 == 0 || (FP8 && CLUSTER && !V5 && !V6 && DIAG != DIAG_CONSUMERS),
                "version 7 is an fp8 producer of the CTA pair");
  static_assert(
      V9 == 0 || (FP8 && !CLUSTER && !V5 && !V6 && V7 == 0 && DIAG != DIAG_CONSUMERS),
      "version 9 is an fp8 producer of the solo kernel (V9 = 100 x (v4's conversion) + 10 x "
      "slots + panels per slot)");
  static_assert(
      V10 == 0 || (FP8 && !CLUSTER && !V5 && !V6 && V7 == 0 && V9 == 0 && DIAG != DIAG_CONSUMERS),
      "version 10 is an fp8 kernel of the solo form (V10 = 1: v4's conversion, 2: v5's)");
  extern __shared__ uint8_t smem_raw[];
  const uint32_t raw0 = smem_u32(smem_raw);
  const uint32_t base = (raw0 + 1023u) & ~1023u;
  uint8_t* const smem = smem_raw + (base - raw0);
  const int tid = threadIdx.x, wg = tid >> 7;
  const int hh = blockIdx.x, r = blockIdx.y;
  int* const sLast = reinterpret_cast<int*>(smem + Layout::LAST);
  using C = Counts<FP8, CLUSTER, V5, V6, V7>;

  if (tid == 0) {
#pragma unroll
    for (int b = 0; b < 2; b++) {
      mbar_init(base + Layout::READY + 8 * (2 * b), C::READY_L);
      mbar_init(base + Layout::READY + 8 * (2 * b + 1), C::READY_R);
      mbar_init(base + Layout::FREE + 8 * (2 * b), C::FREE);
      mbar_init(base + Layout::FREE + 8 * (2 * b + 1), C::FREE);
    }
    mbar_init(base + Layout::QBAR, 128);
    if constexpr (V6) {
#pragma unroll
      for (int i = 0; i < 4; i++) mbar_init(base + Layout::STAGED + 8 * i, 128);
    }
    *sLast = -1;
    *reinterpret_cast<int*>(smem + Layout::GAVE_UP) = 0;
    fence_mbar_init();
  }
  __syncthreads();
  if (wg == 2) {  // Q (64 heads x 576, contiguous) while everyone scans the index list
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
    // Blocks past the last valid entry (top-k pads short rows with -1) are never loaded. Four
    // loads in flight per thread: k = 2048 takes two round trips, not six.
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
  if constexpr (CLUSTER) {
    cluster_sync();  // the peer's barriers are initialised before anyone signals them
  } else {
    __syncthreads();
  }
  const int nb = (*sLast + BLK) / BLK;  // blocks 0 .. nb-1 hold every valid entry
  const int npairs = (nb + 1) / 2;      // WG1's block of the last pair may be all -1
  const uint32_t peer_base = CLUSTER ? map_shared(base, cluster_rank() ^ 1u) : 0u;

  if (wg == 2) {
    reg_dealloc<Regs<FP8>::PRODUCER>();
    if constexpr (FP8) {
      if constexpr (V6) {
        producer_fp8_v6(a, base, smem, npairs);
      } else if constexpr (V9 > 0) {
        producer_fp8_v9<V9 / 10 % 10, V9 % 10, V9 >= 100>(a, base, smem, npairs);
      } else if constexpr (V10 > 0) {
        producer_fp8_v9<3, 4, V10 == 1, true>(a, base, smem, npairs);
      } else if constexpr (V7 > 0) {
        producer_fp8_v7<V7>(a, base, peer_base, npairs);
      } else {
        producer_fp8<CLUSTER, V5, DIAG>(a, base, smem, peer_base, npairs);
      }
    } else {
      producer_bf16(a, base, smem, npairs);
    }
    cp_async_wait_all();  // Q's copies too: no thread leaves with copies in flight
  } else {
    reg_alloc<Regs<FP8>::CONSUMER>();
    consumer<CLUSTER, DIAG, V10>(a, base, smem, peer_base, npairs);
  }
  if constexpr (CLUSTER) cluster_sync();  // no CTA leaves while its peer may still write into it
}

// ---------------------------------------------------------------------------------------------
// Version 8 (fp8, alone): the bytes in flight come from shared memory, not registers. v4-v7 load
// raw entries into producer registers, so the loads in flight per SM are what 128 threads x one or
// two row-halves hold (~18 KB); at ~1.4 us loaded latency that caps the producer near v4prod's
// 3.2 us per block whatever the conversion costs. Here:
//   - a ring of raw KV_FP8_656 entries (28 per producer warp, 73 KB in all) is filled by
//     cp.async.bulk, one 656-byte copy per valid entry, completion counted in bytes on the slot's
//     mbarrier: up to ~1.75 blocks of raw bytes in flight, no registers held;
//   - there is ONE bf16 tile (64 x 576, the consumers' layout and swizzle), which is what makes
//     room for the ring (Q 72 KB + tile 72 + P 8 + ring 72);
//   - the producer converts the ring into the tile half by half as soon as the half is released.
// Producer warp w owns rows 16w .. 16w+15 of every block: it issues their copies, converts them
// and recycles their ring slots, so the ring needs no cross-warp barriers. Its chunk c = rows
// 16w + 4(c % 4) .. +3 of block c / 4 lives in slot c % 7 (4 entries), full barrier phase c / 7.
// Chunks are recycled after the block's right half is converted (the left half reads them too).
// Invalid entries (-1, >= P, past k) are not copied: a per-entry flag says so, and the conversion
// writes zeros (values and rope) and the tile's valid flag 0.
//
// Consumers, one tile: WG0 computes S = Q K^T of the block (left half's panels first, so it starts
// while the right half is still being converted), the softmax, and O[:, 0..255] += P V_left with P
// from registers; it publishes P (bf16, swizzled) and the rows' rescale factor to WG1, which does
// O[:, 256..511] += P V_right from shared memory. WG0 owns the running max and sums. Releases: the
// left half after WG0's P V (its last reader: S and P V left), the right half after WG1's P V (S's
// right panels retired before P was published). The producer converts the next left half while
// WG1's P V runs, and the next right half while WG0's next left S runs.
struct Layout8 {
  static constexpr int SLOTS = 7;         // ring slots per producer warp
  static constexpr int SLOT_ENTRIES = 4;  // entries per slot (a chunk)
  static constexpr int WARP_ENTRIES = SLOTS * SLOT_ENTRIES;
  static constexpr int Q = 0;
  static constexpr int K = TILE;          // the bf16 tile
  static constexpr int P = 2 * TILE;      // WG0's P for WG1 (64 heads x 64 keys bf16)
  static constexpr int RING = P + PANEL;  // [4 warps][28] raw entries of 656 bytes
  static constexpr int FLAGS = RING + 4 * WARP_ENTRIES * RAW;  // [64] bytes: tile row valid
  static constexpr int RFLAGS = FLAGS + BLK;                   // [4][28] bytes: ring entry valid
  static constexpr int ALPHA = RFLAGS + 4 * WARP_ENTRIES;      // [64] float: WG0's rescale of O
  static constexpr int SUM = ALPHA + HEADS * 4;                // [64] float: final row sums
  static constexpr int BARS = (SUM + HEADS * 4 + 127) & ~127;
  static constexpr int READY = BARS;      // [2] left, right
  static constexpr int FREE = BARS + 16;  // [2]
  static constexpr int QBAR = BARS + 32;
  static constexpr int FULL = BARS + 40;  // [4 warps][7 slots]
  static constexpr int LAST = FULL + 8 * 4 * SLOTS;
  static constexpr int GAVE_UP = LAST + 4;
  static constexpr int END = GAVE_UP + 4;
  static constexpr int BYTES = END + 1024;  // + slack to align the dynamic base to 1024
  static_assert(K % 1024 == 0 && P % 1024 == 0 && RING % 16 == 0 && RAW % 16 == 0,
                "swizzle atoms need 1 KB, bulk copies 16 bytes");
  static_assert(BYTES <= 227 * 1024, "one CTA per SM: at most 227 KB of shared memory");
};

// mbar_wait with the CTA's give-up word at an explicit address (v8's barriers span more than the
// 128 bytes mbar_wait assumes).
S90 void mbar_wait8(uint32_t bar, uint32_t parity, uint32_t gave_up) {
  if (mbar_try_wait<false>(bar, parity)) return;
#if SPARSE90_WAIT_TIMEOUT_NS > 0
  constexpr uint64_t kCycles = SPARSE90_WAIT_TIMEOUT_NS * 2ull;
  const uint32_t t0 = clock32();
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
#else
    (void)gave_up;
#endif
  }
}

// `bytes` (a multiple of 16, both addresses 16-byte aligned) global -> this CTA's shared memory,
// counted off the mbarrier's transaction count when they land.
S90 void bulk_copy_g2s(uint32_t dst, const void* src, uint32_t bytes, uint32_t bar) {
#if SPARSE90_ARCH_OK
  asm volatile(
      "cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];\n" ::
          "r"(dst),
      "l"(src), "r"(bytes), "r"(bar)
      : "memory");
#endif
}

template <int DIAG = DIAG_NONE>
S90 void consumer_v8(const Args& a, uint32_t base, uint8_t* smem, int nb) {
  const int wg = threadIdx.x >> 7, w = (threadIdx.x >> 5) & 3, lane = threadIdx.x & 31;
  const int g = lane >> 2, t = lane & 3;
  const int rows[2] = {16 * w + g, 16 * w + g + 8};
  const uint32_t gave = base + Layout8::GAVE_UP;
  float* sAlpha = reinterpret_cast<float*>(smem + Layout8::ALPHA);
  float* sSum = reinterpret_cast<float*>(smem + Layout8::SUM);
  const uint8_t* flags = smem + Layout8::FLAGS;
  const float scale = a.scaleLog2;
  const uint64_t dk = desc_kmajor(base), dv = desc_v(base);
  auto wait_ready = [&](int half, uint32_t parity) {
    mbar_wait8(base + Layout8::READY + 8 * half, parity, gave);
    fence_proxy_async_cta();
  };
  // This warp's wgmma groups reading the half have retired: the producer may refill it.
  auto release = [&](int half) {
    if (lane == 0) mbar_arrive(base + Layout8::FREE + 8 * half);
  };

  float o[128];
#pragma unroll
  for (int i = 0; i < 128; i++) o[i] = 0.f;
  float rowSum[2] = {0.f, 0.f};  // WG0's
  auto rescale_o = [&](const float(&f)[2]) {
#pragma unroll
    for (int j = 0; j < 32; j++) {
      o[4 * j] *= f[0];
      o[4 * j + 1] *= f[0];
      o[4 * j + 2] *= f[1];
      o[4 * j + 3] *= f[1];
    }
  };
  if (nb > 0) mbar_wait8(base + Layout8::QBAR, 0, gave);

  if constexpr (DIAG == DIAG_PRODUCER) {
    // The producer alone: every half released as soon as it is ready, nothing computed.
    if (wg == 0) {
      for (int b = 0; b < nb; b++) {
        wait_ready(0, (uint32_t)b & 1u);
        release(0);
        wait_ready(1, (uint32_t)b & 1u);
        release(1);
      }
    }
  } else if (wg == 0) {
    float s[32];      // S, then P (fp32)
    uint32_t pf[16];  // P as bf16 A fragments
    float rowMax[2] = {NEG_BIG, NEG_BIG};
    for (int b = 0; b < nb; b++) {
      const uint32_t par = (uint32_t)b & 1u;
      wait_ready(0, par);
      fence_regs(s);
      wgmma_fence();
      issue_s<Layout8::K, 0, 4, true>(s, dk);
      wgmma_commit();
      wait_ready(1, par);
      wgmma_fence();  // the batch before may still run: only orders this warp's register use
      issue_s<Layout8::K, 4, 9, false>(s, dk);
      wgmma_commit();
      wgmma_wait<0>();
      fence_regs(s);
      // Invalid entries -> -inf; row maxima of the block (log2 units; the scale is positive).
      float mx[2];
#pragma unroll
      for (int j = 0; j < 8; j++) {
        const uint32_t v = *reinterpret_cast<const uint16_t*>(flags + 8 * j + 2 * t);
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
      float mnew[2], alpha[2], sum[2] = {0.f, 0.f};
#pragma unroll
      for (int h = 0; h < 2; h++) {
        mnew[h] = fmaxf(rowMax[h], mx[h]);
        alpha[h] = ex2(rowMax[h] - mnew[h]);
      }
      const bool moved = mnew[0] != rowMax[0] || mnew[1] != rowMax[1];
      rowMax[0] = mnew[0];
      rowMax[1] = mnew[1];
#pragma unroll
      for (int j = 0; j < 8; j++) {
#pragma unroll
        for (int e = 0; e < 4; e++) {
          const float x = ex2(fmaf(s[4 * j + e], scale, -mnew[e >> 1]));
          s[4 * j + e] = x;
          sum[e >> 1] += x;
        }
      }
#pragma unroll
      for (int h = 0; h < 2; h++) rowSum[h] = rowSum[h] * alpha[h] + sum[h];
      // The running max rarely moves after the first blocks: skip the 128-register rescale then.
      if (__any_sync(0xffffffffu, moved)) rescale_o(alpha);
#pragma unroll
      for (int kk = 0; kk < 4; kk++) {
        pf[4 * kk + 0] = pack_bf16(s[8 * kk + 0], s[8 * kk + 1]);
        pf[4 * kk + 1] = pack_bf16(s[8 * kk + 2], s[8 * kk + 3]);
        pf[4 * kk + 2] = pack_bf16(s[8 * kk + 4], s[8 * kk + 5]);
        pf[4 * kk + 3] = pack_bf16(s[8 * kk + 6], s[8 * kk + 7]);
      }
      // P for WG1: [64 heads][64 keys] bf16, 128-byte rows swizzled (K-major A operand), and the
      // rescale of O this block brings. WG1 read the previous ones before it released the right
      // half this block's S waited for.
      uint8_t* pt = smem + Layout8::P;
#pragma unroll
      for (int kk = 0; kk < 4; kk++)
#pragma unroll
        for (int jj = 0; jj < 2; jj++)
#pragma unroll
          for (int h = 0; h < 2; h++)
            *reinterpret_cast<uint32_t*>(pt + rows[h] * 128 + (((2 * kk + jj) ^ g) << 4) + t * 4) =
                pf[4 * kk + 2 * jj + h];
      if (t == 0) {
        sAlpha[rows[0]] = alpha[0];
        sAlpha[rows[1]] = alpha[1];
      }
      fence_proxy_async_cta();
      named_arrive(BAR_P0, 256);
      fence_regs(o);
      fence_regs(pf);
      wgmma_fence();
      issue_pv_rs<Layout8::K>(o, pf, dv);  // O[:, 0..255] += P V_left
      wgmma_commit();
      wgmma_wait<0>();
      fence_regs(o);
      fence_regs(pf);
      release(0);
    }
  } else {
    for (int b = 0; b < nb; b++) {
      named_sync(BAR_P0, 256);  // WG0's P and rescale of this block
      const float f[2] = {sAlpha[rows[0]], sAlpha[rows[1]]};
      if (__any_sync(0xffffffffu, f[0] != 1.f || f[1] != 1.f)) rescale_o(f);
      fence_regs(o);
      wgmma_fence();
      issue_pv_ss<Layout8::P, Layout8::K + 4 * PANEL>(o, dk, dv);  // O[:, 256..511] += P V_right
      wgmma_commit();
      wgmma_wait<0>();
      fence_regs(o);
      release(1);
    }
  }

  // WG0's sums cover both halves of O: publish, normalise, store.
  if (wg == 0) {
#pragma unroll
    for (int h = 0; h < 2; h++) {
      float v = rowSum[h];
      v += __shfl_xor_sync(0xffffffffu, v, 1);
      v += __shfl_xor_sync(0xffffffffu, v, 2);
      if (t == 0) sSum[rows[h]] = v;
    }
  }
  named_sync(BAR_SUM, 256);
  const int hh = blockIdx.x, r = blockIdx.y;
#pragma unroll
  for (int h = 0; h < 2; h++) {
    const float total = sSum[rows[h]];
    const float inv = total > 0.f ? 1.f / total : 0.f;
    __nv_bfloat16* orow =
        a.out + ((size_t)r * 128 + hh * HEADS + rows[h]) * DV + wg * (DV / 2) + 2 * t;
#pragma unroll
    for (int j = 0; j < 32; j++)
      *reinterpret_cast<uint32_t*>(orow + 8 * j) =
          pack_bf16(o[4 * j + 2 * h] * inv, o[4 * j + 2 * h + 1] * inv);
  }
}

S90 void producer_fp8_v8(const Args& a, uint32_t base, uint8_t* smem, int nb) {
  constexpr int SLOTS = Layout8::SLOTS;
  const int w = (threadIdx.x >> 5) & 3, lane = threadIdx.x & 31;
  const int* idx_row = a.indices + (size_t)blockIdx.y * a.k;
  const uint8_t* seq = a.cache + (size_t)(blockIdx.y / a.T) * a.P * RAW;
  const uint32_t gave = base + Layout8::GAVE_UP;
  const uint32_t ring = base + Layout8::RING + w * Layout8::WARP_ENTRIES * RAW;
  const uint32_t full0 = base + Layout8::FULL + 8 * SLOTS * w;
  uint8_t* const rflag = smem + Layout8::RFLAGS + w * Layout8::WARP_ENTRIES;
  const int nchunks = 4 * nb;

  // Chunks c0 .. c1-1 (at most 8, their slots free): lane l copies entry l % 4 of chunk c0 + l / 4.
  // The slot's barrier expects the bytes of the chunk's valid entries (one arrival per phase).
  auto issue = [&](int c0, int c1) {
    const int c = c0 + (lane >> 2), e = lane & 3;
    const bool on = c < c1 && c < nchunks;
    const int id = on ? entry_at(a, idx_row, (c >> 2) * BLK + 16 * w + 4 * (c & 3) + e) : -1;
    const int slot = c % SLOTS;
    const uint32_t valid = __ballot_sync(0xffffffffu, id >= 0);
    if (on) {
      rflag[slot * 4 + e] = id >= 0;
      if (e == 0)
        mbar_arrive_expect_tx(full0 + 8 * slot, __popc(valid & (0xfu << (lane & ~3))) * RAW);
      if (id >= 0)
        bulk_copy_g2s(ring + (slot * 4 + e) * RAW, seq + (size_t)id * RAW, RAW, full0 + 8 * slot);
    }
  };
  // Ring entry (0..27) of row 16w + local of block b.
  auto entry_of = [&](int b, int local) {
    return ((4 * b + (local >> 2)) % SLOTS) * 4 + (local & 3);
  };

  // Half h of block b from the ring into the tile. Step j: rows 16w + 2j + sub (sub = lane bit 2),
  // 16-value unit u of the half's 256 (lanes of one shared-memory phase: four units of each row,
  // the odd row's rotated by 4 so its 16-byte stores land on the other 4 banks groups).
  const int sub = (lane >> 2) & 1;
  const int u = (4 * (lane >> 3) + (lane & 3) + 4 * sub) & 15;
  auto convert = [&](int b, int h) {
#pragma unroll 2
    for (int j = 0; j < 8; j++) {
      if (h == 0 && (j & 1) == 0) {  // the chunk's copies have landed (first touch: left half)
        const int c = 4 * b + (j >> 1);
        mbar_wait8(full0 + 8 * (c % SLOTS), (uint32_t)(c / SLOTS) & 1u, gave);
      }
      const int local = 2 * j + sub, row = 16 * w + local;
      const int e = entry_of(b, local);
      uint4 lo = make_uint4(0u, 0u, 0u, 0u), hi = lo;
      if (rflag[e]) {
        const uint32_t src = ring + e * RAW;
        const uint4 v = ld_shared_16(src + 256 * h + 16 * u);
        const float s120 = ld_shared_f32(src + 512 + 4 * (2 * h + (u >> 3))) * 0x1p120f;
        dequant16_v5(v, __floats2bfloat162_rn(s120, s120), lo, hi);
      }
      const uint32_t dst = base + Layout8::K + (4 * h + (u >> 2)) * PANEL + row * 128;
      const int rx = row & 7;
      st_shared_16(dst + (((2 * (u & 3)) ^ rx) << 4), lo);
      st_shared_16(dst + (((2 * (u & 3) + 1) ^ rx) << 4), hi);
    }
    if (h == 1) {  // rope (bf16 as stored) and the tile's valid flags: 16 rows x 8 chunks
#pragma unroll
      for (int i = 0; i < 4; i++) {
        const int local = 4 * i + (lane >> 3), row = 16 * w + local, cc = lane & 7;
        const int e = entry_of(b, local);
        const bool valid = rflag[e] != 0;
        const uint4 v =
            valid ? ld_shared_16(ring + e * RAW + 528 + 16 * cc) : make_uint4(0u, 0u, 0u, 0u);
        st_shared_16(base + Layout8::K + 8 * PANEL + row * 128 + ((cc ^ (row & 7)) << 4), v);
        if (cc == 0) smem[Layout8::FLAGS + row] = valid;
      }
    }
  };

  if (nb == 0) return;
  issue(0, SLOTS);
  for (int b = 0; b < nb; b++) {
    const uint32_t fpar = ((uint32_t)b & 1u) ^ 1u;  // a fresh barrier passes parity 1 at once
#pragma unroll 1
    for (int h = 0; h < 2; h++) {
      mbar_wait8(base + Layout8::FREE + 8 * h, fpar, gave);
      convert(b, h);
      fence_proxy_async_cta();  // generic stores before the consumers' wgmma
      mbar_arrive(base + Layout8::READY + 8 * h);
    }
    // This warp is done with block b's chunks: their slots take the next ones (async-proxy writes
    // after this warp's generic reads).
    __syncwarp();
    fence_proxy_async_cta();
    issue(4 * b + SLOTS, 4 * b + SLOTS + 4);
  }
}

// The version-8 kernel body: the prologue of sparse_mla (barriers, Q by cp.async, the scan for the
// last valid entry) with Layout8, then producer_fp8_v8 and consumer_v8.
template <int DIAG = DIAG_NONE>
S90 void sparse_mla_v8(const Args& a) {
  static_assert(DIAG != DIAG_CONSUMERS, "v8 has no consumers-alone build");
  extern __shared__ uint8_t smem_raw[];
  const uint32_t raw0 = smem_u32(smem_raw);
  const uint32_t base = (raw0 + 1023u) & ~1023u;
  uint8_t* const smem = smem_raw + (base - raw0);
  const int tid = threadIdx.x, wg = tid >> 7;
  const int hh = blockIdx.x, r = blockIdx.y;
  int* const sLast = reinterpret_cast<int*>(smem + Layout8::LAST);
  if (tid == 0) {
    for (int h = 0; h < 2; h++) {
      mbar_init(base + Layout8::READY + 8 * h, 128);  // every producer thread
      mbar_init(base + Layout8::FREE + 8 * h, 4);     // the releasing warpgroup's warps
    }
    mbar_init(base + Layout8::QBAR, 128);
    for (int i = 0; i < 4 * Layout8::SLOTS; i++) mbar_init(base + Layout8::FULL + 8 * i, 1);
    *sLast = -1;
    *reinterpret_cast<int*>(smem + Layout8::GAVE_UP) = 0;
    fence_mbar_init();
  }
  __syncthreads();
  if (wg == 2) {  // Q (64 heads x 576, contiguous) while everyone scans the index list
    const int pt = tid - 256;
    const uint8_t* src =
        reinterpret_cast<const uint8_t*>(a.q + ((size_t)r * 128 + hh * HEADS) * DQK);
    for (int c = pt; c < HEADS * 72; c += 128) {
      const int row = c / 72, ch = c % 72;
      cp_async_16(base + Layout8::Q + (ch >> 3) * PANEL + row * 128 + (((ch & 7) ^ (row & 7)) << 4),
                  src + row * ROWB + ch * 16, 16);
    }
    cp_async_arrive_noinc(base + Layout8::QBAR);
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
  const int nb = (*sLast + BLK) / BLK;  // blocks 0 .. nb-1 hold every valid entry
  if (wg == 2) {
    reg_dealloc<Regs<true>::PRODUCER>();
    producer_fp8_v8(a, base, smem, nb);
    cp_async_wait_all();  // Q's copies too: no thread leaves with copies in flight
  } else {
    reg_alloc<Regs<true>::CONSUMER>();
    consumer_v8<DIAG>(a, base, smem, nb);
  }
}

}  // namespace sm90s
