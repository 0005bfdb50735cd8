#!/usr/bin/env bash
# On a GPU machine (nvcc, no Java): build the standalone driver of the portable dense kernels
# (version 1 on mma.sync, sm80/prefill/dense.cu and sm80/decode/dense.cu) as they ship, compute_80
# PTX that the driver JIT-compiles for the GPU it finds; record ptxas resources and SASS counts of
# that compilation for sm_90; check both kernels against the naive fp32 reference, then time them.
# The Hopper kernels have their own scripts: round-dense-prefill.sh, round-dense-decode.sh.
# Usage: kernels/src/test/cuda/run-dense.sh OUTDIR [quick]   (quick: checks only)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../../main/cuda
out=${1:-/tmp/dense-out}
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv | tee "$out/gpu.txt"
for k in prefill decode; do
  nvcc -std=c++17 -O3 -cubin -gencode arch=compute_80,code=sm_90 -Xptxas -v -I "$src" -o "/tmp/dense-v1-$k.cubin" \
    "$src/sm80/$k/dense.cu" 2>&1 | grep -E 'Compiling entry|registers|spill|arning' | tee -a "$out/ptxas.txt"
  s=$(cuobjdump --dump-sass "/tmp/dense-v1-$k.cubin")
  echo "sm80/$k/dense (compute_80 -> sm_90): HMMA=$(grep -c HMMA <<<"$s") LDSM=$(grep -c LDSM <<<"$s") LDL=$(grep -c LDL <<<"$s")" \
    | tee -a "$out/sass.txt"
done
nvcc -std=c++17 -O3 -gencode arch=compute_80,code=compute_80 -I "$src" -o /tmp/dense_bench_v1 "$here/dense_bench.cu" \
  "$src/fill.cu" 2>&1 | grep -v -E '^$'
if [ "${2:-}" = quick ]; then
  /tmp/dense_bench_v1 quick 2>&1 | tee "$out/check_v1.txt"
else
  /tmp/dense_bench_v1 2>&1 | tee "$out/bench_v1.txt"
fi
