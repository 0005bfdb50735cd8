#!/usr/bin/env bash
# Device round sdec9 (issue 16, sparse fp8 decode): the solo producer's time split into gather and
# conversion, diagnostics only (kernels/src/test/cuda/sdec9_bench.cu; nothing shipped changes).
# Variants (see the driver's header): gv4 (v4's loads alone, U entries in flight per thread),
# gflat (plain 16-byte loads, NT threads x U), gbulk (cp.async.bulk ring, v8's path), cv4 / cv5 (the
# conversion + bf16 stores from resident raw rows), floor req / uniq / seq (all SMs: the same
# requests, each row once, the same bytes contiguous). Points: 64 x 2 and 128 x 2 at 128K, k 2048.
# Run from the repo root on the GPU machine:
#   OUT=/some/dir bash kernels/src/test/cuda/round-sdec9.sh
# Everything goes into $OUT/sdec9.txt; stdout gets a summary table. Bounded: the build under
# `timeout 40`, three run groups under `timeout` (an mbarrier wait traps after 2 s); nothing runs past 58 s.
set -uo pipefail
: "${OUT:?set OUT to the folder that comes back}"
mkdir -p "$OUT"
log=$OUT/sdec9.txt
src=kernels/src/main/cuda
t=kernels/src/test/cuda
b=$(mktemp -d /tmp/sdec9-round.XXXXXX)
start=$(date +%s)
exec 3>&1 >"$log" 2>&1

echo "== round-sdec9 $(date -u +%Y-%m-%dT%H:%M:%SZ)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu,power.draw --format=csv
git rev-parse HEAD 2>/dev/null || echo "commit: (no .git on this machine; see the call)"
nvcc --version | tail -n 2

timeout 40 nvcc -std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -Xptxas -v -I "$src" \
  -o "$b/sdec9_bench" "$t/sdec9_bench.cu" >"$b/build.log" 2>&1
echo "== built in $(($(date +%s) - start)) s (exit of nvcc: see errors below if any)"
grep -E "error|warning" "$b/build.log"
echo "== ptxas (registers, spills)"
grep -E "Compiling entry|registers|spill" "$b/build.log" | sed -e 's/^ptxas info *: //' | paste - - - |
  sed -E "s/Compiling entry function '_ZN.*_main[0-9]+//; s/' for 'sm_90a'//"

echo "== SASS per kernel (cuobjdump): instruction counts"
if [ -x "$b/sdec9_bench" ]; then
  cuobjdump --dump-sass "$b/sdec9_bench" >"$b/sass" 2>&1
  awk '
    /Function : / { f = $3; fs[f] = 1 }
    f != "" && /^ +\/\*[0-9a-f]+\*\/ / {
      n[f]++
      if ($0 ~ / LDG\./) lg[f]++
      if ($0 ~ / LDS/) ls[f]++
      if ($0 ~ / STS/) ss[f]++
      if ($0 ~ /LDL|STL/) l[f]++
      if ($0 ~ /UBLKCP/) bk[f]++
      if ($0 ~ /SYNCS/) s[f]++
      if ($0 ~ /PRMT/) pm[f]++
      if ($0 ~ /HMUL2|HFMA2/) hm[f]++
      if ($0 ~ /FENCE|MEMBAR/) mb[f]++
    }
    END {
      for (f in fs)
        printf "%-80s instr=%d LDG=%d LDS=%d STS=%d LDL/STL=%d UBLKCP=%d SYNCS=%d PRMT=%d HMUL2/HFMA2=%d FENCE=%d\n",
          f, n[f], lg[f], ls[f], ss[f], l[f], bk[f], s[f], pm[f], hm[f], mb[f]
    }' "$b/sass"
  echo "-- gather_v4<1> and gather_flat<128,8>: their main loops (LDG order: all issued before the sums?)"
  for k in gather_v4ILi1 gather_flatILi128ELi8; do
    awk -v k="$k" '/Function : / { keep = index($3, k) > 0 } keep && / LDG\.| LDS| IADD3 .*R[0-9]+, R[0-9]+, R[0-9]+|BRA|ISETP/' "$b/sass" |
      sed -e 's/^ *//' -e 's/ *\/\* 0x[0-9a-f]* \*\/ *$//' | head -60
  done
  # One process per group, so that a trap (gbulk's bounded mbarrier wait) loses only its own group.
  for g in "gv4,gflat,cv,floor" "gbulk 4w" "gbulk 8w"; do
    left=$((58 - ($(date +%s) - start)))
    if [ "$left" -lt 5 ]; then echo "== run $g: skipped (the round's 60 s are spent)"; continue; fi
    echo "== run $g"
    timeout $((left < 25 ? left : 25)) "$b/sdec9_bench" "$g"
    echo "(exit $?)"
  done
else
  echo "no driver (build failed)"; cat "$b/build.log"
fi
nvidia-smi --query-gpu=clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv
echo "== done in $(($(date +%s) - start)) s"

# Summary on stdout: µs and TB/s of requested bytes per variant at both points, against the
# producer-alone diagnostics of rounds sdec6-8 (64 x 2: v4prod 210, v6prod 183, v8prod 232 µs).
{
  echo "round-sdec9: $(($(date +%s) - start)) s, full log in $log"
  grep -E "^CHECKS|^ERROR|^\(exit [^0]|timed out|skipped" "$log"
  echo "ptxas: $(grep -c -E '[1-9][0-9]* bytes (spill|stack)' "$b/build.log") kernels with a nonzero stack/spill"
  awk -F'|' '
    /^BENCH / {
      v = $1; sub(/^BENCH +/, "", v); sub(/ +$/, "", v)
      p = $2; gsub(/^ +| +$/, "", p)
      us = $3; gsub(/[^0-9.]/, "", us); tb = $4; gsub(/[^0-9.]/, "", tb)
      ok = $7; gsub(/^ +| +$/, "", ok)
      if (!(v in seen)) { seen[v] = 1; order[++n] = v }
      if (!(p in sp)) { sp[p] = 1; pts[++np] = p }
      t[v, p] = sprintf("%7.1f us %5.2f TB/s", us, tb); c[v] = c[v] (ok == "SUM WRONG" ? " WRONG" : "")
    }
    END {
      printf "%-20s", "variant"
      for (j = 1; j <= np; j++) printf " | %-22s", pts[j]
      printf "\n"
      for (i = 1; i <= n; i++) {
        printf "%-20s", order[i]
        for (j = 1; j <= np; j++) printf " | %-22s", t[order[i], pts[j]]
        printf "%s\n", c[order[i]]
      }
    }' "$log"
  echo "reference (64x2 @128K, whole producers alone): v4prod 210 us, v6prod 183, v5pairprod 197, v8prod 232; v4cons 137; FlashMLA whole 190"
} | tee -a "$log" >&3
rm -rf "$b"
