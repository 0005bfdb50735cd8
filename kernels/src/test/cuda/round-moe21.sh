#!/usr/bin/env bash
# Device round of the MoE router (moe/router.cu) and SwiGLU + fp8 quantisation (moe/swiglu_quant.cu),
# issue 21; no Java: run from the repo root on the GPU machine with $OUT set. Builds moe_bench and
# the two modules as the product builds them (sm_90a cubin + compute_80 PTX), records ptxas lines
# and SASS counts, checks both kernels against naive references (router r64 at m 1, 37, 256, 4097
# and forced split counts, the r128 candidate at m 37, 300, 4097 and forced splits, two calls each;
# swiglu bit for bit at m 1, 37, 256, 4097, 300, and its 1- and 4-rows-per-thread candidates), then
# times the router (r64 and r128) at m 256 / 4096 / 16384 (and r64 at m 256 with forced splits)
# and swiglu (rows per thread 2, 1, 4) at 2048 x 2048, 16384 x 2048, 16384 x 18432. Everything goes to $OUT/moe21.txt; a summary ends stdout. Every run
# is under `timeout`; a failing check does not stop the timings.
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
log=$OUT/moe21.txt
src=kernels/src/main/cuda t=kernels/src/test/cuda
tmp=$(mktemp -d)
start=$SECONDS
: >"$log"
{
  echo "== device"
  nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem --format=csv
  git rev-parse HEAD 2>/dev/null || echo "commit: see the call"
  date -u
} >>"$log" 2>&1

flags=(-std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -Xptxas -v -I "$src")
nvcc "${flags[@]}" -o "$tmp/moe_bench" "$t/moe_bench.cu" >"$tmp/b1.txt" 2>&1 &
# The check build: the router also hands back the logits it selected from (product and selection
# checked apart).
nvcc "${flags[@]}" -DMOE_ROUTER_DEBUG_LOGITS -o "$tmp/moe_check" "$t/moe_bench.cu" >"$tmp/b2.txt" 2>&1 &
for m in moe/router moe/swiglu_quant; do
  n=${m//\//_}
  nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/$n.cubin" "$src/$m.cu" >"$tmp/$n.ptxas" 2>&1 &
  nvcc -std=c++17 -O3 -I "$src" -ptx -arch=compute_80 -o "$tmp/$n.ptx" "$src/$m.cu" >"$tmp/$n.ptx.log" 2>&1 &
done
wait
{
  echo "== build ($((SECONDS - start)) s)"
  grep -E "error|warning" "$tmp"/*.txt "$tmp"/*.ptxas "$tmp"/*.ptx.log
  for n in moe_router moe_swiglu_quant; do
    [ -s "$tmp/$n.ptx" ] && echo "$n: compute_80 PTX built" || echo "$n: compute_80 PTX FAILED"
    grep -E "Compiling entry|registers|spill|serialized" "$tmp/$n.ptxas" | sed -e "s/^ptxas info *: //" -e "s/^/$n: /"
  done
  echo "-- SASS instruction counts per kernel"
  for n in moe_router moe_swiglu_quant; do
    cuobjdump --dump-sass "$tmp/$n.cubin" >"$tmp/$n.sass" 2>&1 || echo "$n: cuobjdump failed"
    awk -v mod="$n" '
      /Function : /{f=$3}
      f!="" && /        \/\*[0-9a-f]+\*\//{
        n[f]++
        if ($0 ~ /HMMA/) hm[f]++; if ($0 ~ /LDSM/) ldsm[f]++; if ($0 ~ /LDL|STL/) l[f]++
        if ($0 ~ /LDGSTS/) cp[f]++; if ($0 ~ / BAR\./) bar[f]++; if ($0 ~ /SHFL/) sh[f]++
        if ($0 ~ /RED/) red[f]++; if ($0 ~ /LDG/) ldg[f]++; if ($0 ~ /STG/) stg[f]++
        if ($0 ~ /F2FP/) cvt[f]++; if ($0 ~ /MUFU/) mufu[f]++; if ($0 ~ /LDS/) lds[f]++
      }
      END { for (x in n) printf "%s %s: instr=%d HMMA=%d LDSM=%d LDL/STL=%d LDGSTS=%d BAR=%d SHFL=%d RED=%d LDG=%d STG=%d LDS=%d F2FP=%d MUFU=%d\n", mod, x, n[x], hm[x], ldsm[x], l[x], cp[x], bar[x], sh[x], red[x], ldg[x], stg[x], lds[x], cvt[x], mufu[x] }
    ' "$tmp/$n.sass" | sort
  done
} >>"$log" 2>&1
if [ ! -x "$tmp/moe_bench" ] || [ ! -x "$tmp/moe_check" ]; then
  echo "BUILD FAILED: see moe21.txt" | tee -a "$log"
  cat "$tmp/b1.txt" "$tmp/b2.txt" >>"$log"
  exit 1
fi

run() {   # run BINARY LIMIT ARGS...: one driver process under `timeout`, its output into the log
  local bin=$tmp/$1 limit=$2
  shift 2
  echo "== $(basename "$bin") $* (limit ${limit} s, at $((SECONDS - start)) s)" >>"$log"
  timeout "$limit" "$bin" "$@" >"$tmp/run.txt" 2>&1
  local rc=$?
  cat "$tmp/run.txt" >>"$log"
  grep -hE "^(router|swiglu).*(FAIL|: [a-z])" "$tmp/run.txt" | grep -v PASS >>"$tmp/fails.txt"
  sed -n '/^== summary/,$p' "$tmp/run.txt" | grep -E "^(router|swiglu) " >>"$tmp/times.txt"
  echo "-- exit $rc$([ $rc = 124 ] && echo ' (timed out)')" >>"$log"
  echo "$(basename "$bin") $* -> exit $rc" >>"$tmp/status.txt"
  return $rc
}
: >"$tmp/fails.txt"
: >"$tmp/status.txt"
: >"$tmp/times.txt"
run moe_check 25 check-router
run moe_check 20 check-swiglu
run moe_bench 25 time-router
run moe_bench 25 time-swiglu
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

{
  echo "== SUMMARY (round-moe21, $((SECONDS - start)) s; details in moe21.txt)"
  cat "$tmp/moe_router.ptxas" "$tmp/moe_swiglu_quant.ptxas" | awk '
    /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
    /spill stores/ { sp = $1 " stack, " $5 "+" $9 " spill bytes" }
    /Used [0-9]+ registers/ { printf "ptxas %s: %s registers, %s\n", f, $5, sp }'
  grep -E "^moe_(router|swiglu_quant) moe_" "$log" | sed 's/^/sass /'
  grep -hE "^(router|swiglu) .*(PASS|FAIL)" "$log"
  sed 's/^/fail: /' "$tmp/fails.txt"
  cat "$tmp/times.txt"
  sed 's/^/run: /' "$tmp/status.txt"
} | tee -a "$log"
rm -rf "$tmp"
