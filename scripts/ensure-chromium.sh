#!/usr/bin/env bash
# Installs what the browser test (the carer page, internal/ui) drives:
# Debian's chromium at /usr/bin/chromium. Idempotent and silent when it is
# already there; runs `apt-get update` only if the first install fails (a
# fresh machine's package lists may be missing or stale). The test itself
# decides what a missing browser means (a failure under CI=true).
set -euo pipefail
bin=/usr/bin/chromium
if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
# fonts-dejavu-core: the screenshots need a font with the glyphs the page
# uses (→, ·, …) whatever the machine came with.
pkgs=(chromium fonts-dejavu-core)
echo "ensure-chromium: installing ${pkgs[*]}" >&2
if ! $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null 2>&1; then
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi
"$bin" --version >/dev/null || { echo "ensure-chromium: $bin still does not run" >&2; exit 1; }
