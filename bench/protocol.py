"""Concurrent sessions without a browser: a minimal client of Streamlit's websocket protocol.

Each simulated session does what the browser scenario does (open a chart page, change a
sidebar filter, switch page), but speaks the protocol directly: it connects to
``/_stcore/stream``, sends ``BackMsg.rerun_script`` messages (page, widget states) and reads
``ForwardMsg``s until ``script_finished``. No JavaScript runs, so the figures show what the
*server* delivers under N simultaneous sessions, with the cores left to the app. The time of a
step is from sending the request to the end of the script run (every delta received).

Widget states: like the browser, a session sends the values it changed; Streamlit keeps the
other widgets' values from the session's previous run.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid

from bench.common import CHART_PAGES, FILTER_LENDER_PICK, TOPOLOGIES, log, summary_ms

FILTER_TOGGLE = "Include rumoured and expected claims"
FILTER_LENDER = "Financier (lender)"


WIDGET_TYPES = ("checkbox", "multiselect", "selectbox", "button_group", "date_input")


class ProtocolError(RuntimeError):
    pass


def _state_of(etype: str, w):
    """The widget's current value as the frontend would send it back (what a browser does)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState()
    state.id = w.id
    if etype == "checkbox":
        state.bool_value = w.value if w.set_value else w.default
    elif etype == "multiselect":
        state.string_array_value.data.extend(list(w.raw_values) if w.set_value else [w.options[i] for i in w.default])
    elif etype == "selectbox":
        if w.set_value:
            state.string_value = w.raw_value
        elif w.HasField("default") and w.options:
            state.string_value = w.options[w.default]
    elif etype == "button_group":
        state.string_array_value.data.extend(list(w.raw_values) if w.set_value else [w.options[i].content for i in w.default])
    elif etype == "date_input":
        state.string_array_value.data.extend(list(w.value) if w.set_value else list(w.default))
    return state


