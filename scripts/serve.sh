#!/usr/bin/env bash
# Serve the dashboard to many users without a container: N Streamlit processes on
# loopback behind one unprivileged nginx (sticky sessions, security headers, gzip,
# per-client limits). Ctrl-C (or SIGTERM) stops everything it started.
#
#   scripts/serve.sh                 # 2 app processes on 127.0.0.1:8601.., nginx on 127.0.0.1:8080
#   SERVE_REPLICAS=4 SERVE_PORT=9000 scripts/serve.sh
#   scripts/serve.sh render OUT.conf # only render deploy/nginx.conf.template (see SERVE_UPSTREAMS)
#
# Environment (all optional):
#   SERVE_REPLICAS    number of app processes (default 2)
#   SERVE_PORT        nginx port (default 8080); SERVE_LISTEN overrides the whole
#                     address, e.g. 0.0.0.0:8080 to accept other machines
#   SERVE_APP_PORT    port of the first app process (default 8601; the next ones follow)
#   SERVE_RUN_DIR     logs, pid files, rendered nginx.conf, the views the processes share
#                     (default <repo>/.run)
#   SERVE_APP         Streamlit entry point (default server.py: the dashboard plus its HTTP routes)
#   SERVE_PYTHON      Python with streamlit installed (default <repo>/.venv/bin/python)
#   NGINX             nginx binary (default: nginx on PATH, else /usr/sbin/nginx)
#   STREAMLIT_SERVER_COOKIE_SECRET  shared by all app processes; generated per run if unset
#   SERVE_CONN_LIMIT  concurrent connections per client IP (default 20)
#   SERVE_REQ_RATE / SERVE_REQ_BURST  app requests (pages, health, downloads) per client IP
#                     (default 10r/s, burst 100); the websocket is capped by SERVE_CONN_LIMIT
#   SERVE_STATIC_RATE / SERVE_STATIC_BURST / SERVE_STATIC_CONN_LIMIT  /static/ bundle
#                     requests per client IP (default 100r/s, burst 1000, 64 at once; a cold
#                     page load fetches ~100-150 of them, from nginx's cache)
#   SERVE_CSP_SCRIPT_EXTRA / SERVE_CSP_CONNECT_EXTRA / SERVE_CSP_IMG_EXTRA
#                     extra CSP sources, e.g. SERVE_CSP_SCRIPT_EXTRA="'unsafe-eval'"; default: none
#   SERVE_RESTART     1 = restart an app process that exits (default 1; tests use 0)
#   SERVE_HEALTH_TIMEOUT  seconds to wait for each /_stcore/health (default 90)
#   SERVE_UPSTREAMS   "host:port host:port" for `render` (default: the local app ports)
#   CSP_SCRIPT_HASHES for `render`: the 'sha256-...' of Streamlit's inline script (the normal
#                     run computes it from the served page; see .run/nginx.conf)
# Checked by tests/test_deploy.py (pytest -m deploy); see deploy/README.md.
set -Eeuo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPLICAS="${SERVE_REPLICAS:-2}"
PORT="${SERVE_PORT:-8080}"
LISTEN="${SERVE_LISTEN:-127.0.0.1:${PORT}}"
APP_PORT="${SERVE_APP_PORT:-8601}"
RUN_DIR="${SERVE_RUN_DIR:-${REPO}/.run}"
APP="${SERVE_APP:-server.py}"
RESTART="${SERVE_RESTART:-1}"
HEALTH_TIMEOUT="${SERVE_HEALTH_TIMEOUT:-90}"
if [[ -z "${SERVE_PYTHON:-}" ]]; then
    if [[ -x "${REPO}/.venv/bin/python" ]]; then SERVE_PYTHON="${REPO}/.venv/bin/python"; else SERVE_PYTHON="python3"; fi
fi
PY="${SERVE_PYTHON}"

