"""Profile warm reruns of one page (cProfile on the script thread): where does a rerun go?

    .venv/bin/python -m bench.profile_page map [--runs 5] [--sort cumulative] [--limit 40] [--filter rekodiq]

Not part of the benchmark run; a tool for finding what to optimise.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time

from bench import warm
from bench.common import BENCH, ROOT


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("page", help="overview, map, ... or bare / shell")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sort", default="cumulative")
    ap.add_argument("--limit", type=int, default=45)
    ap.add_argument("--filter", default="", help="only rows whose file path contains this text")
    args = ap.parse_args(argv)

    warm._patch_streamlit()
    from streamlit.runtime.scriptrunner import script_runner

    profiler = cProfile.Profile()
    active = {"on": False}
    timed_run_script = script_runner.ScriptRunner._run_script

    def profiled(self, rerun_data):
        if not active["on"]:
            return timed_run_script(self, rerun_data)
        profiler.enable()
        try:
            return timed_run_script(self, rerun_data)
        finally:
            profiler.disable()

    script_runner.ScriptRunner._run_script = profiled
    if args.page in ("bare", "shell"):
        at = warm._new_app(BENCH / f"{args.page}_app.py", None, 120)
    else:
        at = warm._new_app(ROOT / "app.py", args.page, 120)
    walls, cpus = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        at.run()
        walls.append(time.perf_counter() - t0)
        cpus.append(warm._STATE["script_cpu_s"])
    print(
        f"unprofiled warm reruns: wall {', '.join(f'{w * 1000:.0f}' for w in walls)} ms; "
        f"script CPU {', '.join(f'{c * 1000:.0f}' for c in cpus)} ms"
    )
    active["on"] = True
    for _ in range(args.runs):
        at.run()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats(args.sort)
    if args.filter:
        stats.print_stats(args.filter, args.limit)
    else:
        stats.print_stats(args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
