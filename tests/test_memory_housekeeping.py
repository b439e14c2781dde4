"""Memory goes back to the OS once sessions are gone (rekodiq/web/memory.py; issue 17, memory target).

Two halves, both needed (bench/README.md, "Memory"): the server expires disconnected sessions on
time and then collects and trims the heap; every launcher we ship sets ``PROCESS_ENV`` so that
trim can return what Python freed. These tests fail if either half disappears; the figures
come from ``bench/memory.py``, never from a test.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
import sys
import threading
from pathlib import Path

import pytest
import yaml

from rekodiq.web import memory

ROOT = Path(__file__).resolve().parent.parent


class _FakeSession:
    def __init__(self, sid: str) -> None:
        self.id = sid
        self.shut_down = 0

    def shutdown(self) -> None:
        self.shut_down += 1


class _FakeManager:
    """The parts of Streamlit's WebsocketSessionManager the sweep uses, around Streamlit's real storage."""

    def __init__(self, ttl_seconds: int) -> None:
        from streamlit.runtime.memory_session_storage import MemorySessionStorage

        self._session_storage = MemorySessionStorage(ttl_seconds=ttl_seconds)
        self._storage_lock = threading.Lock()
        self.active: list = []

    def store(self, sid: str) -> _FakeSession:
        from streamlit.runtime.session_manager import SessionInfo

        session = _FakeSession(sid)
        self._session_storage.save(SessionInfo(client=None, session=session))
        return session

    def list_active_sessions(self) -> list:
        return list(self.active)


class _FakeRuntime:
    def __init__(self, mgr: _FakeManager) -> None:
        self._session_mgr = mgr


@pytest.fixture
def trims(monkeypatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(memory, "trim_heap", lambda: calls.append(1) or True)
    return calls


def test_an_expired_disconnected_session_is_shut_down_and_the_heap_trimmed(trims):
    mgr = _FakeManager(ttl_seconds=0)  # the stored session is already past its TTL
    gone = mgr.store("a")
    assert memory.Sweeper(_FakeRuntime(mgr)).step() is True
    assert gone.shut_down == 1
    assert mgr._session_storage.list() == []
    assert trims == [1]


def test_a_session_within_its_ttl_is_kept_and_nothing_is_trimmed(trims):
    mgr = _FakeManager(ttl_seconds=120)
    kept = mgr.store("a")
    assert memory.Sweeper(_FakeRuntime(mgr)).step() is False
    assert kept.shut_down == 0
    assert [info.session for info in mgr._session_storage.list()] == [kept]
    assert trims == []


def test_the_heap_is_trimmed_once_when_the_last_open_session_closes(trims):
    mgr = _FakeManager(ttl_seconds=120)
    sweeper = memory.Sweeper(_FakeRuntime(mgr))
    mgr.active = ["open"]
    assert sweeper.step() is False  # sessions open: no full collection during use
    mgr.active = []
    assert sweeper.step() is True
    assert sweeper.step() is False  # still idle: not again
    assert trims == [1]


def test_the_server_runs_the_sweep_for_as_long_as_it_serves():
    tree = ast.parse((ROOT / "server.py").read_text(encoding="utf-8"))
    app_calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == "st.App"]
    assert len(app_calls) == 1
    assert {k.arg: ast.unparse(k.value) for k in app_calls[0].keywords}.get("lifespan") == "lifespan"
    lifespan = next(n for n in tree.body if isinstance(n, ast.AsyncFunctionDef) and n.name == "lifespan")
    assert "memory.sweeping(" in ast.unparse(lifespan)

    async def serve_briefly() -> bool:
        async with memory.sweeping(_FakeRuntime(_FakeManager(ttl_seconds=120))):
            tasks = {t.get_name() for t in asyncio.all_tasks()}
        return "rekodiq-memory-sweep" in tasks

    assert asyncio.run(serve_briefly()) is True


def test_streamlit_still_has_what_the_sweep_relies_on():
    """An upgrade that renames these would silently turn the sweep into a no-op: fail here instead."""
    from streamlit.runtime.caching.ttl_cache import TTLCache
    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    init = inspect.getsource(WebsocketSessionManager.__init__)
    assert "self._session_storage" in init and "self._storage_lock" in init
    assert callable(WebsocketSessionManager.list_active_sessions)
    assert isinstance(MemorySessionStorage()._cache, TTLCache) and callable(TTLCache.expire)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_trim_heap_calls_glibc():
    assert isinstance(memory.trim_heap(), bool)


def test_every_launcher_sets_the_memory_environment():
    env = memory.PROCESS_ENV
    assert env == {"PYTHONMALLOC": "malloc", "MALLOC_ARENA_MAX": "2"}

    serve = (ROOT / "scripts" / "serve.sh").read_text(encoding="utf-8")
    run_app = (ROOT / "scripts" / "run_app.sh").read_text(encoding="utf-8")
    for script in (serve, run_app):
        for name, value in env.items():  # exported before the app processes start; an operator may override
            assert re.search(rf'^export {name}="\$\{{{name}:-{value}\}}"$', script, re.M), name
    assert serve.index("export PYTHONMALLOC") < serve.index("start_app() {")
    assert run_app.index("export PYTHONMALLOC") < run_app.index("streamlit run")

    docker = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    env_block = re.search(r"^ENV (.*?)(?<!\\)\n", docker, re.M | re.S).group(1)
    for name, value in env.items():
        assert re.search(rf"\b{name}={value}\b", env_block), name

    deployment = yaml.safe_load((ROOT / "deploy" / "k8s" / "deployment.yaml").read_text(encoding="utf-8"))
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert {e["name"]: e.get("value") for e in container["env"]}.items() >= env.items()

    from bench.common import app_env

    assert app_env().items() >= env.items()  # the benchmark's app servers run like production
