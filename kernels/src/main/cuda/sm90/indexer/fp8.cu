// Lightning indexer logits on Hopper, fp8 (v6 / v6g / v8 / v8g / v8h / v12b / v13bs / v14g3e / v17;
// issue 16):
// I[t,s] = kScale[s] * sum_h w[t,h] * ReLU(q[t,h] . k[s]), causal, -inf where t cannot see s.
// Shapes as dsa_indexer.cu: q [batch*T, 64, 128] e4m3, w [batch*T, 64] fp32, k [batch, P, 128]
// e4m3, kScale [batch, P], logits [batch*T, P]; gmax [batch*T, ceil(P/8)] (the g variants).
//
// The same tile as the shipped v2 (dsa_indexer.cu): one warpgroup, wgmma m64 x (NQ*64) x k32 with
// A = 64 keys and B = the NQ queries' 64 heads, key scales staged in shared memory with their keys
// (v5's fix). What differs is the epilogue, which bounds the two-token decode once the scale load
// is off the chain, and (v8 on) the roles:
//   - the head weights sit in registers for the whole run (NQ <= 2): no shared-memory reload of
//     16 float2 per block;
//   - the per-key head sums are finished by a reduce-scatter inside each quad: xor 1 then xor 2,
//     each lane keeping half of what is left, so NQ = 2 takes 3 shuffles instead of 8 and every
//     lane ends with one finished (query, key) sum, i.e. one scale load, one multiply and one
//     store per lane instead of two stores from half the lanes. The additions pair the same lanes
//     in the same order as v2's butterfly ((x0 + x1) + (x2 + x3), commutative), so every logit is
//     bit for bit v2's;
//   - the group maxima (g variants, top-k gmax's input) come from those finished values: the 8 keys
//     of a group are the 8 lanes that share (lane & 3), so 3 xor shuffles and 3 FMNMX per value and
//     one store per group, from lanes 0..3;
//   - v8 (NQ <= 2) splits the roles: a producer warp brings each 64-key block (8 KB of keys by a
//     TMA tensor copy into the swizzled layout, 272 B of scales) into a ring of stages, completed
//     on mbarriers; two consumer warpgroups take alternate blocks, so one's products run while the
//     other finishes its epilogue; the grid is persistent (one CTA per SM), each CTA owning an
//     equal contiguous run of all (query tile, block) pairs, so every batch is balanced to the
//     block whatever its sequence count.
//   - v8h is v8g with each item's group maxima finished one item later, between the next item's
//     wgmma issue and its wait: v8g's 3 dependent shuffles + FMNMX and the store sat between one
//     item's epilogue and the next item's products (in-order issue: the warp stalls on each
//     shuffle's latency), and at one CTA per SM (two consumer warps per SM sub-partition) nothing
//     else covers that stall; under the products it is free.
//   - v12b (round idx12) is v8 with one 128-key stage read by both consumers: see ix12_smem below.
//   - v13bs (round idx13) is v12b with its group maxima made, and its logits stored, by a warp of
//     the producer warpgroup from logits the consumers stage in shared memory; v14g3e (round
//     idx14) takes the maxima over three such warps and releases the staging slots on the stages'
//     empty barriers: see ix13_maxima below.
//   - v17 (rounds idx25-idx34) is v13bs's roles on three consumer warpgroups and 192-key stages,
//     each query's products in a commit group of its own: see DSA_INDEXER_V17X below.
// (v7 / v7g, v6 with two accumulator sets; v9 / v9g, v8's roles with two accumulator sets per
// consumer on an 18-stage ring; v8's round-idx11 variants v8c / v8i / v8ci; round idx12's v12p /
// v12g / v12pg / v12bg, round idx13's v13bg and round idx14's v14g3 / v14g1e / v14s3e lost on the
// H200 and left: kernels/NOTES.md.)
#include "../../dsa_common.cuh"
#include "../../dsa_wgmma.cuh"
#include "../hopper.cuh"

