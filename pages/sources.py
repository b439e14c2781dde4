"""Sources and method: every source with its grade, the judgement calls, which figure is used
and why, the status ladder, the method, the data dictionary and the whole-dataset download."""

import streamlit as st

from rekodiq import ui, views

LINK = st.column_config.LinkColumn("link", display_text="open")

ctx = ui.page_context()

st.title("Sources and method")
st.text("Where every figure comes from, how sources are graded, and which figure is used when sources disagree.")
ui.active_filters(ctx.filters, applies="none")
st.caption("This page lists the whole dataset: the sidebar filters do not apply here.")
ui.pdf_brief(ctx, "Sources and method", filtered=False)

# 2/ DATA VERSION AND DOWNLOAD
col_version, col_updated, col_download = st.columns([1, 1, 2], vertical_alignment="center")
col_version.metric("Data version", ctx.version, border=True)
col_updated.metric("Last updated", ctx.last_updated.isoformat(), border=True)
with col_download:
    st.caption("Every CSV file, the data dictionary and the manifest with checksums, in one ZIP file.")
    ui.dataset_download(ctx)

# 3/ SOURCES
st.header("Sources")
st.markdown(
    "Each source is graded for reliability. **A**: primary or official (the lender, the company, a government or a regulator). "
    "**B**: a major news outlet or wire service. **C**: an aggregator, a blog or a copy of unclear standing. "
    "A *mirror* reproduces another publisher's text; the original publisher is named. "
    "Dates are shown at the precision they are known (day, month or year); undated pages have no date."
)
counts = ui.view(ctx, views.sources.source_counts)
col_all, col_a, col_b, col_c, col_mirror = st.columns(5)
col_all.metric("All sources", counts["all"], border=True)
col_a.metric("Grade A sources", counts["A"], border=True, help="Primary or official")
col_b.metric("Grade B sources", counts["B"], border=True, help="Major news outlet or wire service")
col_c.metric("Grade C sources", counts["C"], border=True, help="Aggregator, blog or a copy of unclear standing")
col_mirror.metric("Mirrored pages", counts["mirrors"], border=True, help="Pages that reproduce another publisher's text")
ui.table_block(
    ctx,
    "sources",
    ui.view(ctx, views.sources.sources),
    column_config={
        "url": LINK,
        "title": st.column_config.TextColumn("title", width="large"),
        "is_mirror": st.column_config.CheckboxColumn("mirror"),
        "published": st.column_config.TextColumn("published", help="Blank when the page is undated"),
    },
)

# 4/ WHICH FIGURE IS USED AND WHY
st.header("Which figure is used, and why")
st.markdown(
    "Sources often disagree on an amount, or report a package and its parts separately. Rival versions of the same "
    "commitment share a *claim group*; exactly one version per group counts in totals, and the `selection_note` says why."
)
st.subheader("Judgement calls")
ui.table_block(
    ctx,
    "judgements",
    ui.view(ctx, views.sources.judgements),
    column_config={
        "topic": st.column_config.TextColumn("topic", width="medium"),
        "decision": st.column_config.TextColumn("decision", width="large"),
        "reason": st.column_config.TextColumn("reason", width="large"),
        "alternatives": st.column_config.TextColumn("alternatives", width="large"),
    },
)
st.subheader("Financing claims with more than one version")
ui.table_block(ctx, "claim-versions", ui.view(ctx, views.sources.claim_versions))
st.subheader("Headline figures with more than one version")
ui.table_block(ctx, "kpi-versions", ui.view(ctx, views.sources.kpi_versions))

# 5/ HOW CURRENT THE DATA IS, AND RECORD HEALTH
st.header("How current the data is")
st.text(
    "Every row that states a figure or a date carries last_checked: the day its figure was last verified against its "
    "sources. Each chart and table says the latest status date of the rows it draws and when they were last checked."
)
st.subheader("Checked for this release")
ui.table_block(ctx, "checked-in-release", ui.view(ctx, views.sources.checked_in_release))
st.subheader("Record health")
st.text(
    "Each claim has a record health score from 0 to 100, shown in the claims ledgers with its parts: how many independent "
    "texts report it, the best grade among them, whether an official or primary source is present, and how long ago it "
    "was last checked. A low score does not mean a claim is wrong; it means it rests on less, or older, evidence."
)
ui.table_block(ctx, "health-method", ui.view(ctx, views.sources.health_method))

# 6/ STATUS LADDER
st.header("The status ladder")
st.markdown(
    "Every claim carries the latest status seen, on a ladder from least to most certain: "
    "rumoured < expected < announced < board-approved < signed < disbursed. "
    "Cancelled and not concluded sit off the ladder.\n\n"
    "The **Minimum status** filter keeps claims at or above the chosen step (default: announced). "
    "**Include rumoured and expected claims** lowers the minimum to rumoured. "
    "**Include cancelled and not concluded** adds the lapsed claims back."
)
ui.table_block(
    ctx,
    "status-ladder",
    ui.view(ctx, views.sources.status_ladder),
    column_config={
        "step": st.column_config.TextColumn("step", width="small"),
        "definition": st.column_config.TextColumn("definition", width="large"),
        "filter": st.column_config.TextColumn("filter", width="medium"),
        "shown_by_default": st.column_config.CheckboxColumn("shown by default", width="small"),
    },
)

# 7/ METHOD
st.header("Method")
st.markdown(
    "- **Each row is a claim, not a fact.** A claim is one reported statement (who, how much, what status, when), "
    "with the sources that make it. Every chart and table links back to those sources.\n"
    "- **Versions.** `supersedes` points to the older claim a row replaces; a superseded claim never counts. "
    "`part_of` links a component to its package; either the package or its parts count, never both. "
    "`counts_in_totals` marks the one version of each claim group that is added up.\n"
    "- **Amounts** are in USD millions. `amount_usd` is the figure used (the low end of a range, with the high end in "
    "`amount_usd_high`). Amounts in other currencies are converted only with a rate from a cited source; "
    "`usd_conversion` says how, or why an amount is implied. Claims without a stated amount add nothing to totals.\n"
    "- **Grades** describe the source, not the claim: a C-grade report can be right and an A-grade page can be out of date. "
    "Where grades conflict, the judgement calls above say which figure is used.\n"
    "- **Filters live in the page address**, so a copied link reproduces the view; values in a link are checked "
    "against the data and anything unknown is ignored with a notice.\n"
    "- **Downloads** contain exactly the rows on screen, with their sources, the data version and a permalink."
)

# 8/ DATA FILES
st.header("Data files")
st.subheader("Rows per file")
with st.columns([3, 2])[0]:
    ui.table_block(ctx, "row-counts", ui.view(ctx, views.sources.row_counts))
st.subheader("Data dictionary")
st.text("One row per column of every file: type, unit, allowed values and what it means.")
ui.table_block(
    ctx,
    "data-dictionary",
    ui.view(ctx, views.sources.dictionary),
    column_config={"description": st.column_config.TextColumn("description", width="large")},
)
