#!/usr/bin/env bash
# Device round sdec12 (issue 16, sparse fp8 decode), no Java. Version 11 against the shipped solo
# fp8 kernel sparse_mla_fp8_v4 (sm90/decode/sparse_fp8.cu + sm90/sparse_mla.cuh):
#   v11     sparse_mla_fp8_v11 (sm90/decode/sparse_fp8_v11.cuh): v4's roles on four 32-entry stages
#           (36 KB each, the bytes of v4's two 64-entry tiles), S at m64n32k16, P V at K = 32, P
#           64-byte swizzled; the producer fills one stage pair while the consumers compute the
#           other; v4's conversion (dequant16)
#   v11f    sparse_mla_fp8_v11f: the same with v5's conversion
#   v11prod diagnostic: v11 with consumers that release each stage-half as soon as it is ready
#           (its producer alone; v4prod 0.21 ms, v10prod 0.19 at 64 x 2)
#   v11cons diagnostic: v11 whose producer fills the first two pairs and then only re-signals (its
#           consumers alone, the cost of N = 32; v4cons ~0.137 ms at 64 x 2)
# v11 and v11f are checked on all 17 case shapes with the fp8 cache (as round sdec11); v4 is the
# shipped kernel (checked in every earlier round) and only timed, with v10f (sdec11's best, 0.96x
# v4) beside it. Points: 64 x 2, 128 x 2, 64 x 1 at 32K and 128K (prefill and bf16-cache decode
# once in v4's bench). Run from the repo root on the GPU machine:
#   OUT=/some/dir bash kernels/src/test/cuda/round-sdec12.sh
# Everything goes into $OUT/sdec12.txt; stdout gets a summary table. Bounded: builds and runs under
# `timeout` (nothing starts after 80 s, nothing runs past 90 s), one process per implementation,
# and the check build gives up on an mbarrier wait after ~1 s (a hang becomes a failed check; a
# candidate whose checks hung is not timed).
set -uo pipefail
: "${OUT:?set OUT to the folder that comes back}"
mkdir -p "$OUT"
log=$OUT/sdec12.txt
src=kernels/src/main/cuda
t=kernels/src/test/cuda
b=$(mktemp -d /tmp/sdec12-round.XXXXXX)
start=$(date +%s)
exec 3>&1 >"$log" 2>&1
checked=(v11 v11f)
timed=(v4 v11 v11f v11prod v11cons v10f)

echo "== round-sdec12 $(date -u +%Y-%m-%dT%H:%M:%SZ)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv
git rev-parse HEAD 2>/dev/null || echo "commit: (no .git on this machine; see the call)"
nvcc --version | tail -n 2

flags=(-std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I "$src")
# In parallel: the fp8 cubin with the product flags (resources, SASS), and the driver twice: with
# the mbarrier wait timeout for the checks, without it for timing.
timeout 75 nvcc "${flags[@]}" -lineinfo -cubin -Xptxas -v -o "$b/sparse_fp8.cubin" "$src/sm90/decode/sparse_fp8.cu" \
  >"$b/sparse_fp8.ptxas" 2>&1 &
timeout 75 nvcc "${flags[@]}" -Xptxas -v -DSPARSE90_WAIT_TIMEOUT_NS=1000000000 -o "$b/sparse_bench_dbg" \
  "$t/sparse_bench.cu" >"$b/dbg.log" 2>&1 &
timeout 75 nvcc "${flags[@]}" -Xptxas -v -o "$b/sparse_bench" "$t/sparse_bench.cu" >"$b/bench.log" 2>&1 &
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
  echo "-- sparse_mla_fp8_v11: wgmma, barriers in order (HGMMA / SYNCS / BAR / WARPGROUP lines, first 200)"
  awk '/Function : / { keep = ($3 == "sparse_mla_fp8_v11") } keep && / (HGMMA|SYNCS|BAR|WARPGROUP)/' \
    "$b/sparse_fp8.sass" | sed -e 's/^ *//' -e 's/ *\/\* 0x[0-9a-f]* \*\/ *$//' | grep -v '^$' | head -n 200
else
  echo "no cubin"
fi