namespace {

constexpr int IX_BK = 64;      // keys per block (the MMA's M)
constexpr int IX_STAGES6 = 3;  // v6: key stages (v2's), 3 CTAs per SM

constexpr int ix_smem(int nq, int stages) {
  // alignment slack + q tile + key stages + weights + per-stage key scales
  return 1024 + nq * 8192 + stages * 8192 + nq * 256 + stages * 256;
}

// GMAX: also write the 8-key group maxima, invisible keys counted as -inf, each the largest logit
// stored in its group (the layout sm90/topk/gmax.cu reads).
template <int NQ, bool GMAX>
__device__ __forceinline__ void indexer_v6_body(const uint8_t* __restrict__ q,
                                                const float* __restrict__ w,
                                                const uint8_t* __restrict__ k,
                                                const float* __restrict__ kscale,
                                                float* __restrict__ logits, int T, int P,
                                                int splitLen, float* __restrict__ gmax) {
  constexpr int STAGES = IX_STAGES6;
  constexpr int NACC = NQ * 32;          // accumulators per thread
  constexpr bool WREG = NQ <= 2;         // weights in registers (NQ = 4: 64 more do not fit)
  constexpr int NOUT = NQ == 4 ? 2 : 1;  // finished logits per lane and block

  extern __shared__ uint8_t smem_raw[];
  const uint32_t raw = dsak::smem_u32(smem_raw);
  const uint32_t base = (raw + 1023u) & ~1023u;
  uint8_t* const sgen = smem_raw + (base - raw);
  const uint32_t sQ = base;
  const uint32_t sK = base + NQ * 8192;
  float* const sW = reinterpret_cast<float*>(sgen + NQ * 8192 + STAGES * 8192);
  const uint32_t sS = base + NQ * 8192 + STAGES * 8192 + NQ * 256;
  const float* const sSg =
      reinterpret_cast<const float*>(sgen + NQ * 8192 + STAGES * 8192 + NQ * 256);

  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int b = blockIdx.y;
  const int t0 = blockIdx.x * NQ;
  const int k0 = blockIdx.z * splitLen;
  const int k1 = min(P, k0 + splitLen);
  const int lastT = min(t0 + NQ, T) - 1;
  const int maxpos = P - T + lastT;
  const int cend = min(k1, maxpos + 1);
  const int nb = cend > k0 ? (cend - k0 + IX_BK - 1) / IX_BK : 0;
  const uint8_t* kseq = k + (size_t)b * P * 128;

  // q tile (rows qi*64 + head); queries past T read query T-1 (never stored).
  for (int c = tid; c < NQ * 64 * 8; c += 128) {
    const int row = c >> 3, ch = c & 7;
    const int t = min(t0 + (row >> 6), T - 1);
    const uint8_t* src = q + ((size_t)(b * T + t) * 64 + (row & 63)) * 128 + ch * 16;
    dsak::cp_async_16(sQ + dsak::swz(row, ch, 8), src, 16);
  }
  // Weights: lane (lane & 3) multiplies heads c*8 + (lane & 3)*2 + {0, 1} of every n-tile c.
  float2 wr[WREG ? NQ * 8 : 1];
  if constexpr (WREG) {
#pragma unroll
    for (int qi = 0; qi < NQ; qi++) {
      const int t = min(t0 + qi, T - 1);
      const float* wt = w + (size_t)(b * T + t) * 64 + (lane & 3) * 2;
#pragma unroll
      for (int c = 0; c < 8; c++)
        wr[qi * 8 + c] = __ldg(reinterpret_cast<const float2*>(wt + c * 8));
    }
  } else {
    for (int i = tid; i < NQ * 64; i += 128) {
      const int t = min(t0 + (i >> 6), T - 1);
      sW[i] = __ldg(w + (size_t)(b * T + t) * 64 + (i & 63));
    }
  }
  auto load = [&](int j) {
    const int kb = k0 + j * IX_BK;
    const int slot = j % STAGES;
    const uint32_t st = sK + slot * 8192;
#pragma unroll
    for (int i = 0; i < 4; i++) {
      const int c = tid + i * 128;
      const int r = c >> 3, ch = c & 7;
      const int key = kb + r;
      const bool ok = key < P;
      dsak::cp_async_16(st + dsak::swz(r, ch, 8), kseq + (size_t)(ok ? key : 0) * 128 + ch * 16,
                        ok ? 16 : 0);
    }
    // 4-byte copies: a sequence's scales start at b * P floats, not 16-byte aligned for odd P.
    if (tid < 64) {
      const int key = kb + tid;
      const bool ok = key < P;
      dsak::cp_async_4(sS + (slot * 64 + tid) * 4, kscale + (size_t)b * P + (ok ? key : 0),
                       ok ? 4 : 0);
    }
  };
  // Groups 0 .. STAGES-2 (the q tile rides in group 0); one group is committed per block issued
  // after them, empty or not, so block j is always in group j.
#pragma unroll
  for (int j = 0; j < STAGES - 1; j++) {
    if (j < nb) load(j);
    dsak::cp_async_commit();
  }

  const uint64_t descB = dsak::wgmma_desc_sw128(sQ);
  auto mma = [&](float* d, int j) {
    const uint64_t descA = dsak::wgmma_desc_sw128(sK + (j % STAGES) * 8192);
    dsak::wgmma_fence();
#pragma unroll
    for (int s = 0; s < 4; s++) {
      // +32 bytes along K inside the swizzled 128-byte rows = +2 in the descriptor's address.
      dsak::WgmmaE4M3<NQ * 64>::mma(d, descA + 2 * s, descB + 2 * s, s > 0);
    }
    dsak::wgmma_commit();
  };

  const int b0 = lane & 1, b1 = (lane >> 1) & 1;
  // This lane's finished sums: query qOut(i), key row (lane >> 2) + 8 * half of the warp's 16.
  const int half = NQ == 1 ? b0 : b1;
  auto qOut = [&](int i) { return NQ == 1 ? 0 : NQ == 2 ? b0 : b0 + 2 * i; };
  // NQ = 1 leaves each sum on two lanes (lane and lane ^ 2): the b1 = 0 one stores it.
  const bool storer = NQ != 1 || b1 == 0;

  auto epilogue = [&](const float* d, int j) {
    // ReLU-weighted head sums of this lane's 2 keys per query, in v2's order.
    float s[NQ][2];
#pragma unroll
    for (int qi = 0; qi < NQ; qi++) {
      float s0 = 0.f, s1 = 0.f;
#pragma unroll
      for (int c = 0; c < 8; c++) {
        float2 wv;
        if constexpr (WREG) {
          wv = wr[qi * 8 + c];
        } else {
          wv = *reinterpret_cast<const float2*>(sW + qi * 64 + c * 8 + (lane & 3) * 2);
        }
        const float* a = d + (qi * 8 + c) * 4;
        s0 = fmaf(fmaxf(a[0], 0.f), wv.x, s0);
        s0 = fmaf(fmaxf(a[1], 0.f), wv.y, s0);
        s1 = fmaf(fmaxf(a[2], 0.f), wv.x, s1);
        s1 = fmaf(fmaxf(a[3], 0.f), wv.y, s1);
      }
      s[qi][0] = s0;
      s[qi][1] = s1;
    }
    // Reduce-scatter over the quad: xor 1 (each lane keeps the queries with (qi & 1) == b0, or for
    // NQ = 1 the key half b0), then xor 2 (keeps key half b1, or for NQ = 1 sums what is left).
    float o[NOUT];
    if constexpr (NQ == 1) {
      const float keep = b0 ? s[0][1] : s[0][0], send = b0 ? s[0][0] : s[0][1];
      const float r = keep + __shfl_xor_sync(0xffffffffu, send, 1);
      o[0] = r + __shfl_xor_sync(0xffffffffu, r, 2);
    } else {
      constexpr int NP = NQ / 2;  // query pairs
      float r[NP][2];
#pragma unroll
      for (int p = 0; p < NP; p++) {
#pragma unroll
        for (int h = 0; h < 2; h++) {
          const float keep = b0 ? s[2 * p + 1][h] : s[2 * p][h];
          const float send = b0 ? s[2 * p][h] : s[2 * p + 1][h];
          r[p][h] = keep + __shfl_xor_sync(0xffffffffu, send, 1);
        }
      }
#pragma unroll
      for (int p = 0; p < NP; p++) {
        const float keep = b1 ? r[p][1] : r[p][0], send = b1 ? r[p][0] : r[p][1];
        o[p] = keep + __shfl_xor_sync(0xffffffffu, send, 2);
      }
    }
    const int kb = k0 + j * IX_BK;
    const int rowInBlock = warp * 16 + (lane >> 2) + 8 * half;
    const int key = kb + rowInBlock;
    const float sc = sSg[(j % STAGES) * 64 + rowInBlock];  // zero-filled past P by the copy
    float m[NOUT];
#pragma unroll
    for (int i = 0; i < NOUT; i++) {
      m[i] = -INFINITY;
      const int t = t0 + qOut(i);
      if (storer && t < T && key < k1) {
        const float v = key <= P - T + t ? o[i] * sc : -INFINITY;
        logits[(size_t)(b * T + t) * P + key] = v;
        m[i] = v;
      }
    }
    if constexpr (GMAX) {
      // A group's 8 keys are the 8 lanes sharing (lane & 3); lanes 0..3 store the maxima.
#pragma unroll
      for (int i = 0; i < NOUT; i++) {
        m[i] = fmaxf(m[i], __shfl_xor_sync(0xffffffffu, m[i], 4));
        m[i] = fmaxf(m[i], __shfl_xor_sync(0xffffffffu, m[i], 8));
        m[i] = fmaxf(m[i], __shfl_xor_sync(0xffffffffu, m[i], 16));
      }
      const int gs = (P + 7) >> 3;
      const int g = ((kb + warp * 16) >> 3) + half;
#pragma unroll
      for (int i = 0; i < NOUT; i++) {
        const int t = t0 + qOut(i);
        if (lane < 4 && storer && t < T && g * 8 < k1) gmax[(size_t)(b * T + t) * gs + g] = m[i];
      }
    }
  };

  float d0[NACC];
  for (int j = 0; j < nb; j++) {
    dsak::cp_async_wait<STAGES - 2>();
    dsak::fence_proxy_async();
    __syncthreads();
    // Into the slot block j-1 used: every warp finished its products on it before the barrier.
    if (j + STAGES - 1 < nb) load(j + STAGES - 1);
    dsak::cp_async_commit();
    mma(d0, j);
    dsak::wgmma_wait<0>();
    // The asm above does not tell the compiler that d changes only at the wait: pin d here.
#pragma unroll
    for (int i = 0; i < NACC; i++) asm volatile("" : "+f"(d0[i])::"memory");
    epilogue(d0, j);
  }

  // Keys of this split no query of the tile can see, past the last computed block: -inf.
  const int fill0 = k0 + nb * IX_BK;
  if (fill0 < k1) {
    const int len = k1 - fill0;
    for (int oq = 0; oq < NQ && t0 + oq < T; oq++) {
      float* dst = logits + (size_t)(b * T + t0 + oq) * P + fill0;
      for (int i = tid; i < len; i += 128) dst[i] = -INFINITY;
      if constexpr (GMAX) {  // fill0 and k1 are multiples of 8 (or k1 = P)
        const int gs = (P + 7) >> 3;
        float* gdst = gmax + (size_t)(b * T + t0 + oq) * gs;
        for (int g = (fill0 >> 3) + tid; g < ((k1 + 7) >> 3); g += 128) gdst[g] = -INFINITY;
      }
    }
  }
}

}  // namespace

// v6: v2's grid (CudaDsaOps.indexerSplitLength on 3 CTAs per SM) and 3 key stages, the lean
// epilogue. v6g also writes gmax. Dynamic shared memory dsa_indexer_fp8_v6_smem_q<NQ>.
#define DSA_INDEXER_V6(NQ)                                                                        \
  extern "C" __global__ void __launch_bounds__(128, 3) dsa_indexer_fp8_v6_q##NQ(                  \
      const uint8_t* __restrict__ q, const float* __restrict__ w, const uint8_t* __restrict__ k,  \
      const float* __restrict__ kscale, float* __restrict__ logits, int T, int P, int splitLen) { \
    indexer_v6_body<NQ, false>(q, w, k, kscale, logits, T, P, splitLen, nullptr);                 \
  }                                                                                               \
  extern "C" __global__ void __launch_bounds__(128, 3) dsa_indexer_fp8_v6g_q##NQ(                 \
      const uint8_t* __restrict__ q, const float* __restrict__ w, const uint8_t* __restrict__ k,  \
      const float* __restrict__ kscale, float* __restrict__ logits, int T, int P, int splitLen,   \
      float* __restrict__ gmax) {                                                                 \
    indexer_v6_body<NQ, true>(q, w, k, kscale, logits, T, P, splitLen, gmax);                     \
  }                                                                                               \
  extern "C" __device__ const int dsa_indexer_fp8_v6_smem_q##NQ = ix_smem(NQ, IX_STAGES6);
