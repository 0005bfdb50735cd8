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
//     loads into registers, dequantised and stored as bf16 rows (sparse_mla<true>). (The candidate
//     producers and consumers of versions 5 .. 12 lost on the H200 and left the sources; see
//     kernels/NOTES.md, "Third prune". Version 13 / 14, sm90/decode/sparse_fp8_v13.cuh, reuse this
//     file's PTX wrappers.)
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
};

// Diagnostic builds (the standalone driver only; never shipped): DIAG_CONSUMERS, the producer
// fills the first block pair and then only re-signals the tiles it already converted, so the
// consumers run on resident data; DIAG_PRODUCER, the consumers release every half as soon as it is
// ready, without computing (outputs are zeros).
enum Diag : int { DIAG_NONE = 0, DIAG_CONSUMERS = 1, DIAG_PRODUCER = 2 };

// Named barriers of the two consumer warpgroups (256 threads; 0 is __syncthreads).
enum : int { BAR_M0 = 1, BAR_M1 = 2, BAR_P0 = 3, BAR_P1 = 4, BAR_SUM = 5 };

// Arrivals each mbarrier phase expects.
template <bool FP8>
struct Counts {
  // bf16: the 128 producer threads' cp.async completions (noinc), plus the 16 threads that store a
  // block's valid flags before its right half (a plain arrive, so the flags are released).
  // fp8: every producer thread arrives once its stores are done; a right half also counts the 128
  // noinc arrivals of the rope copies (cp.async).
  static constexpr int READY_L = 128;
  static constexpr int READY_R = FP8 ? 256 : 128 + 16;
  // One arrival per consumer warp (4) of the warpgroup that reads the half last.
  static constexpr int FREE = 4;
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

// CTA-scope acquire (the default): a cluster-scope acquire compiles to an L1 invalidation
// (CCTL.IVALL) after the wait, which the CTA pair does not need (round sdec19; see
// sm90/decode/sparse_fp8_v13.cuh's wait).
S90 bool mbar_try_wait(uint32_t bar, uint32_t parity) {
  uint32_t done;
  asm volatile(
      "{\n.reg .pred p;\nmbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n"
      "selp.u32 %0, 1, 0, p;\n}\n"
      : "=r"(done)
      : "r"(bar), "r"(parity)
      : "memory");
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
// gave_up: the shared address of the CTA's GAVE_UP word (its layout's; read by debug builds only).
S90 void mbar_wait_at(uint32_t bar, uint32_t parity, uint32_t gave_up) {
  if (mbar_try_wait(bar, parity)) return;
#if SPARSE90_WAIT_TIMEOUT_NS > 0
  constexpr uint64_t kCycles = SPARSE90_WAIT_TIMEOUT_NS * 2ull;
  const uint32_t t0 = clock32();
#endif
  while (!mbar_try_wait(bar, parity)) {
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
// Version 4's layout: the GAVE_UP word lies in the 128 bytes its barriers start.
S90 void mbar_wait(uint32_t bar, uint32_t parity) {
  mbar_wait_at(bar, parity, (bar & ~127u) + (Layout::GAVE_UP - Layout::BARS));
}

S90 void mbar_arrive(uint32_t bar) {
  asm volatile("{\n.reg .b64 st;\nmbarrier.arrive.shared::cta.b64 st, [%0];\n}\n" ::"r"(bar)
               : "memory");
}
// Arrive on the barrier at a shared::cluster address (the peer CTA's). Release at CTA scope: the
// arrival only says this CTA is done reading a buffer the peer writes (its wgmma have retired), it
// publishes no data; a cluster-scope release compiled to a memory barrier (ERRBAR) per arrival, 8%
// of v14's stall samples in round sdec19's ncu profile.
S90 void mbar_arrive_cluster(uint32_t cluster_bar) {
#if SPARSE90_ARCH_OK
  asm volatile("mbarrier.arrive.shared::cluster.b64 _, [%0];\n" ::"r"(cluster_bar) : "memory");
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
// The L1 policy of the fp8 producers' entry loads: evict_last (L1 allocating). A 656-byte entry
// starts on a 16-byte boundary, so the 64-byte chunk a warp's four threads read of a row spans
// three 32-byte sectors half the time and shares one with the next chunk: allocated in L1, that
// sector comes from L2 once (round sdec19, H200: v4 0.264 -> 0.239 ms at 64 x 2, 128K, against
// L1::no_allocate; the default policy measured as evict_last). The standalone driver's rounds can
// build other policies, e.g. -DSPARSE90_ENTRY_L1='"L1::no_allocate."'.
#ifndef SPARSE90_ENTRY_L1
#define SPARSE90_ENTRY_L1 "L1::evict_last."
#endif

// 16 read-only bytes of an entry, 256-byte L2 fetch (the rest of the entry follows).
S90 uint4 ld_stream_16(const void* p) {
  uint4 v;
  asm volatile("ld.global.nc." SPARSE90_ENTRY_L1 "L2::256B.v4.u32 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
               : "l"(p));
  return v;
}
S90 float2 ld_stream_f2(const void* p) {
  float2 v;
  asm volatile("ld.global.nc." SPARSE90_ENTRY_L1 "v2.f32 {%0, %1}, [%2];\n"
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

template <int DIAG = DIAG_NONE>
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
  float s[32];      // S, then P (fp32) of this warpgroup's block
  uint32_t pf[16];  // P as bf16 A fragments: m64n256k16 k-step kk uses pf[4kk .. 4kk+3]
  float rowMax[2] = {NEG_BIG, NEG_BIG}, rowSum[2] = {0.f, 0.f};

  auto wait_ready = [&](int buf, int half, uint32_t parity) {
    mbar_wait(base + Layout::READY + 8 * (2 * buf + half), parity);
    fence_proxy_async_cta();
  };
  // This warp no longer reads the half (its wgmma groups have retired): tell the producer.
  auto release = [&](int buf, int half) {
    if (lane == 0) {
      const uint32_t off = Layout::FREE + 8 * (2 * buf + half);
      mbar_arrive(base + off);
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
  if (npairs > 0) mbar_wait(base + Layout::QBAR, 0);
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
      named_sync(BAR_P1, 256);
      fence_regs(o);
      wgmma_fence();
      issue_pv_ss<Layout::P1, Layout::K1>(o, dk, dv);  // += P1 V1
      wgmma_commit();
      if constexpr (decltype(has_next)::value) {
        // S of block 2i+2 while P1 V1 runs; the left half of K1 is free once P1 V1 retires.
        const uint32_t par = (uint32_t)(i + 1) & 1u;
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
      store_p(smem + Layout::P1);  // reads pf, which the running wgmma only reads too
      named_sync(BAR_P0, 256);     // WG0's P0, rescaled to this max
      issue_pv_ss<Layout::P0, Layout::K0 + 4 * PANEL>(o, dk, dv);  // += P0 V0
      wgmma_commit();
      fence_proxy_async_cta();
      named_arrive(BAR_P1, 256);
      wgmma_wait<1>();
      release(1, 1);
      wgmma_wait<0>();
      fence_regs(o);
      fence_regs(pf);
      release(0, 1);
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

// The list entry at position e of row r as stored (-1 past k), and the entry a stored value names:
// -1 where it is negative or not a position < P. A producer that reads its indices ahead keeps
// them raw and validates them where it uses them, so that the check does not wait for the load.
S90 int entry_raw(const Args& a, const int* idx_row, int e) {
  return e < a.k ? __ldg(idx_row + e) : -1;
}
S90 int entry_valid(const Args& a, int v) { return (v >= 0 && v < a.P) ? v : -1; }
S90 int entry_at(const Args& a, const int* idx_row, int e) {
  return entry_valid(a, entry_raw(a, idx_row, e));
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
    mbar_wait(free_(0, 0), par);
    gather(c0, k0, Z{}, L4{});
    cp_async_arrive_noinc(ready(0, 0));
    mbar_wait(free_(1, 1), par);
    put_flags(c1, 1);
    gather(c1, k1, L4{}, R9{});
    cp_async_arrive_noinc(ready(1, 1));
    if (l8 == 0) mbar_arrive(ready(1, 1));
    mbar_wait(free_(0, 1), par);
    put_flags(c0, 0);
    gather(c0, k0, L4{}, R9{});
    cp_async_arrive_noinc(ready(0, 1));
    if (l8 == 0) mbar_arrive(ready(0, 1));
    mbar_wait(free_(1, 0), par);
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
// chunk pair q4). A CTA fills all 64 rows of its own tiles (rows r and r+32 per thread). The loads
// of the next row-half are in flight while the current one is converted.
struct Fp8Half {
  uint4 v[4];    // 4 x 16 e4m3 (panel p, bytes q4*16 ..)
  float2 scale;  // the two tile scales of this half
};

template <int DIAG = DIAG_NONE>
S90 void producer_fp8(const Args& a, uint32_t base, uint8_t* smem, int npairs) {
  constexpr int R = 2;  // rows per thread and block
  const int pt = threadIdx.x - 256, q4 = pt & 3;
  const int r = blockIdx.y;
  const int row0 = pt >> 2;
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
  // Row `row` of tile `buf`, dequantised values (and, right half, rope and the row's valid flag).
  auto put = [&](const Fp8Half& h, int buf, int row, int id, auto right) {
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
  // This thread's rows of the half are stored: generic stores before the consumers' wgmma (proxy
  // fence), then the ready barrier.
  auto signal = [&](int buf, int half) {
    const uint32_t off = Layout::READY + 8 * (2 * buf + half);
    if (half == 1) cp_async_arrive_noinc(base + off);  // the rope copies
    fence_proxy_async_cta();
    mbar_arrive(base + off);
  };
  using Yes = std::true_type;
  using No = std::false_type;

  if constexpr (DIAG == DIAG_CONSUMERS) {
    // Pair 0 as always, then the same tiles again: no loads, no conversion, only the barriers.
    producer_fp8<DIAG_NONE>(a, base, smem, npairs > 0 ? 1 : 0);
    for (int i = 1; i < npairs; i++) {
      const uint32_t par = ((uint32_t)i & 1u) ^ 1u;
      mbar_wait(free_(0, 0), par);
      signal(0, 0);
      mbar_wait(free_(1, 1), par);
      signal(1, 1);
      mbar_wait(free_(0, 1), par);
      signal(0, 1);
      mbar_wait(free_(1, 0), par);
      signal(1, 0);
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
          nx[b][j] = next ? entry_raw(a, idx_row, (2 * i + 2 + b) * BLK + row0 + 32 * j) : -1;
    };
    // Halves in the order the consumers need them: K0 left (block 2i), K1 right (2i+1), K0 right
    // (2i), K1 left (2i+1); A and B alternate, the next row-half loading while one is stored.
    const int row1 = row0 + 32;
    load(id[0][R - 1], No{}, B);
    mbar_wait(free_(0, 0), par);
    put(A, 0, row0, id[0][0], No{});
    load(id[1][0], Yes{}, A);
    put(B, 0, row1, id[0][R - 1], No{});
    signal(0, 0);
    load(id[1][R - 1], Yes{}, B);
    mbar_wait(free_(1, 1), par);
    put(A, 1, row0, id[1][0], Yes{});
    load(id[0][0], Yes{}, A);
    put(B, 1, row1, id[1][R - 1], Yes{});
    signal(1, 1);
    load_next();
    load(id[0][R - 1], Yes{}, B);
    mbar_wait(free_(0, 1), par);
    put(A, 0, row0, id[0][0], Yes{});
    load(id[1][0], No{}, A);
    put(B, 0, row1, id[0][R - 1], Yes{});
    signal(0, 1);
    load(id[1][R - 1], No{}, B);
    mbar_wait(free_(1, 0), par);
    put(A, 1, row0, id[1][0], No{});
    if (next) load(nx[0][0], No{}, A);
    put(B, 1, row1, id[1][R - 1], No{});
    signal(1, 0);
#pragma unroll
    for (int b = 0; b < 2; b++)
#pragma unroll
      for (int j = 0; j < R; j++) id[b][j] = entry_valid(a, nx[b][j]);
  }
}

// FP8: the cache is KV_FP8_656 (else bf16). DIAG: see Diag (the driver's diagnostics only).
template <bool FP8, int DIAG = DIAG_NONE>
S90 void sparse_mla(const Args& a) {
  static_assert(DIAG != DIAG_CONSUMERS || FP8, "DIAG_CONSUMERS is an fp8 producer switch");
  extern __shared__ uint8_t smem_raw[];
  const uint32_t raw0 = smem_u32(smem_raw);
  const uint32_t base = (raw0 + 1023u) & ~1023u;
  uint8_t* const smem = smem_raw + (base - raw0);
  const int tid = threadIdx.x, wg = tid >> 7;
  const int hh = blockIdx.x, r = blockIdx.y;
  int* const sLast = reinterpret_cast<int*>(smem + Layout::LAST);
  using C = Counts<FP8>;

  if (tid == 0) {
#pragma unroll
    for (int b = 0; b < 2; b++) {
      mbar_init(base + Layout::READY + 8 * (2 * b), C::READY_L);
      mbar_init(base + Layout::READY + 8 * (2 * b + 1), C::READY_R);
      mbar_init(base + Layout::FREE + 8 * (2 * b), C::FREE);
      mbar_init(base + Layout::FREE + 8 * (2 * b + 1), C::FREE);
    }
    mbar_init(base + Layout::QBAR, 128);
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
  __syncthreads();
  const int nb = (*sLast + BLK) / BLK;  // blocks 0 .. nb-1 hold every valid entry
  const int npairs = (nb + 1) / 2;      // WG1's block of the last pair may be all -1

  if (wg == 2) {
    reg_dealloc<Regs<FP8>::PRODUCER>();
    if constexpr (FP8) {
      producer_fp8<DIAG>(a, base, smem, npairs);
    } else {
      producer_bf16(a, base, smem, npairs);
    }
    cp_async_wait_all();  // Q's copies too: no thread leaves with copies in flight
  } else {
    reg_alloc<Regs<FP8>::CONSUMER>();
    consumer<DIAG>(a, base, smem, npairs);
  }
}

}  // namespace sm90s
