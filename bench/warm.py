"""Warm reruns under AppTest, and the payload each page sends.

Method
------
* One AppTest per target: the bare page (bench/bare_app.py), the app shell with an empty page
  (bench/shell_app.py) and each dashboard page (app.py, run once, ``switch_page``, one warm-up
  rerun). All targets live in the same process, so they share Streamlit's caches, as the
  sessions of one server do.
* Then ``runs`` rounds; in each round every target is rerun once, in a rotating order, so slow
  phases of a busy machine hit all targets alike. The rerun is timed two ways:
  ``at.run()`` wall time (what AppTest sees, including starting the script thread and
  parsing the output) and the script time inside ``ScriptRunner._run_script`` (the code path
  a real server runs per rerun, without the websocket).
* The ratio to bare divides medians (and p95s) measured the same way in the same rounds.

Payload: after the timed rounds, each page's figures are the ``plotly_chart`` specs AppTest
holds (``len(chart.proto.spec)``: bytes of figure JSON), and one extra rerun counts the bytes
of every ForwardMsg the rerun produced (what the websocket carries, before compression).
"""

from __future__ import annotations

import gc
import time
from pathlib import Path

from bench.common import BENCH, PAGE_TITLES, PAGES, ROOT, log, summary_ms

_STATE = {"script_s": None, "script_cpu_s": None, "count_bytes": False, "msg_bytes": None}


def _patch_streamlit() -> None:
    """Same fix as tests/conftest.py (no legacy pages/ mode under AppTest), plus timing hooks."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import local_script_runner

    if getattr(PagesManager, "_bench_patched", False):
        return
    original_init = PagesManager.__init__

    def init_without_legacy_pages(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init_without_legacy_pages
    PagesManager._bench_patched = True

    original_run_script = script_runner.ScriptRunner._run_script

    def timed_run_script(self, rerun_data):
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            return original_run_script(self, rerun_data)
        finally:
            _STATE["script_s"] = time.perf_counter() - t0
            _STATE["script_cpu_s"] = time.thread_time() - c0

    script_runner.ScriptRunner._run_script = timed_run_script

    original_local_run = local_script_runner.LocalScriptRunner.run

    def counting_run(self, *args, **kwargs):
        tree = original_local_run(self, *args, **kwargs)
        if _STATE["count_bytes"]:
            _STATE["msg_bytes"] = sum(msg.ByteSize() for msg in self.forward_msgs())
        return tree

    local_script_runner.LocalScriptRunner.run = counting_run


def _new_app(path: Path, page: str | None, timeout: float):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(path), default_timeout=timeout)
    at.run()
    if page is not None and page != "overview":
        at.switch_page(f"pages/{page}.py")
        at.run()
    at.run()  # warm-up rerun
    return at


def _check(name: str, at) -> str | None:
    if at.exception:
        return f"exception: {at.exception[0].value if hasattr(at.exception[0], 'value') else at.exception[0]}"[:300]
    if name in PAGE_TITLES:
        titles = [t.value for t in at.title]
        if PAGE_TITLES[name] not in titles:
            return f"expected title {PAGE_TITLES[name]!r}, got {titles[:2]!r}"
    return None


def _first_runs(timeout: float) -> tuple[dict, dict[str, str], dict[str, float]]:
    """(AppTest per target, errors per target, seconds of each first run); a broken page is left out."""
    targets: dict[str, object] = {}
    errors: dict[str, str] = {}
    log("warm: building AppTests (first runs fill the caches)")
    first_run_s = {}
    for name, path, page in [("bare", BENCH / "bare_app.py", None), ("shell", BENCH / "shell_app.py", None)] + [
        (p, ROOT / "app.py", p) for p in PAGES
    ]:
        t0 = time.perf_counter()
        try:
            targets[name] = _new_app(path, page, timeout)
            err = _check(name, targets[name])
            if err:
                errors[name] = err
        except Exception as exc:  # noqa: BLE001 - a broken page is reported, not fatal
            errors[name] = f"{type(exc).__name__}: {exc}"[:300]
            targets.pop(name, None)
        first_run_s[name] = round(time.perf_counter() - t0, 3)
    return targets, errors, first_run_s


def _timed_reruns(targets: dict, runs: int) -> tuple[dict, dict, dict]:
    """(wall, script, script CPU) seconds per target over ``runs`` rounds, the order rotating each round."""
    names = list(targets)
    wall = {n: [] for n in names}
    script = {n: [] for n in names}
    cpu = {n: [] for n in names}
    log(f"warm: {runs} rounds x {len(names)} targets")
    gc.collect()
    for r in range(runs):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            at = targets[name]
            _STATE["script_s"] = None
            t0 = time.perf_counter()
            at.run()
            wall[name].append(time.perf_counter() - t0)
            script[name].append(_STATE["script_s"])
            cpu[name].append(_STATE["script_cpu_s"])
    return wall, script, cpu


def _summaries(names: list[str], wall: dict, script: dict, cpu: dict) -> dict:
    """Summary per target, with its ratio to the bare app where the bare app ran."""
    out = {}
    bare_wall, bare_script = summary_ms(wall.get("bare", [])), summary_ms(script.get("bare", []))
    for name in names:
        w, s = summary_ms(wall[name]), summary_ms(script[name])
        entry = {"wall": w, "script": s, "script_cpu": summary_ms(cpu[name])}
        if bare_wall.get("n") and name != "bare":
            entry["ratio_to_bare"] = {
                "median": round(w["median_ms"] / bare_wall["median_ms"], 2),
                "p95": round(w["p95_ms"] / bare_wall["p95_ms"], 2),
                "script_median": round(s["median_ms"] / bare_script["median_ms"], 2) if bare_script.get("n") else None,
            }
        out[name] = entry
    return out


def _payload(targets: dict) -> dict:
    """Payload: figure JSON per page, and the bytes of all messages of one rerun."""
    payload = {}
    _STATE["count_bytes"] = True
    try:
        for name in targets:
            at = targets[name]
            at.run()
            charts = list(at.get("plotly_chart"))
            specs = [len(c.proto.spec.encode("utf-8")) for c in charts]
            payload[name] = {
                "charts": len(specs),
                "figure_json_bytes": sum(specs),
                "largest_figure_json_bytes": max(specs) if specs else 0,
                "figure_json_bytes_each": specs,
                "dataframes": len(list(at.get("arrow_data_frame"))),
                "rerun_message_bytes": _STATE["msg_bytes"],
            }
    finally:
        _STATE["count_bytes"] = False
    return payload


def run(runs: int = 40, timeout: float = 120.0) -> dict:
    """Warm rerun timings of bare, shell and every page, plus per-page payload."""
    _patch_streamlit()
    targets, errors, first_run_s = _first_runs(timeout)
    names = list(targets)
    wall, script, cpu = _timed_reruns(targets, runs)
    for name in names:
        err = _check(name, targets[name])
        if err and name not in errors:
            errors[name] = "after reruns: " + err
    result = {"runs": runs, "targets": _summaries(names, wall, script, cpu), "errors": errors, "first_run_s": first_run_s}
    result["payload"] = _payload(targets)
    return result


def geometry() -> dict:
    """Display GeoJSON sizes on disk (what the map figures are built from)."""
    folder = ROOT / "data" / "geo" / "display"
    files = {p.name: p.stat().st_size for p in sorted(folder.glob("*.geojson"))}
    return {"display_geojson_bytes": files, "display_geojson_total_bytes": sum(files.values())}