DSA_INDEXER_V6(1)
DSA_INDEXER_V6(2)
DSA_INDEXER_V6(4)

extern "C" __device__ const int dsa_indexer_fp8_v6_threads = 128;

// ---------------------------------------------------------------------------------------------
// v8: producer warp + two consumer warpgroups, persistent grid.
namespace {

constexpr int IX8_STAGES = 10;  // v8's key stages; a multiple of the consumer count (see the waits)
constexpr int IX8_CONSUMERS = 2;  // consumer warpgroups
constexpr int IX8_THREADS = 128 * (IX8_CONSUMERS + 1);
// Key scales of a block: a TMA tensor copy must start at a 16-byte-aligned global address (Hopper
// faults with an illegal instruction otherwise), and a block's first scale, at float b * P + 64 j,
// is not for P % 4 != 0. So the box starts at the aligned float at or below it and carries 4 more:
// 68 floats, of which the block's 64 begin at offset (b * P + 64 j) & 3.
constexpr int IX8_SBOX = IX_BK + 4;
// A stage's scale slot: the 272-byte box rounded up to the 128 bytes a TMA destination needs.
constexpr int IX8_SSLOT = (IX8_SBOX * 4 + 127) / 128 * 128;

constexpr int ix8_smem(int nq, int stages = IX8_STAGES) {
  // alignment slack + 2 query slots + key stages + stage scales + 2 weight slots + mbarriers
  return 1024 + 2 * nq * 8192 + stages * 8192 + stages * IX8_SSLOT + 2 * nq * 256 +
         (2 * stages + 2) * 8;
}

// Round idx12's knob on v8's body (v8 is SPAN = 64; its PTX is unchanged):
//   SPAN = 128 (v12b): a stage holds 128 keys (16 KB, one TMA box, 132 scales in one box), read by
//     both consumers (warpgroup wg multiplies keys wg * 64 .. wg * 64 + 63 of it), released by both
//     (256 arrivals): half the producer's copies, barrier operations and waits per byte.
// The scale box of a stage (span + 4 floats: see IX8_SBOX) and its slot, rounded to 128 bytes.
constexpr int ix12_sbox(int span) { return span + 4; }
constexpr int ix12_sslot(int span) { return (ix12_sbox(span) * 4 + 127) / 128 * 128; }
constexpr int ix12_smem(int nq, int stages, int span) {
  // alignment slack + 2 query slots + key stages + stage scales + 2 weight slots + mbarriers (full
  // and empty per stage, one per query slot)
  return 1024 + 2 * nq * 8192 + stages * span * 128 + stages * ix12_sslot(span) + 2 * nq * 256 +
         (2 * stages + 2) * 8;
}
constexpr int IX12B_STAGES = 6;  // v12b: 6 x 16 KB of keys (v8: 10 x 8 KB)

// 1D tensor copy (the key scales: a rank-1 map over all batch * P floats; c0 a multiple of 4, see
// IX8_SBOX) and a plain bulk copy (the head weights: contiguous, 16-byte aligned rows), both
// completing on bar.
__device__ __forceinline__ void ix8_tma_1d(uint32_t dst, const CUtensorMap* map, uint32_t bar,
                                           int c0) {
  asm volatile(
      "cp.async.bulk.tensor.1d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, "
      "{%3}], [%2];\n" ::"r"(dst),
      "l"(reinterpret_cast<uint64_t>(map)), "r"(bar), "r"(c0)
      : "memory");
}
__device__ __forceinline__ void ix8_tma_2d(uint32_t dst, const CUtensorMap* map, uint32_t bar,
                                           int c0, int c1) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, {%3, "
      "%4}], [%2];\n" ::"r"(dst),
      "l"(reinterpret_cast<uint64_t>(map)), "r"(bar), "r"(c0), "r"(c1)
      : "memory");
}
__device__ __forceinline__ void ix8_bulk(uint32_t dst, const void* src, uint32_t bytes,
                                         uint32_t bar) {
  asm volatile(
      "cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];\n" ::
          "r"(dst),
      "l"(src), "r"(bytes), "r"(bar)
      : "memory");
}

// The ring's waits. Check builds (-DDSA_MBAR_TIMEOUT_NS) name the first wait that times out before
// ending the kernel (a store to address 0, an illegal-address error): which barrier, its stage or
// query slot, the phase waited for, the item, the CTA and the thread, written to ix8_diag when the
// host has pointed it at mapped host memory (readable after the error has ended the context). No
// printf: a call in the consumer loop makes ptxas serialize the wgmma and drop the launch register
// count below what the setmaxnreg split needs.
enum Ix8Wait {
  IX8_FULL = 1,
  IX8_EMPTY = 2,
  IX8_QSLOT = 3,
  IX8_QREUSE = 4,
  IX8_LREADY = 5,  // v13*: a stage's staged logits written (the maxima warp waits)
  IX8_LFREE = 6    // v13*: a staging slot read by the maxima warp (the consumers wait)
};
#ifdef DSA_MBAR_TIMEOUT_NS
__device__ int* ix8_diag = nullptr;  // [8]: written, kind, stage, phase, item, items, block, thread
__device__ int ix8_diag_claim = 0;   // the first timed-out wait claims ix8_diag (a device atomic)
__device__ __forceinline__ void ix8_timed_out(int kind, int stage, int phase, int item, int n) {
  volatile int* const d = ix8_diag;
  if (d != nullptr && atomicCAS(&ix8_diag_claim, 0, 1) == 0) {
    d[1] = kind;
    d[2] = stage;
    d[3] = phase;
    d[4] = item;
    d[5] = n;
    d[6] = blockIdx.x;
    d[7] = threadIdx.x;
    __threadfence_system();
    d[0] = 1;
    __threadfence_system();
  }
  *(volatile int*)nullptr = 0;
}
#endif
__device__ __forceinline__ void ix8_wait(uint32_t bar, int phase, Ix8Wait kind, int stage, int item,
                                         int n) {
#ifdef DSA_MBAR_TIMEOUT_NS
  if (dsa::sm90::mbar_try_wait(bar, phase & 1)) return;
  const uint32_t start = dsa::sm90::globaltimer_lo();
  while (!dsa::sm90::mbar_try_wait(bar, phase & 1))
    if (dsa::sm90::globaltimer_lo() - start > (uint32_t)(DSA_MBAR_TIMEOUT_NS))
      ix8_timed_out(kind, stage, phase, item, n);
#else
  dsa::sm90::mbar_wait(bar, phase & 1);
#endif
}

// Round idx26's diagnostic (driver builds only, -DIX8_DIAG_TRACE): SM clock stamps of each item's
// phases, from thread 0 of each consumer warpgroup (role = warpgroup), of the first maxima warp
// (role 3, with three consumers) and of the producer (role 4), CTAs 0..3, items < 512:
// ix8_trace[((cta * 5 + role) * 512 + item) * 8 + phase].
#ifdef IX8_DIAG_TRACE
__device__ unsigned* ix8_trace = nullptr;
#define IX8_TR(k) tr[k] = (unsigned)clock()
// IX8_TR_STORE_IF: from the thread for which writer holds (IX8_TR_STORE: a warpgroup's thread 0).
#define IX8_TR_STORE_IF(writer, role, item)                                    \
  if (ix8_trace != nullptr && blockIdx.x < 4 && (writer) && (item) < 512) {    \
    unsigned* p_ = ix8_trace + ((blockIdx.x * 5 + (role)) * 512 + (item)) * 8; \
    for (int k_ = 0; k_ < 8; k_++) p_[k_] = tr[k_];                            \
  }
#else
#define IX8_TR(k)
#define IX8_TR_STORE_IF(writer, role, item)
#endif
#define IX8_TR_STORE(role, item) IX8_TR_STORE_IF((threadIdx.x & 127) == 0, role, item)

