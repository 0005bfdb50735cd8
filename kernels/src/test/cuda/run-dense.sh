#!/usr/bin/env bash
# On a GPU machine (nvcc, no Java): build the dense kernels' standalone driver, record resource use
# and SASS evidence, check and time. Usage: kernels/src/test/cuda/run-dense.sh OUTDIR [quick]
# Builds version 2 (wgmma; the driver also checks and times the pipelined prefill 2p) and version 1 (mma.sync,
# -DDSA_NO_WGMMA); checks both, times version 2. -DDSA_PREFILL_WGS=1 builds the one-warpgroup prefill.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../../main/cuda
out=${1:-/tmp/dense-out}
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv | tee "$out/gpu.txt"
for k in dense_prefill dense_decode; do
  nvcc -std=c++17 -O3 -cubin -gencode arch=compute_90a,code=sm_90a -Xptxas -v -I "$src" -o "/tmp/$k.cubin" "$src/$k.cu" 2>&1 | grep -E 'Function properties|registers|spill|arning' | tee -a "$out/ptxas.txt"
  s=$(cuobjdump --dump-sass /tmp/$k.cubin)
  echo "$k sm_90a: HGMMA=$(grep -c HGMMA <<<"$s") HMMA=$(grep -c HMMA <<<"$s") LDSM=$(grep -c LDSM <<<"$s") LDL=$(grep -c LDL <<<"$s")" | tee -a "$out/sass.txt"
done
build() { nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I "$src" "$@" "$here/dense_bench.cu" \
  "$src/dense_prefill.cu" "$src/dense_decode.cu" "$src/fill.cu" 2>&1 | grep -v -E 'Remark|^$|warning #177|declared but never|^ *\^|constexpr' ; }
build -o /tmp/bench_v2 &
build -o /tmp/bench_v1 -DDSA_NO_WGMMA &
wait
/tmp/bench_v2 2>&1 | tee "$out/bench_v2.txt"
[ "${2:-}" = quick ] && exit 0
/tmp/bench_v1 quick 2>&1 | tee "$out/check_v1.txt"
