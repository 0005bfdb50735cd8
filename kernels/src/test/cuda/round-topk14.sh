#!/usr/bin/env bash
# One device round of the decode-row top-k work "topk14" (issue 16), no Java: run from the repo
# root on the GPU machine with $OUT set. Builds topk14_bench five times in parallel (plain, and with
# -DTOPK_STOP=1/2/3/4 for phase times) and the cubins of sm90/topk/decode.cu and dsa_topk.cu with
# the shipped flags; records ptxas lines and SASS counts; launch floor and a plain read of 64 MiB;
# v10 / gmax3 (group maxima computed by the driver) / v14 and its knob variants side by side at
# 64 / 128 / 256 rows x 64K / 128K (32 rows of each output checked, scratch counters zero after);
# v14 at S = 1..16 on 128 x 128K; v14's phase stops at 64 / 128 x 128K; then the full checks of v14
# and v14n (cases + forced S) in parallel processes in the time left. Everything goes to
# $OUT/topk14.txt; a summary ends stdout. Every run is under `timeout`; no run starts past 110 s.
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
log=$OUT/topk14.txt
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
timeout 90 nvcc "${flags[@]}" -o "$tmp/bench" "$t/topk14_bench.cu" >"$tmp/b_bench.txt" 2>&1 &
for n in 1 2 3 4; do
  timeout 90 nvcc "${flags[@]}" -DTOPK_STOP=$n -o "$tmp/bench_s$n" "$t/topk14_bench.cu" >"$tmp/b_s$n.txt" 2>&1 &
done
timeout 90 nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/decode.cubin" "$src/sm90/topk/decode.cu" >"$tmp/decode.ptxas" 2>&1 &
timeout 90 nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/dsa_topk.cubin" "$src/dsa_topk.cu" >"$tmp/dsa_topk.ptxas" 2>&1 &
wait
{
  echo "== build ($((SECONDS - start)) s)"
  grep -E "error|warning" "$tmp/b_bench.txt" | sed "s/^/bench: /"
  [ -x "$tmp/bench" ] || echo "bench: BUILD FAILED"
  for n in 1 2 3 4; do [ -x "$tmp/bench_s$n" ] || { echo "bench_s$n: BUILD FAILED"; cat "$tmp/b_s$n.txt"; }; done
  echo "-- ptxas of the driver build"
  grep -E "Compiling entry|registers|spill" "$tmp/b_bench.txt" | sed -e "s/^ptxas info *: //" -e "s/^/bench: /"
  echo "-- ptxas (shipped flags); 0 stack / 0 spill expected"
  for m in decode dsa_topk; do
    grep -E "Compiling entry|registers|spill|serialized|warning|error" "$tmp/$m.ptxas" | sed -e "s/^ptxas info *: //" -e "s/^/$m: /"
  done
  echo "-- SASS instruction counts per kernel"
  for m in decode dsa_topk; do
    cuobjdump --dump-sass "$tmp/$m.cubin" >"$tmp/$m.sass" 2>&1 || echo "$m: cuobjdump failed"
    awk -v mod="$m" '
      /Function : /{f=$3}
      f!="" && /        \/\*[0-9a-f]+\*\//{
        n[f]++
        if ($0 ~ /HGMMA|QGMMA/) g[f]++; if ($0 ~ /HMMA/) hm[f]++; if ($0 ~ /LDL|STL/) l[f]++
        if ($0 ~ / BAR\./) bar[f]++; if ($0 ~ /ATOMS/) as[f]++; if ($0 ~ /ATOM\.|ATOMG|RED\./) ag[f]++
        if ($0 ~ /LDG/) ldg[f]++; if ($0 ~ /LDS/) lds[f]++; if ($0 ~ /STS/) sts[f]++; if ($0 ~ /STG/) stg[f]++
        if ($0 ~ /VOTE/) vo[f]++; if ($0 ~ /UBLKCP|UBLKPF/) blk[f]++; if ($0 ~ /MEMBAR/) mb[f]++
      }
      END { for (x in n) printf "%s %s: instr=%d GMMA=%d HMMA=%d LDL/STL=%d BAR=%d ATOMS=%d ATOM(global)=%d LDG=%d LDS=%d STS=%d STG=%d VOTE=%d UBLKPF=%d MEMBAR=%d\n", mod, x, n[x], g[x], hm[x], l[x], bar[x], as[x], ag[x], ldg[x], lds[x], sts[x], stg[x], vo[x], blk[x], mb[x] }
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
  [ -x "$exe" ] || { echo "$(basename "$exe") $* -> not built" >>"$tmp/status.txt"; return 126; }
  local left=$((110 - (SECONDS - start)))
  [ "$limit" -gt "$left" ] && limit=$left
  if [ "$limit" -le 0 ]; then
    echo "== SKIPPED $(basename "$exe") $* (out of time)" >>"$log"
    echo "$(basename "$exe") $* -> skipped (out of time)" >>"$tmp/status.txt"
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
all=v10,gmax3,v14,v14n,v14pf,v14l2
run "$bench" 10 floor
# Side by side (each kernel's output checked on 32 rows there too): rc 0 or 1 (a failed check,
# still timed) keeps the results; if the process dies (a launch error is sticky), each kernel again
# alone.
run "$bench" 30 bench $all
if [ $? -gt 1 ]; then
  for c in ${all//,/ }; do run "$bench" 8 bench "$c"; done
fi
run "$bench" 10 sweep v14
# Phase stops (whole launches that end after phase n: 1 sample loaded, 2 tau, 3 slices streamed
# and the last CTA has the row's count, 4 candidates loaded into its smem; full = the bench above).
for n in 1 2 3 4; do run "$tmp/bench_s$n" 8 phase v14; done
# The full checks in parallel processes (the CPU reference dominates; 16 cores there), in what time
# is left before 112 s (timeout -k 5: done by ~117 s).
lim=$((112 - (SECONDS - start)))
[ "$lim" -gt 60 ] && lim=60
checks="v14 v14n"
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
  { echo "== topk14_bench check $c (limit $lim s)"; cat "$tmp/check_$c.txt"; } >>"$log"
  cat "$tmp/st_$c.txt" >>"$tmp/status.txt"
  grep -h "^CHECK.*FAIL" "$tmp/check_$c.txt" >>"$tmp/fails.txt"
done
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

# ---------------------------------------------------------------- summary (stdout)
{
  echo "== SUMMARY (round-topk14, $((SECONDS - start)) s; details in topk14.txt)"
  for m in decode dsa_topk; do
    awk '
      /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
      /spill stores/ { sp = $5 "+" $9 " spill bytes" }
      /Used [0-9]+ registers/ { printf "ptxas %s: %s registers, %s\n", f, $5, sp }' "$tmp/$m.ptxas"
  done
  grep -h "UBLKPF" "$log" | grep -E "^(decode|dsa_topk) " | sed 's/^/sass: /'
  grep -h "^occupancy" "$log" | head -1
  sed 's/^/run: /' "$tmp/status.txt"
  if grep -qvE "exit [01]$" "$tmp/status.txt"; then echo "RUN ERRORS: a run above crashed, timed out or was skipped (see topk14.txt)"; fi
  if [ -s "$tmp/fails.txt" ]; then
    echo "FAILED CHECKS:"
    cat "$tmp/fails.txt"
  else
    echo "no CHECK line failed ($(for c in $checks; do printf "%s: %s checks; " $c "$(grep -h -c '^CHECK' "$tmp/check_$c.txt")"; done))"
  fi
  sed 's/^SUMMARY //' "$tmp/summary.txt"
} | tee -a "$log"
rm -rf "$tmp"
