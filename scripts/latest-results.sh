#!/usr/bin/env bash
# Prints the newest results file under out/ (a bench run's results.json), else the published H200
# run. Exit 2, saying why, when there is neither (`make report` then runs a short cpu sweep).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d out ]; then
  # Newest first; only files that are results (not a report.json, not a half-written temp file).
  while IFS= read -r f; do
    if grep -q '"dsabench.results/v1"' "$f" 2>/dev/null; then
      echo "$f"
      exit 0
    fi
  done < <(find out -maxdepth 3 -name results.json -type f -printf '%T@ %p\n' | sort -rn | cut -d' ' -f2-)
fi
if [ -f reports/published/h200/results.json ]; then
  echo reports/published/h200/results.json
  exit 0
fi
echo "no results under out/ and no reports/published/h200/results.json: run 'make bench' first" >&2
exit 2
