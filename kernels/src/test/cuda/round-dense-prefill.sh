#!/usr/bin/env bash
# One GPU round of the dense-prefill kernels (no Java needed). Run from the repo root on the GPU
# machine with $OUT set: bash kernels/src/test/cuda/round-dense-prefill.sh
# Builds, in parallel, the shipped cubin of version 3 (as build-cubins.sh does) and one standalone
# driver per candidate (dense_prefill_bench.cu with the candidate's DSA_V3_* flags, mbarrier waits
# bounded at 2 s); records ptxas resources and SASS instruction counts; checks every candidate
# against the naive fp32 reference (each binary in its own process under `timeout`, so a crash or
# hang costs only that candidate); then times every candidate at the same points, the shipped
# settings ("v3") first. Everything goes to $OUT/dense-prefill.txt; a summary table ends stdout.
set -uo pipefail
: "${OUT:?set OUT to the folder whose files come back}"
mkdir -p "$OUT"
f=$OUT/dense-prefill.txt
src=kernels/src/main/cuda
t=kernels/src/test/cuda
work=$(mktemp -d /tmp/dense-prefill-round.XXXXXX)
: >"$f"

# Candidates: name and the flags that select it (dense.cu's defaults are the shipped "v3").
names=(v3 v3pp v3s8 v3p)
declare -A flags=(
  [v3]=""                            # shipped: no ping-pong, L2 sections of 32 MB, no L2 prefetch
  [v3pp]="-DDSA_V3_PINGPONG=1"       # the consumers take turns through named barriers (FA3's ping-pong)
  [v3s8]="-DDSA_V3_L2_SECTION_MB=8"  # smaller head sections: one head at p >= 16K
  [v3p]="-DDSA_V3_L2_PREFETCH=4"     # the producer prefetches K/V 4 tiles ahead into L2
)
nvflags=(-std=c++17 -O3 -gencode arch=compute_90a,code=sm_90a -I "$src")

{
  echo "== dense-prefill round $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv
  nvcc --version | tail -n 2
} >>"$f" 2>&1

# ---- build (parallel) ----
nvcc "${nvflags[@]}" -lineinfo -cubin -Xptxas -v -o "$work/dense.cubin" "$src/sm90/prefill/dense.cu" >"$work/build-shipped.txt" 2>&1 &
for v in "${names[@]}"; do
  # shellcheck disable=SC2086
  nvcc "${nvflags[@]}" -Xptxas -v -DDSA_MBAR_TIMEOUT_NS=2000000000 ${flags[$v]} -DDSA_V3_NAME="\"$v\"" \
    "$t/dense_prefill_bench.cu" -o "$work/bench_$v" >"$work/build-$v.txt" 2>&1 &
done
wait
echo "build done at ${SECONDS}s" >>"$f"

# SASS counts of one kernel of a binary: tensor-core products, warpgroup fences/waits, barriers,
# mbarrier and TMA instructions, local-memory traffic (spills), MUFU.EX2.
sass_counts() {
  cuobjdump --dump-sass "$1" 2>/dev/null | awk -v want="$2" '
    /Function : / { on = ($3 == want) }
    on && /HGMMA/ { hg++ } on && /HMMA/ { hm++ } on && /WARPGROUP.ARRIVE/ { wa++ } on && /WARPGROUP.DEPBAR/ { wd++ }
    on && /BAR.SYNC|BAR.ARV|BAR.RED/ { bar++ } on && /SYNCS/ { sy++ } on && /UTMALDG/ { tma++ }
    on && /LDL|STL/ { ll++ } on && /MUFU.EX2/ { ex++ } on && /USETMAXREG/ { smr++ }
    END { printf "HGMMA=%d HMMA=%d WARPGROUP.ARRIVE=%d WARPGROUP.DEPBAR=%d BAR=%d SYNCS=%d UTMALDG=%d LDL/STL=%d MUFU.EX2=%d USETMAXREG=%d\n", hg, hm, wa, wd, bar, sy, tma, ll, ex, smr }'
}
{
  echo "== ptxas, shipped cubin (sm90/prefill/dense.cu as build-cubins.sh builds it)"
  grep -E "error|warning|Compiling entry|registers|spill|serialized|C75" "$work/build-shipped.txt"
  echo "SASS dense_prefill_v3 (shipped): $(sass_counts "$work/dense.cubin" dense_prefill_v3)"
  cuobjdump --dump-elf-symbols "$work/dense.cubin" 2>/dev/null | grep -E "dense_prefill_v3_(shared_bytes|threads|block_m)" \
    || echo "exported constants: not listed by cuobjdump --dump-elf-symbols"
  for v in "${names[@]}"; do
    echo "== ptxas, bench $v (flags: ${flags[$v]:-none} -DDSA_MBAR_TIMEOUT_NS=2000000000)"
    grep -E "error|warning|serialized|C75" "$work/build-$v.txt" | head -n 20
    grep -A 3 "Compiling entry function 'dense_prefill_v3'" "$work/build-$v.txt" | grep -E "spill|registers"
    [ -x "$work/bench_$v" ] && echo "SASS dense_prefill_v3 ($v): $(sass_counts "$work/bench_$v" dense_prefill_v3)"
  done
} >>"$f" 2>&1

