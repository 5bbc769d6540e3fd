#!/usr/bin/env bash
# Installs what the NetworkX/igraph cross-check and the betweenness
# benchmark need: Debian's python3-networkx and python3-igraph for the
# system Python (/usr/bin/python3). Idempotent and silent when both are
# already importable; runs `apt-get update` only if the first install fails
# (a fresh machine's package lists may be missing or stale).
set -euo pipefail
py=/usr/bin/python3
if "$py" -c 'import networkx, igraph' >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
pkgs=(python3 python3-networkx python3-igraph)
echo "ensure-deps: installing ${pkgs[*]}" >&2
if ! $sudo apt-get install -y -qq "${pkgs[@]}" >/dev/null 2>&1; then
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi
"$py" -c 'import networkx, igraph' || { echo "ensure-deps: $py still cannot import networkx and igraph" >&2; exit 1; }
