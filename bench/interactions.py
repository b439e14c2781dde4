"""Server cost of one interaction of each kind, app vs app shell, through the real websocket path.

One server at a time, started through ``bench.profiled_server`` (a bench-only launcher that
logs each script run's cost breakdown), one protocol session at a time, so every CPU second
the process spends between two interactions belongs to the second one. Per round, a fresh
session: opens a page (``open``), changes a sidebar filter (``filter``), changes a page-local
option (``local``: funding's "Stack bars by" or the timeline's "Time window", both inside an
``st.fragment``, so the browser asks for a fragment run), switches page (``switch``). The
app shell (``bench/shell_app.py``: page config, data load, sidebar, footer, empty page) gets
the same session shape with the steps it has (open, filter), measured in the same run.

Per interaction: server CPU (process CPU time, all threads, nanosecond clock, from the end of
the previous run to the end of this one), the script runs it caused (more than one means a
second rerun), bytes received, and the breakdown: page script (own code), figure
serialisation, table serialisation, URL sync, message hashing, other (outside the script
thread: websocket, protobuf, event loop).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess

from bench.common import PYTHON, ROOT, RUN_DIR, _stop, free_port, log, wait_healthy
from bench.protocol import Session

KINDS = ("open", "filter", "local", "switch")
LOCAL_OPTIONS = {"funding": ("Stack bars by", "type"), "timeline": ("Time window", None)}
NEXT_PAGE = {"funding": "map", "timeline": "peers"}


class ProfiledServer:
    """``python -m bench.profiled_server <script>`` on 127.0.0.1, logging one JSON line per script run."""

    def __init__(self, name: str, script: str, timeout_s: float = 120.0, cprofile_dir: str = "") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        self.runs_path = RUN_DIR / f"runs-{name}.jsonl"
        self.runs_path.unlink(missing_ok=True)
        self._log = open(RUN_DIR / f"server-{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        env = {**os.environ, "BENCH_PROFILE_LOG": str(self.runs_path)}
        if cprofile_dir:
            env["BENCH_CPROFILE_DIR"] = cprofile_dir
        cmd = [PYTHON, "-m", "bench.profiled_server", str(ROOT / script), "--server.port", str(self.port)]
        cmd += ["--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
        wait_healthy(self.proc, self.url, timeout_s, self.stop, "profiled server")
        self._read = 0

    def new_runs(self) -> list[dict]:
        """The script runs logged since the last call."""
        if not self.runs_path.exists():
            return []
        lines = self.runs_path.read_text(encoding="utf-8").splitlines()
        fresh, self._read = lines[self._read :], len(lines)
        return [json.loads(line) for line in fresh if line.strip()]

    def stop(self) -> None:
        _stop(self.proc, self._log, grace_s=10)

    def __enter__(self) -> ProfiledServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _local_change(session: Session, page: str) -> tuple[list, str]:
    """All widget states with the page-local option changed, and the fragment that draws it."""
    label, wanted = LOCAL_OPTIONS[page]
    widget = session.widgets[label]
    states = {s.id: s for s in session.current_states()}
    current = list(states[widget.id].string_array_value.data)
    options = [o.content for o in widget.options]
    value = wanted or next(o for o in options if o not in current)
    states[widget.id].ClearField("string_array_value")
    states[widget.id].string_array_value.data.append(value)
    return list(states.values()), session.fragments.get(label, "")


async def _interaction(server: ProfiledServer, session: Session, last_cpu: list, **rerun) -> dict:
    r = await session.rerun(**rerun)
    await asyncio.sleep(0.05)  # the run's log line is written as the run ends
    runs = server.new_runs()
    for _ in range(40):  # under load (or cProfile) the line can come after script_finished: wait up to 2 s more
        if runs:
            break
        await asyncio.sleep(0.05)
        runs = server.new_runs()
    if not runs:
        raise RuntimeError("no script run logged")
    cpu_end = runs[-1]["process_cpu_s"]
    cpu_ms = (cpu_end - last_cpu[0]) * 1000 if last_cpu[0] is not None else None
    last_cpu[0] = cpu_end
    script = sum(x["script_cpu_ms"] for x in runs)
    parts = {k: sum(x[f"{k}_cpu_ms"] for x in runs) for k in ("figure", "table", "url", "hash")}
    return {
        "server_cpu_ms": cpu_ms,
        "wall_ms": r["s"] * 1000,
        "runs": len(runs),
        "fragment_runs": sum(x["fragment"] for x in runs),
        "bytes": r["bytes"],
        "refs": r["refs"],
        "charts": r["charts"],
        "exceptions": r["exceptions"],
        "script_ms": script - sum(parts.values()),
        **{f"{k}_ms": v for k, v in parts.items()},
        "other_ms": (cpu_ms - script) if cpu_ms is not None else None,
    }


async def _round(server: ProfiledServer, page: str, shell: bool, last_cpu: list) -> dict[str, dict]:
    base_ws = server.url.replace("http://", "ws://")
    session = Session(base_ws, 120.0)
    await session.connect()
    out: dict[str, dict] = {}
    try:
        out["open"] = await _interaction(server, session, last_cpu, page="" if shell else page)
        states, _ = session.change_filter(0)
        out["filter"] = await _interaction(server, session, last_cpu, page="" if shell else page, widget_states=states)
        if not shell:
            states, fragment = _local_change(session, page)
            out["local"] = await _interaction(server, session, last_cpu, page=page, widget_states=states, fragment_id=fragment)
            sidebar = session.current_states(sidebar_only=True)
            out["switch"] = await _interaction(server, session, last_cpu, page=NEXT_PAGE[page], widget_states=sidebar)
    finally:
        await session.close()
    return out


def _summarise(samples: dict[str, list[dict]]) -> dict:
    out = {}
    for kind, recs in samples.items():
        if not recs:
            continue

        def med(key, recs=recs):
            values = [r[key] for r in recs if r.get(key) is not None]
            return round(statistics.median(values), 2) if values else None

        keys = ("server_cpu_ms", "wall_ms", "script_ms", "figure_ms", "table_ms", "url_ms", "hash_ms", "other_ms", "bytes")
        out[kind] = {
            "n": len(recs),
            **{k: med(k) for k in keys},
            "max_runs": max(r["runs"] for r in recs),
            "fragment_runs": sum(r["fragment_runs"] for r in recs),
            "refs": med("refs"),
            "exceptions": sum(r["exceptions"] for r in recs),
        }
    every = [r["server_cpu_ms"] for recs in samples.values() for r in recs if r["server_cpu_ms"] is not None]
    out["all"] = {"n": len(every), "server_cpu_ms": round(statistics.median(every), 2) if every else None}
    return out


def _measure(script: str, name: str, rounds: int, shell: bool, cprofile_dir: str = "") -> dict:
    samples: dict[str, list[dict]] = {k: [] for k in (("open", "filter") if shell else KINDS)}
    pages = ["funding", "timeline"]
    with ProfiledServer(name, script, cprofile_dir=cprofile_dir) as server:
        log(f"interactions: {name} on {server.url}, {rounds} rounds")
        last_cpu: list = [None]

        async def all_rounds():
            for page in [*pages, *pages]:  # warm-up: fill caches, pass the first-visit rerun
                await _round(server, page, shell, last_cpu)
            for i in range(rounds):
                rec = await _round(server, pages[i % 2], shell, last_cpu)
                for kind, r in rec.items():
                    samples[kind].append(r)

        asyncio.run(all_rounds())
    return _summarise(samples)


def run(rounds: int = 20, cprofile_dir: str = "") -> dict:
    """The app and the shell, measured one after the other in the same run; see the module docstring."""
    app = _measure("server.py", "interactions-app", rounds, shell=False, cprofile_dir=cprofile_dir)
    shell = _measure("bench/shell_app.py", "interactions-shell", rounds, shell=True)
    ratio = None
    if app["all"]["server_cpu_ms"] and shell["all"]["server_cpu_ms"]:
        ratio = round(app["all"]["server_cpu_ms"] / shell["all"]["server_cpu_ms"], 2)
    return {
        "method": (
            "one protocol session at a time against a bench-only launcher (bench/profiled_server.py); per interaction "
            "the server process's CPU time from the end of the previous script run to the end of this one; medians"
        ),
        "rounds": rounds,
        "app": app,
        "shell": shell,
        "ratio_app_to_shell": ratio,
    }


if __name__ == "__main__":
    import sys

    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 5, sys.argv[2] if len(sys.argv) > 2 else ""), indent=2))
