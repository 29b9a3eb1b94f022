#!/usr/bin/env bash
# Set up everything crowd needs on a fresh Debian machine with Python 3.11:
#   scripts/setup.sh          - the app (system fonts/tools, .venv with the app's dependencies)
#   scripts/setup.sh --dev    - also the test tools (chromium, PostgreSQL, Redis, poppler; dev packages)
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=0
[ "${1:-}" = "--dev" ] && DEV=1

SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"
packages=(python3-venv)
[ "$DEV" = 1 ] && packages+=(chromium chromium-driver poppler-utils postgresql redis-server nodejs)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# torch first, pinned: an unpinned torch pulls a multi-GB CUDA build.
.venv/bin/python -m pip install -q "torch==2.13.0"
extra=""
[ "$DEV" = 1 ] && extra="[dev]"
.venv/bin/python -m pip install -q -c constraints.txt -e ".${extra}"
# The single sign-on tests run a real OpenID Connect provider (npm's oidc-provider) on node.
if [ "$DEV" = 1 ] && ! command -v npm >/dev/null && command -v apt-get >/dev/null; then
  $SUDO apt-get install -y -qq npm >/dev/null  # Debian packs npm apart from nodejs (NodeSource does not)
fi
if [ "$DEV" = 1 ] && [ ! -d tests/oidc/node_modules/oidc-provider ]; then
  (cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error)
fi
