#!/usr/bin/env bash
# Device round idx14 (issue 16): v13bg / v13bs cost 8-9% over v12b at 64 x 2 (free at 64 x 1).
# Candidates in sm90/indexer/fp8.cu (indexer_v8_body's MW / MEMPTY knobs; every other kernel's PTX
# unchanged): v14g3 (v13bg with three maxima warps, warps 1..3 of the producer warpgroup, items dealt
# round robin, so no SM sub-partition carries a whole item's maxima work beside its two consumer
# warps), v14g1e (v13bg, one maxima warp, releasing the staging slot on the stage's empty barrier:
# the consumers test and wait on no free barrier), v14g3e (both), v14s3e (both, the maxima warps
# also store the logits, as v13bs). Run from the repo root on the GPU machine with $OUT set; no
# Java. Builds idx7_bench twice (timing build; check build whose mbarrier waits give up after 2 s)
# and the fp8.cu cubin in parallel; records ptxas lines and SASS counts; checks each candidate in
# its own process (idx7's 16 cases: CPU reference, logits bit for bit v2's, maxima exact); times
# v12b / v13bg / v13bs and the passing candidates at 64 x 2 and 64 x 1 @128K and 64 x 2 @32K (5
# interleaved rounds per shape, medians, ratios to v12b, each checked bit for bit at the shape
# first); then the pipe v12b + v10 against each g form + gmax3 at 64 x 2 @128K. Everything into
# $OUT/idx14.txt; a summary ends stdout. Every run under `timeout`; a failing one does not stop the
# others. ~45 s (build ~25 s, runs ~20 s), 120 at most.
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
log=$OUT/idx14.txt
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
timeout 100 nvcc "${flags[@]}" -o "$tmp/bench" "$t/idx7_bench.cu" >"$tmp/b1.txt" 2>&1 &
timeout 100 nvcc "${flags[@]}" -lineinfo -DDSA_MBAR_TIMEOUT_NS=2000000000 -o "$tmp/check" "$t/idx7_bench.cu" >"$tmp/b2.txt" 2>&1 &
timeout 100 nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/fp8.cubin" "$src/sm90/indexer/fp8.cu" >"$tmp/fp8.ptxas" 2>&1 &
wait
{
  echo "== build ($((SECONDS - start)) s)"
  grep -E "error|warning" "$tmp/b1.txt" "$tmp/b2.txt" "$tmp/fp8.ptxas"
  echo "-- ptxas (shipped flags), v12b / v13 kernels; a 'serialized' line is a bug"
  grep -E "Compiling entry|registers|spill|serialized" "$tmp/fp8.ptxas" | grep -A2 -E "_v12b_|_v13|_v14" | sed "s/^ptxas info *: //"
  cuobjdump --dump-sass "$tmp/fp8.cubin" >"$tmp/fp8.sass" 2>&1 || echo "cuobjdump failed"
  echo "-- SASS counts (v12b / v13 / v14 kernels; TMA = UTMALDG + UBLKCP, the producer's copies; STS/LDS shared stores/loads)"
  awk '
    /Function : /{f=$3}
    f ~ /_v12b_|_v13|_v14/ && /        \/\*[0-9a-f]+\*\//{
      n[f]++
      if ($0 ~ /QGMMA/) q[f]++; if ($0 ~ /HMMA/) hm[f]++; if ($0 ~ /LDL|STL/) l[f]++
      if ($0 ~ /SHFL/) sh[f]++; if ($0 ~ /REDUX/) rx[f]++; if ($0 ~ /FMNMX/) mx[f]++
      if ($0 ~ /FFMA/) fm[f]++; if ($0 ~ /STG/) stg[f]++; if ($0 ~ /UTMALDG|UBLKCP/) tma[f]++
      if ($0 ~ /SYNCS/) sy[f]++; if ($0 ~ /STS/) sts[f]++; if ($0 ~ /LDS/) lds[f]++
    }
    END { for (x in n) printf "sass %s: instr=%d QGMMA=%d HMMA=%d LDL/STL=%d SHFL=%d REDUX=%d FMNMX=%d FFMA=%d STG=%d TMA=%d SYNCS=%d STS=%d LDS=%d\n", x, n[x], q[x], hm[x], l[x], sh[x], rx[x], mx[x], fm[x], stg[x], tma[x], sy[x], sts[x], lds[x] }
  ' "$tmp/fp8.sass" | sort
  echo "-- v14g3e_q2 in order (QGMMA, WARPGROUP, SHFL, STG, STS, LDS, SYNCS, TMA): consumer loop and maxima warps"
  awk '/Function : /{f=$3} f=="dsa_indexer_fp8_v14g3e_q2" && /QGMMA|WARPGROUP|REDUX|SHFL|STG|STS|LDS|SYNCS|UTMALDG/' "$tmp/fp8.sass" |
    sed -E 's/ +\/\* 0x[0-9a-f]+ \*\/ *$//; s/^ +//' | head -70
} >>"$log" 2>&1
if [ ! -x "$tmp/bench" ] || [ ! -x "$tmp/check" ]; then
  echo "BUILD FAILED: see idx14.txt" | tee -a "$log"
  cat "$tmp/b1.txt" "$tmp/b2.txt" >>"$log"
  exit 1
