#!/usr/bin/env bash
# One device round of the prefill top-k work "ptopk14" (issue 16), no Java: run from the repo root
# on the GPU machine with $OUT set. Builds ptopk14_bench four times in parallel (plain, and with
# -DTOPK_STOP=1/2/3 for phase times) and the cubins of sm90/topk/v15.cu and v13.cu with the shipped
# flags; records ptxas lines and SASS counts; prints each kernel's rows per SM; times a plain read
# of the same bytes, v13 and the v15 variants at 4096 rows x 16K / 32K / 64K / 128K and 300 x 32K
# (32 rows of each output checked); phase-stop times of v13 / v15 / v15q / v15f at 4096 x 16K /
# 32K; then the 19 checks of every v15 variant in parallel processes in the time left. Everything
# goes to $OUT/ptopk14.txt; a summary ends stdout. Every run is under `timeout`; no run starts past
# 100 s, the checks end by 112 s.
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
log=$OUT/ptopk14.txt
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
nvcc "${flags[@]}" -o "$tmp/bench" "$t/ptopk14_bench.cu" >"$tmp/b_bench.txt" 2>&1 &
for n in 1 2 3; do
  nvcc "${flags[@]}" -DTOPK_STOP=$n -o "$tmp/bench_s$n" "$t/ptopk14_bench.cu" >"$tmp/b_s$n.txt" 2>&1 &
done
nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/v15.cubin" "$src/sm90/topk/v15.cu" >"$tmp/v15.ptxas" 2>&1 &
nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/v13.cubin" "$src/sm90/topk/v13.cu" >"$tmp/v13.ptxas" 2>&1 &
wait
{
  echo "== build ($((SECONDS - start)) s)"
  grep -E "error|warning" "$tmp/b_bench.txt" | sed "s/^/bench: /"
  [ -x "$tmp/bench" ] || echo "bench: BUILD FAILED"
  for n in 1 2 3; do [ -x "$tmp/bench_s$n" ] || echo "bench_s$n: BUILD FAILED"; done
  echo "-- ptxas of the driver build"
  grep -E "Compiling entry|registers|spill" "$tmp/b_bench.txt" | sed -e "s/^ptxas info *: //" -e "s/^/bench: /"
  echo "-- ptxas (shipped flags); 0 stack / 0 spill expected"
  for m in v15 v13; do
    grep -E "Compiling entry|registers|spill|serialized|warning|error" "$tmp/$m.ptxas" | sed -e "s/^ptxas info *: //" -e "s/^/$m: /"
  done
  echo "-- SASS instruction counts per kernel"
  for m in v15 v13; do
    cuobjdump --dump-sass "$tmp/$m.cubin" >"$tmp/$m.sass" 2>&1 || echo "$m: cuobjdump failed"
    awk -v mod="$m" '
      /Function : /{f=$3}
      f!="" && /        \/\*[0-9a-f]+\*\//{
        n[f]++
        if ($0 ~ /HGMMA|QGMMA/) g[f]++; if ($0 ~ /HMMA/) hm[f]++; if ($0 ~ /LDL|STL/) l[f]++
        if ($0 ~ / BAR\./) bar[f]++; if ($0 ~ /ATOMS/) as[f]++; if ($0 ~ /ATOM\.|ATOMG|RED\./) ag[f]++
        if ($0 ~ /LDG/) ldg[f]++; if ($0 ~ /LDS/) lds[f]++; if ($0 ~ /STS/) sts[f]++
        if ($0 ~ /VOTE/) vo[f]++; if ($0 ~ /UBLKCP|UBLKPF/) blk[f]++; if ($0 ~ /SYNCS/) sy[f]++
      }
      END { for (x in n) printf "%s %s: instr=%d GMMA=%d HMMA=%d LDL/STL=%d BAR=%d ATOMS=%d ATOM(global)=%d LDG=%d LDS=%d STS=%d VOTE=%d UBLKCP/PF=%d SYNCS=%d\n", mod, x, n[x], g[x], hm[x], l[x], bar[x], as[x], ag[x], ldg[x], lds[x], sts[x], vo[x], blk[x], sy[x] }
    ' "$tmp/$m.sass" | sort
  done
} >>"$log" 2>&1
bench=$tmp/bench
if [ ! -x "$bench" ]; then
  echo "BUILD FAILED: see $log" | tee -a "$log"
  cat "$tmp/b_bench.txt" >>"$log"
  exit 1
fi

