#!/usr/bin/env bash
# One device round for the sparse MLA kernels (issue 16), no Java: the shipped version 4
# (sm90/prefill/sparse.cu; sm90/decode/sparse_fp8.cu's sparse_mla_fp8_v4, each CTA dequantising every
# entry) and the two fp8 decode candidates of round 4 in sparse_fp8.cu (v5: the solo kernel with the
# cheaper conversion; v5pair: the CTA pair whose peer half comes by st.async counted in bytes on the
# ready barrier, each CTA loading and converting half of every block). The candidates change only
# the fp8 producer: prefill (bf16) is the shipped kernel, timed once as v4. (The round-2 CTA pair
# v4pair lost and left the sources; kernels/NOTES.md says where it is.) Run from the repo root on
# the GPU machine with OUT set:
#   OUT=/some/dir bash kernels/src/test/cuda/round-sparse.sh
# Everything goes into $OUT/sparse.txt (ptxas resource lines, SASS instruction counts, every check,
# every timing); stdout gets a short summary table. Bounded: builds and runs are under `timeout`,
# each implementation runs in its own process (a trap cannot take the others down), and the check
# build gives up on an mbarrier wait after ~1 s (a hang becomes a failed check). An implementation
# whose checks hung is not timed; one with wrong numbers still is (and is marked in the summary).
set -uo pipefail
: "${OUT:?set OUT to the folder that comes back}"
mkdir -p "$OUT"
log=$OUT/sparse.txt
src=kernels/src/main/cuda
t=kernels/src/test/cuda
b=$(mktemp -d /tmp/sparse-round.XXXXXX)
start=$(date +%s)
exec 3>&1 >"$log" 2>&1
impls=(v4 v5 v5pair)

echo "== round-sparse $(date -u +%Y-%m-%dT%H:%M:%SZ)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv
git rev-parse HEAD 2>/dev/null || echo "commit: (no .git on this machine; see the call)"
nvcc --version | tail -n 2

flags=(-std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I "$src")
# In parallel: the cubins with the product build's flags (build-cubins.sh) for resource use and
# SASS, and the driver twice: with the mbarrier wait timeout for the checks, without for timing.
for m in sm90/prefill/sparse sm90/decode/sparse_fp8; do
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
for n in sparse sparse_fp8; do
  echo "-- $n.cu"
  grep -E "Compiling entry|registers|spill|stack|serialized|C75[0-9][0-9]|arning" "$b/$n.ptxas" |
    sed -e 's/^ptxas info *: //'
done
for f in dbg bench; do
  echo "-- driver, $f build: the sm90 kernels"
  grep -E -A3 "Compiling entry function 'sparse_mla_" "$b/$f.log" | grep -E "entry|spill|Used" |
    sed -e 's/^ptxas info *: //'
  grep -E "serialized|C75[0-9][0-9]" "$b/$f.log"
done

