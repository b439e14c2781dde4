#!/usr/bin/env bash
# Performance benchmark: warm reruns per page vs a bare Streamlit page, payload sizes, cold loads,
# 10/25 concurrent sessions in headless Chromium, 25/50/100 through the websocket protocol, server
# CPU per interaction, 1x-1000x data, Lighthouse, memory, download (PNG/SVG/CSV/XLSX) times.
# Writes bench/results/latest.json and bench/results/latest.md, and rewrites the README's
# Performance section from them (full runs only).
#
#   bash scripts/bench.sh                      # everything (about 60-90 min on 2 cores)
#   bash scripts/bench.sh --only warm,export   # some sections: warm, interactions, scale, cold,
#                                              # lighthouse, memory, concurrency, protocol, export
#   bash scripts/bench.sh --name before        # write before.json / before.md instead
#   bash scripts/bench.sh --quick              # smoke run with few repetitions (not for the README)
#
# Sets up the machine first through scripts/setup.sh (the same setup as `bash scripts/test.sh`):
# a .venv with requirements-dev.txt, and Debian's chromium and fonts-dejavu-core when run as root.
# Every app server it starts listens on 127.0.0.1 only and is stopped when the run ends.
# A benchmark, not a test: it reports figures and exits 0 even when a target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt chromium fonts-dejavu-core
mkdir -p bench/results
# Lighthouse (first-chart section) drives Debian's Chromium; installed here, never by the tests.
if [ ! -x bench/.lighthouse/node_modules/.bin/lighthouse ] && command -v npm >/dev/null; then
    npm install --prefix bench/.lighthouse --no-audit --no-fund --loglevel=error lighthouse@12.2.3
fi
# --readme: a full run also rewrites the README's Performance section (skipped with --quick / --only).
exec .venv/bin/python -m bench.run --readme "$@"
