#!/usr/bin/env bash
# Performance benchmark: warm reruns per page vs a bare Streamlit page, payload sizes, cold loads
# and 10/25/50 concurrent sessions in headless Chromium, download (PNG/SVG/CSV/XLSX) times.
# Writes bench/results/latest.json and bench/results/latest.md (the README's Performance table).
#
#   bash scripts/bench.sh                      # everything (15-30 min on 2 cores)
#   bash scripts/bench.sh --only warm,export   # some sections: warm, cold, concurrency, export
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
exec .venv/bin/python -m bench.run "$@"
