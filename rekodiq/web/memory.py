"""Give memory back once sessions are gone: expire disconnected sessions, collect, trim the heap.

Measured with ``bench/memory.py`` and ``bench/memory_probe.py`` (bench/README.md, "Memory"):
1,000 sessions opened and closed in turn left the process +90 % above its starting RSS, for
good. Two causes, neither a growing cache of ours:

* **Disconnected sessions never expired while the server was idle.** Streamlit keeps up to
  128 of them for ``server.disconnectedSessionTTL`` (a TTL cache), but removes expired ones
  only when the next session connects or disconnects, and then drops them without
  ``AppSession.shutdown()``. With nobody connecting, the last 128 sessions (their state,
  message queues, download callables) stayed forever. :func:`sweep` expires them on time and
  shuts each down as Streamlit's own ``close_session`` does.
* **Freed memory stayed with the allocators.** After a full collection the Python heap in use
  was back at its starting size, but glibc held the freed blocks (tens of MB) and pymalloc's
  arenas stayed partly used. :func:`trim_heap` calls glibc's ``malloc_trim(0)``; the launchers
  we ship set :data:`PROCESS_ENV` so Python allocates through glibc (whose free pages the trim
  returns) with at most two malloc arenas.

No Streamlit import here (tests/test_conventions.py): ``server.py`` passes the runtime in.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import logging

LOG = logging.getLogger(__name__)

# Environment of every app process we launch (scripts/serve.sh, Dockerfile, deploy/k8s,
# bench/common.py; tests/test_memory_housekeeping.py keeps them equal). Must be set before
# Python starts: PYTHONMALLOC=malloc sends small objects to glibc instead of pymalloc, whose
# 256 KB arenas are returned only when entirely empty (they kept ~60 MB after 300 sessions);
# MALLOC_ARENA_MAX=2 stops glibc giving each script thread its own arena to fragment.
PROCESS_ENV = {"PYTHONMALLOC": "malloc", "MALLOC_ARENA_MAX": "2"}

SWEEP_S = 10.0  # how often to look; an expired session is shut down at most this late


def trim_heap() -> bool:
    """Return glibc's free heap pages to the OS (``malloc_trim(0)``); False where there is no glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # musl, macOS: nothing to trim this way
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return bool(trim(0))


def expire_sessions(session_mgr) -> int:
    """Shut down the disconnected sessions whose TTL has passed; how many there were.

    Uses the session manager's storage lock and TTL cache (Streamlit 1.67's
    ``WebsocketSessionManager`` with ``MemorySessionStorage``; tests pin those names). Any other
    storage is left alone: 0.
    """
    cache = getattr(getattr(session_mgr, "_session_storage", None), "_cache", None)
    lock = getattr(session_mgr, "_storage_lock", None)
    if cache is None or lock is None or not hasattr(cache, "expire"):
        return 0
    with lock:
        removed = cache.expire()
    for _, info in removed:
        info.session.shutdown()
    return len(removed)


class Sweeper:
    """One step every :data:`SWEEP_S`: expire sessions; after sessions went away, collect and trim.

    The full collection (``runner.postScriptGC`` is off, and the youngest-generation threshold
    is high, so cycles of closed sessions wait for it) and the trim run only when sessions were
    expired or the last open session closed, never during steady use.
    """

    def __init__(self, runtime) -> None:
        self.runtime = runtime
        self._had_active = False

    def step(self) -> bool:
        """Do one sweep; True when memory was collected and trimmed."""
        mgr = getattr(self.runtime, "_session_mgr", None)
        if mgr is None:
            return False
        expired = expire_sessions(mgr)
        active = len(mgr.list_active_sessions())
        went_idle = self._had_active and active == 0
        self._had_active = active > 0
        if not (expired or went_idle):
            return False
        gc.collect()
        trim_heap()
        LOG.debug("memory sweep: %d sessions expired, %d active; collected and trimmed", expired, active)
        return True

    async def run(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_S)
            try:
                self.step()
            except Exception:  # a failed sweep must never stop the server; the next one retries
                LOG.exception("memory sweep failed")


@contextlib.asynccontextmanager
async def sweeping(runtime):
    """Run a :class:`Sweeper` on the server's event loop while the server runs."""
    task = asyncio.create_task(Sweeper(runtime).run(), name="rekodiq-memory-sweep")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
