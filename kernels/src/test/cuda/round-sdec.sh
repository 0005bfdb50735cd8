#!/usr/bin/env bash
# Device round for the sparse fp8 decode kernels (issue 16), no Java: one script for every round
# that puts candidates of sm90/decode/sparse_fp8.cu beside the shipped solo fp8 kernel
# sparse_mla_fp8_v4 (rounds sdec10, sdec11, sdec12 and later; kernels/NOTES.md gives each round's
# invocation and what its candidates are). Run from the repo root on the GPU machine, e.g. for version 14:
#   ROUND=sdecN CHECKED="v14 v14s1" TIMED="v4 v14 v14s1 v14prod v14cons" FOCUS=sparse_mla_fp8_v14 \
#     OUT=/some/dir bash kernels/src/test/cuda/round-sdec.sh
# Parameters (environment):
#   ROUND        the round's name: the log is $OUT/$ROUND.txt, the summary starts "round-$ROUND:"
#   CHECKED      implementations `sparse_bench check` runs on all case shapes, each in its own process
#   TIMED        implementations `sparse_bench bench` times at the same points; the first is the
#                baseline the ratios divide by (v4, the shipped kernel). A diagnostic named <impl>prod
#                or <impl>cons shares a side with <impl> and is skipped when <impl>'s checks hung.
#   FOCUS        the kernel whose SASS lines FOCUS_OPS are printed in program order
#   FOCUS_OPS    SASS opcodes to keep, space separated (default "HGMMA SYNCS BAR WARPGROUP")
#   FOCUS_WHAT   what those lines show (default "wgmma, barriers in order")
#   FOCUS_LINES  how many of them (default 200)
#   BUDGET       seconds after which nothing runs (default 90; nothing starts in the last 10)
#   BUILD_S, CHECK_S, BENCH_S  per-build, per-check and per-bench timeouts (default 75, 25, 20)
# Everything goes into $OUT/$ROUND.txt; stdout gets a summary table: ms per point for each of TIMED,
# each of CHECKED over the baseline, FlashMLA (the published H200 run of 2026-11-30, reference
# runner), and the baseline and each of CHECKED over FlashMLA. The check build gives up on an
# mbarrier wait after ~1 s (a hang becomes a failed check; a candidate whose checks hung is not timed).
set -uo pipefail
: "${OUT:?set OUT to the folder that comes back}"
: "${ROUND:?set ROUND to the round name (the log is \$OUT/\$ROUND.txt)}"
: "${TIMED:?set TIMED to the implementations to time, the baseline (v4) first}"
: "${FOCUS:?set FOCUS to the kernel whose SASS order is printed (e.g. sparse_mla_fp8_v14)}"
FOCUS_OPS=${FOCUS_OPS:-HGMMA SYNCS BAR WARPGROUP}
FOCUS_WHAT=${FOCUS_WHAT:-wgmma, barriers in order}
FOCUS_LINES=${FOCUS_LINES:-200}
BUDGET=${BUDGET:-90}
BUILD_S=${BUILD_S:-75}
CHECK_S=${CHECK_S:-25}
BENCH_S=${BENCH_S:-20}
mkdir -p "$OUT"
log=$OUT/$ROUND.txt
src=kernels/src/main/cuda
t=kernels/src/test/cuda
b=$(mktemp -d "/tmp/$ROUND-round.XXXXXX")
start=$(date +%s)
exec 3>&1 >"$log" 2>&1
read -r -a checked <<<"${CHECKED:-}"
read -r -a timed <<<"$TIMED"
read -r -a focus_ops <<<"$FOCUS_OPS"
base=${timed[0]}

echo "== round-$ROUND $(date -u +%Y-%m-%dT%H:%M:%SZ)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv
git rev-parse HEAD 2>/dev/null || echo "commit: (no .git on this machine; see the call)"
nvcc --version | tail -n 2

flags=(-std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I "$src")
# In parallel: the fp8 cubin with the product flags (resources, SASS), and the driver twice: with
# the mbarrier wait timeout for the checks, without it for timing.
timeout "$BUILD_S" nvcc "${flags[@]}" -lineinfo -cubin -Xptxas -v -o "$b/sparse_fp8.cubin" \
  "$src/sm90/decode/sparse_fp8.cu" >"$b/sparse_fp8.ptxas" 2>&1 &
timeout "$BUILD_S" nvcc "${flags[@]}" -Xptxas -v -DSPARSE90_WAIT_TIMEOUT_NS=1000000000 -o "$b/sparse_bench_dbg" \
  "$t/sparse_bench.cu" >"$b/dbg.log" 2>&1 &
timeout "$BUILD_S" nvcc "${flags[@]}" -Xptxas -v -o "$b/sparse_bench" "$t/sparse_bench.cu" >"$b/bench.log" 2>&1 &
wait
echo "== built in $(($(date +%s) - start)) s"
grep -h -E "error" "$b/sparse_fp8.ptxas" "$b/dbg.log" "$b/bench.log"

