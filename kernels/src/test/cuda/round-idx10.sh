#!/usr/bin/env bash
# Device round idx10 (issue 16): decode indexer v9 / v9g (sm90/indexer/fp8.cu: v8's producer on an
# 18-stage ring, consumers with two accumulator sets so each item's epilogue runs under the same
# consumer's next products) and two driver-only ablations (v8d: v8's consumers on the 18-stage ring;
# v9r: v9's consumers on v8's 10 stages). No Java. Run from the repo root on the GPU machine with
# $OUT set. Builds idx7_bench twice (timing build; check build whose mbarrier waits give up after
# 2 s and name the barrier) and the fp8.cu cubin in parallel; records ptxas lines, SASS counts and
# where v9's epilogue sits (SHFL / STG between a QGMMA and its WARPGROUP.DEPBAR: under the
# products, as intended, or not); checks v9 / v9g / v8d / v9r on idx7's 16 cases (four processes at
# once; CPU reference, logits bit for bit v2's, maxima exact); times v2 / v6 / v8 / v8g / v9 / v9g /
# v8d / v9r at 64 x 2, 64 x 1, 128 x 2 at 128K and 64 x 2 at 32K (each twice, opposite orders; every
# timed candidate is first compared bit for bit with v2 on every logit); then the pipes v8 + v10 /
# v9 + v10 against v8g / v9g + gmax3. Everything into $OUT/idx10.txt; a summary table ends stdout.
# Every run under `timeout`; a failing one does not stop the others. ~80 s expected; the timeouts
# bound it at 140 s (builds 70, checks 20, timings 35, pipes 15). The host model of the ring's
# barriers (v8_schedule_sim.cpp at 18 stages) runs beside the builds.
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
log=$OUT/idx10.txt
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
timeout 70 nvcc "${flags[@]}" -o "$tmp/bench" "$t/idx7_bench.cu" >"$tmp/b1.txt" 2>&1 &
timeout 70 nvcc "${flags[@]}" -lineinfo -DDSA_MBAR_TIMEOUT_NS=2000000000 -o "$tmp/check" "$t/idx7_bench.cu" >"$tmp/b2.txt" 2>&1 &
timeout 70 nvcc "${flags[@]}" -cubin -o "$tmp/fp8.cubin" "$src/sm90/indexer/fp8.cu" >"$tmp/fp8.ptxas" 2>&1 &
# Host-only model of the ring's barrier protocol at v9's depth (v9's consumers keep v8's barrier
# order), beside the builds; informational, bounded.
(g++ -std=c++17 -O2 -pthread -DSIM_STAGES=18 -o "$tmp/sim18" "$t/v8_schedule_sim.cpp" &&
  timeout 45 "$tmp/sim18"; echo "sim exit $?") >"$tmp/sim.txt" 2>&1 &
wait
{
  echo "== build ($((SECONDS - start)) s)"
  echo "-- barrier model at 18 stages (exit 124: did not finish in 45 s)"
  grep -E "FAIL|schedule model|sim exit" "$tmp/sim.txt" | head -20
  grep -E "error|warning" "$tmp/b1.txt" "$tmp/b2.txt" "$tmp/fp8.ptxas"
  echo "-- ptxas (shipped flags), v8 / v9 kernels; a 'serialized' line is a bug"
  grep -E "Compiling entry|registers|spill|serialized" "$tmp/fp8.ptxas" | grep -A2 "_v[89]" | sed "s/^ptxas info *: //"
  echo "-- ptxas (bench build), the ablations v8d / v9r"
  grep -E "Compiling entry|registers|spill|serialized" "$tmp/b1.txt" | grep -A2 "idx10_" | sed "s/^ptxas info *: //"
  echo "-- ptxas (check build), v9"
  grep -E "Compiling entry|registers|spill|serialized" "$tmp/b2.txt" | grep -A2 "_v9" | sed "s/^ptxas info *: //"
  cuobjdump --dump-sass "$tmp/fp8.cubin" >"$tmp/fp8.sass" 2>&1 || echo "cuobjdump failed"
  echo "-- SASS counts (v8 / v9 kernels)"
  awk '
    /Function : /{f=$3}
    f ~ /_v[89]/ && /        \/\*[0-9a-f]+\*\//{
      n[f]++
      if ($0 ~ /QGMMA/) q[f]++; if ($0 ~ /HMMA/) hm[f]++; if ($0 ~ /LDL|STL/) l[f]++
      if ($0 ~ /SHFL/) sh[f]++; if ($0 ~ /FMNMX/) mx[f]++; if ($0 ~ /FFMA/) fm[f]++
      if ($0 ~ /STG/) stg[f]++; if ($0 ~ /WARPGROUP/) wg[f]++; if ($0 ~ /SYNCS/) sy[f]++
      if ($0 ~ /LDS/) lds[f]++
    }
    END { for (x in n) printf "sass %s: instr=%d QGMMA=%d HMMA=%d LDL/STL=%d SHFL=%d FMNMX=%d FFMA=%d STG=%d LDS=%d WARPGROUP=%d SYNCS=%d\n", x, n[x], q[x], hm[x], l[x], sh[x], mx[x], fm[x], stg[x], lds[x], wg[x], sy[x] }
  ' "$tmp/fp8.sass" | sort
  echo "-- SHFL / FFMA / STG issued between a QGMMA and the next WARPGROUP.DEPBAR (v9: the epilogue"
  echo "   of the previous item belongs there; q2 over its two loop copies ~6 SHFL + 128 FFMA + 2 STG,"
  echo "   v9g ~12 SHFL + 128 FFMA + 4 STG; v8 / v8g: 0 expected)"
  awk '
    /Function : /{f=$3; inm=0}
    f ~ /_v[89]g?_q/ && /QGMMA/ {inm=1}
    f ~ /_v[89]g?_q/ && /WARPGROUP.DEPBAR/ {inm=0}
    f ~ /_v[89]g?_q/ && inm && /SHFL/ {sh[f]++}
    f ~ /_v[89]g?_q/ && inm && /FFMA/ {fm[f]++}
    f ~ /_v[89]g?_q/ && inm && /STG/ {st[f]++}
    f ~ /_v[89]g?_q/ {seen[f]=1}
    END { for (x in seen) printf "shadow %s: SHFL=%d FFMA=%d STG=%d\n", x, sh[x], fm[x], st[x] }
  ' "$tmp/fp8.sass" | sort
  echo "-- v9g_q2 consumer loop, in order (QGMMA, WARPGROUP, SHFL, STG, SYNCS)"
  awk '/Function : /{f=$3} f=="dsa_indexer_fp8_v9g_q2" && /QGMMA|WARPGROUP|SHFL|STG|SYNCS/' "$tmp/fp8.sass" |
    sed -E 's/ +\/\* 0x[0-9a-f]+ \*\/ *$//; s/^ +//' | head -80
} >>"$log" 2>&1
if [ ! -x "$tmp/bench" ] || [ ! -x "$tmp/check" ]; then
  echo "BUILD FAILED: see idx10.txt" | tee -a "$log"
  cat "$tmp/b1.txt" "$tmp/b2.txt" >>"$log"
  exit 1
