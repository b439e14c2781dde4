#!/usr/bin/env bash
# Set up and run every test: data, pages (AppTest), exports, hostile input, real browser, proxy.
# Screenshots and other artefacts land in artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt chromium nginx fonts-dejavu-core
mkdir -p artifacts
exec .venv/bin/python -m pytest "$@"
