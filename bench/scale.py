"""How cost grows with the data: load-and-validate, warm rerun and payload per page at 1x/10x/100x/1000x.

For each factor, ``rekodiq.synth.write_scaled`` writes a valid synthetic dataset into a temporary
folder (``data/`` itself for 1x), and a fresh Python process (so caches and imports start
empty, as a fresh server does) with ``REKODIQ_DATA_DIR`` pointing at it measures:

* load-and-validate: ``rekodiq.data.load_dataset`` (read, validate, type), median of 3, and
  ``validate_tables`` alone;
* warm rerun per page and payload per page: ``bench.warm.run`` (AppTest, the same method as
  the ``warm`` section, fewer rounds).

The 1x row is "today"; the target is every page's warm median at 100x at most 2x its 1x median
measured in the same benchmark run, and validation of the 1000x set under 10 s.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import PYTHON, ROOT, log

FACTORS = (1, 10, 100, 1000)


def _child(folder: str, runs: int) -> dict:
    """Runs in the fresh process (``python -m bench.scale --child FOLDER RUNS``)."""
    from rekodiq.data import TABLES, load_dataset, read_dictionary, read_raw
    from rekodiq.validation import validate_tables

    loads = []
    for _ in range(3):
        t0 = time.perf_counter()
        result = load_dataset(Path(folder))
        loads.append(time.perf_counter() - t0)
    raw = {f"{n}.csv": read_raw(Path(folder) / f"{n}.csv") for n in TABLES}
    t0 = time.perf_counter()
    report = validate_tables(raw, read_dictionary(Path(folder)))
    validate_s = time.perf_counter() - t0
    out = {
        "ok": result.report.ok and report.ok,
        "rows": {n: len(f) for n, f in raw.items()},
        "load_and_validate_s": round(statistics.median(loads), 3),
        "validate_s": round(validate_s, 3),
    }
    from bench import warm

    w = warm.run(runs=runs)
    out["warm_median_ms"] = {n: t["wall"]["median_ms"] for n, t in w["targets"].items()}
    out["script_cpu_median_ms"] = {n: t["script_cpu"]["median_ms"] for n, t in w["targets"].items()}
    out["payload"] = {
        n: {"figure_json_bytes": p["figure_json_bytes"], "rerun_message_bytes": p["rerun_message_bytes"]}
        for n, p in w["payload"].items()
    }
    out["errors"] = w["errors"]
    return out


def run(factors=FACTORS, runs: int = 10, timeout_s: float = 1800.0) -> dict:
    """Every factor in its own process; see the module docstring."""
    from rekodiq.synth import write_scaled

    out: dict = {"factors": {}, "runs": runs}
    with tempfile.TemporaryDirectory(prefix="rekodiq-scale-") as tmp:
        for factor in factors:
            folder = ROOT / "data" if factor == 1 else write_scaled(factor, Path(tmp) / f"x{factor}")
            log(f"scale: {factor}x in {folder}")
            env = {**os.environ, "REKODIQ_DATA_DIR": str(folder)}
            cmd = [PYTHON, "-m", "bench.scale", "--child", str(folder), str(runs)]
            try:
                proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout_s, check=True)
                out["factors"][str(factor)] = json.loads(proc.stdout.strip().splitlines()[-1])
            except (subprocess.SubprocessError, json.JSONDecodeError, IndexError) as exc:
                detail = getattr(exc, "stderr", "") or ""
                out["factors"][str(factor)] = {"error": f"{type(exc).__name__}: {str(exc)[:200]} {detail[-300:]}"}
    base = out["factors"].get("1", {}).get("warm_median_ms", {})
    for entry in out["factors"].values():
        if "warm_median_ms" in entry and base:
            entry["ratio_to_1x"] = {n: round(v / base[n], 2) for n, v in entry["warm_median_ms"].items() if base.get(n)}
    return out


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        import logging

        logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
        logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
        res = _child(sys.argv[2], int(sys.argv[3]))
        print(json.dumps(res))
    else:
        print(json.dumps(run(runs=int(sys.argv[1]) if len(sys.argv) > 1 else 3), indent=2))
