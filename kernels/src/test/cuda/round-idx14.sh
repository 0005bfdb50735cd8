#!/usr/bin/env bash
# Device round for the persistent fp8 indexers of sm90/indexer/fp8.cu (issue 16; the latest round,
# idx14, kept as the parametrised one when rounds idx7 / idx9 / idx12 / idx13 and their losing
# candidates left the sources). CANDS (default: v6 v6g v8 v8g v8h v12b v13bs v14g3e v17 v17n v17g) are checked,
# each in its own process (idx7_bench's 16 cases: CPU reference, logits bit for bit v2's, maxima
# exact); v12b (the plain form) and the shipped decode g forms v13bs (one token) and v14g3e (two
# tokens) among the passing ones are timed at 64 x 2 and 64 x 1 @128K and 64 x 2 @32K (idx7_bench
# mode idx14: 5 interleaved rounds per shape, medians, ratios to v12b, each checked bit for bit at
# the shape first), then the pipe v12b + v10 against v13bs / v14g3e + gmax3 at 64 x 2 @128K (mode
# pipe14), then the two-token forms v17 / v17n / v17g against v12b and v14g3e at 64 x 2 @32K / @128K
# and 32 x 2 @128K (mode idx34, rounds idx25-idx34; the checked ones among them). A new candidate:
# add it to idx7_bench's tables and to those modes, and pass it in
# CANDS. Run from the repo root on the GPU machine with $OUT set; no Java. Builds idx7_bench twice
# (timing build; check build whose mbarrier waits give up after 2 s) and the fp8.cu cubin in
# parallel; records ptxas lines and SASS counts. Everything into $OUT/idx14.txt; a summary ends
# stdout. Every run under `timeout`; a failing one does not stop the others. ~45 s (build ~25 s,
# runs ~30 s), 130 at most.
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
  grep -E "Compiling entry|registers|spill|serialized" "$tmp/fp8.ptxas" | grep -A2 -E "_v12b_|_v13|_v14|_v17" | sed "s/^ptxas info *: //"
  cuobjdump --dump-sass "$tmp/fp8.cubin" >"$tmp/fp8.sass" 2>&1 || echo "cuobjdump failed"
  echo "-- SASS counts (v12b / v13 / v14 kernels; TMA = UTMALDG + UBLKCP, the producer's copies; STS/LDS shared stores/loads)"
  awk '
    /Function : /{f=$3}
    f ~ /_v12b_|_v13|_v14|_v17/ && /        \/\*[0-9a-f]+\*\//{
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
cands="${CANDS:-v6 v6g v8 v8g v8h v12b v13bs v14g3e v17 v17n v17g}"
declare -A pid
for c in $cands; do
  timeout 60 "$tmp/check" check "$c" >"$tmp/run-check-$c.txt" 2>&1 &
  pid[$c]=$!
done
timed=
for c in $cands; do
  wait "${pid[$c]}"
  rc=$?
  collect "check-$c" $rc
  if [ $rc = 0 ]; then timed=${timed:+$timed,}$c; else echo "$c left out of the timings (check exit $rc)" | tee -a "$log"; fi
done
echo "== timed: $timed (at $((SECONDS - start)) s)" >>"$log"
if [ -z "$timed" ]; then
  echo "nothing to time: every check failed" | tee -a "$log"
else
  timeout 40 "$tmp/bench" idx14 "$timed" >"$tmp/run-idx14.txt" 2>&1
  collect idx14 $?
fi
if [ -n "$timed" ] && [ $((SECONDS - start)) -lt 90 ]; then
  timeout 15 "$tmp/bench" pipe14 "$timed" >"$tmp/run-pipe14.txt" 2>&1
  collect pipe14 $?
else
  echo "pipe14 skipped (at $((SECONDS - start)) s)" | tee -a "$log"
fi
# Rounds idx25-idx34: the two-token forms (v17 and its forms against v12b / v14g3e).
if [ -n "$timed" ] && [ $((SECONDS - start)) -lt 100 ]; then
  timeout 30 "$tmp/bench" idx34 "$timed" >"$tmp/run-idx34.txt" 2>&1
  collect idx34 $?
else
  echo "idx34 skipped (at $((SECONDS - start)) s)" | tee -a "$log"
fi
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

{
  echo "== SUMMARY (round-idx14, $((SECONDS - start)) s; details in idx14.txt)"
  grep -E "^sass " "$log" | grep -E "_v12b_|_v13|_v14|_v17"
  awk '
    /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
    /spill stores/ { sp = $5 "+" $9 " spill bytes" }
    /Used [0-9]+ registers/ { if (f ~ /_v12b_|_v13|_v14|_v17/) printf "ptxas %s: %s registers, %s\n", f, $5, sp }
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
