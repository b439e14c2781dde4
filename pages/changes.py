"""What changed: the changes since a release or a date, one claim's history, and a correction form."""

from urllib.parse import urlencode

import streamlit as st

from rekodiq import changes, corrections, releases, ui, views
from rekodiq.urlstate import SINCE_PARAM, to_query

ctx = ui.page_context()
filters = ctx.filters
index = releases.read_index()

st.title("What changed")
st.text(
    "Each release of the data is kept unchanged, with a changelog. Choose a release (or put ?since=YYYY-MM-DD in the address)\n"
    "to list every change from it to the data shown now, in plain words, with the source of each changed row."
)
ui.active_filters(filters)
st.text("Financier filters keep the changes of matching claims only; status and date filters do not apply here.")

if not index:
    st.info("No release has been cut yet, so there is nothing to compare with.")
    st.stop()

if "changes_since" not in st.session_state:
    asked = st.query_params.get_all(SINCE_PARAM)
    base, notices, understood = changes.resolve_since(asked[-1] if asked else None, index)
    st.session_state["changes_notices"] = notices
    st.session_state["changes_since"] = base
    st.session_state["changes_since_from_url"] = base if asked and understood else None
if st.session_state.get("changes_notices"):
    st.warning("A setting in the link was not understood or had to be adjusted.")
    st.text("\n".join(st.session_state["changes_notices"]))
labels = {r.version: f"{r.version} ({r.date.isoformat()})" for r in index}
base = st.selectbox("Compared with release", list(labels), key="changes_since", format_func=labels.get)
if base != st.session_state.get("changes_since_from_url"):
    ui.sync_url(SINCE_PARAM, [base] if base != changes.default_base(index) else [])

ui.table_block(ctx, "changes", ui.view(ctx, views.changes.since, filters, base))
feed_query = urlencode(to_query(filters), doseq=True)
st.link_button("Atom feed of these changes", "/feed.atom" + (f"?{feed_query}" if feed_query else ""), icon=":material/rss_feed:")

st.header("History of a claim")
claim_ids = ui.view(ctx, views.changes.claim_ids)
claim = st.selectbox("Claim", claim_ids, key="changes_claim")
if claim:
    ui.chart_block(ctx, "claim-history", ui.view(ctx, views.changes.history, claim))

    st.header("Suggest a correction")
    st.text(
        "Prepare a correction record for this claim and send the file to the curators with your source.\n"
        "Nothing is sent from here: the record is a file you download."
    )
    columns = ui.view(ctx, views.changes.correction_fields)
    field = st.selectbox("Field", columns, key="correction_field")
    value = st.text_input("Proposed value", key="correction_value", max_chars=corrections.MAX_CHARS)
    url = st.text_input("Source URL (public)", key="correction_url", max_chars=corrections.MAX_CHARS)
    note = st.text_area("Note", key="correction_note", max_chars=corrections.MAX_CHARS)
    try:
        record = corrections.record(claim, field, value, url, note, claim_ids=claim_ids, columns=columns)
    except ValueError as err:
        st.warning("The correction is not complete yet.")
        st.text(str(err))
    else:
        left, right = st.columns(2)
        name = f"correction-{claim}"
        left.download_button("Correction (CSV)", corrections.to_csv([record]), f"{name}.csv", "text/csv", on_click="ignore")
        right.download_button(
            "Correction (JSON)", corrections.to_json([record]), f"{name}.json", "application/json", on_click="ignore"
        )
