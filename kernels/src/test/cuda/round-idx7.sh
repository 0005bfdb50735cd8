#!/usr/bin/env bash
# Device round of indexer v8 / v8g (sm90/indexer/fp8.cu: producer warp + two consumer warpgroups on
# an mbarrier ring, persistent grid; issue 16), no Java: run from the repo root on the GPU machine
# with $OUT set. Builds idx7_bench twice (a check build whose mbarrier waits give up after 2 s with
# an illegal-address error, and the timing build) and the cubins of sm90/indexer/fp8.cu and
# dsa_indexer.cu in parallel, records ptxas resource lines and SASS instruction counts per kernel,
# checks v6 / v6g / v7 / v7g / v8 / v8g (CPU reference on sampled keys, bit for bit against v2,
# group maxima against the stored logits; v8 also on its schedule's edge cases), then times v2, v6,
# v6g, v7, v7g and (if their checks passed) v8, v8g side by side (64 x 2 and 128 x 2 at 128K,
# 64 x 2 at 32K, 64 x 1 at 128K; prefill 4096 at 128K for v2 / v6 / v6g) and the decode pipe
# (indexer + top-k: v2 + v10 against each g variant + gmax). Everything goes to $OUT/idx7.txt; a
# summary table ends stdout. Each run is under `timeout`; a failing run does not stop the others.
# Round idx8 additions: the host-only model of v8's barrier schedule (v8_schedule_sim.cpp) runs
# first; the check build carries -lineinfo, names a timed-out v8 wait ("v8 diag" lines) and, if a
# v8 check still fails, reruns it once under compute-sanitizer to name the faulting instruction.
set -uo pipefail
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
log=$OUT/idx7.txt
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
nvcc "${flags[@]}" -o "$tmp/idx7_bench" "$t/idx7_bench.cu" >"$tmp/b1.txt" 2>&1 &
nvcc "${flags[@]}" -lineinfo -DDSA_MBAR_TIMEOUT_NS=2000000000 -o "$tmp/idx7_check" "$t/idx7_bench.cu" >"$tmp/b2.txt" 2>&1 &
g++ -std=c++17 -O2 -pthread -o "$tmp/v8_sim" "$t/v8_schedule_sim.cpp" >"$tmp/b3.txt" 2>&1 &
for m in sm90/indexer/fp8 dsa_indexer; do
  n=${m//\//_}
  nvcc "${flags[@]}" -lineinfo -cubin -o "$tmp/$n.cubin" "$src/$m.cu" >"$tmp/$n.ptxas" 2>&1 &
done
wait
{
  echo "== build ($((SECONDS - start)) s)"
  grep -E "error|warning" "$tmp/b1.txt" "$tmp/b2.txt" "$tmp/b3.txt"
  echo "-- check build (2 s mbarrier timeouts), v8 kernels: ptxas"
  grep -A3 "entry function 'dsa_indexer_fp8_v8" "$tmp/b2.txt" | grep -E "entry|registers|spill|serialized"
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
        if ($0 ~ /UTMALDG|UBLKCP/) tma[f]++; if ($0 ~ /SYNCS/) sy[f]++
      }
      END { for (x in n) printf "%s %s: instr=%d QGMMA=%d HMMA=%d LDL/STL=%d LDGSTS=%d BAR=%d SHFL=%d FMNMX=%d FFMA=%d FADD=%d FMUL=%d SEL=%d LDS=%d STG=%d LDG=%d WARPGROUP=%d TMA=%d SYNCS=%d\n", mod, x, n[x], q[x], hm[x], l[x], cp[x], bar[x], sh[x], mx[x], fm[x], fa[x], fmu[x], sel[x], lds[x], stg[x], ldg[x], wg[x], tma[x], sy[x] }
    ' "$tmp/$m.sass" | sort
  done
} >>"$log" 2>&1
bench=$tmp/idx7_bench
check=$tmp/idx7_check
if [ ! -x "$bench" ] || [ ! -x "$check" ]; then
  echo "BUILD FAILED: see idx7.txt" | tee -a "$log"
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
  grep -h "^SUMMARY" "$tmp/run.txt" | grep -v "^SUMMARY [a-z]*: " >>"$tmp/summary.txt"
  grep -h "^CHECK.*FAIL$" "$tmp/run.txt" >>"$tmp/fails.txt"
  grep -h "^v8 diag" "$tmp/run.txt" >>"$tmp/fails.txt"
  echo "-- exit $rc$([ $rc = 124 ] && echo ' (timed out)')" >>"$log"
  echo "$* -> exit $rc" >>"$tmp/status.txt"
  return $rc
}
: >"$tmp/summary.txt"
: >"$tmp/fails.txt"
: >"$tmp/status.txt"
# The host-only model of v8's schedule (no GPU): barrier protocol, parities, slot reuse.
if [ -x "$tmp/v8_sim" ]; then
  echo "== v8 schedule model (at $((SECONDS - start)) s)" >>"$log"
  timeout 60 "$tmp/v8_sim" >"$tmp/sim.txt" 2>&1
  rc=$?
  echo "$(tail -1 "$tmp/sim.txt") -> exit $rc" >>"$tmp/status.txt"
  cat "$tmp/sim.txt" >>"$log"