echo "== ptxas, product flags (sm90/decode/sparse_fp8.cu; 168 = the launch bound, setmaxnreg moves them)"
grep -E "Compiling entry|registers|spill|stack|serialized|C75[0-9][0-9]|arning" "$b/sparse_fp8.ptxas" |
  sed -e 's/^ptxas info *: //'
for f in dbg bench; do
  echo "-- driver, $f build: the sm90 kernels (diagnostics included)"
  grep -E -A3 "Compiling entry function 'sparse_mla_" "$b/$f.log" | grep -E "entry|spill|Used" |
    sed -e 's/^ptxas info *: //'
  grep -E "serialized|C75[0-9][0-9]" "$b/$f.log"
done

echo "== SASS per kernel (cuobjdump): instruction counts"
sass_counts() {   # sass_counts <sass file>
  awk '
    /Function : / { f = $3; fs[f] = 1 }
    f != "" && /^ +\/\*[0-9a-f]+\*\/ / {
      n[f]++
      if ($0 ~ /HGMMA/) g[f]++
      if ($0 ~ /HMMA/) h[f]++
      if ($0 ~ /LDL|STL/) l[f]++
      if ($0 ~ /LDGSTS/) c[f]++
      if ($0 ~ / LDG\./) lg[f]++
      if ($0 ~ / LDS\./ || $0 ~ / LDS /) ls[f]++
      if ($0 ~ / STS\./ || $0 ~ / STS /) ss[f]++
      if ($0 ~ /SYNCS/) s[f]++
      if ($0 ~ /BAR\./) br[f]++
      if ($0 ~ /PRMT/) pm[f]++
      if ($0 ~ /HMUL2|HFMA2/) hm[f]++
      if ($0 ~ /WARPSYNC|VOTE/) ws[f]++
      if ($0 ~ /MEMBAR|FENCE/) mb[f]++
      if ($0 ~ /STAS/) sa[f]++
      if ($0 ~ /UBLKCP/) bk[f]++
    }
    END {
      for (f in fs)
        printf "%-36s instr=%d HGMMA=%d HMMA=%d LDL/STL=%d LDG=%d LDGSTS=%d LDS=%d STS=%d STAS=%d SYNCS=%d BAR=%d PRMT=%d HMUL2/HFMA2=%d WARPSYNC/VOTE=%d MEMBAR/FENCE=%d UBLKCP=%d\n",
          f, n[f], g[f], h[f], l[f], lg[f], c[f], ls[f], ss[f], sa[f], s[f], br[f], pm[f], hm[f], ws[f], mb[f], bk[f]
    }' "$1"
}
if [ -s "$b/sparse_fp8.cubin" ]; then
  cuobjdump --dump-sass "$b/sparse_fp8.cubin" >"$b/sparse_fp8.sass" 2>&1
  sass_counts "$b/sparse_fp8.sass"
  grep -o -E "HGMMA\.[0-9x]+\.[A-Z0-9.]+" "$b/sparse_fp8.sass" | sort | uniq -c | sed "s/^/   /"
  ops_slash=$(printf '%s\n' "${focus_ops[@]}" | paste -sd/ - | sed 's|/| / |g')
  ops_re=$(printf '%s\n' "${focus_ops[@]}" | paste -sd'|' -)
  echo "-- $FOCUS: $FOCUS_WHAT ($ops_slash lines, first $FOCUS_LINES)"
  awk -v k="$FOCUS" -v re=" ($ops_re)" '/Function : / { keep = ($3 == k) } keep && $0 ~ re' \
    "$b/sparse_fp8.sass" | sed -e 's/^ *//' -e 's/ *\/\* 0x[0-9a-f]* \*\/ *$//' | grep -v '^$' | head -n "$FOCUS_LINES"
else
  echo "no cubin"
fi

run() {   # run <label> <seconds> <command...>: bounded, exit status recorded; nothing starts in the
  local label=$1 secs=$2   # last 10 s of the budget, and nothing runs past it
  shift 2
  local left=$((BUDGET - ($(date +%s) - start)))
  if [ "$left" -lt 10 ]; then
    echo "== $label: skipped (the round's time budget is spent)"
    return 124
  fi
  [ "$secs" -gt "$left" ] && secs=$left
  echo "== $label"
  timeout "$secs" "$@"
  local rc=$?
  echo "(exit $rc$([ $rc = 124 ] && echo ': timed out'))"
  return $rc
}
declare -A hung
for impl in "${checked[@]}"; do
  [ -x "$b/sparse_bench_dbg" ] || { echo "== check $impl: no driver (build failed)"; break; }
  run "check $impl" "$CHECK_S" "$b/sparse_bench_dbg" check "$impl"
  rc=$?
  if [ $rc = 124 ] || grep -q "^CHECK $impl .*timed out" "$log"; then hung[$impl]=1; fi
