#!/usr/bin/env bash
# One device round of the top-k work "topk8" (issue 16), no Java: run from the repo root on the GPU
# machine with $OUT set. Builds topk8_bench six times (the whole kernels, and with -DTOPK_STOP=1..5:
# every kernel ends after that phase) and the cubins of dsa_topk and sm90/topk/gmax (gmax, gmax2,
# gmax3) with the shipped flags; records ptxas lines and SASS counts; checks the new kernel gmax3
# on round topk6's 31 cases and 3 of its own (its own process under `timeout`); times the phases of
# gmax2 / gmax3 on 128 decode rows of 128K; then times v10, gmax2 and gmax3 side by side at the 8
# shapes of round topk6. Everything goes to $OUT/topk8.txt; a summary ends stdout. The kernels wait
# on no mbarrier (gmax3's copies end in cp.async.wait_all), so `timeout` guards against a hang.
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
log=$OUT/topk8.txt
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
nvcc "${flags[@]}" -split-compile=0 -o "$tmp/bench_full" "$t/topk8_bench.cu" >"$tmp/b_full.txt" 2>&1 &
for n in 1 2 3 4 5; do
  nvcc "${flags[@]}" -split-compile=0 -DTOPK_STOP=$n -o "$tmp/bench_$n" "$t/topk8_bench.cu" >"$tmp/b_$n.txt" 2>&1 &
done
nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/gmax.cubin" "$src/sm90/topk/gmax.cu" >"$tmp/gmax.ptxas" 2>&1 &
nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/dsa_topk.cubin" "$src/dsa_topk.cu" >"$tmp/dsa_topk.ptxas" 2>&1 &
wait
{
  echo "== build ($((SECONDS - start)) s)"
  for b in full 1 2 3 4 5; do
    grep -E "error|warning" "$tmp/b_$b.txt" | sed "s/^/bench_$b: /"
    [ -x "$tmp/bench_$b" ] || echo "bench_$b: BUILD FAILED"
  done
  echo "-- ptxas (shipped flags); 0 stack / 0 spill expected"
  for m in gmax dsa_topk; do
    grep -E "Compiling entry|registers|spill|serialized|warning|error" "$tmp/$m.ptxas" | sed -e "s/^ptxas info *: //" -e "s/^/$m: /"
  done
  echo "-- SASS instruction counts per kernel"
  for m in gmax dsa_topk; do
    cuobjdump --dump-sass "$tmp/$m.cubin" >"$tmp/$m.sass" 2>&1 || echo "$m: cuobjdump failed"
    awk -v mod="$m" '
      /Function : /{f=$3}
      f!="" && /        \/\*[0-9a-f]+\*\//{
        n[f]++
        if ($0 ~ /HGMMA|QGMMA/) g[f]++; if ($0 ~ /HMMA/) hm[f]++; if ($0 ~ /LDL|STL/) l[f]++
        if ($0 ~ / BAR\./) bar[f]++; if ($0 ~ /ATOMS/) as[f]++; if ($0 ~ /ATOM\.|ATOMG|RED\./) ag[f]++
        if ($0 ~ /LDG/) ldg[f]++; if ($0 ~ /LDS/) lds[f]++
        if ($0 ~ /STS/) sts[f]++; if ($0 ~ /VOTE/) vo[f]++; if ($0 ~ /UBLKPF|CCTL/) pf[f]++
      }
      END { for (x in n) printf "%s %s: instr=%d GMMA=%d HMMA=%d LDL/STL=%d BAR=%d ATOMS=%d ATOM(global)=%d LDG=%d LDS=%d STS=%d VOTE=%d PREFETCH=%d\n", mod, x, n[x], g[x], hm[x], l[x], bar[x], as[x], ag[x], ldg[x], lds[x], sts[x], vo[x], pf[x] }
    ' "$tmp/$m.sass" | sort
  done
} >>"$log" 2>&1
bench=$tmp/bench_full
if [ ! -x "$bench" ]; then
  echo "BUILD FAILED: see $log" | tee -a "$log"
  cat "$tmp/b_full.txt" >>"$log"
  exit 1
fi

