"""The Funding page's scenario controls: pick pending claims, set what-if amounts, keep it in the URL.

The URL (``?scenario=C018,C020&amt=C018:500``) is parsed by ``rekodiq.scenario.parse`` against
the pending claim ids; what it ignored is said in plain text. The widgets are seeded from the URL
whenever it changes (a shared link opens the same scenario, also after a reload) and every change
is written back.
"""

from __future__ import annotations

import streamlit as st

from rekodiq import scenario
from rekodiq.scenario import AMOUNT_PARAM, SCENARIO_PARAM, Scenario
from rekodiq.ui.cache import PageContext, view
from rekodiq.ui.sidebar import sync_url
from rekodiq.views.scenario import listed_choices, pending_choices

K_PICK, K_URL = "scenario_pick", "scenario__url"


def _amount_key(claim_id: str) -> str:
    return f"scenario_amt_{claim_id}"


def _seed(allowed: list[str]) -> None:
    """Copy a changed URL scenario into the widgets (with plain-text notices for what was ignored)."""
    raw = (tuple(st.query_params.get_all(SCENARIO_PARAM)), tuple(st.query_params.get_all(AMOUNT_PARAM)))
    if raw == st.session_state.get(K_URL) and K_PICK in st.session_state:
        return
    parsed, notices = scenario.parse(list(raw[0]), list(raw[1]), allowed)
    st.session_state[K_URL] = raw
    st.session_state[K_PICK] = list(parsed.claim_ids)
    # Only amounts the link sets, and widgets that exist: one key per pending claim (thousands
    # on a grown ledger) would make every widget lookup of every rerun walk them all.
    for claim_id in allowed:
        key, amount = _amount_key(claim_id), parsed.amount_for(claim_id)
        if amount or key in st.session_state:
            st.session_state[key] = amount or 0.0
    if notices:
        st.warning("Part of the scenario in the link was not understood and was left out.")
        st.text("\n".join(notices[:10]))


def _write_url(picked: Scenario) -> None:
    query = scenario.to_query(picked)
    sync_url(SCENARIO_PARAM, query.get(SCENARIO_PARAM, []))
    sync_url(AMOUNT_PARAM, query.get(AMOUNT_PARAM, []))
    st.session_state[K_URL] = (tuple(query.get(SCENARIO_PARAM, [])), tuple(query.get(AMOUNT_PARAM, [])))


def scenario_controls(ctx: PageContext) -> Scenario:
    """The multiselect of pending claims and one what-if amount per picked claim; returns the scenario."""
    labels = view(ctx, pending_choices)  # cached for all sessions: no dataset copy per rerun
    allowed = list(labels)
    _seed(allowed)
    listed = view(ctx, listed_choices)
    offered = set(listed)
    # The largest pending claims, plus any a link picked beyond them (options may change: the
    # widget's identity is its key).
    options = [*listed, *(c for c in st.session_state.get(K_PICK, []) if c not in offered)]
    if len(listed) < len(allowed):
        st.text(f"The list offers the {len(listed):,} largest of {len(allowed):,} pending claims; a shared link may name any.")
    picked = st.multiselect(
        "Pending claims to add (rumoured or expected)",
        options,
        key=K_PICK,
        format_func=labels.get,
        placeholder="e.g. JBIC's expected loan, EDC, the European agencies",
    )
    amounts = []
    columns = st.columns(3) if picked else []
    for i, claim_id in enumerate(picked):
        # The label is literal (labels render Markdown); the claim is named in plain text above it.
        columns[i % 3].text(labels.get(claim_id, claim_id))
        value = columns[i % 3].number_input(
            f"What-if amount {i + 1}, USD M (0 = as reported)",
            min_value=0.0,
            max_value=scenario.MAX_AMOUNT,
            step=50.0,
            key=_amount_key(claim_id),
        )
        if value:
            amounts.append((claim_id, float(value)))
    chosen = Scenario(tuple(picked), tuple(amounts))
    _write_url(chosen)
    return chosen