# ---- checks, then timings; each run in its own process ----
run() {  # run LABEL BINARY ARGS...
  local label=$1 bin=$2
  shift 2
  if [ ! -x "$bin" ]; then
    echo "RUN $label: not built" >>"$f"
    return
  fi
  if ((SECONDS > 135)); then
    echo "RUN $label: skipped, ${SECONDS}s used of the 150 s budget" >>"$f"
    return
  fi
  echo "== $label ($(date -u +%T), ${SECONDS}s)" >>"$f"
  timeout 60 "$bin" "$@" >>"$f" 2>&1
  local rc=$?
  [ $rc -ne 0 ] && echo "RUN $label: exit $rc$([ $rc -eq 124 ] && echo ' (timeout)')" >>"$f"
}
for v in "${names[@]}"; do run "check $v" "$work/bench_$v" check; done
for v in "${names[@]}"; do run "time $v" "$work/bench_$v" time; done
{
  nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv
  echo "round done at ${SECONDS}s"
} >>"$f" 2>&1

# ---- summary (stdout and the file) ----
summary() {
  echo "== summary: dense prefill, TFLOP/s (fraction of the 744 bf16 ceiling); checks per kernel"
  for k in "${names[@]}"; do
    if grep -q "CHECKS PASSED $k\$" "$f"; then s=passed; elif grep -q "CHECKS FAILED $k\$" "$f"; then s=FAILED; else s="did not finish"; fi
    echo "checks $k: $s ($(grep -c "^CHECK .*$k .*FAIL" "$f") failing lines)"
  done
  awk -v kernels="${names[*]}" '
    /^TIME / {
      split($3, a, "="); split($4, b, "="); split($6, c, "=")
      key = a[2] " " b[2]; if (!(key in seen)) { seen[key] = 1; order[++np] = key }
      v[key, $2] = c[2]
    }
    END {
      nk = split(kernels, ks, " ")
      printf "%-14s", "n p"; for (i = 1; i <= nk; i++) printf "%14s", ks[i]; printf "%12s%10s\n", "best/v3", "ref"
      for (j = 1; j <= np; j++) {
        key = order[j]; split(key, np2, " "); printf "%-14s", key
        best = 0
        for (i = 1; i <= nk; i++) {
          x = v[key, ks[i]]
          if (x == "") printf "%14s", "-"; else printf "%8.1f (%2d%%)", x, int(x / 7.44 + 0.5)
          if (i > 1 && x + 0 > best) best = x + 0
        }
        base = v[key, "v3"] + 0
        ratio = (base > 0 && best > 0) ? sprintf("%.2fx", best / base) : "-"
        printf "%12s", ratio
        ref = (np2[1] == 4096 && np2[2] == 16384) ? "660" : (np2[1] == 4096 && np2[2] == 131072) ? "535" : ""
        printf "%10s\n", ref
      }
      print "ref: cuDNN causal via SDPA, marginal cost of the chunk (dsabench reference, 2026-11-30); must >= 0.85x (561 at 16K, 455 at 128K)"
    }' "$f"
}
summary | tee -a "$f"
rm -rf "$work"
