"""Memory: 1,000 sessions opened and closed in turn, and the memory of sessions held open.

One fresh app process (``streamlit run server.py``, production settings and the environment
scripts/serve.sh gives its app processes: ``bench.common.app_env``). Every page is opened
once (caches filled), then, after a pause, the *starting RSS* is read. Then ``sessions``
protocol sessions, one after another: connect, open a page (rotating over every page), change a
sidebar filter on every other session, close. Streamlit keeps a disconnected session for
``server.disconnectedSessionTTL`` (120 s by default) in case the browser reconnects, so the
*idle RSS* is read after that TTL plus a margin; the RSS right after the last close is reported
too. Target: idle RSS within 10 % of the starting RSS.

Memory per open session: ``held`` sessions opened together (each on a chart page) and kept
open; (RSS with them open - RSS before) / held.
"""

from __future__ import annotations

import asyncio
import time

from bench.common import CHART_PAGES, PAGES, AppServer, log
from bench.protocol import Session

TTL_S = 120  # Streamlit's default server.disconnectedSessionTTL (.streamlit/config.toml keeps it)


async def _open_close(base_ws: str, i: int) -> bool:
    session = Session(base_ws, 60.0)
    try:
        await session.connect()
        page = PAGES[i % len(PAGES)]
        r = await session.rerun(page=page)
        if i % 2 and r["exceptions"] == 0:
            states, _ = session.change_filter(0)
            r = await session.rerun(page=page, widget_states=states)
        return r["exceptions"] == 0
    except Exception:  # noqa: BLE001 - counted as a failed session
        return False
    finally:
        await session.close()


async def _held(base_ws: str, n: int) -> list[Session]:
    sessions = [Session(base_ws, 120.0) for _ in range(n)]
    for i, s in enumerate(sessions):
        await s.connect()
        await s.rerun(page=CHART_PAGES[i % len(CHART_PAGES)])
    return sessions


def run(sessions: int = 1000, held: int = 100, settle_s: float = 5.0, ttl_s: float = TTL_S) -> dict:
    with AppServer("memory") as server:
        base_ws = server.url.replace("http://", "ws://")
        log(f"memory: {sessions} sessions in turn on {server.url}")
        asyncio.run(_warm(base_ws))
        time.sleep(settle_s)
        start = server.rss()
        t0 = time.perf_counter()
        ok = asyncio.run(_in_turn(base_ws, sessions))
        took = time.perf_counter() - t0
        after_close = server.rss()
        log(f"memory: waiting {ttl_s + 20:.0f} s for the disconnected sessions' TTL")
        time.sleep(ttl_s + 20)
        idle = server.rss()
        before_held = idle

        async def hold():
            open_sessions = await _held(base_ws, held)
            await asyncio.sleep(settle_s)
            rss_open = server.rss()
            for s in open_sessions:
                await s.close()
            return rss_open

        rss_open = asyncio.run(hold())
    growth = (idle - start) / start if start and idle else None
    return {
        "sessions": sessions,
        "ok_sessions": ok,
        "seconds": round(took, 1),
        "rss_start_bytes": start,
        "rss_after_last_close_bytes": after_close,
        "rss_idle_bytes": idle,
        "idle_growth_ratio": round(growth, 4) if growth is not None else None,
        "held_sessions": held,
        "rss_before_held_bytes": before_held,
        "rss_held_open_bytes": rss_open,
        "rss_per_open_session_bytes": round((rss_open - before_held) / held) if rss_open and before_held else None,
        "ttl_wait_s": ttl_s + 20,
    }


async def _warm(base_ws: str) -> None:
    for page in PAGES:
        await _open_close(base_ws, PAGES.index(page))


async def _in_turn(base_ws: str, n: int) -> int:
    ok = 0
    for i in range(n):
        ok += await _open_close(base_ws, i)
    return ok
