"""Bench-only launcher: ``streamlit run`` with a per-run cost breakdown (never used in production).

    BENCH_PROFILE_LOG=/tmp/runs.jsonl python -m bench.profiled_server server.py --server.port 8601 ...

Same arguments as ``streamlit run``. Before Streamlit starts, it wraps (in this process only):

* ``ScriptRunner._run_script``: wall time and CPU time of the script thread per run, the
  process CPU time (``time.process_time``, all threads, nanosecond clock) at the end of the
  run, the page and whether it was a fragment run;
* figure serialisation: ``plotly.tools.return_figure_from_figure_or_data`` (the figure's
  ``to_dict``) and ``plotly.io.to_json``, which ``st.plotly_chart`` calls on every run;
* table serialisation: Streamlit's pandas/Arrow -> Arrow IPC bytes conversions (``st.dataframe``);
* URL sync: the sidebar's reading and writing of the query string (``rekodiq.ui.sidebar``);
* message hashing: ``populate_hash_if_needed`` (every ForwardMsg is serialised and hashed once
  in the script thread so unchanged large elements can be sent as references).

Each finished run appends one JSON line to ``BENCH_PROFILE_LOG``. With ``BENCH_CPROFILE_DIR``
set, every run is also profiled with cProfile into ``<dir>/<n>-<page>.prof`` (slower; for
reading, not for the figures). Nested calls of one category are counted once.
"""

from __future__ import annotations

import cProfile
import functools
import json
import os
import sys
import threading
import time
from pathlib import Path

_local = threading.local()
_lock = threading.Lock()
_counter = [0]
CATEGORIES = ("figure", "table", "url", "hash")


def _acc() -> dict:
    acc = getattr(_local, "acc", None)
    if acc is None:
        acc = _local.acc = dict.fromkeys(CATEGORIES, 0.0)
        _local.depth = dict.fromkeys(CATEGORIES, 0)
    return acc


def _timed(category: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        acc = _acc()
        depth = _local.depth
        if depth[category]:
            return fn(*args, **kwargs)
        depth[category] += 1
        t0 = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            acc[category] += time.thread_time() - t0
            depth[category] -= 1

    return wrapper


def _patch(module, name: str, category: str) -> None:
    setattr(module, name, _timed(category, getattr(module, name)))


def _gc_callback(phase: str, info: dict) -> None:
    """Thread CPU spent in the garbage collector, counted into the running script's ``gc_cpu_ms`` (information only)."""
    if phase == "start":
        _local.gc_t0 = time.thread_time()
    elif getattr(_local, "gc_t0", None) is not None and getattr(_local, "acc", None) is not None:
        _local.gc = getattr(_local, "gc", 0.0) + time.thread_time() - _local.gc_t0
        _local.gc_t0 = None


def _write(record: dict) -> None:
    path = os.environ.get("BENCH_PROFILE_LOG")
    if path:
        with _lock, open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")


def _wrap_run_script(original):
    @functools.wraps(original)
    def run_script(self, rerun_data, *args, **kwargs):
        _local.acc = None
        _local.gc = 0.0
        acc = _acc()
        profile_dir = os.environ.get("BENCH_CPROFILE_DIR")
        prof = cProfile.Profile(time.thread_time) if profile_dir else None  # CPU, not wall: other threads and load do not count
        w0, c0 = time.perf_counter(), time.thread_time()
        try:
            if prof:
                prof.enable()
            return original(self, rerun_data, *args, **kwargs)
        finally:
            if prof:
                prof.disable()
            with _lock:
                _counter[0] += 1
                n = _counter[0]
            page = rerun_data.page_name or rerun_data.page_script_hash[:8] or "main"
            record = {
                "n": n,
                "page": page,
                "fragment": bool(getattr(rerun_data, "fragment_id_queue", None)),
                "widgets": len(rerun_data.widget_states.widgets) if rerun_data.widget_states else 0,
                "wall_ms": round((time.perf_counter() - w0) * 1000, 2),
                "script_cpu_ms": round((time.thread_time() - c0) * 1000, 2),
                **{f"{k}_cpu_ms": round(v * 1000, 2) for k, v in acc.items()},
                "gc_cpu_ms": round(getattr(_local, "gc", 0.0) * 1000, 2),
                "process_cpu_s": time.process_time(),
            }
            _write(record)
            if prof:
                Path(profile_dir).mkdir(parents=True, exist_ok=True)
                prof.dump_stats(str(Path(profile_dir) / f"{n:04d}-{page.replace('/', '_')}.prof"))

    return run_script


def install() -> None:
    """Wrap the measured functions (idempotent enough for one process: call once)."""
    import plotly.io
    import plotly.tools
    from streamlit import dataframe_util
    from streamlit.runtime import forward_msg_cache
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.runtime.scriptrunner_utils import script_run_context

    import rekodiq.ui
    from rekodiq.ui import sidebar

    _patch(plotly.io, "to_json", "figure")
    _patch(plotly.tools, "return_figure_from_figure_or_data", "figure")
    for name in ("convert_pandas_df_to_arrow_bytes", "convert_anything_to_arrow_bytes", "convert_arrow_table_to_arrow_bytes"):
        _patch(dataframe_util, name, "table")
    for name in ("sync_url", "_write_url", "_seed_state_from_url"):
        _patch(sidebar, name, "url")
    rekodiq.ui.sync_url = sidebar.sync_url  # pages call it through the package
    hashed = _timed("hash", forward_msg_cache.populate_hash_if_needed)
    forward_msg_cache.populate_hash_if_needed = hashed
    script_run_context.populate_hash_if_needed = hashed
    import gc

    gc.callbacks.append(_gc_callback)
    cls = script_runner.ScriptRunner
    cls._run_script = _wrap_run_script(cls._run_script)


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    install()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
