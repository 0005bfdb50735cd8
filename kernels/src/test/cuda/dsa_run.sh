#!/usr/bin/env bash
# One device call: build the DSA kernels and the driver, record registers/spills and SASS
# instruction counts, run the checks and the benchmarks. Results land in $OUT (or ./out/dsa).
# `dsa_run.sh topk`: only the shipped top-k (every check, then timings); its ptxas lines are recorded
# from the driver's own build.
set -uo pipefail
OUT=${OUT:-out/dsa}; mkdir -p "$OUT"
src=kernels/src/main/cuda
mode=${1:-all}
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv | tee "$OUT/device.txt"
(git rev-parse HEAD 2>/dev/null || cat dist/COMMIT out/dsa-dist/COMMIT 2>/dev/null || echo "commit unknown (no .git on the device)") | tee -a "$OUT/device.txt"
if [ "$mode" != topk ]; then
for k in dsa_indexer dsa_topk dsa_sparse_mla; do
  nvcc -std=c++17 -O3 -lineinfo -cubin -gencode arch=compute_90a,code=sm_90a -Xptxas -v \
    -o "$OUT/$k.cubin" "$src/$k.cu" 2>&1 | grep -E "Compiling|registers|spill" >>"$OUT/ptxas.txt"
  cuobjdump --dump-sass "$OUT/$k.cubin" >"$OUT/$k.sass" 2>&1
  for f in $(grep -o 'Function : [a-z_0-9]*' "$OUT/$k.sass" | awk '{print $3}'); do
    awk -v f="$f" '/Function : /{on=($3==f)} on' "$OUT/$k.sass" >/tmp/f.sass
    echo "$f HMMA=$(grep -c 'HMMA' /tmp/f.sass) QMMA=$(grep -c 'QMMA' /tmp/f.sass) GMMA=$(grep -c 'GMMA' /tmp/f.sass) LDSM=$(grep -c 'LDSM' /tmp/f.sass) LDL=$(grep -c 'LDL' /tmp/f.sass) STL=$(grep -c 'STL' /tmp/f.sass) lines=$(wc -l </tmp/f.sass)"
    grep -m2 -E 'GMMA|HMMA' /tmp/f.sass >>"$OUT/sass_samples.txt"
  done | tee -a "$OUT/sass_counts.txt"
  rm -f "$OUT/$k.cubin" "$OUT/$k.sass"
done
cat "$OUT/ptxas.txt"
fi
nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -Xptxas -v -I "$src" kernels/src/test/cuda/dsa_bench.cu \
  -o /tmp/dsa_bench >"$OUT/bench_build.txt" 2>&1
grep -E "error" "$OUT/bench_build.txt"
if [ "$mode" = topk ]; then   # registers / spills of the top-k kernel in the driver's build
  grep -E -A3 "Compiling entry function 'dsa_topk'" "$OUT/bench_build.txt" |
    grep -E "Compiling|registers|spill" | sed -e 's/ptxas info *: //' | tee "$OUT/ptxas_topk.txt"
fi
/tmp/dsa_bench "$mode" 2>&1 | tee "$OUT/bench.txt"