run() {   # run <label> <seconds> <command...>: bounded, exit status recorded; nothing starts once
  local label=$1 secs=$2   # the round is 80 s old, and nothing runs past 90 s (the 90 s budget)
  shift 2
  local left=$((90 - ($(date +%s) - start)))
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
  run "check $impl" 25 "$b/sparse_bench_dbg" check "$impl"
  rc=$?
  if [ $rc = 124 ] || grep -q "^CHECK $impl .*timed out" "$log"; then hung[$impl]=1; fi
done
# A diagnostic shares its producer or consumers with a checked kernel: skip it if that one hung.
hung[v11prod]=${hung[v11]:-}
hung[v11cons]=${hung[v11]:-}
for impl in "${timed[@]}"; do
  [ -x "$b/sparse_bench" ] || { echo "== bench $impl: no driver (build failed)"; break; }
  if [ -n "${hung[$impl]:-}" ]; then echo "== bench $impl: skipped (its checks hung)"; continue; fi
  run "bench $impl" 20 "$b/sparse_bench" bench "$impl"
done
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv
echo "== done in $(($(date +%s) - start)) s"

# Summary on stdout: checks, ptxas, then each implementation per point against the shipped v4 and
# against FlashMLA (the published H200 run of 2026-11-30, reference runner).
{
  echo "round-sdec12: $(($(date +%s) - start)) s, full log in $log"
  grep -E "^CHECKS|^ERROR" "$log"
  grep -c "^CHECK .* FAIL" "$log" | sed 's/^/failed checks: /'
  echo "ptxas sparse_fp8.cu: $(grep -h -E "bytes stack|Used [0-9]+ registers|serialized" "$b/sparse_fp8.ptxas" 2>/dev/null |
    sed -e 's/ptxas info *: //' -e 's/^ *//' | sort | uniq -c | sed 's/^ *//' | paste -sd';' -)"
  if grep -h "Used [0-9]* registers" "$b/sparse_fp8.ptxas" 2>/dev/null | grep -v -q "Used 168 registers"; then
    echo "WARNING: a kernel of sparse_fp8.cu is not at 168 registers: Regs<> in sparse_mla.cuh no longer adds up"
  fi
  echo "ptxas driver spills (dbg+bench builds, sm90 kernels): $(grep -h -A2 "Compiling entry function 'sparse_mla_" \
    "$b/dbg.log" "$b/bench.log" 2>/dev/null | grep -c -E '[1-9][0-9]* bytes (spill|stack)') kernels with a nonzero stack/spill"
  grep -q "^CHECKS v11 passed" "$log" || echo "NOTE: v11 did not pass its checks: its times are not comparable"
  grep -q "^CHECKS v11f passed" "$log" || echo "NOTE: v11f did not pass its checks: its times are not comparable"
  awk -F'|' '
    BEGIN {
      ref["decode fp8 64x2 p=32K"] = 0.189; ref["decode fp8 64x2 p=128K"] = 0.194
      ref["decode fp8 128x2 p=128K"] = 0.378; ref["decode fp8 64x1 p=128K"] = 0.099
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
      printf "%-24s %8s %8s %8s %8s %8s %8s %7s %7s %8s %8s %8s %8s\n", "point (ms)", "v4", "v11", "v11f",
        "v11prod", "v11cons", "v10f", "v11/v4", "v11f/v4", "FlashMLA", "v4/Fl", "v11/Fl", "v11f/Fl"
      for (i = 1; i <= np; i++) {
        p = order[i]; r = (p in ref) ? ref[p] : 0
        printf "%-24s %8s %8s %8s %8s %8s %8s %7s %7s %8s %8s %8s %8s\n", p, f(t["v4", p]), f(t["v11", p]),
          f(t["v11f", p]), f(t["v11prod", p]), f(t["v11cons", p]), f(t["v10f", p]), q(t["v11", p], t["v4", p]),
          q(t["v11f", p], t["v4", p]), (r > 0 ? r : "-"), q(t["v4", p], r), q(t["v11", p], r),
          q(t["v11f", p], r)
      }
    }' "$log"
  echo "must: decode <= 1.2x FlashMLA (64x2 0.228 ms, 128x2 0.451, 64x1 0.116); goal <= 1.0x"
  grep -E "^BENCH v4 .*(prefill|bf16)" "$log" | sed 's/ | p10.*//'
} | tee -a "$log" >&3
rm -rf "$b"
