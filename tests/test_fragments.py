"""Page-local options live in st.fragment blocks: they still sync the URL and redraw their own block."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.readme import replace_section

ROOT = Path(__file__).resolve().parent.parent


def _funding() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    return at.switch_page("pages/funding.py").run()


def test_funding_option_inside_its_fragment_updates_chart_and_url():
    at = _funding()
    before = json.loads(at.get("plotly_chart")[0].proto.spec)
    at.button_group(key="funding_view").set_value("equity").run()
    assert not at.exception
    after = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert after["layout"]["title"]["text"] == "Equity by shareholder" != before["layout"]["title"]["text"]
    assert at.query_params["view"] in ("equity", ["equity"])
    at.button_group(key="funding_view").set_value("lending").run()
    assert "view" not in at.query_params  # the default leaves the URL


def test_ledger_health_option_syncs_the_url():
    at = _funding()
    at.session_state["funding_tab"] = "Claims ledger"
    at.run()
    at.button_group(key="funding_health").set_value("75").run()
    assert not at.exception
    assert at.query_params["health"] in ("75", ["75"])


def test_readme_performance_section_is_replaced_and_nothing_else():
    readme = "# T\n\nintro\n\n## Performance\n\nold figures\n\n### Sub\n\nold\n\n## After\n\nkept\n"
    out = replace_section(readme, "new table\n")
    assert out == "# T\n\nintro\n\n## Performance\n\nnew table\n\n## After\n\nkept\n"
    assert replace_section("# T\n", "x").endswith("## Performance\n\nx\n")
    # A run's Markdown starts with the heading: rewritten twice, the README still has it once.
    twice = replace_section(replace_section(readme, "## Performance\n\nrun 1\n"), "## Performance\n\nrun 2\n")
    assert twice.count("## Performance") == 1 and "run 2" in twice and "run 1" not in twice