# ---------------------------------------------------------------- runs
: >"$tmp/summary.txt"
: >"$tmp/fails.txt"
: >"$tmp/status.txt"
run() {   # run BINARY LIMIT ARGS...: one driver process under `timeout`, its output into the log
  local exe=$1 limit=$2
  shift 2
  [ -x "$exe" ] || { echo "bench $(basename "$exe") $* -> not built" >>"$tmp/status.txt"; return 126; }
  local left=$((100 - (SECONDS - start)))
  [ "$limit" -gt "$left" ] && limit=$left
  if [ "$limit" -le 0 ]; then
    echo "== SKIPPED bench $* (out of time)" >>"$log"
    echo "bench $* -> skipped (out of time)" >>"$tmp/status.txt"
    return 125
  fi
  echo "== $(basename "$exe") $* (limit ${limit} s, at $((SECONDS - start)) s)" >>"$log"
  timeout -k 5 "$limit" "$exe" "$@" >"$tmp/run.txt" 2>&1
  local rc=$?
  cat "$tmp/run.txt" >>"$log"
  grep -h "^SUMMARY" "$tmp/run.txt" | grep -v "^SUMMARY check" | sed "s/^SUMMARY /SUMMARY [$(basename "$exe")] /" >>"$tmp/summary.txt"
  grep -h "^CHECK.*FAIL" "$tmp/run.txt" >>"$tmp/fails.txt"
  echo "-- exit $rc$([ $rc = 124 ] && echo ' (timed out)')" >>"$log"
  echo "$(basename "$exe") $* -> exit $rc" >>"$tmp/status.txt"
  return $rc
}
all=v13,v15,v15t4,v15q,v15f,v15L,v15np,v15b
run "$bench" 10 floor
# Side by side first (each kernel's output checked on 32 rows there too): rc 0 or 1 (a failed check,
# still timed) keeps the results; if the process dies (a launch error is sticky), each kernel again
# alone.
run "$bench" 45 bench $all
if [ $? -gt 1 ]; then
  for c in ${all//,/ }; do run "$bench" 8 bench "$c"; done
fi
# Phase stops (whole launches that end after phase n: 1 sample loaded, 2 threshold, 3 filter).
for n in 1 2 3; do run "$tmp/bench_s$n" 10 phase v13,v15,v15q,v15f; done
# The full checks in parallel processes (the CPU reference dominates; 16 cores there), in what
# time is left before 107 s (timeout -k 5: done by 112 s).
lim=$((107 - (SECONDS - start)))
[ "$lim" -gt 50 ] && lim=50
checks="v15 v15f v15q v15t4 v15b v15np v15L"
for c in $checks; do
  if [ "$lim" -le 0 ]; then
    echo "check $c -> skipped (out of time)" >"$tmp/st_$c.txt"
    : >"$tmp/check_$c.txt"
    continue
  fi
  (timeout -k 5 "$lim" "$bench" check "$c" >"$tmp/check_$c.txt" 2>&1; echo "check $c -> exit $?" >"$tmp/st_$c.txt") &
done
wait
for c in $checks; do
  { echo "== ptopk14_bench check $c (limit $lim s)"; cat "$tmp/check_$c.txt"; } >>"$log"
  cat "$tmp/st_$c.txt" >>"$tmp/status.txt"
  grep -h "^CHECK.*FAIL" "$tmp/check_$c.txt" >>"$tmp/fails.txt"
done
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

# ---------------------------------------------------------------- summary (stdout)
{
  echo "== SUMMARY (round-ptopk14, $((SECONDS - start)) s; details in ptopk14.txt)"
  for m in v15 v13; do
    awk '
      /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
      /spill stores/ { sp = $5 "+" $9 " spill bytes" }
      /Used [0-9]+ registers/ { printf "ptxas %s: %s registers, %s\n", f, $5, sp }' "$tmp/$m.ptxas"
  done
  grep -h "UBLKCP" "$log" | grep -E "^(v15|v13) " | sed 's/^/sass: /'
  sed 's/^/run: /' "$tmp/status.txt"
  if grep -qvE "exit [01]$" "$tmp/status.txt"; then echo "RUN ERRORS: a run above crashed or timed out (see ptopk14.txt)"; fi
  if [ -s "$tmp/fails.txt" ]; then
    echo "FAILED CHECKS:"
    cat "$tmp/fails.txt"
  else
    echo "no CHECK line failed ($(for c in $checks; do printf "%s: %s checks; " $c "$(grep -h -c '^CHECK' "$tmp/check_$c.txt")"; done))"
  fi
  sed 's/^SUMMARY //' "$tmp/summary.txt"
} | tee -a "$log"
rm -rf "$tmp"