echo "== SASS per kernel (cuobjdump): instruction counts"
sass_counts() {   # sass_counts <sass file> <kernel-name regex>
  awk -v want="$2" '
    /Function : / { f = $3; keep = (f ~ want); if (keep) fs[f] = 1 }
    keep && /^ +\/\*[0-9a-f]+\*\/ / {
      n[f]++
      if ($0 ~ /HGMMA/) g[f]++
      if ($0 ~ /HMMA/) h[f]++
      if ($0 ~ /LDL|STL/) l[f]++
      if ($0 ~ /LDGSTS/) c[f]++
      if ($0 ~ /SYNCS/) s[f]++
      if ($0 ~ /BAR\./) br[f]++
      if ($0 ~ /MUFU\.EX2/) e[f]++
      if ($0 ~ /PRMT/) pm[f]++
      if ($0 ~ /HMUL2|HFMA2/) hm[f]++
      if ($0 ~ /R2UR/) ru[f]++
      if ($0 ~ / SHF\./) sh[f]++
      if ($0 ~ / LOP3\./) lo[f]++
      if ($0 ~ / IMAD\.SHL/) is[f]++
      if ($0 ~ /STAS|ST\.ASYNC/) sa[f]++
      if ($0 ~ /MEMBAR|FENCE/) mb[f]++
      if ($0 ~ / LDG\./) lg[f]++
    }
    END {
      for (f in fs)
        printf "%-32s instr=%d HGMMA=%d LDL/STL=%d LDG=%d LDGSTS=%d SYNCS=%d BAR=%d EX2=%d PRMT=%d SHF=%d LOP3=%d IMAD.SHL=%d HMUL2/HFMA2=%d STAS=%d MEMBAR/FENCE=%d R2UR=%d\n",
          f, n[f], g[f], l[f], lg[f], c[f], s[f], br[f], e[f], pm[f], sh[f], lo[f], is[f], hm[f], sa[f], mb[f], ru[f]
    }' "$1"
}
for n in sparse sparse_fp8; do
  [ -s "$b/$n.cubin" ] || { echo "$n: no cubin"; continue; }
  cuobjdump --dump-sass "$b/$n.cubin" >"$b/$n.sass" 2>&1
  sass_counts "$b/$n.sass" .
  grep -o -E "HGMMA\.[0-9x]+\.[A-Z0-9.]+" "$b/$n.sass" | sort | uniq -c | sed "s/^/   $n: /"
done
# How the v5 conversion and the pair's remote stores compiled: one dequantised panel of each fp8
# kernel (from its first PRMT), and the opcodes of st.async and the fences.
for k in sparse_mla_fp8_v4 sparse_mla_fp8_v5 sparse_mla_fp8_v5_pair; do
  echo "-- $k: 40 instructions from the first PRMT"
  awk -v k="$k" '/Function : / { keep = ($3 == k); seen = 0 } keep && /PRMT/ { seen = 1 } keep && seen && n[k]++ < 40' \
    "$b/sparse_fp8.sass" | sed -e 's/^ *//' -e 's/ *\/\* 0x[0-9a-f]* \*\/ *$//'
  echo "-- $k: remote stores, fences (distinct opcodes)"
  awk -v k="$k" '/Function : / { keep = ($3 == k) } keep && /STAS|ST\.ASYNC|MEMBAR|FENCE|ST\.E.*cluster|STS.*cluster/' \
    "$b/sparse_fp8.sass" | sed -e 's/^ *\/\*[0-9a-f]*\*\/ *//' -e 's/ .*//' | sort | uniq -c
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
for impl in "${impls[@]}"; do
  [ -x "$b/sparse_bench_dbg" ] || { echo "== check $impl: no driver (build failed)"; break; }
  run "check $impl" 30 "$b/sparse_bench_dbg" check "$impl"
  rc=$?
  if [ $rc = 124 ] || grep -q "^CHECK $impl .*timed out" "$log"; then hung[$impl]=1; fi
done
for impl in "${impls[@]}"; do
  [ -x "$b/sparse_bench" ] || { echo "== bench $impl: no driver (build failed)"; break; }
  if [ -n "${hung[$impl]:-}" ]; then echo "== bench $impl: skipped (its checks hung)"; continue; fi
  run "bench $impl" 30 "$b/sparse_bench" bench "$impl"
done
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv
echo "== done in $(($(date +%s) - start)) s"

