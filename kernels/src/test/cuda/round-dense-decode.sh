#!/usr/bin/env bash
# One device round for the dense decode (no Java): builds dense_decode_bench in four variants in
# parallel (release and -DDSA_MBAR_TIMEOUT_NS=2000000000, whose mbarrier waits trap after 2 s
# instead of hanging, each for the shipped v3 and for candidate v3b = v3 without the L2
# evict-first hint on KV tiles), records ptxas resources and SASS counts, checks v3 and v3b
# against the naive fp32 reference, then times them side by side.
# Everything goes to $OUT/dense-decode.txt; a summary table ends on stdout.
# Usage (repo root, GPU machine): OUT=/some/dir bash kernels/src/test/cuda/round-dense-decode.sh
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
f=$OUT/dense-decode.txt
src=kernels/src/main/cuda t=kernels/src/test/cuda
b=$(mktemp -d /tmp/dense-decode.XXXX)
start=$(date +%s)
{
  echo "== dense-decode round, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,temperature.gpu --format=csv
  nvcc --version | tail -n 2 | head -n 1
} >"$f" 2>&1

flags=(-std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I "$src")
# Shared objects once; dense.cu once per variant (its cubin also gives the ptxas lines), then links.
nvcc "${flags[@]}" -c -o "$b/bench.o" "$t/dense_decode_bench.cu" >"$b/build-bench.txt" 2>&1 &
nvcc "${flags[@]}" -c -o "$b/fill.o" "$src/fill.cu" >"$b/build-fill.txt" 2>&1 &
variants=("release:" "trap:-DDSA_MBAR_TIMEOUT_NS=2000000000" "b:-DDSA_V3_EVICT_FIRST=0"
  "b-trap:-DDSA_V3_EVICT_FIRST=0 -DDSA_MBAR_TIMEOUT_NS=2000000000")
for v in "${variants[@]}"; do
  name=${v%%:*} defs=${v#*:}
  nvcc "${flags[@]}" $defs -c -Xptxas -v -o "$b/v3-$name.o" "$src/sm90/decode/dense.cu" >"$b/ptxas-v3-$name.txt" 2>&1 &
  nvcc "${flags[@]}" $defs -cubin -o "$b/v3-$name.cubin" "$src/sm90/decode/dense.cu" >/dev/null 2>&1 &
done
wait
for v in "${variants[@]}"; do
  name=${v%%:*}
  nvcc "${flags[@]}" -o "$b/bench-$name" "$b/bench.o" "$b/v3-$name.o" "$b/fill.o" >"$b/link-$name.txt" 2>&1 &
done
wait
{
  echo "== build ($(($(date +%s) - start)) s)"
  cat "$b"/build-*.txt "$b"/link-*.txt | grep -iE 'error|warning' | head -n 20
  for x in release trap b b-trap; do [ -x "$b/bench-$x" ] || echo "bench-$x: NOT BUILT"; done
  echo "== ptxas (sm_90a)"
  for x in v3-release v3-trap v3-b v3-b-trap; do
    echo "-- $x"
    grep -E 'Compiling entry|registers|spill|serialized|error' "$b/ptxas-$x.txt" | sed 's/^ptxas info *: //'
  done
  echo "== SASS instruction counts per kernel"
  for x in v3-release v3-b; do
    [ -f "$b/$x.cubin" ] || { echo "$x: no cubin"; continue; }
    cuobjdump --dump-sass "$b/$x.cubin" | awk -v m="$x" '
      /Function : / { fn = $3; seen[fn] = 1 }
      / HGMMA/ { g[fn]++ } / HMMA/ { h[fn]++ } / LDL| STL/ { l[fn]++ } /UTMALDG/ { t[fn]++ }
      /SYNCS/ { s[fn]++ } / BAR/ { bar[fn]++ } /WARPGROUP/ { wg[fn]++ } /MUFU.EX2/ { e[fn]++ }
      END { for (x in seen) printf "%s %s HGMMA=%d HMMA=%d LDL/STL=%d UTMALDG=%d SYNCS=%d BAR=%d WARPGROUP=%d MUFU.EX2=%d\n",
            m, x, g[x], h[x], l[x], t[x], s[x], bar[x], wg[x], e[x] }'
  done
} >>"$f" 2>&1

run() {  # run LABEL BINARY ARGS...: a hang or a crash costs one process, never the round
  local label=$1 bin=$2
  shift 2
  echo "== $label: $bin $*" >>"$f"
  if [ ! -x "$bin" ]; then
    echo "NOT BUILT" >>"$f"
    return 3
  fi
  timeout 60 "$bin" "$@" 2>&1 | sed "s/^TIME v3 /TIME $label /; s/^CHECK v3 /CHECK $label /" >>"$f"
  local rc=${PIPESTATUS[0]}
  echo "-- exit $rc$([ "$rc" = 124 ] && echo ' (timeout)')" >>"$f"
  return "$rc"
}

run schedule "$b/bench-release" schedule
run v3 "$b/bench-trap" check
v3ok=$?
run v3b "$b/bench-b-trap" check
v3bok=$?
# A candidate that failed its checks is timed in its trap build, which cannot hang.
if [ $v3ok = 0 ]; then run v3 "$b/bench-release" time; else run v3 "$b/bench-trap" time; fi
if [ $v3bok = 0 ]; then run v3b "$b/bench-b" time; else run v3b "$b/bench-b-trap" time; fi
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$f" 2>&1
echo "== total $(($(date +%s) - start)) s" >>"$f"

# Summary: checks, then one row per shape: ms and TFLOP/s of each kernel, v3b / v3, v3 / FlashMLA
# (FlashMLA on the same kind of H200: 0.470 ms at 64 x 1 x 16K, 3.40 ms at 64 x 1 x 128K).
{
  echo "dense-decode round: $(grep -c '^CHECK .*PASS$' "$f") checks passed, $(grep -c '^CHECK .*FAIL$' "$f") failed, $(grep -c '(timeout)' "$f") timeouts"
  grep -E '^CHECKS|^SCHEDULE [0-9]' "$f"
  awk '
    /^TIME / {
      k = $2; shape = $3 " " $4 " " $5
      for (i = 6; i <= NF; i++) { if ($(i+1) == "ms") ms[k, shape] = $i; if ($(i+1) == "TFLOP/s") tf[k, shape] = $i }
      if (!(shape in seen)) { seen[shape] = 1; order[++n] = shape }
    }
    END {
      fm["b=64 t=1 p=16384"] = 0.470; fm["b=64 t=1 p=131072"] = 3.40
      printf "%-22s %10s %8s %10s %8s %7s %9s\n", "shape", "v3 ms", "TFLOP/s", "v3b ms", "TFLOP/s", "v3b/v3", "v3/FlashMLA"
      for (i = 1; i <= n; i++) {
        s = order[i]
        r = (ms["v3", s] > 0 && ms["v3b", s] > 0) ? sprintf("%.2fx", ms["v3", s] / ms["v3b", s]) : "-"
        f = (s in fm && ms["v3", s] > 0) ? sprintf("%.2fx", fm[s] / ms["v3", s]) : "-"
        printf "%-22s %10s %8s %10s %8s %7s %9s\n", s, ms["v3", s], tf["v3", s], ms["v3b", s], tf["v3b", s], r, f
      }
    }' "$f"
} | tee -a "$f"
rm -rf "$b"
