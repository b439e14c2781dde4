"""The error page shown instead of the dashboard when the data fails its checks."""

from __future__ import annotations

import streamlit as st

from rekodiq.ui.blocks import dataframe
from rekodiq.validation import ValidationReport


def render_error_page(report: ValidationReport) -> None:
    """A readable page listing every data failure; no traceback, nothing modified."""
    # The page shell shows the main area once a sidebar sits beside it (rekodiq/web/shell.py).
    st.sidebar.caption("Data checks failed: the pages are hidden until the data is fixed.")
    st.title("The dashboard's data did not pass its checks")
    st.error(
        "The pages are not shown, so that no chart is drawn from data that broke a rule. The files were only read, not changed."
    )
    st.header("Failures")
    dataframe(report.as_frame())
    st.header("Row accounting")
    dataframe(report.accounting())
    st.text("Fix the files in data/ and reload. Each failure names the file, the row (1 = first data row) and the rule.")