log() { printf '[serve] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

app_ports() { local i; for ((i = 0; i < REPLICAS; i++)); do echo $((APP_PORT + i)); done; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# 0 when GET url answers 200 within 2 s.
http_ok() {
    "$PY" -c 'import sys, urllib.request
try:
    sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=2).status == 200 else 1)
except Exception:
    sys.exit(1)' "$1"
}

# sha256 CSP sources for every inline <script> of the page the app serves (Streamlit's
# index.html has one: window.prerenderReady = false). Computed, not hard-coded, so a
# Streamlit upgrade cannot silently break the CSP.
csp_script_hashes() {
    "$PY" - "$1" <<'EOF'
import base64, hashlib, re, sys, urllib.request
html = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode("utf-8")
scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S | re.I)
print(" ".join(
    "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
    for s in scripts if s.strip()))
EOF
}

# render_nginx OUT UPSTREAMS... : fill in deploy/nginx.conf.template.
render_nginx() {
    local out="$1"; shift
    local hashes="${CSP_SCRIPT_HASHES:-}"
    SERVE_RENDER_RUN_DIR="$RUN_DIR" SERVE_RENDER_LISTEN="$LISTEN" SERVE_RENDER_HASHES="$hashes" \
    "$PY" - "${REPO}/deploy/nginx.conf.template" "$out" "$@" <<'EOF'
import os, re, sys
template, out, upstreams = sys.argv[1], sys.argv[2], sys.argv[3:]
env = os.environ
values = {
    "RUN_DIR": env["SERVE_RENDER_RUN_DIR"],
    "LISTEN": env["SERVE_RENDER_LISTEN"],
    "UPSTREAM_SERVERS": " ".join(f"server {u} max_fails=1 fail_timeout=10s;" for u in upstreams),
    "CONN_LIMIT": env.get("SERVE_CONN_LIMIT", "20"),
    "REQ_RATE": env.get("SERVE_REQ_RATE", "10r/s"),
    "REQ_BURST": env.get("SERVE_REQ_BURST", "100"),
    "STATIC_RATE": env.get("SERVE_STATIC_RATE", "100r/s"),
    "STATIC_BURST": env.get("SERVE_STATIC_BURST", "1000"),
    "STATIC_CONN_LIMIT": env.get("SERVE_STATIC_CONN_LIMIT", "64"),
    "CSP_SCRIPT_HASHES": env.get("SERVE_RENDER_HASHES", ""),
    "CSP_SCRIPT_EXTRA": env.get("SERVE_CSP_SCRIPT_EXTRA", ""),
    "CSP_CONNECT_EXTRA": env.get("SERVE_CSP_CONNECT_EXTRA", ""),
    # The app sets no :material/...: page icons (their favicons would come from Google's
    # font CDN), so images need no outside host.
    "CSP_IMG_EXTRA": env.get("SERVE_CSP_IMG_EXTRA", ""),
}
for key, value in values.items():
    # Values end up inside nginx directives: refuse anything that could end one.
    if re.search(r"[;{}\"\n\\]", value) and key != "UPSTREAM_SERVERS":
        sys.exit(f"render: unsafe characters in {key}={value!r}")
def fill(line):
    if line.lstrip().startswith("#"):  # comments document the placeholders; keep them
        return line
    line = re.sub(r"@([A-Z_]+)@", lambda m: values[m.group(1)], line)
    if "Content-Security-Policy" in line:  # tidy the gaps left by empty extras
        line = re.sub(r" +;", ";", re.sub(r"(?<=\S)  +", " ", line))
    return line
text = "".join(fill(line) for line in open(template, encoding="utf-8").readlines())
with open(out, "w", encoding="utf-8") as fh:
    fh.write(text)
EOF
}

if [[ "${1:-}" == "render" ]]; then
    [[ -n "${2:-}" ]] || die "usage: scripts/serve.sh render OUT.conf"
    read -r -a ups <<<"${SERVE_UPSTREAMS:-$(for p in $(app_ports); do printf '127.0.0.1:%s ' "$p"; done)}"
    mkdir -p "$RUN_DIR/nginx-tmp"   # nginx wants its temp dirs' parent to exist
    RUN_DIR="$(cd "$RUN_DIR" && pwd)"
    render_nginx "$2" "${ups[@]}"
    log "rendered $2 (upstreams: ${ups[*]}; CSP script hashes: ${CSP_SCRIPT_HASHES:-none, set CSP_SCRIPT_HASHES})"
    exit 0
