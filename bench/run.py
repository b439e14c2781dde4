"""Run the benchmark and write bench/results/<name>.json and <name>.md.

    python -m bench.run                    # everything -> latest.json / latest.md
    python -m bench.run --only warm,export # some sections
    python -m bench.run --name before      # also the baseline file names
    python -m bench.run --quick            # fewer repetitions (smoke run; not for the README)

Sections: warm (AppTest reruns + payload), interactions (server CPU and its breakdown per
interaction, app vs app shell), scale (1x-1000x synthetic data), cold (browser cold loads),
lighthouse (first chart vs a bare chart page), memory (1,000 sessions in turn), concurrency
(browser sessions), protocol (25/50/100 sessions through Streamlit's websocket protocol, no
browser, 1 and 2 processes), export (PNG/SVG/CSV/XLSX). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import report  # noqa: E402
from bench.common import RESULTS, ROOT, loadavg, log, machine_info  # noqa: E402

SECTIONS = ("warm", "interactions", "scale", "cold", "lighthouse", "memory", "concurrency", "protocol", "export")


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _maybe_readme(args, text: str) -> None:
    """With --readme: the README's Performance section becomes this run's Markdown."""
    if args.readme and (args.quick or set(args.only.split(",")) != set(SECTIONS) or args.name != "latest"):
        log("README not rewritten: only a full run under the name 'latest' is quoted there")
    elif args.readme:
        from bench import readme

        readme.update(ROOT / "README.md", text)
        log("rewrote the README's Performance section")


def _quick(args) -> None:
    """Smoke-run repetitions (not for the README)."""
    args.runs, args.cold_reps, args.levels, args.export_reps = 5, 1, "5", 2
    args.protocol_levels, args.interaction_rounds, args.scale_factors, args.scale_runs = "5", 3, "1,10", 3
    args.lighthouse_reps, args.memory_sessions = 1, 20


def _cost_sections(args, only: list[str], res: dict, section, save) -> None:
    """Interactions, scale, Lighthouse and memory (bench/README.md), each saved as it ends."""
    if "interactions" in only:
        from bench import interactions

        res["interactions"] = section("interactions", lambda: interactions.run(rounds=args.interaction_rounds))
        save()  # after every section, so an interrupted run keeps what it measured
    if "scale" in only:
        from bench import scale

        factors = tuple(int(x) for x in args.scale_factors.split(",") if x.strip())
        res["scale"] = section("scale", lambda: scale.run(factors=factors, runs=args.scale_runs))
        save()  # after every section, so an interrupted run keeps what it measured
    if "lighthouse" in only:
        from bench import lighthouse

        res["lighthouse"] = section("lighthouse", lambda: lighthouse.run(reps=args.lighthouse_reps))
        save()  # after every section, so an interrupted run keeps what it measured
    if "memory" in only:
        from bench import memory

        ttl = 10 if args.quick else memory.TTL_S
        res["memory"] = section(
            "memory", lambda: memory.run(sessions=args.memory_sessions, held=min(100, args.memory_sessions), ttl_s=ttl)
        )
        save()  # after every section, so an interrupted run keeps what it measured


def _parser() -> argparse.ArgumentParser:
    """The command line of ``python -m bench.run`` (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections: " + ",".join(SECTIONS))
    ap.add_argument("--name", default="latest", help="result file stem in bench/results (default latest)")
    ap.add_argument("--runs", type=int, default=40, help="timed warm reruns per page (>= 30)")
    ap.add_argument("--cold-reps", type=int, default=5, help="cold loads per page")
    ap.add_argument(
        "--levels",
        default="10,25",
        help="concurrent browser session counts (50 adds about 12 min of Chromium start-up on 2 cores; "
        "the protocol section measures the 50/100 burst on the server)",
    )
    ap.add_argument("--protocol-levels", default="25,50,100", help="concurrent protocol session counts")
    ap.add_argument("--interaction-rounds", type=int, default=20, help="rounds of the four interactions (app and shell)")
    ap.add_argument("--scale-factors", default="1,10,100,1000", help="data sizes for the scale section")
    ap.add_argument("--scale-runs", type=int, default=10, help="warm rerun rounds per data size")
    ap.add_argument("--lighthouse-reps", type=int, default=3, help="Lighthouse runs per page and preset")
    ap.add_argument("--memory-sessions", type=int, default=1000, help="sessions opened and closed in turn")
    ap.add_argument("--readme", action="store_true", help="also rewrite the README's Performance section from this run")
    ap.add_argument(
        "--topologies",
        default="single,proxy",
        help="servers for the protocol section: single (one app process), proxy (scripts/serve.sh: nginx + 2)",
    )
    ap.add_argument(
        "--browser-topologies",
        default="proxy",
        help="servers for the browser concurrency section (default proxy: the browsers, not the server, "
        "bound that run, so one topology is enough)",
    )
    ap.add_argument("--step-timeout", type=float, default=300.0, help="seconds each browser step may take")
    ap.add_argument("--export-reps", type=int, default=10, help="warm repetitions per download format")
    ap.add_argument("--quick", action="store_true", help="smoke run: few repetitions, 5 sessions")
    return ap


def _arguments(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    """Parsed arguments (``--quick`` applied) and the sections to run; exits on unknown names."""
    ap = _parser()
    args = ap.parse_args(argv)
    if args.quick:
        _quick(args)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        ap.error(f"unknown sections: {', '.join(sorted(unknown))}")
    if (set(args.topologies.split(",")) | set(args.browser_topologies.split(","))) - {"single", "proxy"}:
        ap.error("--topologies and --browser-topologies take single and/or proxy")
    return args, only


def _prepare() -> None:
    """Work from the repository root, stop on SIGTERM, silence Streamlit's bare-mode warnings."""
    os.chdir(ROOT)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers this run started are stopped
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    RESULTS.mkdir(parents=True, exist_ok=True)


def _load_sections(args, only: list[str], res: dict, section, save) -> None:
    """The sections that load a server with many sessions: protocol, then browser concurrency."""
    levels = tuple(int(x) for x in args.levels.split(",") if x.strip())
    protocol_levels = tuple(int(x) for x in args.protocol_levels.split(",") if x.strip())
    topologies = tuple(t.strip() for t in args.topologies.split(",") if t.strip())
    browser_topologies = tuple(t.strip() for t in args.browser_topologies.split(",") if t.strip())
    if "protocol" in only:
        from bench import protocol

        res["protocol"] = section(
            "protocol", lambda: protocol.concurrency(levels=protocol_levels, timeout_s=args.step_timeout, topologies=topologies)
        )
        save()  # after every section, so an interrupted run keeps what it measured
    if "concurrency" in only:
        from bench import browser

        res["concurrency"] = section(
            "concurrency", lambda: browser.concurrency(levels=levels, timeout_s=args.step_timeout, topologies=browser_topologies)
        )
        save()  # after every section, so an interrupted run keeps what it measured


def main(argv: list[str] | None = None) -> int:
    args, only = _arguments(argv)
    _prepare()
    res: dict = {
        "machine": machine_info(),
        "sections": only,
        "durations_s": {},
        "loadavg_after": {},
        "server_env": os.environ.get("BENCH_SERVER_ENV", ""),
    }
    log(f"machine: {res['machine']['cpu_count']} cores, load {res['machine']['loadavg_at_start']}")

    before_path = RESULTS / "before.json"
    before = json.loads(before_path.read_text()) if before_path.is_file() and args.name != "before" else None

    def save() -> None:
        res["targets"] = report.targets(res)
        _write(RESULTS / f"{args.name}.json", json.dumps(res, indent=2, default=str) + "\n")
        _write(RESULTS / f"{args.name}.md", report.markdown(res, before))

    def section(name, fn):
        t0 = time.perf_counter()
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - one broken section must not lose the others
            log(f"{name}: FAILED {type(exc).__name__}: {exc}")
            return {"error": f"{type(exc).__name__}: {str(exc)[:500]}"}
        finally:
            res["durations_s"][name] = round(time.perf_counter() - t0, 1)
            res["loadavg_after"][name] = loadavg()

    if "warm" in only:
        from bench import warm

        res["warm"] = section("warm", lambda: warm.run(runs=args.runs))
        res["payload"] = {"geometry": warm.geometry()}
        save()  # after every section, so an interrupted run keeps what it measured
    _cost_sections(args, only, res, section, save)
    if "export" in only:
        from bench import exports

        res["export"] = section("export", lambda: exports.run(warm_n=args.export_reps))
        save()  # after every section, so an interrupted run keeps what it measured
    if "cold" in only:
        from bench import browser

        res["cold"] = section("cold", lambda: browser.cold(reps=args.cold_reps, timeout_s=args.step_timeout))
        save()  # after every section, so an interrupted run keeps what it measured
    _load_sections(args, only, res, section, save)

    res["complete"] = True
    save()
    log(f"wrote {RESULTS / (args.name + '.json')} and .md")
    _maybe_readme(args, report.markdown(res, before))
    print(report.markdown(res, before))
    return 0


if __name__ == "__main__":
    sys.exit(main())
