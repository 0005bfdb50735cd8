#!/usr/bin/env bash
# One device round of the top-k work "topk10" (issue 16, decode rows), no Java: run from the repo
# root on the GPU machine with $OUT set. Builds topk10_bench three times (the whole kernels, and
# with -DTOPK_STOP=1,2: c12 ends after its cluster threshold / its stream) and the cubins of
# sm90/topk/decode (c12, C = 1..8), sm90/topk/gmax and dsa_topk with the shipped flags; records
# ptxas lines and SASS counts; checks c12 (C as CudaDsaOps picks it) on 24 cases and every forced
# C on 5 (parallel processes under `timeout`); times c12's phases on 64 and 128 rows of 128K; then
# times v10, gmax3 (maxima precomputed) and c12 side by side at 64 / 128 / 256 rows x 64K / 128K,
# with a sweep of C at 64 / 128 rows of 128K. Everything goes to $OUT/topk10.txt; a summary ends
# stdout. No kernel waits on an mbarrier (c12 waits only on cluster barriers that every CTA of a
# cluster reaches), so `timeout` guards against a hang; the whole script is bounded at 120 s
# (the side-by-side times run before the launch floor and the phase times).
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
log=$OUT/topk10.txt
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
nvcc "${flags[@]}" -split-compile=0 -o "$tmp/bench_full" "$t/topk10_bench.cu" >"$tmp/b_full.txt" 2>&1 &
for n in 1 2; do
  nvcc "${flags[@]}" -split-compile=0 -DTOPK_STOP=$n -o "$tmp/bench_$n" "$t/topk10_bench.cu" >"$tmp/b_$n.txt" 2>&1 &
done
nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/decode.cubin" "$src/sm90/topk/decode.cu" >"$tmp/decode.ptxas" 2>&1 &
nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/gmax.cubin" "$src/sm90/topk/gmax.cu" >"$tmp/gmax.ptxas" 2>&1 &
nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/dsa_topk.cubin" "$src/dsa_topk.cu" >"$tmp/dsa_topk.ptxas" 2>&1 &
wait
{
  echo "== build ($((SECONDS - start)) s)"
  for b in full 1 2; do
    grep -E "error|warning" "$tmp/b_$b.txt" | sed "s/^/bench_$b: /"
    [ -x "$tmp/bench_$b" ] || echo "bench_$b: BUILD FAILED"
  done
  echo "-- ptxas (shipped flags); 0 stack / 0 spill expected"
  for m in decode gmax dsa_topk; do
    grep -E "Compiling entry|registers|spill|serialized|warning|error" "$tmp/$m.ptxas" | sed -e "s/^ptxas info *: //" -e "s/^/$m: /"
  done
  echo "-- SASS instruction counts per kernel"
  for m in decode gmax dsa_topk; do
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
  # Never past 120 s in all: a hung kernel costs its own run, not the lease.
  local left=$((120 - (SECONDS - start)))
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
checks="c12 c12c1 c12c2 c12c3 c12c4 c12c6 c12c8"
for c in $checks; do
  (timeout -k 5 30 "$bench" check "$c" >"$tmp/check_$c.txt" 2>&1; echo "check $c -> exit $?" >"$tmp/st_$c.txt") &
done
wait
for c in $checks; do
  { echo "== topk10_bench check $c"; cat "$tmp/check_$c.txt"; } >>"$log"
  cat "$tmp/st_$c.txt" >>"$tmp/status.txt"
  grep -h "^CHECK.*FAIL" "$tmp/check_$c.txt" >>"$tmp/fails.txt"
done
# Side by side: rc 0 or 1 (a failed check, still timed) keeps the results; if the process dies,
# each kernel again alone.
run 45 "$bench" bench
if [ $? -gt 1 ]; then
  for c in v10 gmax3 c12 c12c2,c12c3,c12c4,c12c6,c12c8; do run 15 "$bench" bench "$c"; done
fi
run 10 "$bench" floor
# Phase times: the same launches ended after phase 1 (threshold), 2 (stream), then whole.
for b in 1 2 full; do
  [ -x "$tmp/bench_$b" ] && run 10 "$tmp/bench_$b" phase
done
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

# ---------------------------------------------------------------- summary (stdout)
{
  echo "== SUMMARY (round-topk10, $((SECONDS - start)) s; details in topk10.txt)"
  for m in decode; do
    awk '
      /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
      /spill stores/ { sp = $5 "+" $9 " spill bytes" }
      /Used [0-9]+ registers/ { printf "ptxas %s: %s registers, %s\n", f, $5, sp }' "$tmp/$m.ptxas"
  done
  sed 's/^/run: /' "$tmp/status.txt"
  if grep -qvE "exit [01]$" "$tmp/status.txt"; then echo "RUN ERRORS: a run above crashed or timed out (see topk10.txt)"; fi
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
      printf "%-22s %8s %8s %8s\n", "kernel rows x P", "stop=1", "stop=2", "full"
      for (i = 1; i <= nk; i++) {
        k = order[i]
        printf "%-22s %8s %8s %8s\n", k, t[k, "stop=1"], t[k, "stop=2"], t[k, "stop=full"]
      }
    }' "$tmp/phase.txt"
  sed 's/^SUMMARY //' "$tmp/summary.txt"
} | tee -a "$log"
rm -rf "$tmp"