// The group maximum of the 8 keys on the lanes that share (lane & 3): fmaxf's max.f32 over 3 xor
// shuffles (v8g's arithmetic, so the same bits). Volatile asm keeps it where it is written, between
// the wgmma commit and wait asms (v8h), instead of where the compiler would schedule it.
__device__ __forceinline__ float ix8_group_max(float m) {
  asm volatile(
      "{\n\t.reg .f32 t;\n\t"
      "shfl.sync.bfly.b32 t, %0, 4, 0x1f, -1;\n\tmax.f32 %0, %0, t;\n\t"
      "shfl.sync.bfly.b32 t, %0, 8, 0x1f, -1;\n\tmax.f32 %0, %0, t;\n\t"
      "shfl.sync.bfly.b32 t, %0, 16, 0x1f, -1;\n\tmax.f32 %0, %0, t;\n\t}"
      : "+f"(m));
  return m;
}

// Round idx13 (v13bs; v13bg lost): v12b with its group maxima taken off the consumers altogether.
// v12bg's four redux.sync (a lost candidate) sat in each consumer warp's epilogue, and at one CTA
// per SM (two consumer warps per SM sub-partition, both in products or epilogue) every cycle there
// is a cycle of the item (kernels/NOTES.md, rounds idx12 / idx13). Here each consumer lane also
// writes its finished logit (-inf past P) into a per-stage staging slot in shared memory (one STS)
// and arrives on the slot's "ready" barrier; warp 1 of the producer warpgroup, idle in v12b, waits
// for it, reads the slot as float4 runs (4 keys per lane per query), finishes each 8-key group's
// max with one xor-1 shuffle and stores the maxima (64-byte runs per query), and releases the slot
// on its "free" barrier, which a consumer tests (mbarrier.test_wait, no block) before its wgmma
// wait and waits on only if the test failed, before it writes the slot STAGES items later. v13bs
// also moves the logits' global store to that warp (16-byte stores, 512 contiguous bytes per query
// and item, where P % 4 == 0): the consumer's epilogue keeps only the STS.
// Floats per query row of a staging slot for SPAN keys: the keys + 16 of padding (v13bs / v14g3e:
// 144), which keeps the consumers' STS on 32 distinct banks (the row is 16 mod 32 floats).
__host__ __device__ constexpr int ix13_row(int span) { return span + 16; }
// (the consumer lanes' STS, at 16 * (query) + 8 * (key half) + (lane >> 2), hit 32 distinct banks)
constexpr int ix13_smem(int nq, int stages, int span) {
  // v12b's layout + staging slots (STAGES x NQ rows) + a ready and a free barrier per stage
  return ix12_smem(nq, stages, span) + stages * nq * ix13_row(span) * 4 + 2 * stages * 8;
}
// Whether the phase of this parity has completed, without waiting (test_wait never suspends).
__device__ __forceinline__ bool ix13_test(uint32_t bar, int phase) {
  uint32_t done;
  asm volatile(
      "{\n.reg .pred p;\nmbarrier.test_wait.parity.shared::cta.b64 p, [%1], %2;\n"
      "selp.b32 %0, 1, 0, p;\n}\n"
      : "=r"(done)
      : "r"(bar), "r"(phase & 1)
      : "memory");
  return done != 0;
}

// v13*'s maxima warp (the producer warpgroup's warp 1): walks the CTA's items as the consumers do
// (v12b: every item is a 128-key pair read by both), and per item waits for the staged logits,
// reads 4 keys per lane and query (float4: lane l holds keys 4l .. 4l + 3 of the pair), releases
// the slot, finishes each group's max with the xor-1 neighbour (lanes 2i, 2i + 1 hold group i) and
// stores it: lane l the group l >> 1 of query l & 1 (NQ = 1: the even lanes). STORE (v13bs): it
// also stores the logits, 16 bytes per lane where every row is 16-byte aligned (P % 4 == 0), else
// one float at a time; keys past P and queries past T are never stored.
// MW (round idx14): MW maxima warps; this one takes items first, first + MW, ... (seg / blk are
// item first's), so each warp's issue work per item lands on its own SM sub-partition.
template <int NQ, bool STORE, int STAGES, int MW = 1, int SPAN = 2 * IX_BK>
__device__ __forceinline__ void ix13_maxima(const float* sStg, uint32_t ready0, uint32_t free0,
                                            float* __restrict__ logits, float* __restrict__ gmax,
                                            int seg, int blk, int n, int NB, int ntiles, int T,
                                            int P, int lane, int first = 0) {
  constexpr int ROW = ix13_row(SPAN);
  constexpr int CH = (SPAN + 127) / 128;  // 128-key chunks of an item (round idx27's v17g: 2)
  const int gs = (P + 7) >> 3;
  const bool vec = (P & 3) == 0;
  // Whether this lane holds keys of chunk ch (a last partial chunk, SPAN % 128 != 0, has fewer).
  auto active = [&](int ch) { return SPAN % 128 == 0 || ch + 1 < CH || lane < (SPAN % 128) / 4; };
  for (int li = first; li < n; li += MW) {
    const int s = li % STAGES;
#ifdef IX8_DIAG_TRACE
    unsigned tr[8] = {};
#endif
    IX8_TR(0);
    ix8_wait(ready0 + s * 8, li / STAGES, IX8_LREADY, s, li, n);
    IX8_TR(1);
    float4 x[CH][NQ];
    float m[CH][NQ];
#pragma unroll
    for (int ch = 0; ch < CH; ch++) {
#pragma unroll
      for (int qi = 0; qi < NQ; qi++) {
        x[ch][qi] =
            active(ch)
                ? *reinterpret_cast<const float4*>(sStg + (s * NQ + qi) * ROW + ch * 128 + 4 * lane)
                : make_float4(-INFINITY, -INFINITY, -INFINITY, -INFINITY);
        m[ch][qi] = fmaxf(fmaxf(x[ch][qi].x, x[ch][qi].y), fmaxf(x[ch][qi].z, x[ch][qi].w));
      }
    }
    // The loads' values are consumed above, so the slot's reads are done: the consumers may
    // overwrite it (the arrive releases them, too).
    dsa::sm90::mbar_arrive(free0 + s * 8);
    IX8_TR(2);
#pragma unroll
    for (int ch = 0; ch < CH; ch++)
#pragma unroll
      for (int qi = 0; qi < NQ; qi++)
        m[ch][qi] = fmaxf(m[ch][qi], __shfl_xor_sync(0xffffffffu, m[ch][qi], 1));
    const int b = seg / ntiles, t0 = (seg - b * ntiles) * NQ;
#pragma unroll
    for (int ch = 0; ch < CH; ch++) {
      const int qi = NQ == 2 ? (lane & 1) : 0;
      float mv = m[ch][0];
      if constexpr (NQ == 2) mv = (lane & 1) ? m[ch][1] : m[ch][0];
      const int t = t0 + qi;
      const int g = blk * (SPAN / 8) + ch * 16 + (lane >> 1);
      if (active(ch) && (NQ == 2 || (lane & 1) == 0) && t < T && g * 8 < P)
        gmax[(size_t)(b * T + t) * gs + g] = mv;
    }
    if constexpr (STORE) {
#pragma unroll
      for (int ch = 0; ch < CH; ch++) {
        const int key0 = blk * SPAN + ch * 128 + 4 * lane;
#pragma unroll
        for (int qi = 0; qi < NQ; qi++) {
          const int t = t0 + qi;
          if (!active(ch) || t >= T || key0 >= P) continue;
          float* const dst = logits + (size_t)(b * T + t) * P + key0;
          if (vec) {  // P % 4 == 0: key0 + 4 <= P too
            *reinterpret_cast<float4*>(dst) = x[ch][qi];
          } else {
            dst[0] = x[ch][qi].x;
            if (key0 + 1 < P) dst[1] = x[ch][qi].y;
            if (key0 + 2 < P) dst[2] = x[ch][qi].z;
            if (key0 + 3 < P) dst[3] = x[ch][qi].w;
          }
        }
      }
    }
    IX8_TR(3);
    IX8_TR_STORE_IF(lane == 0 && first == 0, 3, li);  // the first maxima warp as role 3
    if constexpr (MW == 1) {
      if (++blk == NB) {
        blk = 0;
        seg++;
      }
    } else {
      blk += MW;
      while (blk >= NB) {
        blk -= NB;
        seg++;
      }
    }
  }
}

