#!/usr/bin/env bash
# Set up and start the dashboard on the bundled data: http://localhost:8501
# Chromium is installed for PNG/SVG chart export (the app works without it, minus those two formats).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt chromium fonts-dejavu-core
# Memory settings as in scripts/serve.sh (rekodiq/web/memory.py, PROCESS_ENV).
export PYTHONMALLOC="${PYTHONMALLOC:-malloc}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec .venv/bin/python -m streamlit run server.py --server.port "${PORT:-8501}" "$@"