fi
[[ $# -eq 0 ]] || die "unknown argument: $1 (usage: scripts/serve.sh [render OUT.conf])"

# ---- Preconditions ----
NGINX="${NGINX:-$(command -v nginx || true)}"
if [[ -z "$NGINX" && -x /usr/sbin/nginx ]]; then NGINX=/usr/sbin/nginx; fi
[[ -n "$NGINX" && -x "$NGINX" ]] || die "nginx not found. Install it: apt-get install -y nginx (Debian/Ubuntu), or set NGINX=/path/to/nginx"
"$PY" -c 'import streamlit' 2>/dev/null || die "$PY cannot import streamlit (create the venv: python -m venv .venv && .venv/bin/pip install -r requirements.txt)"
[[ "$REPLICAS" =~ ^[1-9][0-9]*$ ]] || die "SERVE_REPLICAS must be a positive integer"
(cd "$REPO" && [[ -f "$APP" ]]) || die "no ${APP} (relative to ${REPO})"
for p in $(app_ports) "${LISTEN##*:}"; do
    if port_in_use "$p"; then die "port $p is already in use (set SERVE_PORT / SERVE_APP_PORT)"; fi
done

mkdir -p "$RUN_DIR/nginx-tmp"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"
if [[ $EUID -eq 0 ]]; then
    # As root, nginx runs its workers as "nobody": they must reach the cache and temp dirs.
    d="$RUN_DIR"
    while [[ "$d" != "/" ]]; do
        perms=$(stat -c %A "$d")
        [[ "${perms:9:1}" =~ [xt] ]] || die "run dir $RUN_DIR is not reachable by nginx's workers (user nobody): $d is $perms. Use a SERVE_RUN_DIR whose parents are world-executable (chmod o+x), or run as a normal user."
        d="$(dirname "$d")"
    done
fi
if [[ -z "${STREAMLIT_SERVER_COOKIE_SECRET:-}" ]]; then
    # Same secret for every replica (XSRF token and signed cookies validate anywhere);
    # passed in the environment, never on a command line where `ps` would show it.
    STREAMLIT_SERVER_COOKIE_SECRET="$("$PY" -c 'import secrets; print(secrets.token_hex(32))')"
fi
export STREAMLIT_SERVER_COOKIE_SECRET
echo $$ >"$RUN_DIR/serve.pid"

declare -A APP_PIDS=()
declare -A LAST_START=()
NGINX_PID=""
STOPPING=0

stop_all() {
    local rc=$?
    [[ $STOPPING -eq 1 ]] && return
    STOPPING=1
    trap - INT TERM EXIT
    log "stopping..."
    local pids=()
    [[ -n "$NGINX_PID" ]] && pids+=("$NGINX_PID")
    for p in "${!APP_PIDS[@]}"; do pids+=("${APP_PIDS[$p]}"); done
    ((${#pids[@]})) && kill -TERM "${pids[@]}" 2>/dev/null || true
    local deadline=$((SECONDS + 10)) alive
    while ((SECONDS < deadline)); do
        alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        ((alive)) || break
        sleep 0.2
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    rm -f "$RUN_DIR"/app-*.pid "$RUN_DIR/serve.pid"
    log "stopped"
    exit "$rc"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Views computed by one app process are read by the others (rekodiq/ui/view_store.py): a new
# filter state costs the host one computation, not one per process. Emptied at every start, so
# no process reads what an older version of the code stored; private to this user (pickles).
VIEW_STORE="$RUN_DIR/views"
rm -rf "$VIEW_STORE"
mkdir -m 700 "$VIEW_STORE"
export REKODIQ_SHARED_VIEWS="$VIEW_STORE"

# Memory (rekodiq/web/memory.py, PROCESS_ENV; tests/test_memory_housekeeping.py): Python
# allocates through glibc and glibc keeps at most two arenas, so the memory that closed sessions
# free can be trimmed back to the OS. Without these, 1,000 sessions left the process at +90 % RSS.
export PYTHONMALLOC="${PYTHONMALLOC:-malloc}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

start_app() {
    local port="$1"
    (
        cd "$REPO"
        exec "$PY" -m streamlit run "$APP" \
            --server.port "$port" --server.address 127.0.0.1 \
            --server.headless true --server.fileWatcherType none --server.runOnSave false \
            --browser.gatherUsageStats false
    ) >>"$RUN_DIR/app-$port.log" 2>&1 &
    APP_PIDS[$port]=$!
    LAST_START[$port]=$SECONDS
    echo "${APP_PIDS[$port]}" >"$RUN_DIR/app-$port.pid"
    log "app process on 127.0.0.1:$port (pid ${APP_PIDS[$port]}, log $RUN_DIR/app-$port.log)"
}

wait_healthy() {
    local port="$1" deadline=$((SECONDS + HEALTH_TIMEOUT))
    until http_ok "http://127.0.0.1:$port/_stcore/health"; do
        kill -0 "${APP_PIDS[$port]}" 2>/dev/null || die "app process on port $port exited; see $RUN_DIR/app-$port.log"
        ((SECONDS < deadline)) || die "no healthy answer from port $port within ${HEALTH_TIMEOUT}s; see $RUN_DIR/app-$port.log"
        sleep 0.5
    done
}

for p in $(app_ports); do start_app "$p"; done
for p in $(app_ports); do wait_healthy "$p"; log "port $p healthy"; done

CSP_SCRIPT_HASHES="$(csp_script_hashes "http://127.0.0.1:${APP_PORT}/")"
ups=(); for p in $(app_ports); do ups+=("127.0.0.1:$p"); done
render_nginx "$RUN_DIR/nginx.conf" "${ups[@]}"
"$NGINX" -t -q -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e "$RUN_DIR/nginx-error.log" \
    || die "nginx rejected $RUN_DIR/nginx.conf (see $RUN_DIR/nginx-error.log)"
"$NGINX" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e "$RUN_DIR/nginx-error.log" -g 'daemon off;' \
    >>"$RUN_DIR/nginx-stdout.log" 2>&1 &
NGINX_PID=$!
deadline=$((SECONDS + 15))
until http_ok "http://${LISTEN/0.0.0.0/127.0.0.1}/_stcore/health"; do
    kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited; see $RUN_DIR/nginx-error.log"
    ((SECONDS < deadline)) || die "nginx did not answer on $LISTEN"
    sleep 0.2
done

URL="http://${LISTEN/0.0.0.0/127.0.0.1}/"
log "nginx on $LISTEN (pid $NGINX_PID, config $RUN_DIR/nginx.conf)"
echo "SERVE_READY url=$URL replicas=$(app_ports | tr '\n' ',' | sed 's/,$//') run_dir=$RUN_DIR"
log "open $URL  (Ctrl-C stops nginx and all app processes)"

# ---- Supervise: stop when nginx dies; restart app processes that exit (SERVE_RESTART=1). ----
while true; do
    kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited; see $RUN_DIR/nginx-error.log"
    for p in "${!APP_PIDS[@]}"; do
        if ! kill -0 "${APP_PIDS[$p]}" 2>/dev/null; then
            wait "${APP_PIDS[$p]}" 2>/dev/null || true
            if [[ "$RESTART" == "1" ]]; then
                if ((SECONDS - LAST_START[$p] >= 5)); then
                    log "app process on port $p exited; restarting (nginx routes its sessions to the others meanwhile)"
                    start_app "$p"
                fi
            else
                log "app process on port $p exited; nginx routes its sessions to the others"
                unset "APP_PIDS[$p]"
                rm -f "$RUN_DIR/app-$p.pid"
            fi
        fi
    done
    sleep 1 &
    wait $! || true
done
