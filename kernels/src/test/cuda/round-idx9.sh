#!/usr/bin/env bash
# Device round idx9 (issue 16): indexer v8h, v8g's group maxima finished under the next item's
# products (sm90/indexer/fp8.cu), no Java. Run from the repo root on the GPU machine with $OUT set.
# Builds idx7_bench twice (timing build; check build whose mbarrier waits give up after 2 s) and the
# fp8.cu cubin in parallel; records ptxas lines, SASS counts of the v8 kernels and where v8h's
# shuffles sit (between its QGMMAs and the wgmma wait, as intended, or not); checks v8h on idx7's
# 16 cases (CPU reference, logits bit for bit v2's, maxima exact); times v2 / v8 / v8g / v8h at
# 64 x 2 and 128 x 2 at 128K, 64 x 2 at 32K, 64 x 1 at 128K (each shape twice, opposite orders);
# then the pipes v8 + v10 against v8g / v8h + gmax3. Everything into $OUT/idx9.txt; a summary
# table ends stdout. Every run under `timeout`; a failing one does not stop the others.
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
log=$OUT/idx9.txt
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
nvcc "${flags[@]}" -o "$tmp/bench" "$t/idx7_bench.cu" >"$tmp/b1.txt" 2>&1 &
nvcc "${flags[@]}" -lineinfo -DDSA_MBAR_TIMEOUT_NS=2000000000 -o "$tmp/check" "$t/idx7_bench.cu" >"$tmp/b2.txt" 2>&1 &
nvcc "${flags[@]}" -cubin -o "$tmp/fp8.cubin" "$src/sm90/indexer/fp8.cu" >"$tmp/fp8.ptxas" 2>&1 &
wait
{
  echo "== build ($((SECONDS - start)) s)"
  grep -E "error|warning" "$tmp/b1.txt" "$tmp/b2.txt" "$tmp/fp8.ptxas"
  echo "-- ptxas (shipped flags), v8 kernels; a 'serialized' line is a bug"
  grep -E "Compiling entry|registers|spill|serialized" "$tmp/fp8.ptxas" | grep -A2 "_v8" | sed "s/^ptxas info *: //"
  cuobjdump --dump-sass "$tmp/fp8.cubin" >"$tmp/fp8.sass" 2>&1 || echo "cuobjdump failed"
  echo "-- SASS counts (v8 kernels)"
  awk '
    /Function : /{f=$3}
    f ~ /_v8/ && /        \/\*[0-9a-f]+\*\//{
      n[f]++
      if ($0 ~ /QGMMA/) q[f]++; if ($0 ~ /HMMA/) hm[f]++; if ($0 ~ /LDL|STL/) l[f]++
      if ($0 ~ /SHFL/) sh[f]++; if ($0 ~ /FMNMX/) mx[f]++; if ($0 ~ /FFMA/) fm[f]++
      if ($0 ~ /STG/) stg[f]++; if ($0 ~ /WARPGROUP/) wg[f]++; if ($0 ~ /SYNCS/) sy[f]++
    }
    END { for (x in n) printf "sass %s: instr=%d QGMMA=%d HMMA=%d LDL/STL=%d SHFL=%d FMNMX=%d FFMA=%d STG=%d WARPGROUP=%d SYNCS=%d\n", x, n[x], q[x], hm[x], l[x], sh[x], mx[x], fm[x], stg[x], wg[x], sy[x] }
  ' "$tmp/fp8.sass" | sort
  echo "-- SHFL / STG issued between a QGMMA and the next WARPGROUP.DEPBAR (v8h: its 3 maxima shuffles"
  echo "   and the store belong there; v8g: 0 expected)"
  awk '
    /Function : /{f=$3; inm=0}
    f ~ /_v8[gh]_q/ && /QGMMA/ {inm=1}
    f ~ /_v8[gh]_q/ && /WARPGROUP.DEPBAR/ {inm=0}
    f ~ /_v8[gh]_q/ && inm && /SHFL/ {sh[f]++}
    f ~ /_v8[gh]_q/ && inm && /STG/ {st[f]++}
    f ~ /_v8[gh]_q/ {seen[f]=1}
    END { for (x in seen) printf "shadow %s: SHFL=%d STG=%d\n", x, sh[x], st[x] }
  ' "$tmp/fp8.sass" | sort
  echo "-- v8h_q2 consumer loop, in order (QGMMA, WARPGROUP, SHFL, FMNMX, STG, SYNCS)"
  awk '/Function : /{f=$3} f=="dsa_indexer_fp8_v8h_q2" && /QGMMA|WARPGROUP|SHFL|STG|SYNCS|FMNMX/' "$tmp/fp8.sass" |
    sed -E 's/ +\/\* 0x[0-9a-f]+ \*\/ *$//; s/^ +//' | grep -v "FMNMX" | head -60
} >>"$log" 2>&1
if [ ! -x "$tmp/bench" ] || [ ! -x "$tmp/check" ]; then
  echo "BUILD FAILED: see idx9.txt" | tee -a "$log"
  cat "$tmp/b1.txt" "$tmp/b2.txt" >>"$log"
  exit 1
fi

run() {   # run BINARY LIMIT ARGS...: one driver process under `timeout`, its output into the log
  local bin=$1 limit=$2
  shift 2
  echo "== $(basename "$bin") $* (limit ${limit} s, at $((SECONDS - start)) s)" >>"$log"
  timeout "$limit" "$bin" "$@" >"$tmp/run.txt" 2>&1
  local rc=$?
  cat "$tmp/run.txt" >>"$log"
  grep -h "^SUMMARY" "$tmp/run.txt" | grep -v "^SUMMARY [a-z0-9]*: " >>"$tmp/summary.txt"
  grep -h "^CHECK.*FAIL$" "$tmp/run.txt" >>"$tmp/fails.txt"
  grep -h "^v8 diag" "$tmp/run.txt" >>"$tmp/fails.txt"
  echo "-- exit $rc$([ $rc = 124 ] && echo ' (timed out)')" >>"$log"
  echo "$* -> exit $rc" >>"$tmp/status.txt"
  return $rc
}
: >"$tmp/summary.txt"
: >"$tmp/fails.txt"
: >"$tmp/status.txt"
timed=v2,v8,v8g
if run "$tmp/check" 25 check v8h; then timed=$timed,v8h; else echo "v8h left out of the timings" | tee -a "$log"; fi
run "$tmp/bench" 35 idx9 "$timed"
run "$tmp/bench" 25 pipe3 "$timed"
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

{
  echo "== SUMMARY (round-idx9, $((SECONDS - start)) s; details in idx9.txt)"
  grep -E "^(sass|shadow) " "$log"
  awk '
    /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
    /spill stores/ { sp = $5 "+" $9 " spill bytes" }
    /Used [0-9]+ registers/ { if (f ~ /_v8/) printf "ptxas %s: %s registers, %s\n", f, $5, sp }
    /serialized/ { print "ptxas SERIALIZED: " $0 }' "$tmp/fp8.ptxas"
  sed 's/^/run: /' "$tmp/status.txt"
  if grep -qvE "exit [01]$" "$tmp/status.txt"; then echo "RUN ERRORS: a run above crashed or timed out (see idx9.txt)"; fi
  if [ -s "$tmp/fails.txt" ]; then
    echo "FAILED CHECKS:"
    cat "$tmp/fails.txt"
  else
    echo "no CHECK line failed ($(grep -c '^CHECK' "$log") checks)"
  fi
  sed 's/^SUMMARY //' "$tmp/summary.txt"
} | tee -a "$log"
rm -rf "$tmp"
