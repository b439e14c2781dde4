"""bench/trace_page.py: busy stretches and plots from a CDP profile (a small hand-made profile, no browser)."""

from bench.trace_page import Stretch, busy_stretches, chart_draws, report, script_of

IDLE, PLOTLY, REACT, GC = 1, 2, 3, 4
NODES = [
    {"id": IDLE, "callFrame": {"functionName": "(idle)", "url": ""}},
    {"id": PLOTLY, "callFrame": {"functionName": "plot", "url": "http://h/static/js/PlotlyChart.D9Z0_fxz.js"}},
    {"id": REACT, "callFrame": {"functionName": "Rc", "url": "http://h/static/js/react-dom.Dzbslgj4.js"}},
    {"id": GC, "callFrame": {"functionName": "(garbage collector)", "url": ""}},
]


def _profile(*runs: tuple[int, int]) -> dict:
    """A profile of consecutive (node, ms) runs sampled every 1 ms."""
    samples = [node for node, ms in runs for _ in range(ms)]
    return {"nodes": NODES, "samples": samples, "timeDeltas": [1000] * len(samples)}


def test_script_names_drop_the_content_hash_and_keep_v8_names():
    assert script_of(NODES[1]["callFrame"]) == "PlotlyChart"
    assert script_of(NODES[2]["callFrame"]) == "react-dom"
    assert script_of(NODES[3]["callFrame"]) == "(garbage collector)"


def test_busy_stretches_split_at_idle_samples_and_drop_short_ones():
    profile = _profile((IDLE, 10), (REACT, 30), (IDLE, 5), (PLOTLY, 80), (GC, 20), (IDLE, 5), (REACT, 60))
    stretches = busy_stretches(profile)
    # the 30 ms stretch is shorter than a long task; the last one runs to the end of the profile
    assert [(round(s.start_ms), round(s.length_ms)) for s in stretches] == [(45, 100), (150, 60)]
    assert dict(stretches[0].by_script) == {"PlotlyChart": 80.0, "(garbage collector)": 20.0}
    assert dict(stretches[1].by_script) == {"react-dom": 60.0}


def test_chart_draws_group_plots_per_chart_in_order():
    draws = [{"t": 10, "chart": 0, "width": 700}, {"t": 12, "chart": 1, "width": 400}, {"t": 90, "chart": 0, "width": 890}]
    assert chart_draws(draws) == {0: [(10, 700), (90, 890)], 1: [(12, 400)]}


def test_report_names_the_blocking_part_and_each_plot():
    stretch = Stretch(start_ms=100, length_ms=150)
    stretch.by_script.update({"PlotlyChart": 120.0, "react-dom": 30.0})
    text = report([stretch], {0: [(10, 700), (90, 890)]}, top=1)
    assert "busy   150 ms  (blocking  100): PlotlyChart 120" in text
    assert "react-dom" not in text  # top=1
    assert "sum of the part beyond 50 ms: 100 ms" in text
    assert "chart 0: 2 plots completed: 700 px at 10 ms, 890 px at 90 ms" in text
