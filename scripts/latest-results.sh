#!/usr/bin/env bash
# Prints the newest results.json under out/, else the published H200 run.
set -euo pipefail
cd "$(dirname "$0")/.."
latest=$(ls -t out/*/results.json out/*/*/results.json 2>/dev/null | head -n 1 || true)
if [ -n "$latest" ]; then echo "$latest"; exit 0; fi
if [ -f reports/published/h200/results.json ]; then echo reports/published/h200/results.json; exit 0; fi
echo "no results yet: run 'make bench' first" >&2
exit 2
