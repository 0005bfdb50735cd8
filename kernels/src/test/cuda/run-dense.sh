#!/usr/bin/env bash
# On a GPU machine (nvcc, no Java): build the dense kernels' standalone driver, record resource use
# and SASS evidence, check and time. Usage: kernels/src/test/cuda/run-dense.sh OUTDIR [quick]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../../main/cuda
out=${1:-/tmp/dense-out}
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv | tee "$out/gpu.txt"
for k in dense_prefill dense_decode; do
  nvcc -std=c++17 -O3 -cubin -gencode arch=compute_90a,code=sm_90a -Xptxas -v -I "$src" -o "/tmp/$k.cubin" "$src/$k.cu" 2>&1 | grep -E 'Function properties|registers|spill' | tee -a "$out/ptxas.txt"
  echo "$k: HMMA=$(cuobjdump --dump-sass /tmp/$k.cubin | grep -c HMMA) HGMMA=$(cuobjdump --dump-sass /tmp/$k.cubin | grep -c HGMMA) LDSM=$(cuobjdump --dump-sass /tmp/$k.cubin | grep -c LDSM) LDL=$(cuobjdump --dump-sass /tmp/$k.cubin | grep -c LDL)" | tee -a "$out/sass.txt"
done
nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I "$src" -o /tmp/dense_bench "$here/dense_bench.cu" \
  "$src/dense_prefill.cu" "$src/dense_decode.cu" "$src/fill.cu" 2>&1 | grep -v -E 'Remark|^$' || true
/tmp/dense_bench ${2:-} 2>&1 | tee "$out/bench.txt"
