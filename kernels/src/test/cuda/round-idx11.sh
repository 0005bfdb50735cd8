#!/usr/bin/env bash
# Device round idx11 (issue 16): decode indexer v8's last percent. Candidates (shipped kernels of
# sm90/indexer/fp8.cu, selectable from Java, default unchanged): v8c (the key-scale copies with the
# keys' evict-first L2 policy, the logits stored streaming with st.global.cs), v8i (items
# interleaved across the persistent grid: CTA c takes items c, c + G, ... instead of a contiguous
# run) and v8ci (both). Plus mode `javalike`: v8 and the candidates timed the driver's way and the
# Java harness's way (hold kernel, maps encoded per call; also the kernels of the cubin built with
# build-cubins.sh's flags, launched by cuLaunchKernel as the Java backend launches them) on the
# driver's and the harness's input values, to split the gap between the published Java number
# and the driver's. No Java. Run from
# the repo root on the GPU machine with $OUT set. Builds idx7_bench twice (timing build; check
# build whose mbarrier waits give up after 2 s and name the barrier) and the fp8.cu cubin in
# parallel; records ptxas lines and SASS counts; checks v8c / v8i / v8ci on idx7's 16 cases (three
# processes at once; CPU reference, logits bit for bit v2's); times v2 / v6 / v8 / v8c / v8i / v8ci
# at 64 x 2, 64 x 1, 128 x 2 at 128K and 64 x 2 at 32K (each twice, opposite orders; every timed
# candidate first compared bit for bit with v2 on every logit); then `javalike`. Everything into
# $OUT/idx11.txt; a summary table ends stdout. Every run under `timeout`; a failing one does not
# stop the others. ~60 s expected; the timeouts bound it at 150 s (builds 70, checks 20, timings
# 35, javalike 25).
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
log=$OUT/idx11.txt
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
# The cubin exactly as build-cubins.sh builds the shipped one (-lineinfo too): its SASS is counted
# below and `javalike` launches its kernels through the driver API, as the Java backend does.
timeout 70 nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/fp8.cubin" "$src/sm90/indexer/fp8.cu" >"$tmp/fp8.ptxas" 2>&1 &
wait
{
  echo "== build ($((SECONDS - start)) s)"
  grep -E "error|warning" "$tmp/b1.txt" "$tmp/b2.txt" "$tmp/fp8.ptxas"
  echo "-- ptxas (shipped flags), v8 kernels; a 'serialized' line is a bug"
  grep -E "Compiling entry|registers|spill|serialized" "$tmp/fp8.ptxas" | grep -A2 "_v8c\?i\?_q" | sed "s/^ptxas info *: //"
  grep -E "serialized" "$tmp/fp8.ptxas" "$tmp/b1.txt" "$tmp/b2.txt"
  echo "-- ptxas (check build), v8c / v8i / v8ci"
  grep -E "Compiling entry|registers|spill|serialized" "$tmp/b2.txt" | grep -A2 "_v8c\?i\?_q" | sed "s/^ptxas info *: //"
  cuobjdump --dump-sass "$tmp/fp8.cubin" >"$tmp/fp8.sass" 2>&1 || echo "cuobjdump failed"
  echo "-- SASS counts (v8 and its variants)"
  awk '
    /Function : /{f=$3}
    f ~ /_v8c?i?_q/ && /        \/\*[0-9a-f]+\*\//{
      n[f]++
      if ($0 ~ /QGMMA/) q[f]++; if ($0 ~ /HMMA/) hm[f]++; if ($0 ~ /LDL|STL/) l[f]++
      if ($0 ~ /SHFL/) sh[f]++; if ($0 ~ /FFMA/) fm[f]++; if ($0 ~ /STG/) stg[f]++
      if ($0 ~ /UTMALDG|UBLKCP/) tma[f]++; if ($0 ~ /SYNCS/) sy[f]++
      if ($0 ~ /IMAD.HI|I2F|F2I|MUFU.RCP/) dv[f]++
    }
    END { for (x in n) printf "sass %s: instr=%d QGMMA=%d HMMA=%d LDL/STL=%d SHFL=%d FFMA=%d STG=%d TMA=%d SYNCS=%d div-ops=%d\n", x, n[x], q[x], hm[x], l[x], sh[x], fm[x], stg[x], tma[x], sy[x], dv[x] }
  ' "$tmp/fp8.sass" | sort
  echo "-- the logits store and the TMA copies, v8_q2 against v8c_q2 (v8c: STG with .EF / streaming, the"
  echo "   1D scale copy with a cache policy like the keys' 3D copy)"
  for k in dsa_indexer_fp8_v8_q2 dsa_indexer_fp8_v8c_q2; do
    echo "$k:"
    awk -v k="$k" '/Function : /{f=$3} f==k && /STG|UTMALDG|UBLKCP/' "$tmp/fp8.sass" |
      sed -E 's/ +\/\* 0x[0-9a-f]+ \*\/ *$//; s/^ +//'
  done
} >>"$log" 2>&1
if [ ! -x "$tmp/bench" ] || [ ! -x "$tmp/check" ]; then
  echo "BUILD FAILED: see idx11.txt" | tee -a "$log"
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
# Each candidate's checks in its own process, all at once (small launches): a crash in one (a
# launch error ends its process) leaves out only that candidate's timings.
cands=(v8c v8i v8ci)
pids=()
for v in "${cands[@]}"; do
  run "c-$v" "$tmp/check" 20 check "$v" &
  pids+=($!)
done
timed=v2,v6,v8
for i in "${!cands[@]}"; do
  v=${cands[$i]}
  wait "${pids[$i]}"
  rc=$?
  collect "c-$v"
  if [ $rc = 0 ]; then timed=$timed,$v; else echo "$v left out of the timings (check exit $rc)" | tee -a "$log"; fi
done
run t1 "$tmp/bench" 35 idx11 "$timed"
collect t1
IDX11_CUBIN=$tmp/fp8.cubin run t2 "$tmp/bench" 25 javalike "$timed"
collect t2
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

{
  echo "== SUMMARY (round-idx11, $((SECONDS - start)) s; details in idx11.txt)"
  grep -E "^sass " "$log"
  awk '
    /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
    /spill stores/ { sp = $5 "+" $9 " spill bytes" }
    /Used [0-9]+ registers/ { if (f ~ /_v8c?i?_q/) printf "ptxas %s: %s registers, %s\n", f, $5, sp }
    /serialized/ { print "ptxas SERIALIZED: " $0 }' "$tmp/fp8.ptxas"
  sed 's/^/run: /' "$tmp/status.txt"
  if grep -qvE "exit [01]$" "$tmp/status.txt"; then echo "RUN ERRORS: a run above crashed or timed out (see idx11.txt)"; fi
  if [ -s "$tmp/fails.txt" ]; then
    echo "FAILED CHECKS:"
    cat "$tmp/fails.txt"
  else
    echo "no CHECK line failed ($(grep -c '^CHECK' "$log") checks)"
  fi
  sed 's/^SUMMARY //' "$tmp/summary.txt"
} | tee -a "$log"
rm -rf "$tmp"
