"""The view cache's second tier (rekodiq.ui.view_store): computed views shared by the app processes of one host.

Checked here: a view is computed once for two processes asking at the same moment; entries expire
with the view cache's TTL; a directory others may write to is refused; corrupt, foreign and
unpicklable entries fall back to computing; the oldest entries go beyond the bound; and the app's
view cache reads a view another process stored instead of computing it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from rekodiq.ui import cache, view_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "views"
    monkeypatch.setenv(view_store.ENV, str(folder))
    view_store._checked_dir.cache_clear()
    yield folder
    view_store._checked_dir.cache_clear()


class Counter:
    """A compute function that counts its calls."""

    def __init__(self, value="computed") -> None:
        self.calls = 0
        self.value = value

    def __call__(self):
        self.calls += 1
        return self.value


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pkl"))


def test_without_a_store_every_call_computes(monkeypatch):
    monkeypatch.delenv(view_store.ENV, raising=False)
    compute = Counter()
    assert [view_store.get_or_compute("k", compute, ttl_s=60) for _ in range(2)] == ["computed", "computed"]
    assert compute.calls == 2


def test_a_stored_view_is_read_back_not_computed(store):
    first, second = Counter({"spec": [1, 2, 3]}), Counter("never")
    assert view_store.get_or_compute("view-a", first, ttl_s=60) == {"spec": [1, 2, 3]}
    assert view_store.get_or_compute("view-a", second, ttl_s=60) == {"spec": [1, 2, 3]}
    assert (first.calls, second.calls) == (1, 0)
    assert len(_entries(store)) == 1
    assert store.stat().st_mode & 0o777 == 0o700


# A child process: loads view_store alone (stdlib only: starts in a fraction of a second), waits
# until both children are ready, then asks for the same view; computing it takes a second.
CHILD = """
import importlib.util, os, pathlib, sys, time
spec = importlib.util.spec_from_file_location("view_store", sys.argv[1])
view_store = importlib.util.module_from_spec(spec)
spec.loader.exec_module(view_store)
work = pathlib.Path(sys.argv[2])
(work / f"ready-{os.getpid()}").touch()
while len(list(work.glob("ready-*"))) < 2:
    time.sleep(0.01)

def slow():
    with open(work / "computed.log", "a") as f:
        f.write(f"{os.getpid()}\\n")
    time.sleep(1.0)
    return "shared"

print(view_store.get_or_compute("burst-view", slow, ttl_s=60))
"""


def test_two_processes_asking_at_once_compute_once(store, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    env = dict(os.environ, **{view_store.ENV: str(store)})
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, view_store.__file__, str(work)], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [child.communicate(timeout=60)[0].strip() for child in children]
    assert outputs == ["shared", "shared"]
    assert len((work / "computed.log").read_text().split()) == 1  # the other one waited and read the entry


def test_an_entry_older_than_the_ttl_is_computed_again(store):
    view_store.get_or_compute("view-a", Counter("old"), ttl_s=60)
    (entry,) = _entries(store)
    an_hour_ago = time.time() - 3600
    os.utime(entry, (an_hour_ago, an_hour_ago))
    again = Counter("new")
    assert view_store.get_or_compute("view-a", again, ttl_s=60) == "new"
    assert again.calls == 1
    assert view_store.get_or_compute("view-a", Counter("never"), ttl_s=60) == "new"


def test_a_directory_others_can_write_to_is_not_used(store, caplog):
    store.mkdir(mode=0o700)
    store.chmod(0o777)
    compute = Counter()
    with caplog.at_level(logging.WARNING, logger=view_store.__name__):
        view_store.get_or_compute("view-a", compute, ttl_s=60)
        view_store.get_or_compute("view-a", compute, ttl_s=60)
    assert compute.calls == 2
    assert _entries(store) == []
    assert "not private" in caplog.text


def test_a_corrupt_entry_is_recomputed_and_replaced(store, caplog):
    view_store.get_or_compute("view-a", Counter("first"), ttl_s=60)
    (entry,) = _entries(store)
    entry.write_bytes(b"\x80\x05 not a pickle")
    again = Counter("second")
    with caplog.at_level(logging.WARNING, logger=view_store.__name__):
        assert view_store.get_or_compute("view-a", again, ttl_s=60) == "second"
    assert again.calls == 1
    assert "unreadable" in caplog.text
    assert pickle.loads(entry.read_bytes()) == ("view-a", "second")


def test_an_entry_stored_under_another_key_is_not_served(store):
    view_store.get_or_compute("view-a", Counter("a"), ttl_s=60)
    (entry,) = _entries(store)
    entry.write_bytes(pickle.dumps(("some other key", "wrong")))  # as if two keys hashed alike
    assert view_store.get_or_compute("view-a", Counter("a again"), ttl_s=60) == "a again"


def test_an_unpicklable_view_is_returned_but_not_stored(store, caplog):
    value = lambda: None  # noqa: E731 - a lambda cannot be pickled
    with caplog.at_level(logging.WARNING, logger=view_store.__name__):
        assert view_store.get_or_compute("view-a", Counter(value), ttl_s=60) is value
    assert _entries(store) == []
    assert "not stored" in caplog.text


def test_the_oldest_entries_go_beyond_the_bound(store, monkeypatch):
    monkeypatch.setattr(view_store, "MAX_ENTRIES", 3)
    for i in range(5):
        view_store.get_or_compute(f"view-{i}", Counter(i), ttl_s=60)
        entry = store / f"{hashlib.sha256(f'view-{i}'.encode()).hexdigest()}.pkl"
        os.utime(entry, (time.time() - 100 + i, time.time() - 100 + i))  # distinct ages on coarse clocks
    kept = sorted(pickle.loads(p.read_bytes())[1] for p in _entries(store))
    assert kept == [2, 3, 4]
    assert len(list(store.glob("*.lock"))) == 3


def test_the_view_cache_reads_what_another_process_stored(store, monkeypatch):
    """A page drawn from the store alone: the second run (its own in-process cache emptied, as in
    another process) computes no view, and shows the same charts."""
    st.cache_resource.clear()  # views cached by earlier tests would not reach the store
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/funding.py").run()
    assert not at.exception
    stored = len(_entries(store))
    assert stored >= 4  # lending, capital stack, disputed figures, ledger, ...

    st.cache_resource.clear()

    def no_compute(*args, **kwargs):
        raise AssertionError("computed although another process stored it")

    monkeypatch.setattr(cache, "_stored_view", no_compute)
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    again.switch_page("pages/funding.py").run()
    assert not again.exception
    assert len(_entries(store)) == stored
    assert [c.proto.spec for c in again.get("plotly_chart")] == [c.proto.spec for c in at.get("plotly_chart")]
