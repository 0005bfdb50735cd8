#!/usr/bin/env bash
# One device round of the indexer / top-k work (issue 16), no Java: run from the repo root on the
# GPU machine with $OUT set. Builds idxtopk_bench and the cubins of dsa_indexer, dsa_topk and
# sm90/topk/gmax in parallel, records ptxas resource lines and SASS instruction counts, checks
# indexer v2 (dsa_indexer.cu) and top-k v10 (dsa_topk.cu) and gmax2 (sm90/topk/gmax.cu, on group
# maxima computed from the logits) against CPU references (each in its own process, so a crash
# names its kernel), then times v2 and the two top-k on v2's logits. The candidates this round
# first timed (indexer v5 / v5g, top-k gmax; before them indexer v3 / v4 / v2w, top-k split /
# cluster) lost and left the sources (kernels/NOTES.md says where they are); the sm90/indexer/fp8.cu
# indexers have round-idx14.sh.
# Everything goes to $OUT/idxtopk.txt; a summary table ends stdout. Each run is under `timeout`
# and the driver is built with a 2 s mbarrier-wait limit (a stuck wait traps), so nothing hangs;
# when a timing run dies, today's kernels and each candidate are timed again alone.
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
log=$OUT/idxtopk.txt
src=kernels/src/main/cuda t=kernels/src/test/cuda
tmp=$(mktemp -d)
start=$SECONDS
: >"$log"
say() { echo "$*" | tee -a "$log"; }
{
  echo "== device"
  nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem --format=csv
  git rev-parse HEAD 2>/dev/null || echo "commit: see the call"
  date -u
} >>"$log" 2>&1

# ---------------------------------------------------------------- build (parallel)
flags=(-std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -Xptxas -v -I "$src")
nvcc "${flags[@]}" -DDSA_MBAR_TIMEOUT_NS=2000000000 -o "$tmp/idxtopk_bench" "$t/idxtopk_bench.cu" >"$tmp/b1.txt" 2>&1 &
for m in sm90/topk/gmax dsa_indexer dsa_topk; do
  n=${m//\//_}
  nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/$n.cubin" "$src/$m.cu" >"$tmp/$n.ptxas" 2>&1 &
done
wait
{
  echo "== build ($((SECONDS - start)) s)"
  grep -E "error|warning" "$tmp/b1.txt"
  echo "-- ptxas, shipped build flags (no wait limit); a 'serialized' line is a bug"
  for m in sm90_topk_gmax dsa_indexer dsa_topk; do
    grep -E "Compiling entry|registers|spill|serialized" "$tmp/$m.ptxas" | sed -e "s/^ptxas info *: //" -e "s/^/$m: /"
  done
  echo "-- ptxas, the driver build (2 s mbarrier-wait limit)"
  grep -h -E "Compiling entry|registers|spill|serialized" "$tmp/b1.txt" | sed -e "s/^ptxas info *: //"
  echo "-- SASS instruction counts per kernel"
  for m in sm90_topk_gmax dsa_indexer dsa_topk; do
    cuobjdump --dump-sass "$tmp/$m.cubin" >"$tmp/$m.sass" 2>&1 || echo "$m: cuobjdump failed"
    awk -v mod="$m" '
      /Function : /{f=$3}
      f!="" && /        \/\*[0-9a-f]+\*\//{
        n[f]++
        if ($0 ~ /QGMMA/) q[f]++; if ($0 ~ /HGMMA/) h[f]++; if ($0 ~ /HMMA/) hm[f]++
        if ($0 ~ /LDL|STL/) l[f]++; if ($0 ~ /UTMALDG/) tma[f]++; if ($0 ~ /SYNCS/) sy[f]++
        if ($0 ~ /LDGSTS/) cp[f]++; if ($0 ~ / BAR\./) bar[f]++; if ($0 ~ /SHFL/) sh[f]++
        if ($0 ~ /FMNMX/) mx[f]++; if ($0 ~ /FFMA/) fm[f]++; if ($0 ~ /WARPGROUP/) wg[f]++
        if ($0 ~ /ATOMS/) as[f]++; if ($0 ~ /ATOMG|RED\./) ag[f]++; if ($0 ~ /USETMAXREG/) rg[f]++
        if ($0 ~ /UCGABAR|CGAERRBAR/) cb[f]++; if ($0 ~ /LDG/) ldg[f]++
      }
      END { for (x in n) printf "%s %s: instr=%d QGMMA=%d HGMMA=%d HMMA=%d LDL/STL=%d UTMALDG=%d SYNCS=%d LDGSTS=%d BAR=%d SHFL=%d FMNMX=%d FFMA=%d WARPGROUP=%d ATOMS=%d ATOMG/RED=%d SETMAXREG=%d CGABAR=%d LDG=%d\n", mod, x, n[x], q[x], h[x], hm[x], l[x], tma[x], sy[x], cp[x], bar[x], sh[x], mx[x], fm[x], wg[x], as[x], ag[x], rg[x], cb[x], ldg[x] }
    ' "$tmp/$m.sass" | sort
  done
  grep -m3 -h "QGMMA" "$tmp/dsa_indexer.sass" | sed 's/^ */sample: /'
} >>"$log" 2>&1
bench=$tmp/idxtopk_bench
if [ ! -x "$bench" ]; then
  say "BUILD FAILED: see $log"
  cat "$tmp/b1.txt" >>"$log"
  exit 1
fi

# ---------------------------------------------------------------- runs
# run LIMIT ARGS...: one driver process under `timeout`, its output into the log; returns its status.
run() {
  local limit=$1
  shift
  echo "== idxtopk_bench $* (limit ${limit} s, at $((SECONDS - start)) s)" >>"$log"
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
for c in v2,v10 gmax2; do run 40 check "$c"; done
# Timing: side by side; rc 0 or 1 (a failed check, still timed) keeps the results.
run 45 indexer v2
run 45 topk v10,gmax2
if [ $? -gt 1 ]; then
  for c in v10 gmax2; do run 25 topk "$c"; done
fi
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

# ---------------------------------------------------------------- summary (stdout)
{
  echo "== SUMMARY (round-idxtopk, $((SECONDS - start)) s; details in idxtopk.txt)"
  cat "$tmp/dsa_indexer.ptxas" "$tmp/sm90_topk_gmax.ptxas" | awk '
    /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
    /spill stores/ { sp = $5 "+" $9 " spill bytes" }
    /Used [0-9]+ registers/ { printf "ptxas %s: %s registers, %s\n", f, $5, sp }
    /serialized/ { print "ptxas SERIALIZED: " $0 }'
  grep -m2 "^occupancy" "$log"
  sed 's/^/run: /' "$tmp/status.txt"
  if grep -qvE "exit [01]$" "$tmp/status.txt"; then echo "RUN ERRORS: a run above crashed or timed out (see idxtopk.txt)"; fi
  if [ -s "$tmp/fails.txt" ]; then
    echo "FAILED CHECKS:"
    cat "$tmp/fails.txt"
  else
    echo "no CHECK line failed"
  fi
  sed 's/^SUMMARY //' "$tmp/summary.txt"
} | tee -a "$log"
rm -rf "$tmp"