# Summary on stdout: the checks, ptxas, then every implementation per point against the shipped v4
# and against FlashMLA (its times in the published H200 run of 2026-11-30, reference runner).
{
  echo "round-sparse: $(($(date +%s) - start)) s, full log in $log"
  grep -E "^CHECKS|^ERROR" "$log"
  grep -E "^OCCUPANCY" "$log" | sort -u
  grep -c "^CHECK .* FAIL" "$log" | sed 's/^/failed checks: /'
  for n in sparse sparse_fp8; do
    echo "ptxas $n.cu: $(grep -h -E "bytes stack|Used [0-9]+ registers|serialized" "$b/$n.ptxas" 2>/dev/null |
      sed -e 's/ptxas info *: //' -e 's/^ *//' | sort | uniq -c | sed 's/^ *//' | paste -sd';' -)"
    # setmaxnreg budgets in sm90/sparse_mla.cuh assume the launch allocation is 168 registers.
    if grep -h "Used [0-9]* registers" "$b/$n.ptxas" 2>/dev/null | grep -v -q "Used 168 registers"; then
      echo "WARNING: a kernel of $n.cu is not at 168 registers: Regs<> in sparse_mla.cuh no longer adds up"
    fi
  done
  echo "ptxas driver spills (dbg+bench builds, sm90 kernels): $(grep -h -A2 "Compiling entry function 'sparse_mla_" \
    "$b/dbg.log" "$b/bench.log" 2>/dev/null | grep -c -E '[1-9][0-9]* bytes (spill|stack)') kernels with a nonzero stack/spill"
  for impl in "${impls[@]}"; do
    grep -q "^CHECKS $impl passed" "$log" || echo "NOTE: $impl did not pass its checks: its times are not comparable"
  done
  awk -F'|' '
    BEGIN {
      ref["decode fp8 64x2 p=32K"] = 0.190; ref["decode fp8 64x2 p=128K"] = 0.190
      ref["decode fp8 128x2 p=128K"] = 0.376; ref["decode fp8 64x1 p=128K"] = 0.097
      ref["prefill n=4096 p=16K"] = 3.792; ref["prefill n=4096 p=128K"] = 4.349
      must["decode fp8 64x2 p=32K"] = 0.229; must["decode fp8 64x2 p=128K"] = 0.229
      must["decode fp8 128x2 p=128K"] = 0.451; must["decode fp8 64x1 p=128K"] = 0.116
    }
    /^BENCH / {
      split($1, a, " "); impl = a[2]; pt = $2; gsub(/^ +| +$/, "", pt)
      ms = $3; gsub(/[^0-9.]/, "", ms)
      if (!(pt in seen)) { seen[pt] = 1; order[++np] = pt }
      t[impl, pt] = ms + 0
    }
    function f(x) { return x > 0 ? sprintf("%.4f", x) : "-" }
    END {
      printf "%-24s %8s %8s %8s %6s %8s %8s %9s\n", "point (ms)", "v4", "v5", "v5pair",
        "best", "best/v4", "FlashMLA", "best/Flash"
      for (i = 1; i <= np; i++) {
        p = order[i]; best = "v4"
        if (t["v5", p] > 0 && (!(t[best, p] > 0) || t["v5", p] < t[best, p])) best = "v5"
        if (t["v5pair", p] > 0 && (!(t[best, p] > 0) || t["v5pair", p] < t[best, p])) best = "v5pair"
        r = (t[best, p] > 0 && t["v4", p] > 0) ? sprintf("%.3f", t[best, p] / t["v4", p]) : "-"
        rf = (t[best, p] > 0 && (p in ref)) ? sprintf("%.2fx", t[best, p] / ref[p]) : "-"
        mark = (p in must) ? (t[best, p] > 0 && t[best, p] <= must[p] ? " must ok" : " must MISSED") : ""
        printf "%-24s %8s %8s %8s %6s %8s %8s %9s%s\n", p, f(t["v4", p]), f(t["v5", p]),
          f(t["v5pair", p]), best, r, ((p in ref) ? ref[p] : "-"), rf, mark
      }
    }' "$log"
  echo "must: decode <= 1.2x FlashMLA (64x2 0.229 ms, 128x2 0.451, 64x1 0.116); prefill >= 455 TFLOP/s"
  grep -E "^BENCH v4 .*prefill" "$log" | sed 's/ | p10.*//'
} | tee -a "$log" >&3
rm -rf "$b"
