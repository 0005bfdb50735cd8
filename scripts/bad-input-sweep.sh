#!/usr/bin/env bash
# Bad-input sweep over the CLI (after `make build`): every case must exit 2 with one line on stderr
# and no stack trace. Prints each case that is not handled so, then the counts; exit 1 if any.
cd "$(dirname "$0")/.."
D=bin/dsabench; P=reports/published/h200/results.json; R=reports/published/h200/reference.json
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT; echo x > $T/file; mkdir -p $T/dir.html; echo '{"schema":' > $T/trunc.json
echo '{"schema":"other/v1"}' > $T/other.json; : > $T/empty.json
L="--lock-dir $T/locks"
ok=0; bad=0
try() { # expected-exit args...
  want=$1; shift
  timeout 60 $D "$@" >$T/o 2>$T/e; rc=$?
  lines=$(grep -c . $T/e)
  if [ "$rc" = "$want" ] && [ "$lines" -le 1 ] && ! grep -q $'\tat \|Exception' $T/e; then ok=$((ok+1)); else bad=$((bad+1)); echo "NOT HANDLED rc=$rc lines=$lines: $*"; head -c 300 $T/e; echo; fi
}
# bench: each case's flag replaces the default of the same name
bench() { declare -A o=([--backend]=cpu [--phases]=decode [--positions]=64 [--forks]=0 [--out]=$T/b [--lock-dir]=$T/locks); o[$1]=$2; args=(); for k in "${!o[@]}"; do args+=("$k" "${o[$k]}"); done; try 2 bench "${args[@]}"; }
for a in "--positions 0" "--positions -4" "--positions 1K,1024" "--positions abc" "--positions 16M" "--tokens decode=-1" "--tokens x=1" "--tokens 0" \
  "--shard 2/2" "--shard a/b" "--shard 1" "--phases nope" "--variants nope" "--decode-tokens-per-seq 0" "--decode-tokens-per-seq 5" \
  "--min-effect 0" "--min-effect 2" "--min-effect NaN" "--max-noise -1" "--max-time 0" "--min-samples 0" "--forks -1" "--iterations 0" \
  "--metrics-port -1" "--metrics-port 70000" "--metrics-bind 192.0.2.1" "--metrics-bind ::g" "--pushgateway ftp://x" "--pushgateway nohost" \
  "--baseline /nonexistent.json" "--baseline $T/trunc.json" "--baseline $T/other.json" "--baseline $T/empty.json" "--baseline $T/dir.html" "--baseline $P" \
  "--reference /nonexistent.json" "--reference $P" "--reference $T/trunc.json" "--out $T/file" "--out /proc/x" "--out /sys/x" "--out $T/file/sub" \
  "--backend tpu" "--devices x" "--devices 0,0" ; do bench $a; done
# reference
for a in "--positions 0" "--positions x" "--phases x" "--tokens -3" "--decode-tokens-per-seq 9" "--max-noise -1" "--min-samples 0"; do try 2 reference --python /nonexistent/python3 $L $a --out $T/ref-$RANDOM; done
for a in "--out $T/file" "--out /proc/r" "--out $T/file/sub"; do try 2 reference --python /nonexistent/python3 $L $a; done
try 2 reference --python /nonexistent/python3 $L --out $T/ref-py
# cost
for a in "--price -1" "--price 0" "--price -0" "--price 1e308" "--price 1e309" "--price 0x1p3" "--price 2d" "--price 2f" "--price NaN" "--price Infinity" "--price ''" \
  "--hardware tpu" "--format xml" "--format csv --out $T/file" "--format csv --out /proc/c" "--out $T/x" "--step 0" "--step -1" "--extrapolation maybe" "--set nope=1" "--set hardware.bf16FlopsPerSecond=-1" \
  "--workload /nonexistent.yaml" "--workload $T/file" "--source-hardware tpu"; do try 2 cost --results $P $a; done
for f in /nonexistent.json $T/trunc.json $T/other.json $T/empty.json $T/file /proc/self/mem $T; do try 2 cost --results $f; done
try 2 cost --results $P --results $P
# report
for a in "--price 0" "--price 1e308" "--price 0x1p3" "--hardware tpu" "--out $T/x.txt" "--out $T/dir.html" "--out /proc/x.html" "--out $T/file/r.html" "--reference $T/trunc.json" "--reference $P" "--baseline /nonexistent.json" "--positions 0" "--workload $T/file"; do try 2 report --results $P $a; done
try 2 report --results $T/trunc.json --out $T/r.html
# compare
try 2 compare $P /nonexistent.json; try 2 compare $P $T/trunc.json; try 2 compare $T/other.json $P; try 2 compare $P $P --min-effect 0
try 2 compare $P $R; try 2 compare $P $P --reference; try 2 compare $P $T/empty.json
# merge
try 2 merge $P --out /proc/m.json; try 2 merge $P --out $T; try 2 merge $T/trunc.json --out $T/m.json; try 2 merge /nonexistent.json --out $T/m.json; try 2 merge $P $P --out $T/m.json
# serve (refused at start-up)
try 2 serve --port 70000; try 2 serve --results /nonexistent; try 2 serve --results $T/file; try 2 serve --bind ' '; try 2 serve --max-results-mb 0; try 2 serve --allowed-host 'a/b'
# check
try 2 check --backend tpu; try 2 check --seed x
# generic
try 2 nope; try 2 bench --nope; try 2 cost; try 2 cost --results; try 2 compare $P; try 2 merge $P
echo "handled $ok, not handled $bad"
[ "$bad" -eq 0 ]