// Round idx25's epilogue form (indexer_v8_body's FORM; 0 is v2's literal form):
//   IX_SPLIT (NQ = 2): each query's products in a commit group of its own (two m64n64k32 chains
//     instead of one m64n128k32), the first query's head sums run while the second's products do.
//     (Rounds idx25-idx33 also timed ReLU on the FMA pipe as a + |a| (IX_FADD) or half there
//     (IX_MIX), one barrier arrival per warp (IX_WARR) and the next item's products under this
//     one's head sums (IX_PIPE): none won, kernels/NOTES.md.)
constexpr int IX_SPLIT = 2;
// An entry's form for NQ queries (IX_SPLIT applies to NQ = 2 only).
__host__ __device__ constexpr int ix_form(int nq, int form) { return nq == 2 ? form : 0; }

// Maps (built by the host, CudaDsaOps.indexerV8): qMap [rows*64 heads, 128] e4m3, box 64 x 128,
// 128-byte swizzle; kMap [batch, P, 128] e4m3, box 1 x 64 x 128, 128-byte swizzle (keys past P
// read as zeros); sMap [batch * P] fp32, box IX8_SBOX (dsa_indexer_fp8_v8_scale_box).
// GMAX: 0 none (v8, v12b), 1 each item's maxima in its own epilogue (v8g), 2 finished under the
// next item's products (v8h), 4 by maxima warps of the producer warpgroup from logits staged in
// shared memory (v14g3e, v17g), 5 as 4 with that warp also storing the logits (v13bs, v17).
// (3, v12*g's maxima by redux.sync, lost and left.)
// SPAN: round idx12's producer knob (above ix12_smem); kMap's box is SPAN keys and sMap's
// ix12_sbox(SPAN) floats; with SPAN > 64 every stage is read by SPAN / 64 consumer warpgroups
// (v12b: 2, v17: 3).
// MW, MEMPTY (round idx14; v13bs: 1, false; v14g3e: 3, true): MW maxima warps (warps 1 .. MW of the
// producer warpgroup; item li is warp 1 + li % MW's); MEMPTY: the maxima warp releases a staging
// slot by arriving on the stage's empty barrier (128 per consumer + 32 arrivals) instead of a free
// barrier. The producer refills a stage only after that, and a consumer writes slot s for item li
// only after stage s's keys for li landed, so the consumers need no free test or wait at all.
// PP (round idx21, driver candidates; SHARED only): the two consumers issue their products in turn,
// warpgroup 0 first, through two named barriers (FA3's ping-pong): both read every stage, so
// without it they leave the same full-barrier wait together, their wgmmas share each SM
// sub-partition's tensor core and both epilogues then run with that core idle. Round idx21:
// v12b + PP (v12bp) 1.04-1.05x v12b at 64 x 2 @128K; with v14g3e's maxima warps (v14pp) no gain.
// FORM (round idx25; IX_SPLIT below): the products' commit groups.
template <int NQ, int GMAX, int STAGES = IX8_STAGES, int SPAN = IX_BK, int MW = 1,
          bool MEMPTY = false, bool PP = false, int FORM = 0>
