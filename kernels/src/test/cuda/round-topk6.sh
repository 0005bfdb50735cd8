#!/usr/bin/env bash
# One device round of the top-k work "topk6" (issue 16), no Java: run from the repo root on the GPU
# machine with $OUT set. Builds topk6_bench (v10, gmax, and the candidates s16 / s16p of
# sm90/topk/s16.cu) and the s16 cubin with the shipped build flags, records ptxas resource lines and
# SASS instruction counts, checks every kernel on the same 31 cases (each in its own process under
# `timeout`, so a crash or a hang names its kernel), measures the launch floor, then times v10,
# gmax, s16 and s16p side by side (decode 64/128/256 rows of 128K, 128 rows of 32K, 4096 prefill
# rows at 16K/32K/64K/128K). Everything goes to $OUT/topk6.txt; a summary table ends stdout.
# The kernels wait on no mbarrier (cluster barriers only, which every CTA of a cluster reaches or
# none does), so `timeout` is the guard against a hang.
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
log=$OUT/topk6.txt
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

# ---------------------------------------------------------------- build (parallel)
flags=(-std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -Xptxas -v -I "$src")
nvcc "${flags[@]}" -split-compile=0 -o "$tmp/topk6_bench" "$t/topk6_bench.cu" >"$tmp/b1.txt" 2>&1 &
nvcc "${flags[@]}" -split-compile=0 -lineinfo -cubin -o "$tmp/s16.cubin" "$src/sm90/topk/s16.cu" >"$tmp/s16.ptxas" 2>&1 &
nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/gmax.cubin" "$src/sm90/topk/gmax.cu" >"$tmp/gmax.ptxas" 2>&1 &
nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/dsa_topk.cubin" "$src/dsa_topk.cu" >"$tmp/dsa_topk.ptxas" 2>&1 &
wait
{
  echo "== build ($((SECONDS - start)) s)"
  grep -E "error|warning" "$tmp/b1.txt"
  echo "-- ptxas (shipped flags); 0 stack / 0 spill expected"
  for m in s16 gmax dsa_topk; do
    grep -E "Compiling entry|registers|spill" "$tmp/$m.ptxas" | sed -e "s/^ptxas info *: //" -e "s/^/$m: /"
  done
  echo "-- SASS instruction counts per kernel"
  for m in s16 gmax dsa_topk; do
    cuobjdump --dump-sass "$tmp/$m.cubin" >"$tmp/$m.sass" 2>&1 || echo "$m: cuobjdump failed"
    awk -v mod="$m" '
      /Function : /{f=$3}
      f!="" && /        \/\*[0-9a-f]+\*\//{
        n[f]++
        if ($0 ~ /HGMMA|QGMMA/) g[f]++; if ($0 ~ /HMMA/) hm[f]++; if ($0 ~ /LDL|STL/) l[f]++
        if ($0 ~ / BAR\./) bar[f]++; if ($0 ~ /ATOMS/) as[f]++; if ($0 ~ /ATOM\.|ATOMG|RED\./) ag[f]++
        if ($0 ~ /UCGABAR|CGAERRBAR/) cb[f]++; if ($0 ~ /LDG/) ldg[f]++; if ($0 ~ /LDS/) lds[f]++
        if ($0 ~ /STS/) sts[f]++; if ($0 ~ /VOTE/) vo[f]++; if ($0 ~ /UBLKPF|CCTL/) pf[f]++
      }
      END { for (x in n) printf "%s %s: instr=%d GMMA=%d HMMA=%d LDL/STL=%d BAR=%d ATOMS=%d ATOM(remote/global)=%d CGABAR=%d LDG=%d LDS=%d STS=%d VOTE=%d PREFETCH=%d\n", mod, x, n[x], g[x], hm[x], l[x], bar[x], as[x], ag[x], cb[x], ldg[x], lds[x], sts[x], vo[x], pf[x] }
    ' "$tmp/$m.sass" | sort
  done
} >>"$log" 2>&1
bench=$tmp/topk6_bench
if [ ! -x "$bench" ]; then
  echo "BUILD FAILED: see $log" | tee -a "$log"
  cat "$tmp/b1.txt" >>"$log"
  exit 1
fi

# ---------------------------------------------------------------- runs
run() {   # run LIMIT ARGS...: one driver process under `timeout`, its output into the log
  local limit=$1
  shift
  echo "== topk6_bench $* (limit ${limit} s, at $((SECONDS - start)) s)" >>"$log"
  timeout "$limit" "$bench" "$@" >"$tmp/run.txt" 2>&1
  local rc=$?
  cat "$tmp/run.txt" >>"$log"
  grep -h "^SUMMARY" "$tmp/run.txt" | grep -v "^SUMMARY check" >>"$tmp/summary.txt"
  grep -h "^CHECK.*FAIL" "$tmp/run.txt" >>"$tmp/fails.txt"
  echo "-- exit $rc$([ $rc = 124 ] && echo ' (timed out)')" >>"$log"
  echo "$* -> exit $rc" >>"$tmp/status.txt"
  return $rc
}
: >"$tmp/summary.txt"
: >"$tmp/fails.txt"
: >"$tmp/status.txt"
# Checks: the four kernels in parallel processes (the CPU reference dominates; 16 cores there).
for c in v10 gmax s16 s16p; do
  (timeout 60 "$bench" check "$c" >"$tmp/check_$c.txt" 2>&1; echo "check $c -> exit $?" >"$tmp/st_$c.txt") &
done
wait
for c in v10 gmax s16 s16p; do
  { echo "== topk6_bench check $c"; cat "$tmp/check_$c.txt"; } >>"$log"
  cat "$tmp/st_$c.txt" >>"$tmp/status.txt"
  grep -h "^CHECK.*FAIL" "$tmp/check_$c.txt" >>"$tmp/fails.txt"
done
run 20 floor
# Timing: all side by side; rc 0 or 1 (a failed check, still timed) keeps the results; if the
# process dies, each kernel again alone.
run 60 bench v10,gmax,s16,s16p
if [ $? -gt 1 ]; then
  for c in v10 gmax s16 s16p; do run 30 bench "$c"; done
fi
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

# ---------------------------------------------------------------- summary (stdout)
{
  echo "== SUMMARY (round-topk6, $((SECONDS - start)) s; details in topk6.txt)"
  awk '
    /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
    /spill stores/ { sp = $5 "+" $9 " spill bytes" }
    /Used [0-9]+ registers/ { printf "ptxas %s: %s registers, %s\n", f, $5, sp }' "$tmp/s16.ptxas"
  grep -m4 "^occupancy" "$log"
  sed 's/^/run: /' "$tmp/status.txt"
  if grep -qvE "exit [01]$" "$tmp/status.txt"; then echo "RUN ERRORS: a run above crashed or timed out (see topk6.txt)"; fi
  if [ -s "$tmp/fails.txt" ]; then
    echo "FAILED CHECKS:"
    cat "$tmp/fails.txt"
  else
    echo "no CHECK line failed"
  fi
  sed 's/^SUMMARY //' "$tmp/summary.txt"
} | tee -a "$log"
rm -rf "$tmp"