fi

run() {   # run TAG BINARY LIMIT ARGS...: one driver process under `timeout`, its output into the log
  local tag=$1 bin=$2 limit=$3
  shift 3
  local o=$tmp/run-$tag.txt
  local t0=$SECONDS
  timeout "$limit" "$bin" "$@" >"$o" 2>&1
  local rc=$?
  {
    echo "== $(basename "$bin") $* (limit ${limit} s, $((SECONDS - t0)) s, ended at $((SECONDS - start)) s)"
    cat "$o"
    echo "-- exit $rc$([ $rc = 124 ] && echo ' (timed out)')"
  } >"$tmp/log-$tag.txt"
  echo "$* -> exit $rc" >"$tmp/status-$tag.txt"
  return $rc
}
collect() {   # collect TAG...: append each run's log, summary lines and failures in order
  for tag in "$@"; do
    cat "$tmp/log-$tag.txt" >>"$log"
    grep -h "^SUMMARY" "$tmp/run-$tag.txt" | grep -v "^SUMMARY [a-z0-9]*: " >>"$tmp/summary.txt"
    grep -h "^CHECK.*FAIL$" "$tmp/run-$tag.txt" >>"$tmp/fails.txt"
    grep -h "^v8 diag" "$tmp/run-$tag.txt" >>"$tmp/fails.txt"
    cat "$tmp/status-$tag.txt" >>"$tmp/status.txt"
  done
}
: >"$tmp/summary.txt"
: >"$tmp/fails.txt"
: >"$tmp/status.txt"
# Each candidate's checks in its own process, all four at once (small launches): a crash in one
# (a launch error ends its process) leaves out only that candidate's timings.
cands=(v9 v9g v8d v9r)
pids=()
for v in "${cands[@]}"; do
  run "c-$v" "$tmp/check" 20 check "$v" &
  pids+=($!)
done
timed=v2,v6,v8,v8g
for i in "${!cands[@]}"; do
  v=${cands[$i]}
  wait "${pids[$i]}"
  rc=$?
  collect "c-$v"
  if [ $rc = 0 ]; then timed=$timed,$v; else echo "$v left out of the timings (check exit $rc)" | tee -a "$log"; fi
done
run t1 "$tmp/bench" 35 idx10 "$timed"
collect t1
run t2 "$tmp/bench" 15 pipe3 "$(echo "$timed" | tr , '\n' | grep -E '^(v8|v8g|v9|v9g)$' | paste -sd,)"
collect t2
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

{
  echo "== SUMMARY (round-idx10, $((SECONDS - start)) s; details in idx10.txt)"
  grep -E "^(sass|shadow) " "$log" | grep -E "_v9|_v8_q|_v8g_q"
  grep -E "schedule model|sim exit" "$log"
  awk '
    /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
    /spill stores/ { sp = $5 "+" $9 " spill bytes" }
    /Used [0-9]+ registers/ { if (f ~ /_v[89]/) printf "ptxas %s: %s registers, %s\n", f, $5, sp }
    /serialized/ { print "ptxas SERIALIZED: " $0 }' "$tmp/fp8.ptxas"
  sed 's/^/run: /' "$tmp/status.txt"
  if grep -qvE "exit [01]$" "$tmp/status.txt"; then echo "RUN ERRORS: a run above crashed or timed out (see idx10.txt)"; fi
  if [ -s "$tmp/fails.txt" ]; then
    echo "FAILED CHECKS:"
    cat "$tmp/fails.txt"
  else
    echo "no CHECK line failed ($(grep -c '^CHECK' "$log") checks)"
  fi
  sed 's/^SUMMARY //' "$tmp/summary.txt"
} | tee -a "$log"
rm -rf "$tmp"