class Session:
    def __init__(self, base_ws: str, timeout_s: float) -> None:
        self.base_ws = base_ws
        self.timeout_s = timeout_s
        self.ws = None
        self.pages: dict[str, str] = {}  # url_pathname -> page_script_hash
        self.widgets: dict[str, object] = {}  # label -> widget element proto
        self.states: dict[str, tuple] = {}  # widget id -> (in sidebar, WidgetState as the browser sends it)
        self.bytes_received = 0
        self.last_exception = ""
        self.fragments: dict[str, str] = {}  # widget label -> id of the fragment that draws it
        self.cached: dict[str, str] = {}  # hash -> element type of the large messages a browser keeps

    async def connect(self) -> None:
        import websockets

        # A route cookie like the one nginx gives every browser (scripts/serve.sh): sessions
        # spread over the app processes as real visitors do; a single process ignores it.
        self.ws = await asyncio.wait_for(
            websockets.connect(
                f"{self.base_ws}/_stcore/stream",
                subprotocols=["streamlit"],
                max_size=2**27,
                open_timeout=self.timeout_s,
                ping_interval=None,
                additional_headers={"Cookie": f"st_route={uuid.uuid4().hex}"},
            ),
            self.timeout_s,
        )

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 10)

    def _request(self, page: str, widget_states: list | None, fragment_id: str = ""):
        """The ``rerun_script`` BackMsg the browser sends to show ``page`` with ``widget_states``.

        Like the browser, it names the large messages it already holds (``cached_message_hashes``),
        so the server sends a reference instead of an unchanged chart or table; a widget inside
        an ``st.fragment`` reruns only that fragment (``fragment_id``).
        """
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = ""
        cs.cached_message_hashes.extend(self.cached)
        if fragment_id:
            cs.fragment_id = fragment_id
        if page in self.pages:  # a switch inside the session: the browser sends the page's hash only
            cs.page_script_hash = self.pages[page]
        else:  # the first request names the page from the URL path
            cs.page_name = page
        for state in widget_states or ():
            cs.widget_states.widgets.append(state)
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-GB"
        cs.context_info.url = f"http://127.0.0.1/{page}"
        return msg

    def _states_before_run(self, widget_states: list | None) -> dict[str, tuple]:
        """The widget states the browser holds for this run: the last run's, updated by the ones sent."""
        previous = dict(self.states)
        for state in widget_states or ():
            if state.id in previous:
                previous[state.id] = (previous[state.id][0], state)
        return previous

    def _on_widget(self, fwd, etype: str, previous: dict[str, tuple], seen: dict[str, tuple]) -> None:
        """Remember a widget of this run and the state the browser would send for it."""
        widget = getattr(fwd.delta.new_element, etype)
        in_sidebar = bool(fwd.metadata.delta_path) and fwd.metadata.delta_path[0] == 1
        self.widgets[widget.label] = widget
        self.fragments[widget.label] = fwd.delta.fragment_id
        if widget.set_value or widget.id not in previous:  # else the browser keeps its value
            seen[widget.id] = (in_sidebar, _state_of(etype, widget))
        else:
            seen[widget.id] = (in_sidebar, previous[widget.id][1])

    def _on_new_element(self, fwd, counts: dict, previous: dict[str, tuple], seen: dict[str, tuple]) -> None:
        el = fwd.delta.new_element
        etype = el.WhichOneof("type")
        if fwd.metadata.cacheable and fwd.hash:
            self.cached[fwd.hash] = etype
        if etype == "plotly_chart":
            counts["charts"] += 1
        elif etype == "exception":
            counts["exceptions"] += 1
            self.last_exception = f"{el.exception.type}: {el.exception.message[:200]}"
        elif etype in WIDGET_TYPES:
            self._on_widget(fwd, etype, previous, seen)

    async def _receive_run(self, deadline: float, previous: dict[str, tuple]) -> tuple[dict, dict]:
        """Read ForwardMsgs until the script run finishes: (widget states seen, message counts)."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        seen: dict[str, tuple] = {}
        counts = {"deltas": 0, "charts": 0, "exceptions": 0, "bytes": 0, "refs": 0}
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise ProtocolError("timed out waiting for script_finished")
            raw = await asyncio.wait_for(self.ws.recv(), remaining)
            counts["bytes"] += len(raw)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
            elif kind == "ref_hash":  # an unchanged large element the browser already holds
                counts["deltas"] += 1
                counts["refs"] += 1
                counts["charts"] += self.cached.get(fwd.ref_hash) == "plotly_chart"
            elif kind == "delta":
                counts["deltas"] += 1
                if fwd.delta.WhichOneof("type") == "new_element":
                    self._on_new_element(fwd, counts, previous, seen)
            elif kind == "script_finished" and fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return seen, counts

    async def rerun(self, *, page: str, widget_states: list | None = None, fragment_id: str = "") -> dict:
        msg = self._request(page, widget_states, fragment_id)
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        previous = self._states_before_run(widget_states)
        seen, counts = await self._receive_run(t0 + self.timeout_s, previous)
        if fragment_id:  # a fragment run redraws its own widgets only; the others stay mounted
            self.states = {**self.states, **seen}
        else:
            self.states = seen  # widgets of this run only, as the browser drops unmounted ones
        self.bytes_received += counts["bytes"]
        return {
            "s": time.perf_counter() - t0,
            "deltas": counts["deltas"],
            "charts": counts["charts"],
            "exceptions": counts["exceptions"],
            "bytes": counts["bytes"],
            "refs": counts["refs"],
        }

    def current_states(self, *, sidebar_only: bool = False) -> list:
        return [state for in_sidebar, state in self.states.values() if in_sidebar or not sidebar_only]

    def change_filter(self, i: int) -> tuple[list, str]:
        """Every widget's state as the browser sends it, with one sidebar filter changed."""
        states = {s.id: s for s in self.current_states()}
        if i % 2 == 0:
            el = self.widgets.get(FILTER_TOGGLE)
            if el is None:
                raise ProtocolError("toggle not found")
            states[el.id].bool_value = True
            return list(states.values()), "toggle unconfirmed"
        el = self.widgets.get(FILTER_LENDER)
        if el is None or not el.options:
            raise ProtocolError("lender multiselect not found")
        lender = FILTER_LENDER_PICK if FILTER_LENDER_PICK in el.options else el.options[0]
        states[el.id].ClearField("string_array_value")
        states[el.id].string_array_value.data.append(lender)
        return list(states.values()), f"lender {lender}"


