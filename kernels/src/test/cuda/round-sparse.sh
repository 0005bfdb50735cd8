#!/usr/bin/env bash
# One device round for the sparse MLA kernels (issue 16), no Java: version 4 (sm90/prefill/sparse.cu,
# sm90/decode/sparse_fp8.cu) against the shipped v3 (dsa_sparse_mla.cu), and v4solo (the fp8 v4
# kernel without the CTA pair, an experiment in sparse_bench.cu). Run from the repo root on
# the GPU machine with OUT set:  OUT=/some/dir bash kernels/src/test/cuda/round-sparse.sh
# Everything goes into $OUT/sparse.txt (ptxas resource lines, SASS instruction counts, every check,
# every timing); stdout gets a short summary table. Bounded: builds and runs are under `timeout`,
# each implementation runs in its own process (a trap cannot take the others down), and the check
# build gives up on an mbarrier wait after ~1 s (a hang becomes a failed check). An implementation
# whose checks hung is not timed; one with wrong numbers still is.
set -uo pipefail
: "${OUT:?set OUT to the folder that comes back}"
mkdir -p "$OUT"
log=$OUT/sparse.txt
src=kernels/src/main/cuda
t=kernels/src/test/cuda
b=$(mktemp -d /tmp/sparse-round.XXXXXX)
start=$(date +%s)
exec 3>&1 >"$log" 2>&1

echo "== round-sparse $(date -u +%Y-%m-%dT%H:%M:%SZ)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv
git rev-parse HEAD 2>/dev/null || echo "commit: (no .git on this machine; see the call)"
nvcc --version | tail -n 2

flags=(-std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I "$src")
# In parallel: the cubins with the product build's flags (build-cubins.sh) for resource use and
# SASS, and the driver twice: with the mbarrier wait timeout for the checks, without for timing.
for m in sm90/prefill/sparse sm90/decode/sparse_fp8 dsa_sparse_mla; do
  n=$(basename "$m")
  timeout 240 nvcc "${flags[@]}" -lineinfo -cubin -Xptxas -v -o "$b/$n.cubin" "$src/$m.cu" >"$b/$n.ptxas" 2>&1 &
done
timeout 240 nvcc "${flags[@]}" -Xptxas -v -DSPARSE90_WAIT_TIMEOUT_NS=1000000000 -o "$b/sparse_bench_dbg" \
  "$t/sparse_bench.cu" >"$b/dbg.log" 2>&1 &