done
# A diagnostic (<impl>prod, <impl>cons) shares its producer or consumers with <impl>: skip it if
# that one hung.
for impl in "${timed[@]}"; do
  side=${impl%prod}; side=${side%cons}
  [ "$side" != "$impl" ] && [ -n "${hung[$side]:-}" ] && hung[$impl]=1
done
for impl in "${timed[@]}"; do
  [ -x "$b/sparse_bench" ] || { echo "== bench $impl: no driver (build failed)"; break; }
  if [ -n "${hung[$impl]:-}" ]; then echo "== bench $impl: skipped (its checks hung)"; continue; fi
  run "bench $impl" "$BENCH_S" "$b/sparse_bench" bench "$impl"
done
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv
echo "== done in $(($(date +%s) - start)) s"

# Summary on stdout: checks, ptxas, then each implementation per point against the baseline and
# against FlashMLA (the published H200 run of 2026-11-30, reference runner).
{
  echo "round-$ROUND: $(($(date +%s) - start)) s, full log in $log"
  grep -E "^CHECKS|^ERROR" "$log"
  grep -c "^CHECK .* FAIL" "$log" | sed 's/^/failed checks: /'
  echo "ptxas sparse_fp8.cu: $(grep -h -E "bytes stack|Used [0-9]+ registers|serialized" "$b/sparse_fp8.ptxas" 2>/dev/null |
    sed -e 's/ptxas info *: //' -e 's/^ *//' | sort | uniq -c | sed 's/^ *//' | paste -sd';' -)"
  if grep -h "Used [0-9]* registers" "$b/sparse_fp8.ptxas" 2>/dev/null | grep -v -q "Used 168 registers"; then
    echo "WARNING: a kernel of sparse_fp8.cu is not at 168 registers: Regs<> in sparse_mla.cuh no longer adds up"
  fi
  echo "ptxas driver spills (dbg+bench builds, sm90 kernels): $(grep -h -A2 "Compiling entry function 'sparse_mla_" \
    "$b/dbg.log" "$b/bench.log" 2>/dev/null | grep -c -E '[1-9][0-9]* bytes (spill|stack)') kernels with a nonzero stack/spill"
  for impl in "${checked[@]}"; do
    grep -q "^CHECKS $impl passed" "$log" || echo "NOTE: $impl did not pass its checks: its times are not comparable"
  done
  awk -F'|' -v timed="${timed[*]}" -v checked="${checked[*]}" -v base="$base" '
    BEGIN {
      ref["decode fp8 64x2 p=32K"] = 0.189; ref["decode fp8 64x2 p=128K"] = 0.194
      ref["decode fp8 128x2 p=128K"] = 0.378; ref["decode fp8 64x1 p=128K"] = 0.099
      nt = split(timed, tv, " "); nc = split(checked, cv, " ")
    }
    /^BENCH / {
      split($1, a, " "); impl = a[2]; pt = $2; gsub(/^ +| +$/, "", pt)
      if (pt !~ /decode fp8/) next
      ms = $3; gsub(/[^0-9.]/, "", ms)
      if (!(pt in seen)) { seen[pt] = 1; order[++np] = pt }
      t[impl, pt] = ms + 0
    }
    function f(x) { return x > 0 ? sprintf("%.4f", x) : "-" }
    function q(x, y) { return (x > 0 && y > 0) ? sprintf("%.3f", x / y) : "-" }
    END {
      # Columns: ms of each timed implementation, each checked one over the baseline, FlashMLA, the
      # baseline and each checked one over FlashMLA.
      line = sprintf("%-24s", "point (ms)")
      for (j = 1; j <= nt; j++) line = line sprintf(" %8s", tv[j])
      for (j = 1; j <= nc; j++) line = line sprintf(" %7s", cv[j] "/" base)
      line = line sprintf(" %8s %8s", "FlashMLA", base "/Fl")
      for (j = 1; j <= nc; j++) line = line sprintf(" %8s", cv[j] "/Fl")
      print line
      for (i = 1; i <= np; i++) {
        p = order[i]; r = (p in ref) ? ref[p] : 0
        line = sprintf("%-24s", p)
        for (j = 1; j <= nt; j++) line = line sprintf(" %8s", f(t[tv[j], p]))
        for (j = 1; j <= nc; j++) line = line sprintf(" %7s", q(t[cv[j], p], t[base, p]))
        line = line sprintf(" %8s %8s", (r > 0 ? r : "-"), q(t[base, p], r))
        for (j = 1; j <= nc; j++) line = line sprintf(" %8s", q(t[cv[j], p], r))
        print line
      }
    }' "$log"
  echo "must: decode <= 1.2x FlashMLA (64x2 0.228 ms, 128x2 0.451, 64x1 0.116); goal <= 1.0x"
  grep -E "^BENCH $base .*(prefill|bf16)" "$log" | sed 's/ | p10.*//'
} | tee -a "$log" >&3
rm -rf "$b"
