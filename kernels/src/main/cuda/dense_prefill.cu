// Dense MLA prefill in MHA mode (placeholder until the tensor-core kernel lands).
#include "common.cuh"
extern "C" __global__ void dense_prefill(const __nv_bfloat16* q, const __nv_bfloat16* k,
                                         const __nv_bfloat16* v, __nv_bfloat16* out, int tokens,
                                         int position, float scale) {
  __trap();
}
