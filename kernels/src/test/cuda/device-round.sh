#!/usr/bin/env bash
# One device call for kernel iteration (no Java): builds the standalone drivers in parallel, then
# checks and times the candidate kernels side by side. Results in $OUT (at most 8 files):
#   gpu.txt (device, driver, clocks), build.txt (ptxas registers/spills, SASS counts),
#   dense.txt (prefill v2, then the pipelined v2p), sparse.txt, topk.txt.
# Usage (repo root, on the GPU machine): bash kernels/src/test/cuda/device-round.sh [dense] [sparse] [topk]
set -uo pipefail
OUT=${OUT:-/tmp/round}; mkdir -p "$OUT"
src=kernels/src/main/cuda t=kernels/src/test/cuda
what=${*:-dense sparse topk}
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv >"$OUT/gpu.txt"
(git rev-parse HEAD 2>/dev/null || echo "commit: see the call") >>"$OUT/gpu.txt"
date -u >>"$OUT/gpu.txt"
dense() { nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -Xptxas -v -I "$src" "$@" "$t/dense_bench.cu" \
  "$src/dense_prefill.cu" "$src/dense_decode.cu" "$src/fill.cu" 2>&1 | grep -E "error|Compiling entry|registers|spill"; }
{
  [[ $what == *dense* ]] && { dense -o /tmp/dense >/tmp/b2.txt & }
  [[ $what == *sparse* || $what == *topk* ]] && { nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -Xptxas -v -I "$src" \
    "$t/dsa_bench.cu" -o /tmp/dsa_bench >/tmp/b3.txt 2>&1 & }
  for k in dense_prefill dsa_sparse_mla; do
    nvcc -std=c++17 -O3 -cubin -gencode arch=compute_90a,code=sm_90a -DDSA_PREFILL_BN=128 -I "$src" -o /tmp/$k.cubin "$src/$k.cu" &
  done
  wait
} 2>/dev/null
for k in dense_prefill dsa_sparse_mla; do
  cuobjdump --dump-sass /tmp/$k.cubin | awk -v m=$k '/Function : /{f=$3} /GMMA/{g[f]++} /HMMA/{h[f]++} /LDL|STL/{l[f]++} END{for(x in g) print m, x, "GMMA=" g[x], "HMMA=" h[x]+0, "LDL/STL=" l[x]+0}'
done >>"$OUT/build.txt"
{ echo "== dense"; cat /tmp/b2.txt; echo "== dsa_bench"; grep -E "error|Compiling entry|registers|spill" /tmp/b3.txt; } >>"$OUT/build.txt" 2>/dev/null
if [[ $what == *dense* ]]; then
  /tmp/dense prefill >"$OUT/dense.txt" 2>&1   # v2 (128-key tiles), then v2p, checked and timed
fi
[[ $what == *sparse* ]] && /tmp/dsa_bench sparse >"$OUT/sparse.txt" 2>&1
[[ $what == *topk* ]] && /tmp/dsa_bench topk >"$OUT/topk.txt" 2>&1
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$OUT/gpu.txt"
tail -n 3 "$OUT"/*.txt
