#!/usr/bin/env bash
# Set up and run every test: lint and format check (ruff), then data, pages (AppTest), exports,
# hostile input, real browser, proxy. Screenshots and other artefacts land in artifacts/.
#
#   bash scripts/test.sh            # everything (what CI runs)
#   bash scripts/test.sh --fast     # ruff + the fast tier: pure units and AppTest, no browser,
#                                   # no proxy, no slow sweeps, on 2 processes (under a minute)
#   bash scripts/test.sh tests/test_urlstate.py -k round   # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."
tier=()
if [ "${1:-}" = "--fast" ]; then
  shift
  tier=(-n 2 -m "not browser and not deploy and not slow")
  bash scripts/setup.sh requirements-dev.txt
else
  bash scripts/setup.sh requirements-dev.txt chromium nginx fonts-dejavu-core
fi
mkdir -p artifacts
echo "== ruff check"
.venv/bin/ruff check .
echo "== ruff format --check"
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "${tier[@]}" "$@"
