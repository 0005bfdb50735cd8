#!/usr/bin/env bash
# One device call for kernel iteration (no Java): builds the standalone drivers in parallel, then
# checks and times the candidate kernels side by side. Results in $OUT (at most 8 files):
#   gpu.txt (device, driver, clocks), build.txt (ptxas registers/spills, SASS counts),
#   dense.txt (the shipped dense kernels: Hopper prefill v3 and decode v3, then the portable v1 of
#   other GPUs, JIT-compiled from its compute_80 PTX), sparse.txt, topk.txt.
# Usage (repo root, on the GPU machine): bash kernels/src/test/cuda/device-round.sh [dense] [sparse] [topk]
set -uo pipefail
OUT=${OUT:-/tmp/round}; mkdir -p "$OUT"
src=kernels/src/main/cuda t=kernels/src/test/cuda
what=${*:-dense sparse topk}
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv >"$OUT/gpu.txt"
(git rev-parse HEAD 2>/dev/null || echo "commit: see the call") >>"$OUT/gpu.txt"
date -u >>"$OUT/gpu.txt"
hopper=(-std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -Xptxas -v -I "$src")
dense() {
  # v3 drivers with mbarrier waits bounded at 2 s (a protocol bug fails one process, not the call)
  nvcc "${hopper[@]}" -DDSA_MBAR_TIMEOUT_NS=2000000000 "$t/dense_prefill_bench.cu" -o /tmp/dense_prefill 2>&1 &
  nvcc "${hopper[@]}" -DDSA_MBAR_TIMEOUT_NS=2000000000 "$t/dense_decode_bench.cu" "$src/sm90/decode/dense.cu" \
    "$src/fill.cu" -o /tmp/dense_decode 2>&1 &
  nvcc -std=c++17 -O3 -gencode arch=compute_80,code=compute_80 -I "$src" "$t/dense_bench.cu" "$src/fill.cu" \
    -o /tmp/dense_v1 2>&1 &
  wait
}
{
  [[ $what == *dense* ]] && { dense 2>&1 | grep -E "error|Compiling entry|registers|spill" >/tmp/b2.txt & }
  [[ $what == *sparse* || $what == *topk* ]] && { nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -Xptxas -v -I "$src" \
    "$t/dsa_bench.cu" -o /tmp/dsa_bench >/tmp/b3.txt 2>&1 & }
  for k in sm90/prefill/dense sm90/decode/dense dsa_sparse_mla; do
    nvcc -std=c++17 -O3 -cubin -gencode arch=compute_90a,code=sm_90a -I "$src" -o "/tmp/${k//\//_}.cubin" "$src/$k.cu" &
  done
  wait
} 2>/dev/null
for k in sm90_prefill_dense sm90_decode_dense dsa_sparse_mla; do
  cuobjdump --dump-sass /tmp/$k.cubin | awk -v m=$k '/Function : /{f=$3} /GMMA/{g[f]++} /HMMA/{h[f]++} /LDL|STL/{l[f]++} END{for(x in g) print m, x, "GMMA=" g[x], "HMMA=" h[x]+0, "LDL/STL=" l[x]+0}'
done >>"$OUT/build.txt"
{ echo "== dense"; cat /tmp/b2.txt; echo "== dsa_bench"; grep -E "error|Compiling entry|registers|spill" /tmp/b3.txt; } >>"$OUT/build.txt" 2>/dev/null
if [[ $what == *dense* ]]; then
  {
    timeout 120 /tmp/dense_prefill all    # prefill v3: 11 checks (3 launches each), then 7 timings
    timeout 60 /tmp/dense_decode check    # decode v3: 13 checks, then 11 timings
    timeout 120 /tmp/dense_decode time
    timeout 300 /tmp/dense_v1             # v1 (compute_80 PTX): prefill and decode checks, then timings
  } >"$OUT/dense.txt" 2>&1
fi
[[ $what == *sparse* ]] && /tmp/dsa_bench sparse >"$OUT/sparse.txt" 2>&1
[[ $what == *topk* ]] && /tmp/dsa_bench topk >"$OUT/topk.txt" 2>&1
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$OUT/gpu.txt"
tail -n 3 "$OUT"/*.txt