__device__ __forceinline__ void indexer_v8_body(const CUtensorMap* qMap, const CUtensorMap* kMap,
                                                const CUtensorMap* sMap,
                                                const float* __restrict__ w,
                                                float* __restrict__ logits, int batch, int T, int P,
                                                float* __restrict__ gmax) {
  static_assert(NQ <= 2, "v8 keeps the head weights in registers: NQ <= 2");
  // Consumer warpgroups: v8's two, or (SHARED) one per 64 keys of a stage (v12b: 2; round idx27's
  // v17: 3, each with fewer registers; four lost in round idx27).
  constexpr int NC = SPAN == IX_BK ? IX8_CONSUMERS : SPAN / IX_BK;
  static_assert(SPAN != IX_BK || STAGES % NC == 0, "stage reuse must stay within one consumer");
  static_assert(GMAX != 3, "v12*g's redux maxima left the sources");
  static_assert(SPAN % IX_BK == 0 && NC >= 2 && NC <= 3, "a stage is one block per consumer");
  static_assert(!PP || NC == 2, "PP: two consumers in turn");
  constexpr int NACC = NQ * 32;
  constexpr int QBYTES = NQ * 8192;
  constexpr bool SHARED = SPAN != IX_BK;               // both consumers read every stage (v12b)
  constexpr int SKB = SPAN * 128;                      // key bytes per stage
  constexpr int SBOX = SPAN + 4;                       // ix12_sbox(SPAN)
  constexpr int SSLOT = (SBOX * 4 + 127) / 128 * 128;  // ix12_sslot(SPAN)
  constexpr int CSTEP = SHARED ? 1 : NC;  // items between a consumer's consecutive ones
  // Items whose release the producer waits for before refilling a query slot: one per consumer
  // that read the slot's tile (v8: 2; v12b: both release each).
  constexpr int QREADERS = !SHARED ? NC : 1;
  constexpr bool STAGED = GMAX >= 4;  // v13*: logits staged for the maxima warp
  static_assert(!STAGED || SHARED, "staged maxima: v12b's ring");
  constexpr int ROW = ix13_row(SPAN);  // staging row (STAGED)
  constexpr int STG_BYTES = STAGED ? STAGES * NQ * ROW * 4 : 0;
  static_assert(MW >= 1 && MW <= 3 && (MW == 1 || STAGED), "maxima warps: 1 .. 3 idle warps");
  static_assert(!MEMPTY || STAGED, "MEMPTY: staged maxima only");
  static_assert(!PP || SHARED, "PP: both consumers read every stage");
  constexpr bool SPLIT = (FORM & IX_SPLIT) != 0;
  static_assert(!SPLIT || NQ == 2, "IX_SPLIT: one commit group per query of two");

  extern __shared__ uint8_t smem_raw[];
  const uint32_t raw = dsak::smem_u32(smem_raw);
  const uint32_t base = (raw + 1023u) & ~1023u;
  uint8_t* const sgen = smem_raw + (base - raw);
  const uint32_t sQ = base;                 // 2 slots of QBYTES
  const uint32_t sK = sQ + 2 * QBYTES;      // STAGES x SKB
  const uint32_t sS = sK + STAGES * SKB;    // STAGES x SSLOT bytes
  const uint32_t sW = sS + STAGES * SSLOT;  // 2 slots of NQ x 64 floats
  const uint32_t sStg = sW + 2 * NQ * 256;  // v13*: STAGES x NQ rows of ROW floats
  const uint32_t sBar = sStg + STG_BYTES;
  float* const sStgG = reinterpret_cast<float*>(sgen + (sStg - base));
  const float* const sSg = reinterpret_cast<const float*>(sgen + (sS - base));
  const float* const sWg = reinterpret_cast<const float*>(sgen + (sW - base));
  auto fullBar = [&](int s) { return sBar + s * 8; };                    // keys of a stage landed
  auto emptyBar = [&](int s) { return sBar + (STAGES + s) * 8; };        // a stage's reader done
  auto qBar = [&](int slot) { return sBar + (2 * STAGES + slot) * 8; };  // a query slot landed
  // v13*: a stage's staged logits written by both consumers / read by the maxima warp.
  auto readyBar = [&](int s) { return sBar + (2 * STAGES + 2 + s) * 8; };
  auto freeBar = [&](int s) { return sBar + (3 * STAGES + 2 + s) * 8; };

  const int tid = threadIdx.x, lane = tid & 31, wg = tid >> 7, warp = (tid >> 5) & 3;
  const int ntiles = (T + NQ - 1) / NQ;
  const int NB = (P + SPAN - 1) / SPAN;  // every block (v12b: pair) of every tile (all visible)
  const long long total = (long long)batch * ntiles * NB;
  const long long first = total * blockIdx.x / gridDim.x;
  const int n = (int)(total * (blockIdx.x + 1) / gridDim.x - first);  // this CTA's contiguous run
  const int seg0 = (int)(first / NB), blk0 = (int)(first - (long long)seg0 * NB);

  if (tid == 0) {
    for (int s = 0; s < STAGES; s++) {
      dsa::sm90::mbar_init(fullBar(s), 1);
      // every thread of the consuming warpgroup (v12b: of both)
      // (MEMPTY: and the maxima warp's 32 lanes)
      dsa::sm90::mbar_init(emptyBar(s), (SHARED ? 128 * NC : 128) + (MEMPTY ? 32 : 0));
    }
    for (int q = 0; q < 2; q++) dsa::sm90::mbar_init(qBar(q), 1);
    if constexpr (STAGED) {
      for (int s = 0; s < STAGES; s++) {
        dsa::sm90::mbar_init(readyBar(s), 128 * NC);  // every consumer thread
        dsa::sm90::mbar_init(freeBar(s), 32);         // every lane of the maxima warp
      }
    }
    dsa::sm90::mbar_init_fence();
  }
  __syncthreads();

  if (wg == NC) {
    // ---- producer: one thread issues every copy (v13*: warps 1 .. MW make the group maxima); the
    // rest of the warpgroup leaves.
    dsa::sm90::regs_release<40>();
    if constexpr (STAGED) {
      if constexpr (MW == 1) {
        if (warp == 1) {
          ix13_maxima<NQ, GMAX == 5, STAGES, 1, SPAN>(sStgG, readyBar(0),
                                                      MEMPTY ? emptyBar(0) : freeBar(0), logits,
                                                      gmax, seg0, blk0, n, NB, ntiles, T, P, lane);
          return;
        }
      } else {
        if (warp >= 1 && warp <= MW) {
          // Item warp - 1 of the run: the CTA's first item is (seg0, blk0).
          int seg = seg0, blk = blk0 + warp - 1;
          while (blk >= NB) {
            blk -= NB;
            seg++;
          }
          ix13_maxima<NQ, GMAX == 5, STAGES, MW, SPAN>(
              sStgG, readyBar(0), MEMPTY ? emptyBar(0) : freeBar(0), logits, gmax, seg, blk, n, NB,
              ntiles, T, P, lane, warp - 1);
          return;
        }
      }
    }
    if (tid != NC * 128) return;
    dsa::sm90::tma_prefetch_map(qMap);
    dsa::sm90::tma_prefetch_map(kMap);
    dsa::sm90::tma_prefetch_map(sMap);
    const uint64_t stream = dsa::sm90::l2_evict_first();  // keys are read once
    int seg = seg0, blk = blk0, ls = -1, firstOfCur = 0;
    for (int li = 0; li < n; li++) {
      const int s = li % STAGES, round = li / STAGES;
#ifdef IX8_DIAG_TRACE
      unsigned tr[8] = {};
#endif
      IX8_TR(0);
      if (round > 0) ix8_wait(emptyBar(s), round - 1, IX8_EMPTY, s, li, n);
      IX8_TR(1);
      if (li == 0 || blk == 0) {
        // A new query tile: slot ls & 1 last held tile ls - 2, whose readers are the last
        // QREADERS items before tile ls - 1 began (one per consumer that read it); wait for their
        // release unless an earlier refill of their stage already did (then the stage moved on:
        // skip).
        ls++;
        if (ls >= 2) {
          for (int x = firstOfCur - QREADERS; x < firstOfCur; x++)
            if (x >= 0 && x + STAGES >= li)
              ix8_wait(emptyBar(x % STAGES), x / STAGES, IX8_QREUSE, x % STAGES, li, n);
        }
        firstOfCur = li;
        const int b = seg / ntiles, t0 = (seg - b * ntiles) * NQ;
        const int valid = min(NQ, T - t0);
        const uint32_t slot = ls & 1;
        dsa::sm90::mbar_arrive_expect_tx(qBar(slot), QBYTES + valid * 256);
#pragma unroll
        for (int qi = 0; qi < NQ; qi++)
          ix8_tma_2d(sQ + slot * QBYTES + qi * 8192, qMap, qBar(slot), 0, (b * T + t0 + qi) * 64);
        ix8_bulk(sW + slot * NQ * 256, w + (size_t)(b * T + t0) * 64, valid * 256, qBar(slot));
      }
      const int b = seg / ntiles;
      // Full boxes count whole, zero-filled past the tensor or not.
      dsa::sm90::mbar_arrive_expect_tx(fullBar(s), SKB + SBOX * 4);
      dsa::sm90::tma_load_3d_if(true, sK + s * SKB, kMap, fullBar(s), 0, blk * SPAN, b, stream);
      ix8_tma_1d(sS + s * SSLOT, sMap, fullBar(s), (b * P + blk * SPAN) & ~3);
      IX8_TR(2);
      IX8_TR_STORE(4, li);
      if (++blk == NB) {
        blk = 0;
        seg++;
      }
    }
    return;
  }

  // ---- consumers: warpgroup wg takes items wg, wg + 2, ...
  // The register file split (64K): 2 x 128 x 208 + 128 x 40; 3 x 128 x 152 + 128 x 40.
  dsa::sm90::regs_claim<NC == 2 ? 208 : 152>();
  const int b0 = lane & 1, b1 = (lane >> 1) & 1;
  const int half = NQ == 1 ? b0 : b1;
  const bool storer = NQ != 1 || b1 == 0;
  const int qOut = NQ == 1 ? 0 : b0;
  const int rowInBlock = warp * 16 + (lane >> 2) + 8 * half;
  float2 wr[NQ * 8];
  float d[NACC];
  // v8h: the previous item's unfinished group maximum and where lanes 0..3 store it (null: no
  // store).
  float pm = -INFINITY;
  float* pdst = nullptr;
  // v12b: every consumer reads every stage, its own 64 keys at wg * 64 of the stage's 128.
  const int half64 = SHARED ? wg * IX_BK : 0;
  int seg = seg0, blk = blk0 + (SHARED ? 0 : wg), mySeg = -1, b = 0, t0 = 0;
  // PP: warpgroup w waits on named barrier 1 + w before its products and arrives on the other's
  // after them; warpgroup 1's first arrival lets warpgroup 0 go first, and warpgroup 0 takes its
  // last one after the loop (both take every item, so the counts match).
  if constexpr (PP) {
    if (wg == 1) dsa::sm90::named_arrive(1, 256);
  }
  while (blk >= NB) {
    blk -= NB;
    seg++;
  }
  for (int li = SHARED ? 0 : wg; li < n; li += CSTEP) {
    const int s = li % STAGES;
#ifdef IX8_DIAG_TRACE
    unsigned tr[8] = {};
#endif
    IX8_TR(0);
    ix8_wait(fullBar(s), li / STAGES, IX8_FULL, s, li, n);
    IX8_TR(1);
    // This tile's ordinal among the CTA's: its query slot and phase.
    const int ls = seg - seg0;
    const int qslot = ls & 1;
    if (seg != mySeg) {
      // The slot's copy was issued before this item's keys (which have landed), and the slot
      // cannot be refilled before this warpgroup releases its last item of the tile.
      ix8_wait(qBar(qslot), ls >> 1, IX8_QSLOT, qslot, li, n);
      mySeg = seg;
      b = seg / ntiles;
      t0 = (seg - b * ntiles) * NQ;
      const float* wsl = sWg + qslot * NQ * 64 + (lane & 3) * 2;
#pragma unroll
      for (int qi = 0; qi < NQ; qi++)
#pragma unroll
        for (int c = 0; c < 8; c++)
          wr[qi * 8 + c] = *reinterpret_cast<const float2*>(wsl + qi * 64 + c * 8);
    }
    const uint64_t descA = dsak::wgmma_desc_sw128(sK + s * SKB + half64 * 128);
    const uint64_t descB = dsak::wgmma_desc_sw128(sQ + qslot * QBYTES);
    if constexpr (PP) dsa::sm90::named_sync(1 + wg, 256);
    IX8_TR(2);
    dsak::wgmma_fence();
#ifndef IX8_DIAG_MMA_OFF  // round idx23's diagnostic (driver builds only): no products
    if constexpr (SPLIT) {
#pragma unroll
      for (int qi = 0; qi < NQ; qi++) {
#pragma unroll
        for (int kk = 0; kk < 4; kk++)
          dsak::WgmmaE4M3<64>::mma(d + qi * 32, descA + 2 * kk,
                                   dsak::wgmma_desc_sw128(sQ + qslot * QBYTES + qi * 8192) + 2 * kk,
                                   kk > 0);
        dsak::wgmma_commit();
      }
    } else {
#pragma unroll
      for (int kk = 0; kk < 4; kk++)
        dsak::WgmmaE4M3<NQ * 64>::mma(d, descA + 2 * kk, descB + 2 * kk, kk > 0);
      dsak::wgmma_commit();
    }
#else
    dsak::wgmma_commit();
#endif
    if constexpr (PP) dsa::sm90::named_arrive(2 - wg, 256);
    IX8_TR(3);
    if constexpr (GMAX == 2) {
      // Under the products just issued: nothing here touches d.
      pm = ix8_group_max(pm);
      if (pdst != nullptr) *pdst = pm;
    }
    // v13*: whether the maxima warp has read this slot's logits of STAGES items ago, tested under
    // the products (the answer is needed only at the STS below).
    bool slotFree = true;
    if constexpr (STAGED && !MEMPTY)
      slotFree = li < STAGES || ix13_test(freeBar(s), li / STAGES - 1);

    // Epilogue: v6's, bit for bit (ReLU-weighted head sums in v2's order, quad reduce-scatter).
    float sum[NQ][2];
    auto headSums = [&](int qi) {
#ifndef IX8_DIAG_EPI_OFF  // round idx23's diagnostic (driver builds only): no head sums
#ifdef IX8_DIAG_EPI_HALF  // round idx24's: the first query's head sums only
      if (NQ > 1 && qi == NQ - 1) {
        sum[qi][0] = d[qi * 32];
        sum[qi][1] = d[qi * 32 + 1];
        return;
      }
#endif
      float s0 = 0.f, s1 = 0.f;
#pragma unroll
      for (int c = 0; c < 8; c++) {
        const float2 wv = wr[qi * 8 + c];
        const float* a = d + (qi * 8 + c) * 4;
        s0 = fmaf(fmaxf(a[0], 0.f), wv.x, s0);
        s0 = fmaf(fmaxf(a[1], 0.f), wv.y, s0);
        s1 = fmaf(fmaxf(a[2], 0.f), wv.x, s1);
        s1 = fmaf(fmaxf(a[3], 0.f), wv.y, s1);
      }
      sum[qi][0] = s0;
      sum[qi][1] = s1;
#else
      sum[qi][0] = d[qi * 32];
      sum[qi][1] = d[qi * 32 + 1];
#endif
    };
    if constexpr (SPLIT) {
      // The first query's sums under the second's products: the pins keep them before the wait.
      dsak::wgmma_wait<1>();
#pragma unroll
      for (int i = 0; i < 32; i++) asm volatile("" : "+f"(d[i])::"memory");
      headSums(0);
      // ptxas schedules register arithmetic across the wait freely (it moved these sums' FFMAs
      // after it); a shared store it may not move there pins them: never taken (P >= 0).
      asm volatile(
          "{\n.reg .pred p;\nsetp.lt.s32 p, %2, 0;\n@p st.shared.v2.f32 [%3], {%0, %1};\n}\n" ::"f"(
              sum[0][0]),
          "f"(sum[0][1]), "r"(P), "r"(sW)
          : "memory");
      dsak::wgmma_wait<0>();
#pragma unroll
      for (int i = 32; i < NACC; i++) asm volatile("" : "+f"(d[i])::"memory");
    } else {
      dsak::wgmma_wait<0>();
      // The asm above does not tell the compiler that d changes only at the wait: pin d here.
#pragma unroll
      for (int i = 0; i < NACC; i++) asm volatile("" : "+f"(d[i])::"memory");
    }
    IX8_TR(4);
    const float sc = sSg[s * (SSLOT / 4) + ((b * P + blk * SPAN) & 3) + half64 + rowInBlock];
    dsa::sm90::mbar_arrive(emptyBar(s));  // release: the products and the scale read are done
#pragma unroll
    for (int qi = SPLIT ? 1 : 0; qi < NQ; qi++) headSums(qi);
    IX8_TR(5);
    float o;
    if constexpr (NQ == 1) {
      const float keep = b0 ? sum[0][1] : sum[0][0], send = b0 ? sum[0][0] : sum[0][1];
      const float r = keep + __shfl_xor_sync(0xffffffffu, send, 1);
      o = r + __shfl_xor_sync(0xffffffffu, r, 2);
    } else {
      float r[2];
#pragma unroll
      for (int h = 0; h < 2; h++) {
        const float keep = b0 ? sum[1][h] : sum[0][h], send = b0 ? sum[0][h] : sum[1][h];
        r[h] = keep + __shfl_xor_sync(0xffffffffu, send, 1);
      }
      const float keep = b1 ? r[1] : r[0], send = b1 ? r[0] : r[1];
      o = keep + __shfl_xor_sync(0xffffffffu, send, 2);
    }
    const int kb = blk * SPAN + half64;  // this consumer's first key
    const int key = kb + rowInBlock;
    const int t = t0 + qOut;
    float m = -INFINITY;
    if constexpr (STAGED) {
      // The staged row holds every key of the pair: -inf past P (the maxima warp maxes whole
      // groups) and for a query past T (never read).
      const float v = key < P && t < T ? (key <= P - T + t ? o * sc : -INFINITY) : -INFINITY;
      if constexpr (GMAX == 4) {
        if (storer && t < T && key < P) logits[(size_t)(b * T + t) * P + key] = v;
      }
      if constexpr (!MEMPTY) {
        if (!slotFree) ix8_wait(freeBar(s), li / STAGES - 1, IX8_LFREE, s, li, n);
      }
      if (storer) sStgG[(s * NQ + qOut) * ROW + half64 + rowInBlock] = v;
      dsa::sm90::mbar_arrive(readyBar(s));  // release: the STS above is seen by the maxima warp
    } else if (storer && t < T && key < P) {
      const float v = key <= P - T + t ? o * sc : -INFINITY;
#ifdef IX8_DIAG_STG_OFF  // round idx24's diagnostic (driver builds only): no logits stores
      if (v == 1.2345e-30f)
#endif
        logits[(size_t)(b * T + t) * P + key] = v;
      m = v;
    }
    if constexpr (GMAX == 1) {
      m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, 4));
      m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, 8));
      m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, 16));
      const int g = ((kb + warp * 16) >> 3) + half;
      if (lane < 4 && storer && t < T && g * 8 < P)
        gmax[(size_t)(b * T + t) * ((P + 7) >> 3) + g] = m;
    } else if constexpr (GMAX == 2) {
      const int g = ((kb + warp * 16) >> 3) + half;
      pm = m;
      pdst = lane < 4 && storer && t < T && g * 8 < P
                 ? gmax + (size_t)(b * T + t) * ((P + 7) >> 3) + g
                 : nullptr;
    }
    IX8_TR(6);
    IX8_TR_STORE(wg, li);
    blk += CSTEP;
    while (blk >= NB) {
      blk -= NB;
      seg++;
    }
  }
  if constexpr (GMAX == 2) {  // the last item's maxima (the loop is uniform over the warpgroup)
    pm = ix8_group_max(pm);
    if (pdst != nullptr) *pdst = pm;
  }
  if constexpr (PP) {
    if (wg == 0) dsa::sm90::named_sync(1, 256);
  }
}

}  // namespace

