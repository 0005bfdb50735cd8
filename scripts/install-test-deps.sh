#!/usr/bin/env bash
# Installs what the tests drive for real: headless Chromium + ChromeDriver (page and report tests),
# a Prometheus server and promtool (scrape test, alerting-rule unit tests, exposition lint) and
# clang-format (the CUDA formatting check),
# from Debian's packages. Idempotent: skips what is present.
# Works on a fresh Debian machine as root (CI) or through sudo; fails loudly if anything is still
# missing afterwards, so that a test never skips in CI for want of a program.
set -euo pipefail

# The tests use these exact paths (Debian's).
declare -A want=(
  [/usr/bin/chromium]=chromium
  [/usr/bin/chromedriver]=chromium-driver
  [/usr/bin/prometheus]=prometheus
  [/usr/bin/promtool]=prometheus
  # The CUDA formatter of `mvn -Ddsabench.format.cuda=true spotless:check` (pom.xml, profile
  # format-cuda): Debian's, at the version the pom names.
  [/usr/bin/clang-format]=clang-format
)
need=()
for bin in "${!want[@]}"; do
  [ -x "$bin" ] || need+=("${want[$bin]}")
done
if [ ${#need[@]} -eq 0 ]; then
  echo "[test-deps] chromium, chromedriver, prometheus, promtool and clang-format present"
  exit 0
fi
# Without a font the page renders boxes instead of text (tests pass, screenshots are useless).
need+=(fonts-dejavu-core)

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "[test-deps] need root or sudo to install ${need[*]}" >&2; exit 1; }
  sudo=sudo
fi
apt_get() {
  # Wait for another apt (e.g. a parallel helper or unattended-upgrades) instead of failing.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"
}
echo "[test-deps] installing ${need[*]}"
# A fresh machine has no package lists at all: always update first.
apt_get update -qq
# Debian's prometheus package starts its service where systemd runs (policy-rc.d denies it in
# containers); the tests start their own server on a free loopback port either way.
apt_get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

missing=()
for bin in "${!want[@]}"; do
  [ -x "$bin" ] || missing+=("$bin")
done
if [ ${#missing[@]} -ne 0 ]; then
  echo "[test-deps] still missing after install: ${missing[*]}" >&2
  exit 1
fi
echo "[test-deps] $(/usr/bin/chromium --version 2>/dev/null || echo chromium); $(/usr/bin/chromedriver --version | head -n1); $(/usr/bin/prometheus --version 2>&1 | head -n1)"