fi
# Checks (check build). A v8 kernel that fails or hangs in its checks is left out of the timings;
# the first such failure is rerun once under compute-sanitizer (its report names the instruction).
for c in v6 v6g v7 v7g; do run "$check" 20 check "$c"; done
timed=v2,v6,v6g,v7,v7g
sanitized=0
for c in v8 v8g; do
  if run "$check" 30 check "$c"; then
    timed=$timed,$c
  else
    echo "$c left out of the timings" | tee -a "$log"
    if [ $sanitized = 0 ] && command -v compute-sanitizer >/dev/null; then
      sanitized=1
      echo "== compute-sanitizer check $c (limit 60 s, at $((SECONDS - start)) s)" >>"$log"
      timeout 60 compute-sanitizer --print-limit 8 "$check" check "$c" >"$tmp/san.txt" 2>&1
      cat "$tmp/san.txt" >>"$log"
      grep -m 4 -E "^========= (Illegal|Invalid|Misaligned|Out of|Program hit|    at )" "$tmp/san.txt" | sed 's/^/sanitizer: /' >>"$tmp/fails.txt"
    fi
  fi
done
# Timing: rc 0 or 1 (a failed check, still timed) keeps the results; a crash times each alone.
run "$bench" 45 indexer "$timed"
if [ $? -gt 1 ]; then
  for c in ${timed//,/ }; do [ "$c" = v2 ] || run "$bench" 20 indexer "v2,$c"; done
fi
run "$bench" 20 prefill
run "$bench" 40 pipe "$timed"
if [ $? -gt 1 ]; then
  for c in v6g v7g v8g; do case ",$timed," in *,$c,*) run "$bench" 15 pipe "$c" ;; esac; done
fi
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv >>"$log" 2>&1

{
  echo "== SUMMARY (round-idx7, $((SECONDS - start)) s; details in idx7.txt)"
  cat "$tmp/sm90_indexer_fp8.ptxas" "$tmp/dsa_indexer.ptxas" | awk '
    /Compiling entry/ { f = $0; sub(/.*function .\047?/, "", f); sub(/\047.*/, "", f) }
    /spill stores/ { sp = $5 "+" $9 " spill bytes" }
    /Used [0-9]+ registers/ { if (f ~ /wgmma|v6|v7|v8/) printf "ptxas %s: %s registers, %s\n", f, $5, sp }
    /serialized/ { print "ptxas SERIALIZED: " $0 }'
  grep -h "_q2 *:" "$log" | grep -E "instr=" | sed 's/^/sass /'
  grep "^occupancy" "$log" | sort -u
  sed 's/^/run: /' "$tmp/status.txt"
  if grep -qvE "exit [01]$" "$tmp/status.txt"; then echo "RUN ERRORS: a run above crashed or timed out (see idx7.txt)"; fi
  if [ -s "$tmp/fails.txt" ]; then
    echo "FAILED CHECKS:"
    cat "$tmp/fails.txt"
  else
    echo "no CHECK line failed ($(grep -c '^CHECK' "$log") checks)"
  fi
  sed 's/^SUMMARY //' "$tmp/summary.txt"
} | tee -a "$log"
rm -rf "$tmp"