// v8 (NQ = 1, 2; T >= 3 with four queries per tile runs v6's q4): IX8_THREADS threads (two
// consumer warpgroups + a producer warpgroup), dsa_indexer_fp8_v8_smem_q<NQ> bytes of dynamic
// shared memory, a grid of dsa_indexer_fp8_v8_ctas_per_sm CTAs per SM (persistent: each CTA takes
// an equal contiguous run of all batch x tiles x blocks items).
#define DSA_INDEXER_V8(NQ)                                                                \
  extern "C" __global__ void __launch_bounds__(IX8_THREADS, 1) dsa_indexer_fp8_v8_q##NQ(  \
      const __grid_constant__ CUtensorMap qMap, const __grid_constant__ CUtensorMap kMap, \
      const __grid_constant__ CUtensorMap sMap, const float* __restrict__ w,              \
      float* __restrict__ logits, int batch, int T, int P) {                              \
    indexer_v8_body<NQ, 0>(&qMap, &kMap, &sMap, w, logits, batch, T, P, nullptr);         \
  }                                                                                       \
  extern "C" __global__ void __launch_bounds__(IX8_THREADS, 1) dsa_indexer_fp8_v8g_q##NQ( \
      const __grid_constant__ CUtensorMap qMap, const __grid_constant__ CUtensorMap kMap, \
      const __grid_constant__ CUtensorMap sMap, const float* __restrict__ w,              \
      float* __restrict__ logits, int batch, int T, int P, float* __restrict__ gmax) {    \
    indexer_v8_body<NQ, 1>(&qMap, &kMap, &sMap, w, logits, batch, T, P, gmax);            \
  }                                                                                       \
  extern "C" __global__ void __launch_bounds__(IX8_THREADS, 1) dsa_indexer_fp8_v8h_q##NQ( \
      const __grid_constant__ CUtensorMap qMap, const __grid_constant__ CUtensorMap kMap, \
      const __grid_constant__ CUtensorMap sMap, const float* __restrict__ w,              \
      float* __restrict__ logits, int batch, int T, int P, float* __restrict__ gmax) {    \
    indexer_v8_body<NQ, 2>(&qMap, &kMap, &sMap, w, logits, batch, T, P, gmax);            \
  }                                                                                       \
  extern "C" __device__ const int dsa_indexer_fp8_v8_smem_q##NQ = ix8_smem(NQ);
