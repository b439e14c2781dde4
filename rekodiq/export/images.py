"""PNG and SVG through Kaleido in one headless Chromium, kept warm between requests.

Chromium is started on the first request and then kept running in a background thread
(thread-safe; restarted after a crash or timeout). Without Chromium every image call raises
:class:`ImageExportUnavailable`; all other formats work without it.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import os
import shutil
import threading
import time
from pathlib import Path

import plotly.graph_objects as go

from rekodiq.export.citable import CITABLE_WIDTH, PNG_SCALE

RENDER_TIMEOUT_S = 30.0
START_TIMEOUT_S = 45.0
RETRY_AFTER_FAILURE_S = 300.0
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


class ImageExportError(RuntimeError):
    """A PNG or SVG could not be rendered (timeout, browser crash)."""


class ImageExportUnavailable(ImageExportError):
    """PNG and SVG cannot be made on this server: Chromium (or Kaleido) is missing or broken."""


def chromium_path() -> str | None:
    """The browser Kaleido will use: ``$REKODIQ_CHROMIUM``, ``$BROWSER_PATH``, then ``chromium`` etc. on PATH."""
    for env in ("REKODIQ_CHROMIUM", "BROWSER_PATH"):
        value = os.environ.get(env)
        if value:
            return value if Path(value).is_file() and os.access(value, os.X_OK) else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def _kaleido_class(kaleido_module):
    """Kaleido, but a used tab is reloaded *after* the image is handed back, not before.

    Kaleido 1.5 reloads the tab (plotly.js and all) before returning each image; that reload
    is about half of a warm render. Here it runs in the background and the tab rejoins the
    queue when it is ready, so one request waits only for its own render. Falls back to plain
    Kaleido if the private hook is not there (another Kaleido version).
    """
    base = kaleido_module.Kaleido
    if not (hasattr(base, "_return_kaleido_tab") and hasattr(base, "_get_kaleido_tab")):
        return base

    class _BackgroundReloadKaleido(base):
        async def _return_kaleido_tab(self, tab) -> None:
            async def reload_then_return() -> None:
                try:
                    await tab.reload()
                    await self.tabs_ready.put(tab)
                except Exception:  # noqa: BLE001 - a broken browser is detected by the next render's timeout
                    pass

            task = asyncio.get_running_loop().create_task(reload_then_return())
            pending = self.__dict__.setdefault("_rekodiq_reloads", set())
            pending.add(task)
            task.add_done_callback(pending.discard)

    return _BackgroundReloadKaleido


class _Renderer:
    """One Kaleido (one Chromium tab) on a private event loop in a daemon thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self.failed_at: float | None = None
        self.failure: str | None = None
        self._atexit = False

    def running(self) -> bool:
        return self._kaleido is not None

    def _start(self):
        path = chromium_path()
        if path is None:
            raise ImageExportUnavailable("PNG and SVG export needs Chromium on the server, and none was found.")
        try:
            import kaleido
        except ImportError as err:  # pragma: no cover - kaleido is a pinned dependency
            raise ImageExportUnavailable("PNG and SVG export needs the kaleido package.") from err
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="rekodiq-kaleido", daemon=True).start()

        async def open_browser():
            k = _kaleido_class(kaleido)(n=1, timeout=RENDER_TIMEOUT_S, mathjax=False, path=path)
            await k.open()
            return k

        try:
            k = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT_S)
        except BaseException as err:
            loop.call_soon_threadsafe(loop.stop)
            self.failed_at, self.failure = time.monotonic(), f"{type(err).__name__}: {str(err)[:200]}"
            raise ImageExportUnavailable(f"Chromium could not be started on the server ({type(err).__name__}).") from err
        self._loop, self._kaleido, self.failed_at, self.failure = loop, k, None, None
        if not self._atexit:
            atexit.register(self.close)
            self._atexit = True
        return loop, k

    def ensure(self):
        with self._lock:
            if self._kaleido is None:
                return self._start()
            return self._loop, self._kaleido

    def _discard(self, k) -> None:
        """Forget a broken browser (closing it in the background); the next call starts a new one."""
        with self._lock:
            if self._kaleido is not k:
                return
            loop, self._loop, self._kaleido = self._loop, None, None
        future = asyncio.run_coroutine_threadsafe(k.close(), loop)
        future.add_done_callback(lambda _f: loop.call_soon_threadsafe(loop.stop))

    def render(self, fig_dict: dict, opts: dict) -> bytes:
        from kaleido.errors import JavascriptError

        loop, k = self.ensure()
        future = asyncio.run_coroutine_threadsafe(k.calc_fig(fig_dict, opts=opts), loop)
        try:
            return future.result(RENDER_TIMEOUT_S + 15)
        except concurrent.futures.TimeoutError as err:
            future.cancel()
            self._discard(k)
            raise ImageExportError("rendering the image timed out") from err
        except (JavascriptError, ValueError, TypeError):
            raise  # a problem with this figure, not with the browser
        except Exception as err:
            self._discard(k)
            raise ImageExportError(f"rendering the image failed ({type(err).__name__})") from err

    def close(self) -> None:
        with self._lock:
            loop, k, self._loop, self._kaleido = self._loop, self._kaleido, None, None
        if k is None or loop is None:
            return
        with contextlib.suppress(Exception):  # best effort at shutdown
            asyncio.run_coroutine_threadsafe(k.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)


_RENDERER = _Renderer()


def image_export_available() -> bool:
    """Cheap check for the UI: Chromium is present and did not fail to start in the last 5 min."""
    if chromium_path() is None:
        return False
    failed = _RENDERER.failed_at
    return _RENDERER.running() or failed is None or time.monotonic() - failed > RETRY_AFTER_FAILURE_S


def stop_renderer() -> None:
    """Close Chromium (tests, shutdown). It starts again on the next image request."""
    _RENDERER.close()


def _render(fig: go.Figure | dict, fmt: str, scale: float) -> bytes:
    fig_dict = fig.to_dict() if isinstance(fig, go.Figure) else fig
    layout = fig_dict.get("layout", {})
    opts = {"format": fmt, "scale": scale, "width": layout.get("width") or CITABLE_WIDTH, "height": layout.get("height") or 500}
    return _RENDERER.render(fig_dict, opts)


def figure_png(fig: go.Figure, *, scale: float = PNG_SCALE) -> bytes:
    """PNG bytes at ``scale`` x the layout size (1200 px wide -> 2400 px). Needs Chromium."""
    return _render(fig, "png", scale)


def figure_svg(fig: go.Figure) -> bytes:
    """SVG bytes (text stays text, so titles and footers are searchable). Needs Chromium."""
    return _render(fig, "svg", 1)
