# Container image of the dashboard: one Streamlit process on port 8501.
# Run several of these behind the reverse proxy in deploy/nginx.conf.template (sticky
# sessions); see deploy/README.md. Not built in CI (no container engine there).
#
#   docker build -t rekodiq-dashboard .
#   docker run --rm -p 127.0.0.1:8501:8501 \
#       -e STREAMLIT_SERVER_COOKIE_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(32))')" \
#       rekodiq-dashboard
#
# Every replica of one deployment needs the SAME STREAMLIT_SERVER_COOKIE_SECRET.
FROM python:3.11-slim-bookworm

# BROWSER_PATH: kaleido (chart PNG/SVG export) drives Debian's Chromium (it runs it with
# --no-sandbox and --disable-dev-shm-usage). Production settings live in
# .streamlit/config.toml; the STREAMLIT_* values repeat the ones that matter in a container.
# PYTHONMALLOC / MALLOC_ARENA_MAX: memory freed by closed sessions can go back to the OS
# (rekodiq/web/memory.py, PROCESS_ENV).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BROWSER_PATH=/usr/bin/chromium \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    STREAMLIT_SERVER_RUN_ON_SAVE=false \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    PYTHONMALLOC=malloc \
    MALLOC_ARENA_MAX=2

# Chromium for image export, and a font for chart text in those images.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Pinned dependencies first, so code changes do not reinstall them.
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# The app, owned by root and read-only for the user that runs it.
COPY . .
RUN useradd --create-home --uid 10001 --user-group --shell /usr/sbin/nologin app
USER app

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"]

CMD ["python", "-m", "streamlit", "run", "server.py", "--server.port", "8501", "--server.address", "0.0.0.0", "--server.headless", "true"]