DSA_INDEXER_V8(1)
DSA_INDEXER_V8(2)

// Round idx12's v12b (v8's launch: same grid, threads and maps, except its key box of 128 keys and
// scale box of 132 floats, exported below): one 128-key stage for both consumers; v8's parameters,
// shared memory dsa_indexer_fp8_<name>_smem_q<NQ>. PP: indexer_v8_body's (the driver's v12bp).
#define DSA_INDEXER_V12B(NAME, NQ, PP)                                                            \
  extern "C" __global__ void __launch_bounds__(IX8_THREADS, 1) dsa_indexer_fp8_##NAME##_q##NQ(    \
      const __grid_constant__ CUtensorMap qMap, const __grid_constant__ CUtensorMap kMap,         \
      const __grid_constant__ CUtensorMap sMap, const float* __restrict__ w,                      \
      float* __restrict__ logits, int batch, int T, int P) {                                      \
    indexer_v8_body<NQ, 0, IX12B_STAGES, 2 * IX_BK, 1, false, PP>(&qMap, &kMap, &sMap, w, logits, \
                                                                  batch, T, P, nullptr);          \
  }                                                                                               \
  extern "C" __device__ const int dsa_indexer_fp8_##NAME##_smem_q##NQ =                           \
      ix12_smem(NQ, IX12B_STAGES, 2 * IX_BK);
DSA_INDEXER_V12B(v12b, 1, false)
DSA_INDEXER_V12B(v12b, 2, false)
// Rounds idx13 / idx14: v12b with its group maxima from warps of the producer warpgroup
// (ix13_maxima): v13bs (one warp, which also stores the logits) and v14g3e (three warps, items
// dealt round robin, the consumers storing the logits as v12b, each staging slot released on its
// key stage's empty barrier: MW = 3, MEMPTY). v12b's launch and maps, v8g's parameters; shared
// memory dsa_indexer_fp8_<name>_smem_q<NQ> (equal for both). PP: as v12b's (the driver's v14pp).
#define DSA_INDEXER_V13(NAME, NQ, GMAX, MW, MEMPTY, PP)                                            \
  extern "C" __global__ void __launch_bounds__(IX8_THREADS, 1) dsa_indexer_fp8_##NAME##_q##NQ(     \
      const __grid_constant__ CUtensorMap qMap, const __grid_constant__ CUtensorMap kMap,          \
      const __grid_constant__ CUtensorMap sMap, const float* __restrict__ w,                       \
      float* __restrict__ logits, int batch, int T, int P, float* __restrict__ gmax) {             \
    indexer_v8_body<NQ, GMAX, IX12B_STAGES, 2 * IX_BK, MW, MEMPTY, PP>(&qMap, &kMap, &sMap, w,     \
                                                                       logits, batch, T, P, gmax); \
  }                                                                                                \
  extern "C" __device__ const int dsa_indexer_fp8_##NAME##_smem_q##NQ =                            \
      ix13_smem(NQ, IX12B_STAGES, 2 * IX_BK);
DSA_INDEXER_V13(v13bs, 1, 5, 1, false, false)
DSA_INDEXER_V13(v13bs, 2, 5, 1, false, false)
DSA_INDEXER_V13(v14g3e, 1, 4, 3, true, false)
DSA_INDEXER_V13(v14g3e, 2, 4, 3, true, false)
// Rounds idx27-idx34's v17: v12b with three consumer warpgroups on 192-key stages (SPAN = 192; each
// warpgroup one item's chain: wait, products, head sums, stores; round idx26's stamps put v12b's
// two chains at ~1270 cycles an item with the tensor core busy ~500 of them), each query's products
// in a commit group of its own (IX_SPLIT), and v13bs's maxima warps (three, MEMPTY), which also
// store the logits (GMAX 5): 1.15x v12b at 64 x 2 @128K (v17n, the same without maxima: 1.23x).
// v12b's maps with v17's boxes (192 keys, 196 scales), dsa_indexer_fp8_v17_threads threads.
// DSA_INDEXER_V17X: the driver's forms (GMAX 0: no maxima; 4: the consumers store the logits).
#define DSA_INDEXER_V17X(NAME, NQ, SPAN, STAGES, FORM, GMAX)                                  \
  extern "C" __global__ void __launch_bounds__(128 * (SPAN / IX_BK + 1), 1)                   \
      dsa_indexer_fp8_##NAME##_q##NQ(                                                         \
          const __grid_constant__ CUtensorMap qMap, const __grid_constant__ CUtensorMap kMap, \
          const __grid_constant__ CUtensorMap sMap, const float* __restrict__ w,              \
          float* __restrict__ logits, int batch, int T, int P, float* __restrict__ gmax) {    \
    indexer_v8_body<NQ, GMAX, STAGES, SPAN, GMAX >= 4 ? 3 : 1, GMAX >= 4, false,              \
                    ix_form(NQ, FORM)>(&qMap, &kMap, &sMap, w, logits, batch, T, P, gmax);    \
  }                                                                                           \
  extern "C" __device__ const int dsa_indexer_fp8_##NAME##_smem_q##NQ =                       \
      GMAX >= 4 ? ix13_smem(NQ, STAGES, SPAN) : ix12_smem(NQ, STAGES, SPAN);
constexpr int IX17_SPAN = 3 * IX_BK;  // v17: keys per stage, one 64-key block per consumer
constexpr int IX17_STAGES = 4;        // 4 x 24 KB of keys (5 and 6 stages were no faster)
DSA_INDEXER_V17X(v17, 1, IX17_SPAN, IX17_STAGES, IX_SPLIT, 5)
DSA_INDEXER_V17X(v17, 2, IX17_SPAN, IX17_STAGES, IX_SPLIT, 5)
extern "C" __device__ const int dsa_indexer_fp8_v17_threads = 128 * (IX17_SPAN / IX_BK + 1);
extern "C" __device__ const int dsa_indexer_fp8_v17_key_box = IX17_SPAN;
extern "C" __device__ const int dsa_indexer_fp8_v17_scale_box = ix12_sbox(IX17_SPAN);
// v12b / v13bs / v14g3e's map boxes: kMap 128 keys, sMap 132 floats (v8 / v8g / v8h: 64 and 68).
extern "C" __device__ const int dsa_indexer_fp8_v12b_key_box = 2 * IX_BK;
extern "C" __device__ const int dsa_indexer_fp8_v12b_scale_box = ix12_sbox(2 * IX_BK);

extern "C" __device__ const int dsa_indexer_fp8_v8_threads = IX8_THREADS;
extern "C" __device__ const int dsa_indexer_fp8_v8_ctas_per_sm = 1;
extern "C" __device__ const int dsa_indexer_fp8_v8_scale_box = IX8_SBOX;  // sMap's box, floats
