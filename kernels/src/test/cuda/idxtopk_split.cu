// The split top-k (sm90/topk/split.cu) in its own translation unit: its helpers share names with
// dsa_topk.cu's, which idxtopk_bench.cu includes. Host wrappers for the driver.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>

#include "sm90/topk/split.cu"

int split_slice(int v) { return v == 0 ? 8192 : 16384; }
int split_smem(int v) { return v == 0 ? (int)sizeof(SplitSmem<8192>) : (int)sizeof(SplitSmem<16384>); }
int split_cap() { return CAPG; }
const char* split_name(int v) { return v == 0 ? "split8k" : "split16k"; }

// The state the kernel needs: per row a 4-int header (zero when allocated) and 2 * CAPG ints of
// scratch, at a place that depends on the row alone.
size_t split_state_ints(int rows) { return (size_t)rows * ROW_INTS; }

void split_prepare() {
  for (int v = 0; v < 2; v++) {
    cudaError_t e = cudaFuncSetAttribute(v == 0 ? dsa_topk_split8k : dsa_topk_split16k,
                                         cudaFuncAttributeMaxDynamicSharedMemorySize, split_smem(v));
    if (e != cudaSuccess) {
      fprintf(stderr, "cudaFuncSetAttribute(split %d): %s\n", v, cudaGetErrorString(e));
      exit(3);
    }
  }
}

void split_launch(int v, const float* logits, int* idx, int* state, int rows, int T, int P, int k) {
  const int slice = split_slice(v);
  dim3 grid((P + slice - 1) / slice, rows);
  if (v == 0) {
    dsa_topk_split8k<<<grid, THREADS, split_smem(0)>>>(logits, idx, state, T, P, k);
  } else {
    dsa_topk_split16k<<<grid, THREADS, split_smem(1)>>>(logits, idx, state, T, P, k);
  }
}
