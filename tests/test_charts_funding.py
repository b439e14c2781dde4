"""Funding chart builders on small hand-made frames: bar values, stack order, gaps, escaping."""

import pandas as pd
import pytest

from rekodiq import claims
from rekodiq.charts.funding import build_capital_stack, build_disputed_figures, build_funding_by_financier
from rekodiq.text import plotly_safe


def _amounts():
    return pd.DataFrame(
        {
            "financier": ["US EXIM", "IFC", "IFC", "ADB"],
            "status": ["board-approved", "board-approved", "signed", "announced"],
            "amount_usd": [1250.0, 300.0, 400.0, 410.0],
            "n_claims": [1, 1, 1, 2],
            "claim_ids": ["C014", "C002", "C003", "C005;C006"],
            "source_ids": ["S017", "S001", "S003", "S006"],
        }
    )


def test_bars_carry_every_amount_once_per_financier_and_status():
    fig = build_funding_by_financier(_amounts(), stack_by="status", title="Lending by financier")
    bars = [trace for trace in fig.data if trace.type == "bar"]
    drawn = {(y, trace.name): x for trace in bars for x, y in zip(trace.x, trace.y, strict=True)}
    assert drawn == {
        ("US EXIM", "board-approved"): 1250.0,
        ("IFC", "board-approved"): 300.0,
        ("IFC", "signed"): 400.0,
        ("ADB", "announced"): 410.0,
    }
    assert {trace.orientation for trace in bars} == {"h"}
    assert fig.layout.title.text == "Lending by financier"


def test_each_status_has_its_own_pattern_so_colour_is_not_alone():
    fig = build_funding_by_financier(_amounts(), stack_by="status")
    patterns = {trace.name: trace.marker.pattern.shape for trace in fig.data if trace.type == "bar"}
    assert len(patterns) == 3
    assert len(set(patterns.values())) == len(patterns)


def test_empty_amounts_say_so_with_the_escaped_reason():
    fig = build_funding_by_financier(_amounts().iloc[0:0], empty_message="JBIC's loan is <b>only</b> expected")
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "&lt;b&gt;only&lt;/b&gt;" in texts and "<b>" not in texts
    assert not fig.data


def test_capital_stack_bars_add_up_to_debt_target_and_requirement():
    ledger = pd.DataFrame(
        {
            "claim_id": ["C1", "C2", "C3"],
            "instrument": ["senior loan", "loan", "equity"],
            "financier": ["IFC", "US EXIM", "PMPL"],
            "amount_usd": [300.0, 1250.0, 1173.0],
            "counts_in_totals": [True, True, True],
            "source_ids": ["S1", "S2", "S3"],
        }
    )
    stack = claims.capital_stack(ledger, debt_target=3500.0, requirement=7723.0)
    fig = build_capital_stack(stack)
    per_block: dict[str, float] = {}
    for trace in fig.data:
        for value, block in zip(trace.x, trace.y, strict=True):
            per_block[block] = per_block.get(block, 0.0) + value
    assert per_block["Debt"] == pytest.approx(3500.0)
    assert per_block["Equity"] == pytest.approx(7723.0 - 3500.0)
    assert per_block["Requirement"] == pytest.approx(7723.0)
    gaps = [trace for trace in fig.data if "not yet committed" in trace.name]
    assert sorted(round(sum(t.x)) for t in gaps) == sorted([round(7723.0 - 3500.0 - 1173.0), round(3500.0 - 1550.0)])


def test_disputed_figures_mark_the_counted_version_and_escape_labels():
    versions = pd.DataFrame(
        {
            "label": ["US EXIM · loan <i>x</i>"] * 2,
            "amount_usd": [1250.0, 1300.0],
            "amount_usd_high": [None, None],
            "counts_in_totals": [True, False],
            "status": ["board-approved", "announced"],
            "source_label": ["EXIM (A)", "State Dept (A)"],
            "claim_id": ["C014", "C015"],
        }
    )
    fig = build_disputed_figures(versions)
    by_name = {trace.name: list(trace.x) for trace in fig.data if trace.x is not None}
    assert by_name["used in totals"] == [1250.0] and by_name["not used"] == [1300.0]
    assert all("<i>" not in str(y) for trace in fig.data for y in (trace.y or ()))


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("<a href='javascript:x'>EXIM</a>", "&lt;a href=&#x27;javascript:x&#x27;&gt;EXIM&lt;/a&gt;"),
        ("US$5m and $3bn", "US&#36;5m and &#36;3bn"),
        ("50% of %{x}", "50&#37; of &#37;{x}"),
        ('say "hi"', "say &#34;hi&#34;"),
        ("abc\u202egnp.exe", "abcgnp.exe"),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_hover_text_is_escaped(raw, shown):
    assert plotly_safe(raw) == shown


def test_hover_text_is_bounded():
    assert len(plotly_safe("x" * 10_000)) == 300 and plotly_safe("x" * 10_000).endswith("…")