async def _one(i: int, base_ws: str, start: asyncio.Event, timeout_s: float) -> dict:
    first_page = CHART_PAGES[i % len(CHART_PAGES)]
    next_page = CHART_PAGES[(i + 1) % len(CHART_PAGES)]
    rec: dict = {"i": i, "steps": {}, "ok": False}
    session = Session(base_ws, timeout_s)
    step = "connect"
    try:
        await start.wait()
        t0 = time.perf_counter()
        await session.connect()
        step = "open"
        r = await session.rerun(page=first_page)
        rec["steps"]["open"] = time.perf_counter() - t0  # includes the websocket handshake
        if not r["charts"] or r["exceptions"]:
            raise ProtocolError(f"open: {r['charts']} charts, {r['exceptions']} exceptions {session.last_exception}")
        step = "filter"
        states, rec["filter"] = session.change_filter(i)
        r = await session.rerun(page=first_page, widget_states=states)
        rec["steps"]["filter"] = r["s"]
        if not r["charts"] or r["exceptions"]:
            raise ProtocolError(f"filter: {r['charts']} charts, {r['exceptions']} exceptions {session.last_exception}")
        step = "switch"
        r = await session.rerun(page=next_page, widget_states=session.current_states(sidebar_only=True))
        rec["steps"]["switch"] = r["s"]
        if not r["charts"] or r["exceptions"]:
            raise ProtocolError(f"switch: {r['charts']} charts, {r['exceptions']} exceptions {session.last_exception}")
        rec["ok"] = True
    except Exception as exc:  # noqa: BLE001
        rec["error"] = f"{step}: {type(exc).__name__}: {str(exc)[:160]}"
    rec["bytes"] = session.bytes_received
    rec["_session"] = session
    return rec


async def _level(server, n: int, timeout_s: float, settle_s: float) -> dict:
    base_ws = server.url.replace("http://", "ws://")
    for url in server.warm_urls:  # fill each app process's caches, one fresh session per page
        for page in ["overview", *CHART_PAGES, "sources"]:
            warm = Session(url.replace("http://", "ws://"), timeout_s)
            await warm.connect()
            await warm.rerun(page=page)
            await warm.close()
    await asyncio.sleep(settle_s)
    rss_before = server.rss()
    start = asyncio.Event()
    tasks = [asyncio.create_task(_one(i, base_ws, start, timeout_s)) for i in range(n)]
    peak = [rss_before or 0]

    async def sample():
        while not all(t.done() for t in tasks):
            peak[0] = max(peak[0], server.rss() or 0)
            await asyncio.sleep(0.25)

    sampler = asyncio.create_task(sample())
    cpu0 = server.cpu()
    t0 = time.perf_counter()
    start.set()
    records = await asyncio.gather(*tasks)
    wall = time.perf_counter() - t0
    cpu1 = server.cpu()
    await sampler
    rss_open = server.rss()
    for r in records:
        await r.pop("_session").close()
    await asyncio.sleep(settle_s)
    rss_closed = server.rss()
    ok = [r for r in records if r["ok"]]
    growth = rss_open - rss_before if rss_open and rss_before else None
    return {
        "sessions": n,
        "success": len(ok),
        "success_rate": round(len(ok) / n, 4),
        "wall_s": round(wall, 2),
        "steps": {s: summary_ms([r["steps"][s] for r in records if s in r["steps"]]) for s in ("open", "filter", "switch")},
        "all_steps": summary_ms([v for r in ok for v in r["steps"].values()]),
        "bytes_per_session": round(sum(r["bytes"] for r in records) / n),
        "server_cpu_s": round(cpu1 - cpu0, 2) if cpu0 is not None and cpu1 is not None else None,
        "server_cpu_ms_per_step": round((cpu1 - cpu0) * 1000 / max(1, sum(len(r["steps"]) for r in records)), 1)
        if cpu0 is not None and cpu1 is not None
        else None,
        "rss_before_bytes": rss_before,
        "rss_sessions_open_bytes": rss_open,
        "rss_peak_bytes": peak[0],
        "rss_after_close_bytes": rss_closed,
        "rss_growth_bytes": growth,
        "rss_per_session_bytes": round(growth / n) if growth is not None else None,
        "rss_growth_per_50_sessions_bytes": round(growth * 50 / n) if growth is not None else None,
        "errors": sorted({r["error"] for r in records if "error" in r})[:5],
    }


def concurrency(levels=(10, 25, 50), timeout_s: float = 120.0, settle_s: float = 3.0, topologies=("single", "proxy")) -> dict:
    """Every level against every server topology (see ``bench.common.TOPOLOGIES``), a fresh server each."""
    out = {
        "levels": {},
        "scenario": (
            "protocol client (no browser): each session connects to /_stcore/stream, opens a chart page, changes one "
            "sidebar filter, switches to the next page; all start together; a step ends when the script run finished"
        ),
        "step_timeout_s": timeout_s,
        "topologies": {t: TOPOLOGIES[t][0] for t in topologies},
    }
    for topology in topologies:
        out["levels"][topology] = {}
        for n in levels:
            try:
                with TOPOLOGIES[topology][1](f"protocol-{topology}-{n}") as server:
                    log(f"protocol: {n} sessions on {server.url} ({topology})")
                    out["levels"][topology][str(n)] = asyncio.run(_level(server, n, timeout_s, settle_s))
            except Exception as exc:  # noqa: BLE001
                out["levels"][topology][str(n)] = {"sessions": n, "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    return out
