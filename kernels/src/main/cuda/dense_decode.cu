// Dense MLA decode in absorbed MQA mode (placeholder until the tensor-core kernel lands).
#include "common.cuh"
extern "C" __global__ void dense_decode_split(const __nv_bfloat16* q, const __nv_bfloat16* cache,
                                              __nv_bfloat16* out, float* partial_o, float* partial_lse,
                                              int tokens_per_seq, int position, int tiles_per_split,
                                              int splits, float scale) {
  __trap();
}
extern "C" __global__ void dense_decode_combine(__nv_bfloat16* out, const float* partial_o,
                                                const float* partial_lse, int splits) {
  __trap();
}