fi

: >"$tmp/summary.txt"
: >"$tmp/fails.txt"
: >"$tmp/status.txt"
collect() {  # collect NAME RC: one finished run's output into the log and the summaries
  local f=$tmp/run-$1.txt rc=$2
  echo "== $1 (exit $rc$([ "$rc" = 124 ] && echo ', timed out'))" >>"$log"
  cat "$f" >>"$log"
  grep -h "^SUMMARY" "$f" | grep -v "^SUMMARY [a-z0-9]*: " >>"$tmp/summary.txt"
  grep -h "^CHECK.*FAIL$" "$f" >>"$tmp/fails.txt"
  grep -h "^v8 diag" "$f" >>"$tmp/fails.txt"
  echo "$1 -> exit $rc" >>"$tmp/status.txt"
}
# Checks: one process per candidate (a launch error ends its process), all at once.
cands="v14g3 v14g1e v14g3e v14s3e"
declare -A pid
for c in $cands; do
  timeout 60 "$tmp/check" check "$c" >"$tmp/run-check-$c.txt" 2>&1 &
  pid[$c]=$!
done
timed=v12b,v13bg,v13bs
for c in $cands; do
  wait "${pid[$c]}"
  rc=$?
  collect "check-$c" $rc
  if [ $rc = 0 ]; then timed=$timed,$c; else echo "$c left out of the timings (check exit $rc)" | tee -a "$log"; fi
done
echo "== timed: $timed (at $((SECONDS - start)) s)" >>"$log"
timeout 40 "$tmp/bench" idx14 "$timed" >"$tmp/run-idx14.txt" 2>&1
collect idx14 $?
if [ $((SECONDS - start)) -lt 90 ]; then
  timeout 15 "$tmp/bench" pipe14 "$timed" >"$tmp/run-pipe14.txt" 2>&1
  collect pipe14 $?
else
  echo "pipe14 skipped (at $((SECONDS - start)) s)" | tee -a "$log"
fi
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

{
  echo "== SUMMARY (round-idx14, $((SECONDS - start)) s; details in idx14.txt)"
  grep -E "^sass " "$log" | grep -E "_v12b_|_v13|_v14"
  awk '
    /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
    /spill stores/ { sp = $5 "+" $9 " spill bytes" }
    /Used [0-9]+ registers/ { if (f ~ /_v12b_|_v13|_v14/) printf "ptxas %s: %s registers, %s\n", f, $5, sp }
    /serialized/ { print "ptxas SERIALIZED: " $0 }' "$tmp/fp8.ptxas" | sort
  sed 's/^/run: /' "$tmp/status.txt"
  if grep -qvE "exit [01]$" "$tmp/status.txt"; then echo "RUN ERRORS: a run above crashed or timed out (see idx14.txt)"; fi
  if [ -s "$tmp/fails.txt" ]; then
    echo "FAILED CHECKS:"
    cat "$tmp/fails.txt"
  else
    echo "no CHECK line failed ($(grep -c '^CHECK' "$log") checks)"
  fi
  sed 's/^SUMMARY //' "$tmp/summary.txt"
} | tee -a "$log"
rm -rf "$tmp"
