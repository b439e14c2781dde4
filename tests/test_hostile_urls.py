"""Hostile query strings on every page, end to end through AppTest (one fresh session per case).

The parser itself is fuzzed with thousands of cases in tests/test_fuzz_urlstate.py. Here a
seeded sample of 20 cases per page (tests/hostile/url_cases.py) goes through the whole app:
every case category at least once (unknown keys, repeated keys, 10 KB values and keys,
HTML/script/Markdown/LaTeX payloads, invalid and out-of-window dates, more than 50 values, junk
in the page keys and in Streamlit's embed keys), plus cases with only valid values. Each case checks:

* no exception element (on the first run or after switching to the page);
* every filter (session_state ``flt_*``) equals the default or the valid subset of the input,
  the page settings (funding: view/stack, peers: host/rd) equal the default or the valid value,
  and the address keeps only the canonical valid filters;
* a notice (st.warning) when anything was ignored, and none when everything was valid;
* no hostile value in any Markdown-rendering element (markdown, caption, title, header,
  subheader, info, warning, error, success, ...); a long value never appears in full even in
  plain st.text (notices quote a short excerpt).

The 140 AppTest sessions run in a pool of worker processes (spawn; one per CPU by default,
``REKODIQ_TEST_WORKERS`` to change it). ``REKODIQ_URL_CASES`` changes the sample per page
(e.g. 200 for the former full sweep).
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import random
import sys
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from hostile import url_runner
from hostile.url_cases import Case, Generator, Options

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "map", "funding", "ownership", "timeline", "peers", "sources", "search", "financier", "claim", "velocity"]
N_CASES = int(os.environ.get("REKODIQ_URL_CASES", 20))
WORKERS = int(os.environ.get("REKODIQ_TEST_WORKERS", os.cpu_count() or 1))
BATCH = 8


def _options() -> Options:
    sys.path.insert(0, str(ROOT))
    from rekodiq.data import DATA_DIR, load_dataset
    from rekodiq.filters import filter_options
    from rekodiq.peer_deals import host_options

    data = load_dataset(DATA_DIR).dataset
    assert data is not None
    o = filter_options(data.financing)
    return Options(
        o.countries, o.lenders, o.lender_types, o.instruments, tuple(host_options(data.financing)), o.date_min, o.date_max
    )


def sample(page_cases: list[Case], n: int, page: str) -> list[Case]:
    """``n`` cases: the first case of each category, then a seeded random pick of the rest."""
    chosen: dict[str, Case] = {}
    for case in page_cases:
        chosen.setdefault(" ".join(case.labels) if len(case.labels) == 1 else "", case)
    picked = [case for label, case in chosen.items() if label][:n]
    rest = [case for case in page_cases if case not in picked]
    picked += random.Random(zlib.crc32(page.encode())).sample(rest, max(0, n - len(picked)))
    return picked


@pytest.fixture(scope="module")
def cases():
    options = _options()
    return {page: sample(Generator(page, options).cases(N_CASES), N_CASES, page) for page in PAGES}


def test_sample_is_seeded_and_covers_every_category(cases):
    options = _options()
    for page, page_cases in cases.items():
        again = sample(Generator(page, options).cases(N_CASES), N_CASES, page)
        assert [c.query for c in again] == [c.query for c in page_cases], f"{page}: cases are not deterministic"
        assert len(page_cases) == N_CASES
        labels = {label for c in page_cases for label in c.labels}
        assert {"multi", "single", "flag", "date", "unknown", "passthrough", "foreign", "bulk", "huge-key", "valid"} <= labels
        assert page not in ("funding", "peers") or "own" in labels
        values = [v for c in page_cases for vs in c.query.values() for v in vs]
        keys = [k for c in page_cases for k in c.query]
        assert any(len(v) >= 10_000 for v in values), "a 10 KB value"
        assert any(len(k) >= 10_000 for k in keys), "a 10 KB key"
        assert any(len(vs) > 50 for c in page_cases for vs in c.query.values()), "more than 50 values"
        assert any(c.notice for c in page_cases) and any(c.strict_quiet for c in page_cases)


@pytest.fixture(scope="module")
def results(cases):
    """Run every page's cases in one process pool (interleaved, so both CPUs stay busy)."""
    ordered = [c for group in zip(*cases.values(), strict=False) for c in group]
    leftovers = [c for page_cases in cases.values() for c in page_cases[min(map(len, cases.values())) :]]
    ordered += leftovers
    batches = [ordered[i : i + BATCH] for i in range(0, len(ordered), BATCH)]
    started = time.perf_counter()
    if WORKERS <= 1:
        url_runner.init_worker()
        out = [r for batch in batches for r in url_runner.run_batch(batch)]
    else:
        with ProcessPoolExecutor(
            WORKERS, mp_context=multiprocessing.get_context("spawn"), initializer=url_runner.init_worker
        ) as pool:
            out = [r for rs in pool.map(url_runner.run_batch, batches) for r in rs]
    wall = time.perf_counter() - started
    by_page = collections.defaultdict(list)
    for r in out:
        by_page[r["page"]].append(r)
    print(f"\nHOSTILE-URL-FIGURES total_cases={len(out)} workers={WORKERS} wall_s={wall:.0f}")
    return by_page


@pytest.mark.parametrize("page", PAGES)
def test_hostile_query_strings_fall_back_safely(results, cases, page):
    page_results = results[page]
    assert len(page_results) == len(cases[page])
    failed = [r for r in page_results if r["problems"]]
    seconds = sum(r["seconds"] for r in page_results)
    print(
        f"HOSTILE-URL-FIGURES page={page} cases={len(page_results)} failed={len(failed)} "
        f"case_s_total={seconds:.0f} case_s_mean={seconds / len(page_results):.2f}"
    )
    by_case = {c.cid: c for c in cases[page]}
    report = []
    for r in failed[:15]:
        query = {k[:40]: [v[:40] for v in vs][:4] for k, vs in by_case[r["cid"]].query.items()}
        report.append(f"{r['cid']} {query}: " + "; ".join(r["problems"][:4]))
    assert not failed, f"{len(failed)} of {len(page_results)} cases failed on {page}:\n" + "\n".join(report)