timeout 240 nvcc "${flags[@]}" -Xptxas -v -o "$b/sparse_bench" "$t/sparse_bench.cu" >"$b/bench.log" 2>&1 &
wait
echo "== built in $(($(date +%s) - start)) s"
grep -h -E "error" "$b"/*.ptxas "$b/dbg.log" "$b/bench.log"

echo "== ptxas, product flags (registers are the launch bound: setmaxnreg moves them to the consumers)"
for n in sparse sparse_fp8 dsa_sparse_mla; do
  echo "-- $n.cu"
  grep -E "Compiling entry|registers|spill|stack|serialized|C75[0-9][0-9]|arning" "$b/$n.ptxas" |
    sed -e 's/^ptxas info *: //'
done
echo "-- driver, check build (wait timeout compiled in): v4 kernels"
grep -E -A2 "Compiling entry function 'sparse_mla_(bf16|fp8)_v4'" "$b/dbg.log" | grep -E "entry|spill|Used"
grep -E "serialized|C75[0-9][0-9]" "$b/dbg.log" "$b/bench.log"

echo "== SASS per kernel (cuobjdump): instruction counts"
for n in sparse sparse_fp8 dsa_sparse_mla; do
  [ -s "$b/$n.cubin" ] || { echo "$n: no cubin"; continue; }
  cuobjdump --dump-sass "$b/$n.cubin" >"$b/$n.sass" 2>&1
  awk '
    /Function : / { f = $3; fs[f] = 1 }
    /^ +\/\*[0-9a-f]+\*\/ / {
      n[f]++
      if ($0 ~ /HGMMA/) g[f]++
      if ($0 ~ /HMMA/) h[f]++
      if ($0 ~ /LDL|STL/) l[f]++
      if ($0 ~ /LDGSTS/) c[f]++
      if ($0 ~ /SYNCS/) s[f]++
      if ($0 ~ /WARPGROUP/) w[f]++
      if ($0 ~ /BAR\./) br[f]++
      if ($0 ~ /MUFU\.EX2/) e[f]++
      if ($0 ~ /F2FP/) cv[f]++
      if ($0 ~ /PRMT/) pm[f]++
      if ($0 ~ /HMUL2|HFMA2/) hm[f]++
      if ($0 ~ /REGALLOC|SETMAXREG|USETMAXREG/) rr[f]++
    }
    END {
      for (f in fs)
        printf "%-32s instr=%d HGMMA=%d HMMA=%d LDL/STL=%d LDGSTS=%d SYNCS=%d WARPGROUP=%d BAR=%d EX2=%d F2FP=%d PRMT=%d HMUL2/HFMA2=%d SETMAXREG=%d\n",
          f, n[f], g[f], h[f], l[f], c[f], s[f], w[f], br[f], e[f], cv[f], pm[f], hm[f], rr[f]
    }' "$b/$n.sass"
  grep -o -E "HGMMA\.[0-9x]+\.[A-Z0-9.]+" "$b/$n.sass" | sort | uniq -c | sed "s/^/   $n: /"
done

run() {   # run <label> <seconds> <command...>: bounded, exit status recorded
  local label=$1 secs=$2
  shift 2
  echo "== $label"
  timeout "$secs" "$@"
  local rc=$?
  echo "(exit $rc$([ $rc = 124 ] && echo ': timed out'))"
  return $rc
}
declare -A hung
for impl in v4 v3 v4solo; do
  [ -x "$b/sparse_bench_dbg" ] || { echo "== check $impl: no driver (build failed)"; break; }
  run "check $impl" 90 "$b/sparse_bench_dbg" check "$impl"
  rc=$?
  if [ $rc = 124 ] || grep -q "^CHECK $impl .*timed out" "$log"; then hung[$impl]=1; fi
done
for impl in v4 v3 v4solo; do
  [ -x "$b/sparse_bench" ] || { echo "== bench $impl: no driver (build failed)"; break; }
  if [ -n "${hung[$impl]:-}" ]; then echo "== bench $impl: skipped (its checks hung)"; continue; fi
  run "bench $impl" 60 "$b/sparse_bench" bench "$impl"
done
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv
echo "== done in $(($(date +%s) - start)) s"

# Summary on stdout: the checks, then v3 against v4 per point.
{
  echo "round-sparse: $(($(date +%s) - start)) s, full log in $log"
  grep -E "^CHECKS|^ERROR" "$log"
  grep -c "^CHECK .* FAIL" "$log" | sed 's/^/failed checks: /'
  for n in sparse sparse_fp8; do
    echo "ptxas $n.cu: $(grep -h -E "bytes stack|Used [0-9]+ registers|serialized" "$b/$n.ptxas" 2>/dev/null |
      sed -e 's/ptxas info *: //' -e 's/^ *//' | paste -sd';' -)"
    # setmaxnreg budgets in sm90/sparse_mla.cuh assume the launch allocation is 168 registers.
    grep -q "Used 168 registers" "$b/$n.ptxas" 2>/dev/null ||
      echo "WARNING: $n.cu is not at 168 registers: Regs<> in sparse_mla.cuh no longer adds up"
  done
  awk -F'|' '
    /^BENCH / {
      split($1, a, " "); impl = a[2]; pt = $2; gsub(/^ +| +$/, "", pt)
      ms = $3; gsub(/[^0-9.]/, "", ms); tf = $4; gsub(/[^0-9.]/, "", tf)
      if (!(pt in seen)) { seen[pt] = 1; order[++np] = pt }
      t[impl, pt] = ms; f[impl, pt] = tf
    }
    END {
      printf "%-26s %9s %9s %9s %8s %8s %8s\n", "point", "v3 ms", "v4 ms", "solo ms", "v3 TF/s", "v4 TF/s", "v3/v4"
      for (i = 1; i <= np; i++) {
        p = order[i]
        r = (t["v4", p] > 0 && t["v3", p] > 0) ? sprintf("%.2fx", t["v3", p] / t["v4", p]) : "-"
        printf "%-26s %9s %9s %9s %8s %8s %8s\n", p, t["v3", p], t["v4", p], t["v4solo", p], f["v3", p], f["v4", p], r
      }
    }' "$log"
  echo "targets: prefill >= 455 TFLOP/s at 16K-128K; decode 64x2 <= 0.247 ms, 128x2 <= 0.47 ms, 64x1 <= 0.142 ms"
} | tee -a "$log" >&3
rm -rf "$b"