# ---------------------------------------------------------------- runs
: >"$tmp/summary.txt"
: >"$tmp/fails.txt"
: >"$tmp/status.txt"
run() {   # run LIMIT BINARY ARGS...: one driver process under `timeout`, its output into the log
  local limit=$1 bin=$2
  shift 2
  # Never past 140 s in all: a hung kernel costs its own run, not the lease.
  local left=$((140 - (SECONDS - start)))
  [ "$limit" -gt "$left" ] && limit=$left
  if [ "$limit" -le 0 ]; then
    echo "== SKIPPED $(basename "$bin") $* (out of time)" >>"$log"
    echo "$(basename "$bin") $* -> skipped (out of time)" >>"$tmp/status.txt"
    return 125
  fi
  echo "== $(basename "$bin") $* (limit ${limit} s, at $((SECONDS - start)) s)" >>"$log"
  timeout -k 5 "$limit" "$bin" "$@" >"$tmp/run.txt" 2>&1
  local rc=$?
  cat "$tmp/run.txt" >>"$log"
  grep -h "^SUMMARY" "$tmp/run.txt" | grep -v "^SUMMARY \(check\|phase\)" >>"$tmp/summary.txt"
  grep -h "^PHASE" "$tmp/run.txt" >>"$tmp/phase.txt"
  grep -h "^CHECK.*FAIL" "$tmp/run.txt" >>"$tmp/fails.txt"
  echo "-- exit $rc$([ $rc = 124 ] && echo ' (timed out)')" >>"$log"
  echo "$(basename "$bin") $* -> exit $rc" >>"$tmp/status.txt"
  return $rc
}
: >"$tmp/phase.txt"
# Checks of the new kernels, in parallel processes (the CPU reference dominates; 16 cores there).
for c in gmax3; do
  (timeout -k 5 40 "$bench" check "$c" >"$tmp/check_$c.txt" 2>&1; echo "check $c -> exit $?" >"$tmp/st_$c.txt") &
done
wait
for c in gmax3; do
  { echo "== topk8_bench check $c"; cat "$tmp/check_$c.txt"; } >>"$log"
  cat "$tmp/st_$c.txt" >>"$tmp/status.txt"
  grep -h "^CHECK.*FAIL" "$tmp/check_$c.txt" >>"$tmp/fails.txt"
done
run 10 "$bench" floor
# Phase times: the same launches ended after phase 1..5, then whole.
for b in 1 2 3 4 5 full; do
  [ -x "$tmp/bench_$b" ] && run 10 "$tmp/bench_$b" phase
done
# Side by side: rc 0 or 1 (a failed check, still timed) keeps the results; if the process dies,
# each kernel again alone.
run 45 "$bench" bench v10,gmax2,gmax3
if [ $? -gt 1 ]; then
  for c in v10 gmax2 gmax3; do run 15 "$bench" bench "$c"; done
fi
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

# ---------------------------------------------------------------- summary (stdout)
{
  echo "== SUMMARY (round-topk8, $((SECONDS - start)) s; details in topk8.txt)"
  for m in gmax; do
    awk '
      /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
      /spill stores/ { sp = $5 "+" $9 " spill bytes" }
      /Used [0-9]+ registers/ { printf "ptxas %s: %s registers, %s\n", f, $5, sp }' "$tmp/$m.ptxas"
  done
  sed 's/^/run: /' "$tmp/status.txt"
  if grep -qvE "exit [01]$" "$tmp/status.txt"; then echo "RUN ERRORS: a run above crashed or timed out (see topk8.txt)"; fi
  if [ -s "$tmp/fails.txt" ]; then
    echo "FAILED CHECKS:"
    cat "$tmp/fails.txt"
  else
    echo "no CHECK line failed"
  fi
  echo "phase times (us; stop=n: the kernel ends after its phase n; a stop past a kernel's last phase is the whole kernel)"
  awk '/^PHASE/ {
      key = $3 " " $4 "x" substr($8, 3); st = $9; v = $10
      if (!(key in seen)) { seen[key] = 1; order[++nk] = key }
      t[key, st] = v
    }
    END {
      printf "%-22s %8s %8s %8s %8s %8s %8s\n", "kernel rows x P", "stop=1", "stop=2", "stop=3", "stop=4", "stop=5", "full"
      for (i = 1; i <= nk; i++) {
        k = order[i]
        printf "%-22s %8s %8s %8s %8s %8s %8s\n", k, t[k, "stop=1"], t[k, "stop=2"], t[k, "stop=3"], t[k, "stop=4"], t[k, "stop=5"], t[k, "stop=full"]
      }
    }' "$tmp/phase.txt"
  sed 's/^SUMMARY //' "$tmp/summary.txt"
} | tee -a "$log"
rm -rf "$tmp"
