// Hopper (sm_90a) synchronisation and copy primitives of the warp-specialized dense prefill:
// TMA tile loads that complete on an mbarrier, mbarrier waits, named barriers between warpgroups,
// and register reallocation between producer and consumer warpgroups. Thin PTX wrappers; the
// protocol that uses them is described in dense.cu.
#pragma once
#include <cuda.h>  // CUtensorMap (the 128-byte opaque map passed as a __grid_constant__ parameter)
#include <stdint.h>

#include "common.cuh"

namespace dsa::sm90 {

// ---- mbarrier (64-bit barrier objects in shared memory, addressed by their shared::cta offset) ----

DSA_DEVICE void mbar_init(uint32_t bar, uint32_t arrivals) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(bar), "r"(arrivals) : "memory");
}
// Makes the initialised barriers visible to the other threads and to the TMA unit (async proxy).
DSA_DEVICE void mbar_init_fence() {
  asm volatile("fence.mbarrier_init.release.cluster;\nfence.proxy.async.shared::cta;\n" ::: "memory");
}
DSA_DEVICE void mbar_arrive(uint32_t bar) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(bar) : "memory");
}
// One arrival plus `bytes` of transactions that the TMA loads issued next will complete.
DSA_DEVICE void mbar_arrive_expect_tx(uint32_t bar, uint32_t bytes) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(bar), "r"(bytes) : "memory");
}
DSA_DEVICE bool mbar_try_wait(uint32_t bar, uint32_t parity) {
  uint32_t done;
  asm volatile(
      "{\n.reg .pred p;\nmbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\nselp.b32 %0, 1, 0, p;\n}\n"
      : "=r"(done)
      : "r"(bar), "r"(parity)
      : "memory");
  return done != 0;
}
// Low 32 bits of the nanosecond timer: differences are right for intervals under 4.29 s.
DSA_DEVICE uint32_t globaltimer_lo() {
  uint32_t t;
  asm volatile("mov.u32 %0, %%globaltimer_lo;\n" : "=r"(t));
  return t;
}
// Waits until the phase of parity `parity` has completed (acquire: the arriving threads' writes and
// the completed TMA bytes are visible afterwards). A protocol bug would otherwise hang the GPU until
// the process is killed; built with DSA_MBAR_TIMEOUT_NS, a wait that long ends the kernel with an
// illegal-address error instead (a store to address 0: a `trap` anywhere in a consumer's loop makes
// ptxas spill its accumulators and serialize its wgmma, the store does not).
DSA_DEVICE void mbar_wait(uint32_t bar, uint32_t parity) {
  if (mbar_try_wait(bar, parity)) return;
#ifdef DSA_MBAR_TIMEOUT_NS
  static_assert((DSA_MBAR_TIMEOUT_NS) < 4000000000ull, "DSA_MBAR_TIMEOUT_NS: under 4 s");
  const uint32_t start = globaltimer_lo();
  while (!mbar_try_wait(bar, parity))
    if (globaltimer_lo() - start > (uint32_t)(DSA_MBAR_TIMEOUT_NS)) *(volatile int*)nullptr = 0;
#else
  while (!mbar_try_wait(bar, parity)) {
  }
#endif
}

// ---- TMA ----

DSA_DEVICE void tma_prefetch_map(const CUtensorMap* map) {
  asm volatile("prefetch.tensormap [%0];\n" ::"l"(reinterpret_cast<uint64_t>(map)) : "memory");
}
// Box at coordinates (c0, c1, c2), innermost first, of a rank-3 tensor map into shared memory at
// `dst`; its bytes complete_tx on barrier `bar`. Elements outside the tensor arrive as zeros.
DSA_DEVICE void tma_load_3d(uint32_t dst, const CUtensorMap* map, uint32_t bar, int c0, int c1, int c2) {
  asm volatile(
      "cp.async.bulk.tensor.3d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, {%3, %4, %5}], "
      "[%2];\n" ::"r"(dst),
      "l"(reinterpret_cast<uint64_t>(map)), "r"(bar), "r"(c0), "r"(c1), "r"(c2)
      : "memory");
}

// The same box fetched into L2 only (no shared memory, no barrier): warms L2 ahead of the load.
DSA_DEVICE void tma_prefetch_3d(const CUtensorMap* map, int c0, int c1, int c2) {
  asm volatile("cp.async.bulk.prefetch.tensor.3d.L2.global [%0, {%1, %2, %3}];\n" ::"l"(
                   reinterpret_cast<uint64_t>(map)),
               "r"(c0), "r"(c1), "r"(c2)
               : "memory");
}

// ---- warpgroups ----

// Named barrier `id` (1..15; 0 is __syncthreads) over `threads` threads: sync waits, arrive does not.
DSA_DEVICE void named_sync(int id, int threads) {
  asm volatile("bar.sync %0, %1;\n" ::"r"(id), "r"(threads) : "memory");
}
DSA_DEVICE void named_arrive(int id, int threads) {
  asm volatile("bar.arrive %0, %1;\n" ::"r"(id), "r"(threads) : "memory");
}
// Per-thread register budget of the executing warpgroup (all its threads execute it together).
template <int REGS>
DSA_DEVICE void regs_release() {
  asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\n" ::"n"(REGS));
}
template <int REGS>
DSA_DEVICE void regs_claim() {
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\n" ::"n"(REGS));
}

}  // namespace dsa::sm90
