#!/usr/bin/env bash
# Device round of indexer v6 / v6g / v7 / v7g (sm90/indexer/fp8.cu; issue 16), no Java: run from
# the repo root on the GPU machine with $OUT set. Builds idx6_bench and the cubins of
# sm90/indexer/fp8.cu and dsa_indexer.cu (v2 / v5 / v5g) in parallel, records ptxas resource lines
# and SASS instruction counts per kernel, checks every candidate (CPU reference on sampled keys,
# bit for bit against v2, group maxima against the stored logits), then times v2, v5, v5g and the
# candidates side by side (64 x 2 and 128 x 2 at 128K, 64 x 2 at 32K, 64 x 1 at 128K, prefill 4096
# at 128K) and the decode pipe (indexer + top-k: v2 + v10 against each g-variant + gmax).
# Everything goes to $OUT/idx6.txt; a summary table ends stdout. Each run is under `timeout`
# (the kernels wait on cp.async groups only, no mbarriers); a failing run does not stop the others.
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
log=$OUT/idx6.txt
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
nvcc "${flags[@]}" -o "$tmp/idx6_bench" "$t/idx6_bench.cu" >"$tmp/b1.txt" 2>&1 &
for m in sm90/indexer/fp8 dsa_indexer; do
  n=${m//\//_}
  nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/$n.cubin" "$src/$m.cu" >"$tmp/$n.ptxas" 2>&1 &
done
wait
{
  echo "== build ($((SECONDS - start)) s)"
  grep -E "error|warning" "$tmp/b1.txt"
  echo "-- ptxas (shipped build flags); a 'serialized' line is a bug"
  for m in sm90_indexer_fp8 dsa_indexer; do
    grep -E "Compiling entry|registers|spill|serialized" "$tmp/$m.ptxas" | sed -e "s/^ptxas info *: //" -e "s/^/$m: /"
  done
  echo "-- SASS instruction counts per kernel"
  for m in sm90_indexer_fp8 dsa_indexer; do
    cuobjdump --dump-sass "$tmp/$m.cubin" >"$tmp/$m.sass" 2>&1 || echo "$m: cuobjdump failed"
    awk -v mod="$m" '
      /Function : /{f=$3}
      f!="" && /        \/\*[0-9a-f]+\*\//{
        n[f]++
        if ($0 ~ /QGMMA/) q[f]++; if ($0 ~ /HMMA/) hm[f]++; if ($0 ~ /LDL|STL/) l[f]++
        if ($0 ~ /LDGSTS/) cp[f]++; if ($0 ~ / BAR\./) bar[f]++; if ($0 ~ /SHFL/) sh[f]++
        if ($0 ~ /FMNMX/) mx[f]++; if ($0 ~ /FFMA/) fm[f]++; if ($0 ~ /FADD/) fa[f]++; if ($0 ~ /FMUL/) fmu[f]++
        if ($0 ~ /WARPGROUP/) wg[f]++; if ($0 ~ /LDS/) lds[f]++; if ($0 ~ /STG/) stg[f]++
        if ($0 ~ /LDG/) ldg[f]++; if ($0 ~ /SEL/) sel[f]++
      }
      END { for (x in n) printf "%s %s: instr=%d QGMMA=%d HMMA=%d LDL/STL=%d LDGSTS=%d BAR=%d SHFL=%d FMNMX=%d FFMA=%d FADD=%d FMUL=%d SEL=%d LDS=%d STG=%d LDG=%d WARPGROUP=%d\n", mod, x, n[x], q[x], hm[x], l[x], cp[x], bar[x], sh[x], mx[x], fm[x], fa[x], fmu[x], sel[x], lds[x], stg[x], ldg[x], wg[x] }
    ' "$tmp/$m.sass" | sort
  done
} >>"$log" 2>&1
bench=$tmp/idx6_bench
if [ ! -x "$bench" ]; then
  echo "BUILD FAILED: see idx6.txt" | tee -a "$log"
  cat "$tmp/b1.txt" >>"$log"
  exit 1
fi

run() {   # run LIMIT ARGS...: one driver process under `timeout`, its output into the log
  local limit=$1
  shift
  echo "== idx6_bench $* (limit ${limit} s, at $((SECONDS - start)) s)" >>"$log"
  timeout "$limit" "$bench" "$@" >"$tmp/run.txt" 2>&1
  local rc=$?
  cat "$tmp/run.txt" >>"$log"
  grep -h "^SUMMARY" "$tmp/run.txt" | grep -v "^SUMMARY [a-z]*: " >>"$tmp/summary.txt"
  grep -h "^CHECK.*FAIL$" "$tmp/run.txt" >>"$tmp/fails.txt"
  echo "-- exit $rc$([ $rc = 124 ] && echo ' (timed out)')" >>"$log"
  echo "$* -> exit $rc" >>"$tmp/status.txt"
  return $rc
}
: >"$tmp/summary.txt"
: >"$tmp/fails.txt"
: >"$tmp/status.txt"
for c in v6 v6g v7 v7g; do run 30 check "$c"; done
# Timing: rc 0 or 1 (a failed check, still timed) keeps the results; a crash times each alone.
run 45 indexer
if [ $? -gt 1 ]; then
  for c in v2,v5,v5g v2,v6 v2,v6g v2,v7 v2,v7g; do run 25 indexer "$c"; done
fi
run 25 prefill
run 40 pipe
if [ $? -gt 1 ]; then
  for c in v6g v7g; do run 20 pipe "$c"; done
fi
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

{
  echo "== SUMMARY (round-idx6, $((SECONDS - start)) s; details in idx6.txt)"
  cat "$tmp/sm90_indexer_fp8.ptxas" "$tmp/dsa_indexer.ptxas" | awk '
    /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
    /spill stores/ { sp = $5 "+" $9 " spill bytes" }
    /Used [0-9]+ registers/ { if (f ~ /wgmma|v5|v6|v7/) printf "ptxas %s: %s registers, %s\n", f, $5, sp }
    /serialized/ { print "ptxas SERIALIZED: " $0 }'
  grep -h "_q2 *:" "$log" | grep -E "instr=" | sed 's/^/sass /'
  grep -m1 "^occupancy" "$log"
  sed 's/^/run: /' "$tmp/status.txt"
  if grep -qvE "exit [01]$" "$tmp/status.txt"; then echo "RUN ERRORS: a run above crashed or timed out (see idx6.txt)"; fi
  if [ -s "$tmp/fails.txt" ]; then
    echo "FAILED CHECKS:"
    cat "$tmp/fails.txt"
  else
    echo "no CHECK line failed ($(grep -c '^CHECK' "$log") checks)"
  fi
  sed 's/^SUMMARY //' "$tmp/summary.txt"
} | tee -a "$log"
rm -rf "$tmp"
