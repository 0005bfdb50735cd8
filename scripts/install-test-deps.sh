#!/usr/bin/env bash
# Installs what the tests drive for real: headless Chromium + ChromeDriver (page and report tests)
# and a Prometheus server (scrape test). Debian packages; idempotent; skips what is present.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
if [ ${#need[@]} -eq 0 ]; then
  echo "[test-deps] chromium, chromedriver and prometheus present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "[test-deps] installing ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian's prometheus package starts a service on install where systemd runs; tests start their own.
