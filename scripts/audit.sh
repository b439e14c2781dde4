#!/usr/bin/env bash
# Known-vulnerability audit of the installed, resolved environment: every package in .venv,
# direct and transitive, exactly as installed (not only the pins in requirements*.txt).
#
#   bash scripts/audit.sh            # report in artifacts/pip-audit.json (AUDIT_JSON to change)
#   bash scripts/audit.sh --check-report FILE   # only judge an existing pip-audit JSON report
#
# Exit status:
#   0  every installed package was checked and none has a known vulnerability
#   1  at least one known vulnerability (listed below)
#   2  the audit could not be done: the vulnerability service was unreachable or some packages
#      could not be looked up, so "no findings" would not mean anything. pip-audit itself
#      exits 0 in that case ("No known vulnerabilities found" with every package skipped);
#      this script does not.
#
# pip-audit asks PyPI's JSON API by default and falls back here to OSV when PyPI skipped every
# package (a package mirror that only serves the simple index answers 404 for each package).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
REPORT="${AUDIT_JSON:-artifacts/pip-audit.json}"
mkdir -p "$(dirname "$REPORT")"

if ! "$PY" -m pip_audit --version >/dev/null 2>&1; then
  echo "audit: pip-audit is not installed in .venv (pip install -r requirements-dev.txt)" >&2
  exit 2
fi

run_audit() {  # $1 = vulnerability service; writes $REPORT.<service>
  "$PY" -m pip_audit --vulnerability-service "$1" --format json --progress-spinner off --timeout "${AUDIT_TIMEOUT:-15}" \
    -o "$REPORT.$1" 2>"$REPORT.$1.log"
}

summarise() {  # $1 = JSON report; prints a summary, exits 0 / 1 / 2 as documented above
  "$PY" - "$1" <<'EOF'
import json, sys
try:
    report = json.load(open(sys.argv[1], encoding="utf-8"))
except (OSError, ValueError) as err:
    print(f"audit: no usable report ({type(err).__name__}); the vulnerability service was not reached")
    sys.exit(2)
deps = report.get("dependencies", [])
vulnerable = [d for d in deps if d.get("vulns")]
skipped = [d for d in deps if "skip_reason" in d]
print(f"audit: {len(deps)} installed packages, {len(deps) - len(skipped)} checked, {len(skipped)} not checked, {len(vulnerable)} vulnerable")
for d in vulnerable:
    for v in d["vulns"]:
        fixes = ", ".join(v.get("fix_versions") or []) or "no fixed version"
        print(f"  VULNERABLE {d['name']} {d.get('version')}: {v['id']} (fixed in: {fixes}) {' '.join(v.get('aliases') or [])}")
if vulnerable:
    sys.exit(1)
if skipped:
    print(f"  not checked, e.g. {skipped[0]['name']}: {skipped[0]['skip_reason']}")
    sys.exit(2)
sys.exit(0)
EOF
}

if [ "${1:-}" = "--check-report" ]; then
  summarise "$2"
  exit $?
fi

run_audit pypi
summarise "$REPORT.pypi"
status=$?
if [ "$status" = 2 ]; then
  echo "audit: retrying with the OSV service"
  run_audit osv
  summarise "$REPORT.osv"
  osv_status=$?
  if [ "$osv_status" != 2 ]; then
    status=$osv_status
    cp "$REPORT.osv" "$REPORT"
  else
    tail -n 1 "$REPORT.osv.log" 2>/dev/null | sed 's/^/audit: osv: /'
    cp "$REPORT.pypi" "$REPORT" 2>/dev/null || true
  fi
else
  cp "$REPORT.pypi" "$REPORT"
fi
case "$status" in
  0) echo "audit: PASS - no known vulnerabilities in .venv" ;;
  1) echo "audit: FAIL - known vulnerabilities in .venv" ;;
  *) echo "audit: NOT DONE - the vulnerability services could not be used; nothing was verified" ;;
esac
exit "$status"
