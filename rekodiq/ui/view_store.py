"""The view cache's second tier: computed views shared by the app processes of one host.

Behind nginx, ``scripts/serve.sh`` runs several app processes, and a filter state new to the
site (a burst after a news article) reaches all of them at about the same time. Each computed
the same views (100-200 ms of CPU a page), so N processes did the work N times. With this store
the first process computes a view and writes it to a directory all of them share; the others
wait on that entry's lock and read the result (a pickle, about a millisecond).

Off unless ``REKODIQ_SHARED_VIEWS`` names a directory (``scripts/serve.sh`` gives its processes
one in its run directory). Entries are pickles, so the directory must be private to the app's
user: it is used only if this user owns it and nobody else may write to it; otherwise the app
logs that once and computes in-process, as without the store. (Whoever may write to the run
directory above it could already change the nginx config kept there: that one is trusted.)

Entries older than ``ttl_s`` are recomputed, the oldest go beyond :data:`MAX_ENTRIES`, and any
failure of the store (a full disk, an unpicklable result, a corrupt entry) falls back to
computing: the store can make a view cheaper, never wrong or missing.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import logging
import os
import pickle
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

ENV = "REKODIQ_SHARED_VIEWS"
MAX_ENTRIES = 1024  # four times the in-process view cache: several processes' working sets
LOCK_WAIT_S = 30.0  # a view still computing elsewhere after this long: compute it here as well
LOG = logging.getLogger(__name__)
T = TypeVar("T")


def get_or_compute(key: str, compute: Callable[[], T], *, ttl_s: float) -> T:
    """``compute()``, or the value another process of this host stored under ``key`` less than ``ttl_s`` ago.

    At most one process computes a key at a time: the others wait for its entry (up to
    :data:`LOCK_WAIT_S`) instead of repeating the work. Without a usable store this is ``compute()``.
    """
    folder = store_dir()
    if folder is None:
        return compute()
    entry = folder / f"{hashlib.sha256(key.encode()).hexdigest()}.pkl"
    found, value = _read(entry, key, ttl_s)
    if found:
        return value
    with _entry_lock(entry.with_suffix(".lock")):
        found, value = _read(entry, key, ttl_s)  # computed by another process while we waited
        if found:
            return value
        value = compute()
        _write(entry, key, value)
        return value


def store_dir() -> Path | None:
    """The shared directory named by ``REKODIQ_SHARED_VIEWS`` if it is safe to use, else None."""
    name = os.environ.get(ENV, "")
    return _checked_dir(name) if name else None


@functools.lru_cache(maxsize=4)
def _checked_dir(name: str) -> Path | None:
    """``name`` as a directory owned by this user that nobody else can write to (created if missing)."""
    folder = Path(name)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError as exc:
        LOG.warning("shared view store %s not usable (%s); views are computed per process", folder, exc)
        return None
    if info.st_uid != os.geteuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        LOG.warning("shared view store %s is not private to this user; views are computed per process", folder)
        return None
    return folder


def _read(entry: Path, key: str, ttl_s: float) -> tuple[bool, object]:
    """(True, value) for a fresh entry stored under exactly ``key``; (False, None) otherwise."""
    try:
        with entry.open("rb") as f:
            if time.time() - os.fstat(f.fileno()).st_mtime > ttl_s:
                return False, None
            stored_key, value = pickle.load(f)
    except FileNotFoundError:
        return False, None
    except Exception as exc:  # noqa: BLE001 - a corrupt or half-readable entry is recomputed
        LOG.warning("shared view entry %s unreadable (%s); recomputing", entry.name, exc)
        return False, None
    return (True, value) if stored_key == key else (False, None)


def _write(entry: Path, key: str, value: object) -> None:
    """Store ``value`` under ``key`` atomically (readers see the old entry or the whole new one)."""
    try:
        data = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - not storing only costs the other processes a compute
        LOG.warning("shared view entry %s not stored: %s", entry.name, exc)
        return
    tmp = None
    try:
        with tempfile.NamedTemporaryFile(dir=entry.parent, prefix=".tmp-", delete=False) as f:
            tmp = f.name
            f.write(data)
        os.replace(tmp, entry)
    except OSError as exc:
        LOG.warning("shared view entry %s not stored: %s", entry.name, exc)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return
    _evict(entry.parent)


def _evict(folder: Path) -> None:
    """Remove the oldest entries (and their locks) beyond :data:`MAX_ENTRIES`."""
    entries = list(folder.glob("*.pkl"))
    if len(entries) <= MAX_ENTRIES:
        return
    by_age = sorted(entries, key=_mtime)
    for old in by_age[: len(entries) - MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            old.unlink()
            old.with_suffix(".lock").unlink()


def _mtime(path: Path) -> float:
    """``path``'s modification time; 0 if another process removed it meanwhile (it sorts as oldest)."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@contextlib.contextmanager
def _entry_lock(path: Path) -> Iterator[None]:
    """Hold ``path``'s exclusive lock, waiting up to :data:`LOCK_WAIT_S`; without it after that (or if locking fails)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.005)
        yield
    finally:
        os.close(fd)  # releases the lock
