"""Run hostile-URL cases through AppTest, one fresh AppTest session per case.

Runs in worker processes (``concurrent.futures`` with the spawn start method, see
tests/test_hostile_urls.py): :func:`init_worker` puts the repository and tests/ on
``sys.path`` and quiets AppTest's bare-mode warning.
:func:`run_case` returns a plain dict: the case id, its run time and a list of problems.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
RUN_TIMEOUT = 120  # seconds per AppTest run
# Elements whose text is rendered as Markdown/HTML-ish: a hostile value must never appear there.
MARKDOWN_ELEMENTS = (
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "latex",
)
# Elements shown verbatim: a hostile value may appear there only as a short excerpt. st.code
# (the permalink, embed and "Use this data" boxes) renders its text literally, never as Markdown.
PLAIN_ELEMENTS = ("text", "code")
DISTINCT = set("<>[]()$:*_`{}%=@&#!|\\~^") | {"\u202e"}

_baselines: dict[str, dict] = {}


def init_worker() -> None:
    for path in (str(ROOT), str(TESTS)):
        if path not in sys.path:
            sys.path.insert(0, path)
    # AppTest's bare-mode "missing ScriptRunContext" warning, printed once per session, would
    # flood the output of 1,400 sessions; the workers' stderr is not captured by pytest.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True


def _markdown_values(at) -> list[str]:
    out = []
    for name in MARKDOWN_ELEMENTS:
        try:
            elements = at.get(name)
        except Exception:  # noqa: BLE001 - an element type this Streamlit does not have
            continue
        for element in elements:
            value = getattr(element, "value", None)
            if value is None:
                value = getattr(getattr(element, "proto", None), "body", "")
            out.append(str(value))
    return out


def _plain_values(at) -> list[str]:
    return [str(element.value) for name in PLAIN_ELEMENTS for element in at.get(name)]


def _app(query: dict[str, list[str]], page: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=RUN_TIMEOUT)
    for key, values in query.items():
        at.query_params[key] = list(values)
    at.run()
    first_exceptions = [e.value for e in at.exception]
    at.switch_page(f"pages/{page}.py").run()
    return at, first_exceptions


def baseline(page: str) -> dict:
    """What the page shows with no query string (to tell a hostile echo from normal text)."""
    if page not in _baselines:
        at, _ = _app({}, page)
        _baselines[page] = {"markdown": "\n".join(_markdown_values(at)), "warnings": sorted(w.value for w in at.warning)}
    return _baselines[page]


def _distinct(value: str) -> bool:
    return len(value) >= 8 or any(ch in DISTINCT or ord(ch) > 127 for ch in value)


def _url(at) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


def _state(at, key):
    try:
        return at.session_state[key]
    except KeyError:
        return "<missing>"


def run_case(case) -> dict:
    started = time.perf_counter()
    problems: list[str] = []
    try:
        base = baseline(case.page)
        at, first_exceptions = _app(case.query, case.page)
    except Exception as err:  # noqa: BLE001 - a crash of the harness is a finding too
        return {
            "cid": case.cid,
            "page": case.page,
            "seconds": time.perf_counter() - started,
            "problems": [f"AppTest crashed: {type(err).__name__}: {err}"[:500]],
        }

    exceptions = first_exceptions + [e.value for e in at.exception]
    if exceptions:
        problems.append(f"exception shown: {[str(e)[:300] for e in exceptions]}")

    for key, want in case.expect_state.items():
        got = _state(at, key)
        if isinstance(got, dt.datetime):
            got = got.date()
        if isinstance(got, tuple):
            got = list(got)
        if got != want:
            problems.append(f"{key}: got {got!r:.200} expected {want!r:.200}")
    page_keys = {
        "funding": {"view": "funding_view", "stack": "funding_stack_by"},
        "peers": {"host": "peers_host", "rd": "peers_include_rd"},
    }
    for param, want in case.expect_page_state.items():
        got = _state(at, page_keys[case.page][param])
        got = list(got) if isinstance(got, tuple) else got
        if got != want:
            problems.append(f"page setting {param}: got {got!r:.200} expected {want!r:.200}")

    url = _url(at)
    filters_in_url = {
        k: v
        for k, v in url.items()
        if k in ("country", "lender", "type", "instrument", "status", "unconfirmed", "lapsed", "from", "to", "project")
    }
    if case.expect_url is not None and filters_in_url != case.expect_url:
        problems.append(f"address filters: got {filters_in_url!r:.300} expected {case.expect_url!r:.300}")

    warnings = sorted(w.value for w in at.warning)
    if case.notice and not warnings:
        problems.append("something was ignored but no notice (st.warning) was shown")
    if case.strict_quiet and warnings != base["warnings"]:
        problems.append(f"only allowed values, yet a notice was shown: {warnings}")

    markdown = _markdown_values(at)
    plain = _plain_values(at)
    for value in set(case.hostile):
        if not value.strip() or not _distinct(value) or value in base["markdown"]:
            continue
        probe = value if len(value) <= 40 else value[:40]
        for text in markdown:
            if probe in text:
                problems.append(f"hostile value echoed in a Markdown element: {value[:60]!r} in {text[:120]!r}")
                break
        if len(value) > 60 and any(value in text for text in plain):
            problems.append(f"a {len(value)}-character value was shown in full (expected a short excerpt): {value[:60]!r}")
    return {"cid": case.cid, "page": case.page, "seconds": time.perf_counter() - started, "problems": problems}


def run_batch(cases: list) -> list[dict]:
    return [run_case(case) for case in cases]
