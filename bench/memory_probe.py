"""Bench-only launcher: ``streamlit run`` plus a memory probe (never used in production).

    python -m bench.memory_probe server.py --server.port 8621 ...

Same arguments as ``streamlit run``. A daemon thread watches for ``<BENCH_PROBE_DIR>/probe``
(default /tmp/bench-probe-<pid>); when the file appears it writes ``report.json`` beside it
and deletes the trigger. The report tells retained objects from allocator fragmentation:

* RSS; sessions active, stored for reconnect (Streamlit's TTL cache) and alive as objects;
* the media file manager's files, deferred download callables and per-session maps;
* the sizes of the app's caches (``st.cache_data`` entries) and gc object counts by type;
* glibc's ``mallinfo2`` (bytes in use vs free but held), pyarrow's pool, Python's block count;
* with ``BENCH_TRACEMALLOC=1``: the top allocation sites (Python heap actually in use), and
  the growth since the probe whose trigger said ``baseline``;
* then, as the trigger's words ask, in this order: ``expire`` (shut down stored sessions past
  their TTL, as rekodiq/web/memory.py does), ``collect`` (``gc.collect()``), ``trim`` (glibc
  ``malloc_trim(0)``), each followed by the RSS.

Driving it: start it, open sessions (bench/memory.py's helpers), ``echo "expire collect trim" >
<dir>/probe``, read ``<dir>/report.json``. The figures in bench/README.md ("Memory goes back")
came from 200-500 sessions with ``STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL=10``.
"""

from __future__ import annotations

import collections
import ctypes
import gc
import json
import os
import sys
import threading
import time
import tracemalloc
from pathlib import Path

from bench.common import rss_bytes

_BASELINE: list = []  # the tracemalloc snapshot taken by a "baseline" probe


def _streamlit_state() -> dict:
    from streamlit import runtime

    if not runtime.exists():
        return {}
    rt = runtime.get_instance()
    mgr = rt._session_mgr
    storage = getattr(mgr, "_session_storage", None)
    cache = getattr(storage, "_cache", {})
    media = rt.media_file_mgr
    return {
        "active_sessions": len(getattr(mgr, "_active_session_info_by_id", {})),
        "stored_sessions": len(getattr(cache, "_data", ())),  # len(cache) would reap expired entries
        "media_files": len(media._file_metadata),
        "media_deferred": len(media._deferred_callables),
        "media_sessions": len(media._files_by_session_and_coord),
    }


def _type_counts(top: int = 25) -> dict:
    counts = collections.Counter(type(o).__name__ for o in gc.get_objects())
    names = ("AppSession", "ScriptRunner", "SessionState", "ForwardMsg", "Figure", "DataFrame", "ForwardMsgQueue")
    return {"top": counts.most_common(top), "named": {n: counts.get(n, 0) for n in names}, "total": sum(counts.values())}


def _expire() -> int:
    """Expire the stored sessions whose TTL has passed and shut them down (what the idle sweep does)."""
    from streamlit import runtime

    mgr = runtime.get_instance()._session_mgr
    with mgr._storage_lock:
        removed = mgr._session_storage._cache.expire()
    for _, info in removed:
        info.session.shutdown()
    return len(removed)


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (n, ctypes.c_size_t)
        for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")
    ]


def _heap() -> dict:
    """glibc's view (bytes in use vs free but held), pyarrow's pool, Python's allocated blocks."""
    out: dict = {"py_allocated_blocks": sys.getallocatedblocks()}
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _Mallinfo2
        info = libc.mallinfo2()
        out["glibc_mb"] = {n: round(getattr(info, n) / 1e6, 1) for n in ("arena", "hblkhd", "uordblks", "fordblks", "keepcost")}
    except (OSError, AttributeError):
        pass
    try:
        import pyarrow as pa

        pool = pa.default_memory_pool()
        out["arrow"] = {
            "backend": pool.backend_name,
            "allocated_mb": pool.bytes_allocated() / 1e6,
            "max_mb": pool.max_memory() / 1e6,
        }
    except Exception as exc:  # noqa: BLE001 - information only
        out["arrow"] = repr(exc)
    return out


def _trim() -> bool:
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False


def _report(words: set[str]) -> dict:
    pid = os.getpid()
    out: dict = {
        "t": time.time(),
        "rss": rss_bytes(pid),
        "streamlit": _streamlit_state(),
        "types": _type_counts(),
        "heap": _heap(),
    }
    if tracemalloc.is_tracing():
        snap = tracemalloc.take_snapshot()
        out["traced_bytes"] = tracemalloc.get_traced_memory()[0]
        out["tracemalloc_top"] = [str(s) for s in snap.statistics("lineno")[:25]]
        if "baseline" in words:
            _BASELINE[:] = [snap]
        elif _BASELINE:
            out["tracemalloc_growth"] = [str(s) for s in snap.compare_to(_BASELINE[0], "traceback")[:15]]
    if "expire" in words:
        out["expired"] = _expire()
        out["rss_after_expire"] = rss_bytes(pid)
    if "collect" in words:
        out["collected"] = gc.collect()
        out["rss_after_collect"] = rss_bytes(pid)
        out["heap_after_collect"] = _heap()
        out["streamlit_after_collect"] = _streamlit_state()
        out["named_after_collect"] = _type_counts()["named"]
    if "trim" in words:
        out["trimmed"] = _trim()
        out["rss_after_trim"] = rss_bytes(pid)
        out["heap_after_trim"] = _heap()
    return out


def _watch(folder: Path) -> None:
    trigger = folder / "probe"
    while True:
        time.sleep(0.5)
        if trigger.exists():
            words = set(trigger.read_text().split())
            report = _report(words)
            (folder / "report.json").write_text(json.dumps(report, indent=1, default=str))
            trigger.unlink()


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if os.environ.get("BENCH_TRACEMALLOC") == "1":
        tracemalloc.start(8)
    folder = Path(os.environ.get("BENCH_PROBE_DIR", f"/tmp/bench-probe-{os.getpid()}"))
    folder.mkdir(parents=True, exist_ok=True)
    threading.Thread(target=_watch, args=(folder,), daemon=True, name="memory-probe").start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
