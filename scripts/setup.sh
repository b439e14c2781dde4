#!/usr/bin/env bash
# Set up a fresh machine: Debian packages (when root and missing), a virtualenv, pinned pip packages.
# Usage: scripts/setup.sh <requirements file> [debian packages...]   (idempotent)
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"
shift || true

missing=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "warning: missing Debian packages ${missing[*]}; run: sudo apt-get install ${missing[*]}" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  python3 -m venv .venv
fi
echo "== installing Python packages from $requirements"
# pip and setuptools themselves are pinned too: a new venv ships a setuptools with known advisories.
.venv/bin/python -m pip install -q "pip==26.3" "setuptools==84.2.1" >/dev/null
.venv/bin/python -m pip install -q -r "$requirements"
