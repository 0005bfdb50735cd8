#!/usr/bin/env bash
# Renders the dashboard's cost charts (the reproduced Figure 3) to a PNG with headless Chromium.
# Usage: scripts/render-figure.sh OUT.png [RESULTS_DIR] [QUERY] [HEIGHT]   (after `make build`; needs
# chromium: scripts/install-test-deps.sh installs it). Serves RESULTS_DIR (default
# reports/published) on a free loopback port, opens the page at ?QUERY (a view as the page's URL
# holds it, e.g. cmpHardware=b200 for a comparison), waits for its API calls, screenshots the top
# HEIGHT pixels (default 500: the controls and the two cost charts), stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/render-figure.sh OUT.png [RESULTS_DIR]}
dir=${2:-reports/published}
query=${3:-}
height=${4:-500}
command -v chromium >/dev/null || { echo "render-figure: chromium not found (scripts/install-test-deps.sh)" >&2; exit 2; }
log=$(mktemp) profile=$(mktemp -d)
bin/dsabench serve --port 0 --results "$dir" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$log" "$profile"' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$log" | head -n 1 || true)
  [ -n "$url" ] && break
  sleep 0.2
done
[ -n "$url" ] || { echo "render-figure: the dashboard did not start:" >&2; cat "$log" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
# The window holds the controls and the two cost charts; virtual time lets the page's fetches and
# Chart.js finish before the capture.
chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --disable-background-networking --disable-component-update --disable-sync --no-first-run \
  --user-data-dir="$profile" --hide-scrollbars --window-size=1400,"$height" --virtual-time-budget=10000 \
  --screenshot="$(realpath -m "$out")" "$url${query:+?$query}" >/dev/null 2>&1
[ -s "$out" ] || { echo "render-figure: no screenshot written" >&2; exit 1; }
echo "render-figure: $out (from $url)"
